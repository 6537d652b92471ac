/**
 * A local server that answers like the Plexe inference API (see ../ARCHITECTURE.md, "The service we
 * talk to"), serving the demo models in ./models. One server for three jobs: the demo workspace
 * (embedded in the app's main process), the test double, and the benchmark target. Hence the
 * knobs: keys and permissions, rate limits, batch limits, deployment states and seeded faults.
 *
 * Answer shapes (what clients may rely on):
 * - POST /models/{name}/{version}/infer, POST /predict/{deployment_id}, body: one JSON object →
 *   200 `{request_id, result: {...}, model_id, model_version, processing_time_ms}`.
 * - POST /models/{name}/{version}/predictions, body: JSON array of objects → 200 JSON array, in
 *   input order, of `{"prediction": {...}}` (also header x-request-id).
 * - GET /models?limit&offset&status&sort_by&sort_dir → `{models: [...], pagination: {limit, offset, total, has_more}}`.
 * - GET /models/{name}/{version} (or /models/{name}: latest version) → model details; …/describe → `{name, version, input_schema,
 *   output_schema, performance_metrics, training_info: {feature_importance, ...}}`; …/status → `{status}`.
 * - Every error (except injected 502/504, which are HTML like a gateway's) is
 *   `{error: {code, message, details?}, request_id}`:
 *   400 invalid_input — a row breaks the model's input schema. details:
 *     single row: `{fields: [{field, rule, message}]}`;
 *     batch:      `{rows: {"<0-based row index>": [{field, rule, message}]}, invalid_rows: n, total_rows: m}`
 *     (only the bad rows are listed; rule is one of required | type | min | max | allowed).
 *   400 invalid_request — the body is not JSON, empty, or the wrong kind (object vs array).
 *   401 unauthorized — no key, or an unknown key. 403 forbidden — key not allowed for that model.
 *   404 not_found — unknown model, deployment or route (also /predictions when batchEndpoint is off).
 *   405 method_not_allowed (header Allow). 413 payload_too_large (body over maxBodyBytes) and
 *   413 batch_too_large (more rows than maxBatch; details {max_batch, rows}).
 *   429 rate_limit_exceeded, header Retry-After in whole seconds, details {retry_after_seconds}.
 *   500 prediction_error. 503 deployment_unavailable (model not READY; details {status}).
 *   Injected 503 is service_unavailable.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { DEFAULT_SANDBOX_KEY, resolveConfig } from './config';
import { FaultPicker, writeHostileAnswer, type FaultDecision } from './faults';
import {
  demoModels,
  describeInputSchema,
  describeOutputSchema,
  findModel,
  findModelByDeployment,
  modelKey,
  normalizeModelRef,
  validateInput,
  type DemoModel,
  type FieldProblem,
} from './models';
import { KeyRateLimiter, rateHeaders, type RateRule } from './rate-limit';
import type { DeploymentState, FaultConfig, RunningSandbox, SandboxConfig, SandboxKey, SandboxStats, StartSandboxOptions } from './types';
import { keyTail, RequestLog, type SandboxLogEntry } from './request-log';

export { DEFAULT_SANDBOX_KEY } from './config';
export type { SandboxLogEntry } from './request-log';

export type { DeploymentState, FaultConfig, RunningSandbox, SandboxConfig, SandboxKey, SandboxStats, StartSandboxOptions } from './types';

interface Answer {
  status: number;
  body: string;
  contentType?: string;
  headers?: Record<string, string>;
}

interface Context {
  requestId: string;
  started: number;
  time: number;
  method: string;
  path: string;
  key: string | undefined;
  model: DemoModel | undefined;
  /** Version as the client wrote it in the path (answers echo it). */
  versionAsSent: string | undefined;
  rows: number;
  /** Rate-limit headers for this answer, if the server sends them. */
  rateHeaders?: Record<string, string>;
}

type Route =
  | { kind: 'list' }
  | { kind: 'health' }
  | { kind: 'detail' | 'describe' | 'status' | 'infer' | 'predictions'; name: string; version: string }
  | { kind: 'predict'; deploymentId: string }
  | { kind: 'not_found' }
  | { kind: 'method'; allow: string };

const JSON_TYPE = 'application/json';

function errorAnswer(status: number, code: string, message: string, requestId: string, details?: unknown, headers?: Record<string, string>): Answer {
  const error: Record<string, unknown> = { code, message };
  if (details !== undefined) error.details = details;
  const answer: Answer = { status, body: JSON.stringify({ error, request_id: requestId }) };
  if (headers) answer.headers = headers;
  return answer;
}

function gatewayPage(status: number, title: string): string {
  return `<html>\r\n<head><title>${status} ${title}</title></head>\r\n<body>\r\n<center><h1>${status} ${title}</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n`;
}

function decode(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

function matchRoute(method: string, path: string): Route {
  const trimmed = path.length > 1 && path.endsWith('/') ? path.slice(0, -1) : path;
  const parts = trimmed.split('/');
  // parts[0] is '' (the path starts with '/').
  const want = (m: string, route: Route): Route => (method === m ? route : { kind: 'method', allow: m });
  if (parts[1] === 'health' && parts.length === 2) return want('GET', { kind: 'health' });
  if (parts[1] === 'models') {
    if (parts.length === 2) return want('GET', { kind: 'list' });
    const name = decode(parts[2] ?? '');
    if (name && parts.length === 3) return want('GET', { kind: 'detail', name, version: '' });
    const version = decode(parts[3] ?? '');
    if (!name || !version) return { kind: 'not_found' };
    if (parts.length === 4) return want('GET', { kind: 'detail', name, version });
    if (parts.length === 5) {
      const action = parts[4];
      if (action === 'infer' || action === 'predictions') return want('POST', { kind: action, name, version });
      if (action === 'describe' || action === 'status') return want('GET', { kind: action, name, version });
    }
    return { kind: 'not_found' };
  }
  if (parts[1] === 'predict' && parts.length === 3) {
    const deploymentId = decode(parts[2] ?? '');
    if (!deploymentId) return { kind: 'not_found' };
    return want('POST', { kind: 'predict', deploymentId });
  }
  return { kind: 'not_found' };
}

function latestVersion(name: string): DemoModel | undefined {
  let best: DemoModel | undefined;
  for (const m of demoModels) {
    if (m.name === name && (!best || Number(m.version) > Number(best.version))) best = m;
  }
  return best;
}

function parseQuery(query: string): Map<string, string> {
  const out = new Map<string, string>();
  if (!query) return out;
  for (const [k, v] of new URLSearchParams(query)) out.set(k, v);
  return out;
}

function apiKeyOf(req: IncomingMessage): string | undefined {
  const header = req.headers['x-api-key'];
  const direct = Array.isArray(header) ? header[0] : header;
  if (direct) return direct.trim() || undefined;
  const auth = req.headers.authorization;
  if (auth) {
    const m = /^Bearer\s+(.+)$/i.exec(auth.trim());
    if (m) return m[1]!.trim();
  }
  return undefined;
}

function round3(n: number): number {
  return Math.round(n * 1000) / 1000;
}

function summarizeRowProblems(rows: Record<string, FieldProblem[]>, total: number): string {
  const indexes = Object.keys(rows);
  const shown = indexes.slice(0, 3).map((i) => `row ${i}: ${rows[i]!.map((p) => p.message).join('; ')}`);
  const more = indexes.length > 3 ? `; and ${indexes.length - 3} more rows` : '';
  return `${indexes.length} of ${total} rows are invalid (rows counted from 0): ${shown.join(' | ')}${more}. Fix these rows or send the others without them.`;
}

/** Starts the sandbox and resolves once it accepts connections. */
export async function startSandbox(opts: StartSandboxOptions = {}): Promise<RunningSandbox> {
  let config = resolveConfig(opts.config ?? {});
  const faults = new FaultPicker(config.faults);
  const limiter = new KeyRateLimiter();
  const log = new RequestLog(10000);
  log.setFile(config.requestLogFile);
  const stats: SandboxStats = { requests: 0, byStatus: {}, connections: 0 };
  const timers = new Set<NodeJS.Timeout>();
  const sockets = new Set<Socket>();
  let keyIndex = new Map(config.keys.map((k) => [k.key, k]));
  let allowed = allowedSets(config);
  let closing = false;

  function allowedSets(c: SandboxConfig): Map<string, Set<string> | undefined> {
    return new Map(c.keys.map((k) => [k.key, k.models ? new Set(k.models.map(normalizeModelRef)) : undefined]));
  }

  function stateOf(model: DemoModel): DeploymentState {
    return config.modelStates[modelKey(model.name, model.version)] ?? model.defaultState;
  }

  function record(ctx: Context, status: number, fault: string | undefined): void {
    stats.requests++;
    stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
    const entry: SandboxLogEntry = {
      time: new Date(ctx.time).toISOString(),
      key: keyTail(ctx.key),
      model: ctx.model ? modelKey(ctx.model.name, ctx.model.version) : null,
      status,
      rows: ctx.rows,
      path: ctx.path,
      method: ctx.method,
      request_id: ctx.requestId,
    };
    if (fault) entry.fault = fault;
    log.add(entry);
  }

  function later(ms: number, fn: () => void): void {
    if (ms <= 0) {
      fn();
      return;
    }
    const t = setTimeout(() => {
      timers.delete(t);
      fn();
    }, ms);
    timers.add(t);
  }

  function send(res: ServerResponse, ctx: Context, answer: Answer, decision: FaultDecision | undefined): void {
    const fault = decision?.kind;
    let body = answer.body;
    if (fault === 'truncate') body = body.slice(0, Math.max(1, Math.floor(body.length / 2)));
    const headers: Record<string, string | number> = {
      'content-type': answer.contentType ?? JSON_TYPE,
      'content-length': Buffer.byteLength(body),
      'x-request-id': ctx.requestId,
      ...ctx.rateHeaders,
      ...answer.headers,
    };
    const write = () => {
      record(ctx, answer.status, fault ?? (decision?.slow ? 'slow' : undefined));
      if (res.destroyed || res.writableEnded) return;
      res.writeHead(answer.status, headers);
      res.end(body);
    };
    later(decision ? decision.delayMs : 0, write);
  }

  function authenticate(ctx: Context): Answer | undefined {
    if (!ctx.key) {
      return errorAnswer(401, 'unauthorized', 'No API key was sent. Send your key in the x-api-key header (or as Authorization: Bearer <key>).', ctx.requestId);
    }
    if (!keyIndex.has(ctx.key)) {
      return errorAnswer(401, 'unauthorized', 'The API key sent is not recognised. Check that the key is complete and has not been revoked.', ctx.requestId);
    }
    return undefined;
  }

  function permit(ctx: Context, model: DemoModel): Answer | undefined {
    const set = allowed.get(ctx.key!);
    if (set && !set.has(modelKey(model.name, model.version))) {
      return errorAnswer(
        403,
        'forbidden',
        `This API key is not allowed to use the model "${model.name}" version "${model.version}". Use a key with access to this model.`,
        ctx.requestId,
      );
    }
    return undefined;
  }

  function ruleOf(entry: SandboxKey & { rpm: number }): RateRule {
    const rule: RateRule = { kind: entry.limiter ?? config.rateLimiter, limit: entry.rpm, windowMs: entry.windowMs ?? config.rateWindowMs };
    if (rule.kind === 'token-bucket') rule.burst = entry.burst ?? config.rateBurst;
    return rule;
  }

  function rateLimit(ctx: Context): Answer | undefined {
    const entry = keyIndex.get(ctx.key!);
    if (!entry || entry.rpm === undefined) return undefined;
    const rule = ruleOf({ ...entry, rpm: entry.rpm });
    const verdict = limiter.take(`${ctx.key!}|${rule.kind}|${rule.windowMs}|${rule.burst ?? ''}`, rule, Date.now());
    if (config.rateHeaders !== 'none') ctx.rateHeaders = rateHeaders(config.rateHeaders, rule, verdict);
    if (verdict.ok) return undefined;
    const seconds = verdict.retryAfterSeconds;
    const per = rule.kind === 'token-bucket' ? `${rule.limit} requests per ${rule.windowMs / 1000} seconds (bursts of ${rule.burst})` : `${rule.limit} requests per ${rule.windowMs / 1000} seconds`;
    return errorAnswer(
      429,
      'rate_limit_exceeded',
      `Too many requests: this key may make ${per}. Wait ${seconds} second${seconds === 1 ? '' : 's'} and try again.`,
      ctx.requestId,
      { retry_after_seconds: seconds, limit: rule.limit, window_seconds: rule.windowMs / 1000 },
      { 'retry-after': String(seconds) },
    );
  }

  function notFoundModel(ctx: Context, name: string, version: string): Answer {
    return errorAnswer(404, 'not_found', `There is no model "${name}" version "${version}". Check the model name and version.`, ctx.requestId);
  }

  function modelSummary(model: DemoModel) {
    const status = stateOf(model);
    return {
      model_name: model.name,
      model_version: model.version,
      model_id: model.modelId,
      name: model.displayName,
      intent: model.intent,
      status,
      deployment_status: status === 'READY' ? 'DEPLOYED' : null,
      deployment_id: model.deploymentId,
      created_at: model.createdAt,
      updated_at: model.updatedAt,
    };
  }

  function listModels(ctx: Context, query: Map<string, string>): Answer {
    const intParam = (name: string, def: number, min: number, max: number): number | string => {
      const raw = query.get(name);
      if (raw === undefined || raw === '') return def;
      const n = Number(raw);
      if (!Number.isInteger(n) || n < min || n > max) return `${name} must be a whole number from ${min} to ${max} (got "${raw}")`;
      return n;
    };
    const limit = intParam('limit', 20, 1, 100);
    const offset = intParam('offset', 0, 0, Number.MAX_SAFE_INTEGER);
    if (typeof limit === 'string') return errorAnswer(400, 'invalid_request', limit, ctx.requestId, { field: 'limit' });
    if (typeof offset === 'string') return errorAnswer(400, 'invalid_request', offset, ctx.requestId, { field: 'offset' });
    const statusFilter = query.get('status');
    if (statusFilter !== undefined && !['DRAFT', 'BUILDING', 'READY', 'ERROR'].includes(statusFilter)) {
      return errorAnswer(400, 'invalid_request', `status must be one of DRAFT, BUILDING, READY, ERROR (got "${statusFilter}")`, ctx.requestId, { field: 'status' });
    }
    const sortBy = query.get('sort_by') ?? 'created_at';
    const sortDir = query.get('sort_dir') ?? 'desc';
    if (sortBy !== 'created_at' && sortBy !== 'name') return errorAnswer(400, 'invalid_request', `sort_by must be created_at or name (got "${sortBy}")`, ctx.requestId, { field: 'sort_by' });
    if (sortDir !== 'asc' && sortDir !== 'desc') return errorAnswer(400, 'invalid_request', `sort_dir must be asc or desc (got "${sortDir}")`, ctx.requestId, { field: 'sort_dir' });
    const visible = allowed.get(ctx.key!);
    let models = demoModels.filter((m) => !visible || visible.has(modelKey(m.name, m.version))).map(modelSummary);
    if (statusFilter) models = models.filter((m) => m.status === statusFilter);
    const field = sortBy === 'name' ? 'model_name' : 'created_at';
    models.sort((a, b) => (a[field] < b[field] ? -1 : a[field] > b[field] ? 1 : 0) * (sortDir === 'asc' ? 1 : -1));
    const page = models.slice(offset, offset + limit);
    return {
      status: 200,
      body: JSON.stringify({ models: page, pagination: { total: models.length, limit, offset, has_more: offset + page.length < models.length } }),
    };
  }

  /** The model as it describes itself: in its own style, or the one the config sets for every model. */
  function described(model: DemoModel): DemoModel {
    return config.describeStyle ? { ...model, describeStyle: config.describeStyle } : model;
  }

  function describe(model: DemoModel): Answer {
    return {
      status: 200,
      body: JSON.stringify({
        name: model.name,
        version: model.version,
        model_id: model.modelId,
        description: model.description,
        status: stateOf(model),
        input_schema: describeInputSchema(described(model)),
        output_schema: describeOutputSchema(described(model)),
        performance_metrics: model.performanceMetrics,
        training_info: { ...model.trainingInfo, feature_importance: model.featureImportance },
      }),
    };
  }

  function detail(model: DemoModel, req: IncomingMessage): Answer {
    const host = req.headers.host ?? '127.0.0.1';
    return {
      status: 200,
      body: JSON.stringify({
        ...modelSummary(model),
        description: model.description,
        endpoint: `http://${host}/models/${model.name}/${model.version}/infer`,
        input_schema: describeInputSchema(described(model)),
        output_schema: describeOutputSchema(described(model)),
        metrics: model.performanceMetrics,
      }),
    };
  }

  /** Checks common to the three prediction routes: state, body size, JSON. */
  function readPredictionBody(ctx: Context, model: DemoModel, body: Buffer | undefined, tooLarge: boolean): Answer | { value: unknown } {
    const state = stateOf(model);
    if (state !== 'READY') {
      const why =
        state === 'BUILDING'
          ? 'is still being built'
          : state === 'DRAFT'
            ? 'has not been built or deployed yet'
            : 'failed to build and cannot answer';
      return errorAnswer(503, 'deployment_unavailable', `The model "${model.name}" version "${model.version}" ${why} (status ${state}), so it cannot make predictions now.`, ctx.requestId, {
        status: state,
      });
    }
    if (tooLarge) {
      return errorAnswer(413, 'payload_too_large', `The request body is larger than the ${config.maxBodyBytes} bytes this server accepts. Send fewer rows per request.`, ctx.requestId, {
        max_body_bytes: config.maxBodyBytes,
      });
    }
    if (!body || body.length === 0) {
      return errorAnswer(400, 'invalid_request', 'The request body was empty. Send the input as JSON with Content-Type: application/json.', ctx.requestId);
    }
    try {
      return { value: JSON.parse(body.toString('utf8')) };
    } catch {
      return errorAnswer(400, 'invalid_request', 'The request body is not valid JSON. Send the input as a JSON object (or a JSON array for /predictions).', ctx.requestId);
    }
  }

  function inferOne(ctx: Context, model: DemoModel, input: unknown): Answer {
    if (typeof input !== 'object' || input === null || Array.isArray(input)) {
      const hint = Array.isArray(input) ? ' To send many rows at once use /predictions.' : '';
      return errorAnswer(400, 'invalid_request', `This endpoint takes one row as a JSON object of field values.${hint}`, ctx.requestId);
    }
    ctx.rows = 1;
    const problems = validateInput(model, input);
    if (problems.length > 0) {
      return errorAnswer(400, 'invalid_input', `The input is invalid: ${problems.map((p) => p.message).join('; ')}.`, ctx.requestId, { fields: problems });
    }
    let result: Record<string, unknown>;
    try {
      result = model.predict(input as Record<string, unknown>);
    } catch {
      return errorAnswer(500, 'prediction_error', 'The model could not make a prediction for this input. Try again; if it keeps failing, check the input values.', ctx.requestId);
    }
    const modelVersion = ctx.versionAsSent ?? model.version;
    if (config.answerStyle === 'legacy') {
      return {
        status: 200,
        body: JSON.stringify({ request_id: ctx.requestId, prediction: result, model_name: model.name, model_version: modelVersion, created_at: new Date().toISOString() }),
      };
    }
    return {
      status: 200,
      body: JSON.stringify({
        request_id: ctx.requestId,
        result,
        model_id: model.modelId,
        model_version: modelVersion,
        processing_time_ms: round3(performance.now() - ctx.started),
      }),
    };
  }

  function predictMany(ctx: Context, model: DemoModel, input: unknown): Answer {
    if (!Array.isArray(input)) {
      return errorAnswer(400, 'invalid_request', 'This endpoint takes a JSON array of rows. To send one row use /infer.', ctx.requestId);
    }
    ctx.rows = input.length;
    if (input.length === 0) return errorAnswer(400, 'invalid_request', 'The array of rows is empty. Send at least one row.', ctx.requestId);
    if (input.length > config.maxBatch) {
      return errorAnswer(413, 'batch_too_large', `This batch has ${input.length} rows but at most ${config.maxBatch} are accepted per request. Split it into smaller batches.`, ctx.requestId, {
        max_batch: config.maxBatch,
        rows: input.length,
      });
    }
    const bad: Record<string, FieldProblem[]> = {};
    let badCount = 0;
    for (let i = 0; i < input.length; i++) {
      const problems = validateInput(model, input[i]);
      if (problems.length > 0) {
        bad[String(i)] = problems;
        badCount++;
      }
    }
    if (badCount > 0) {
      return errorAnswer(400, 'invalid_input', summarizeRowProblems(bad, input.length), ctx.requestId, { rows: bad, invalid_rows: badCount, total_rows: input.length });
    }
    const out: { prediction: Record<string, unknown> }[] = new Array(input.length);
    try {
      for (let i = 0; i < input.length; i++) out[i] = { prediction: model.predict(input[i] as Record<string, unknown>) };
    } catch {
      return errorAnswer(500, 'prediction_error', 'The model could not make predictions for this batch. Try again.', ctx.requestId);
    }
    return { status: 200, body: JSON.stringify(out) };
  }

  function handle(ctx: Context, route: Route, req: IncomingMessage, query: Map<string, string>, body: Buffer | undefined, tooLarge: boolean): Answer {
    switch (route.kind) {
      case 'not_found':
        return errorAnswer(404, 'not_found', `There is nothing at ${ctx.method} ${ctx.path}. Check the address.`, ctx.requestId);
      case 'method':
        return errorAnswer(405, 'method_not_allowed', `${ctx.path} does not accept ${ctx.method}; use ${route.allow}.`, ctx.requestId, undefined, { allow: route.allow });
      case 'health':
        return { status: 200, body: JSON.stringify({ status: 'ok', sandbox: true }) };
      default:
        break;
    }
    const authProblem = authenticate(ctx);
    if (authProblem) return authProblem;
    if (route.kind === 'list') return rateLimit(ctx) ?? listModels(ctx, query);

    let model: DemoModel | undefined;
    if (route.kind === 'predict') {
      model = findModelByDeployment(route.deploymentId);
      if (!model) return errorAnswer(404, 'not_found', `There is no deployment "${route.deploymentId}". Check the deployment ID.`, ctx.requestId);
    } else {
      if (route.kind === 'predictions' && !config.batchEndpoint) return errorAnswer(404, 'not_found', `There is nothing at ${ctx.method} ${ctx.path}. Check the address.`, ctx.requestId);
      // GET /models/{name} (no version) is the documented "get model": the latest version.
      model = route.version === '' ? latestVersion(route.name) : findModel(route.name, route.version);
      if (!model) {
        return route.version === ''
          ? errorAnswer(404, 'not_found', `There is no model "${route.name}". Check the model name.`, ctx.requestId)
          : notFoundModel(ctx, route.name, route.version);
      }
      if (route.version !== '') ctx.versionAsSent = route.version;
    }
    ctx.model = model;
    const denied = permit(ctx, model) ?? rateLimit(ctx);
    if (denied) return denied;

    switch (route.kind) {
      case 'detail':
        return detail(model, req);
      case 'describe':
        return describe(model);
      case 'status':
        return { status: 200, body: JSON.stringify({ status: stateOf(model), model_name: model.name, model_version: model.version, deployment_id: model.deploymentId }) };
      case 'infer':
      case 'predict':
      case 'predictions': {
        const parsed = readPredictionBody(ctx, model, body, tooLarge);
        if ('status' in parsed) return parsed;
        return route.kind === 'predictions' ? predictMany(ctx, model, parsed.value) : inferOne(ctx, model, parsed.value);
      }
    }
  }

  function injectedAnswer(ctx: Context, decision: FaultDecision): Answer | undefined {
    switch (decision.kind) {
      case '429': {
        const seconds = Math.ceil(faults.current.retryAfterSeconds);
        // An HTTP date has whole-second precision, so round up to the next second to never under-state the wait.
        const header = faults.current.retryAfterAsDate ? new Date((Math.floor(Date.now() / 1000) + seconds + 1) * 1000).toUTCString() : String(seconds);
        return errorAnswer(429, 'rate_limit_exceeded', `Too many requests. Wait ${seconds} seconds and try again.`, ctx.requestId, { retry_after_seconds: seconds }, { 'retry-after': header });
      }
      case '500':
        return errorAnswer(500, 'prediction_error', 'The model failed while making the prediction. Try again.', ctx.requestId);
      case '502':
        return { status: 502, body: gatewayPage(502, 'Bad Gateway'), contentType: 'text/html' };
      case '503':
        return errorAnswer(503, 'service_unavailable', 'The service is temporarily unavailable. Try again shortly.', ctx.requestId);
      case '504':
        return { status: 504, body: gatewayPage(504, 'Gateway Time-out'), contentType: 'text/html' };
      default:
        return undefined;
    }
  }

  /**
   * For requests a fault answers before the model sees them, still log which model and how many
   * rows the client sent, so tests and benchmarks can account for every row sent, retries included.
   */
  function describeUnhandled(ctx: Context, route: Route, chunks: Buffer[], tooLarge: boolean): void {
    if ('name' in route) ctx.model = findModel(route.name, route.version);
    else if (route.kind === 'predict') ctx.model = findModelByDeployment(route.deploymentId);
    if (tooLarge || chunks.length === 0 || !(route.kind === 'infer' || route.kind === 'predict' || route.kind === 'predictions')) return;
    try {
      const value: unknown = JSON.parse(Buffer.concat(chunks).toString('utf8'));
      ctx.rows = Array.isArray(value) ? value.length : typeof value === 'object' && value !== null ? 1 : 0;
    } catch {
      ctx.rows = 0;
    }
  }

  function onRequest(req: IncomingMessage, res: ServerResponse): void {
    const started = performance.now();
    const url = req.url ?? '/';
    const q = url.indexOf('?');
    const path = q < 0 ? url : url.slice(0, q);
    const method = req.method ?? 'GET';
    const ctx: Context = {
      requestId: `req_${randomUUID()}`,
      started,
      time: Date.now(),
      method,
      path,
      key: apiKeyOf(req),
      model: undefined,
      versionAsSent: undefined,
      rows: 0,
    };
    const route = matchRoute(method, path);
    // Faults hit every API route, as a gateway in front of the service would; decided on arrival
    // so the same seed and order of requests give the same faults.
    const decision = route.kind !== 'not_found' && route.kind !== 'health' && !faults.inactive ? faults.next() : undefined;

    const chunks: Buffer[] = [];
    let size = 0;
    let tooLarge = false;
    const limit = config.maxBodyBytes;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) tooLarge = true;
      if (!tooLarge) chunks.push(chunk);
    });
    req.on('end', () => {
      if (closing) return;
      if (decision?.kind && decision.kind !== 'truncate') describeUnhandled(ctx, route, chunks, tooLarge);
      const hostile = faults.current.hostile;
      if (hostile && (route.kind === 'infer' || route.kind === 'predict' || route.kind === 'predictions')) {
        describeUnhandled(ctx, route, chunks, tooLarge);
        record(ctx, hostile.startsWith('redirect') ? (hostile === 'redirect-port' ? 307 : 308) : hostile.startsWith('retry') ? 429 : hostile === 'echo-key' ? 400 : 200, `hostile:${hostile}`);
        writeHostileAnswer(hostile, res, { key: ctx.key, path, host: req.headers.host ?? '', port: (req.socket.localPort ?? 0), requestId: ctx.requestId }, faults.current);
        return;
      }
      if (decision?.kind === 'drop') {
        record(ctx, 0, 'drop');
        req.socket.destroy();
        return;
      }
      const injected = decision ? injectedAnswer(ctx, decision) : undefined;
      if (injected) {
        send(res, ctx, injected, decision);
        return;
      }
      const body = chunks.length === 0 ? undefined : chunks.length === 1 ? chunks[0] : Buffer.concat(chunks);
      let answer: Answer;
      try {
        answer = handle(ctx, route, req, parseQuery(q < 0 ? '' : url.slice(q + 1)), body, tooLarge);
      } catch {
        answer = errorAnswer(500, 'internal_error', 'The sandbox failed unexpectedly while answering. Try again.', ctx.requestId);
      }
      send(res, ctx, answer, decision);
    });
    req.on('error', () => {
      /* client went away mid-request; nothing to answer */
    });
  }

  const server = createServer({ keepAliveTimeout: 60_000 }, onRequest);
  server.headersTimeout = 65_000;
  server.on('connection', (socket: Socket) => {
    stats.connections++;
    sockets.add(socket);
    socket.setNoDelay(true);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('clientError', (_err, socket) => {
    if (socket.writable) socket.end('HTTP/1.1 400 Bad Request\r\nContent-Type: application/json\r\nConnection: close\r\n\r\n{"error":{"code":"invalid_request","message":"The request could not be read as HTTP."}}');
    else socket.destroy();
  });

  const host = opts.host ?? '127.0.0.1';
  return new Promise<RunningSandbox>((resolve, reject) => {
    const onError = (e: Error) => {
      void log.closeFile();
      reject(e);
    };
    server.once('error', onError);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', onError);
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : (opts.port ?? 0);
      const urlHost = host.includes(':') ? `[${host}]` : host;
      const running: RunningSandbox = {
        url: `http://${urlHost}:${port}`,
        port,
        key: config.keys[0]?.key ?? DEFAULT_SANDBOX_KEY,
        close: () =>
          new Promise<void>((done) => {
            if (closing) {
              done();
              return;
            }
            closing = true;
            for (const t of timers) clearTimeout(t);
            timers.clear();
            server.close(() => {
              void log.closeFile().then(done);
            });
            for (const s of sockets) s.destroy();
          }),
        setFaults: (f) => {
          const merged = resolveConfig({ faults: f }, config);
          config = merged;
          faults.update(f);
        },
        setModelState: (model, state) => {
          config = resolveConfig({ modelStates: { [model]: state } }, config);
        },
        setConfig: (patch) => {
          const before = config.requestLogFile;
          config = resolveConfig(patch, config);
          // Plain JS callers may slip faults in here too; keep the picker in step with the config.
          const faultPatch = (patch as { faults?: Partial<FaultConfig> }).faults;
          if (faultPatch) faults.update(faultPatch);
          keyIndex = new Map(config.keys.map((k) => [k.key, k]));
          allowed = allowedSets(config);
          if (config.requestLogFile !== before) log.setFile(config.requestLogFile);
        },
        requestLog: () => log.entries(),
        clearRequestLog: () => log.clear(),
        stats: () => ({ requests: stats.requests, byStatus: { ...stats.byStatus }, connections: stats.connections }),
        resetRateLimits: () => limiter.reset(),
        config: () => structuredClone(config),
      };
      resolve(running);
    });
  });
}
