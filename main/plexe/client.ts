import type { ModelRef } from '../../shared/domain/model';
import type { PlexeErrorInfo } from '../../shared/domain/plexe-error';
import { knownSecrets } from '../logging/redact';
import { AnswerTooLarge, DEFAULT_MAX_ANSWER_BYTES, MAX_ANSWER_DEPTH, nestedDeeperThan, readCapped, scrubSecrets, type SecretScrubber } from './answer-body';
import {
  PlexeError,
  answerTooDeepError,
  answerTooLargeError,
  badResponseError,
  cancelledError,
  isCancelledRedirect,
  mapHttpFailure,
  mapTransportFailure,
  parseRetryAfter,
  redirectError,
  timeoutError,
} from './errors';
import { clampTimerMs } from '../engine/clock';
import { silentLogger, type Logger } from '../log';
import { parseRateLimitHeaders, type RateLimitInfo } from './rate-limit-headers';
import { legacyPredictPath, modelPath } from './urls';

/**
 * Plexe's inference API over HTTP: one request per method, no retries (the engine decides those),
 * every answer shape accepted and every failure turned into a PlexeError. `fetch` is Node's in
 * tests and the CLI (undici keeps connections alive) and Electron's net.fetch in the app.
 */

export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface PlexeTarget {
  baseUrl: string;
  apiKey: string;
}

export interface CallOptions {
  signal?: AbortSignal;
  /** Per-request limit, covering the answer's body too. */
  timeoutMs?: number;
  /** Largest answer body read; past it the connection is dropped (default 16 MB). */
  maxAnswerBytes?: number;
}

export interface InferAnswer {
  result: Record<string, unknown>;
  requestId: string | null;
  modelId: string | null;
  modelVersion: string | null;
  processingTimeMs: number | null;
  createdAt: string | null;
  raw: unknown;
  roundTripMs: number;
  httpStatus: number;
  /** The answer's rate-limit headers, if any (the engine paces by them). */
  rateLimit: RateLimitInfo | null;
}

export interface BatchItem {
  result: Record<string, unknown> | null;
  /** A per-row error inside a 2xx batch answer, when the deployment reports them that way. */
  error: PlexeErrorInfo | null;
  processingTimeMs: number | null;
}

export interface BatchAnswer {
  items: BatchItem[];
  requestId: string | null;
  raw: unknown;
  roundTripMs: number;
  httpStatus: number;
  rateLimit: RateLimitInfo | null;
}

export interface RemoteModelInfo {
  name: string;
  version: string;
  status: string | null;
  description: string | null;
}

export interface ModelListAnswer {
  models: RemoteModelInfo[];
  hasMore: boolean;
  total: number | null;
  requestId: string | null;
}

export interface DescribeAnswer {
  inputSchema: unknown;
  outputSchema: unknown;
  performanceMetrics: Record<string, number> | null;
  featureImportance: Record<string, number> | null;
  description: string | null;
  raw: unknown;
}

export interface StatusAnswer {
  status: string;
  raw: unknown;
}

export interface PlexeClientDeps {
  fetch: FetchLike;
  logger?: Logger;
  /** Default per-request time limit. */
  timeoutMs?: number;
  now?: () => number;
  userAgent?: string;
  /** Secrets removed from every answer before it is parsed (default: the key store's registry). */
  secrets?: SecretScrubber;
}

interface Raw {
  status: number;
  body: unknown;
  requestId: string | null;
  roundTripMs: number;
  rateLimit: RateLimitInfo | null;
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const str = (v: unknown): string | null => (typeof v === 'string' && v !== '' ? v : typeof v === 'number' ? String(v) : null);
const num = (v: unknown): number | null => (typeof v === 'number' && Number.isFinite(v) ? v : null);

function numberMap(v: unknown): Record<string, number> | null {
  if (!isObject(v)) return null;
  const out: Record<string, number> = {};
  for (const [k, x] of Object.entries(v)) if (typeof x === 'number' && Number.isFinite(x)) out[k] = x;
  return out;
}

/** `result` or `prediction`; a bare value is wrapped so there is always an object to show. */
function resultOf(body: Record<string, unknown>): Record<string, unknown> | null {
  for (const key of ['result', 'prediction', 'predictions', 'output']) {
    if (!(key in body)) continue;
    let v = body[key];
    if (Array.isArray(v) && key === 'predictions' && v.length === 1) v = v[0];
    if (isObject(v)) return v;
    if (v !== undefined && v !== null && !Array.isArray(v)) return { [key === 'result' ? 'result' : 'prediction']: v };
  }
  return null;
}

export class PlexeClient {
  private readonly fetchFn: FetchLike;
  private readonly logger: Logger;
  private readonly defaultTimeoutMs: number;
  private readonly now: () => number;
  private readonly userAgent: string | undefined;
  private readonly secrets: SecretScrubber;

  constructor(deps: PlexeClientDeps) {
    this.fetchFn = deps.fetch;
    this.logger = deps.logger ?? silentLogger;
    this.defaultTimeoutMs = deps.timeoutMs ?? 30_000;
    this.now = deps.now ?? Date.now;
    this.userAgent = deps.userAgent;
    this.secrets = deps.secrets ?? knownSecrets;
  }

  async infer(target: PlexeTarget, ref: ModelRef, input: Record<string, unknown>, opts: CallOptions = {}): Promise<InferAnswer> {
    const path = ref.kind === 'model' ? modelPath(ref, 'infer') : legacyPredictPath(ref.deploymentId);
    const raw = await this.request(target, 'POST', path, input, opts);
    const body = raw.body;
    if (!isObject(body)) throw badResponseError('expected a JSON object', raw.status, raw.requestId);
    const result = resultOf(body);
    if (!result) throw badResponseError('no "result" or "prediction" in the answer', raw.status, raw.requestId);
    return {
      result,
      requestId: str(body.request_id) ?? raw.requestId,
      modelId: str(body.model_id) ?? str(body.model_name),
      modelVersion: str(body.model_version),
      processingTimeMs: num(body.processing_time_ms),
      createdAt: str(body.created_at),
      raw: body,
      roundTripMs: raw.roundTripMs,
      httpStatus: raw.status,
      rateLimit: raw.rateLimit,
    };
  }

  /** Many rows in one call; the answer is in input order. */
  async predictions(target: PlexeTarget, ref: Extract<ModelRef, { kind: 'model' }>, inputs: readonly Record<string, unknown>[], opts: CallOptions = {}): Promise<BatchAnswer> {
    const raw = await this.request(target, 'POST', modelPath(ref, 'predictions'), inputs, opts);
    let list: unknown = raw.body;
    let requestId = raw.requestId;
    if (isObject(list)) {
      requestId = str(list.request_id) ?? requestId;
      list = list.predictions ?? list.results ?? list.data;
    }
    if (!Array.isArray(list)) throw badResponseError('expected a list of predictions', raw.status, requestId);
    if (list.length !== inputs.length) {
      throw badResponseError(`${inputs.length} rows were sent but ${list.length} answers came back`, raw.status, requestId);
    }
    const items = list.map((entry): BatchItem => {
      if (!isObject(entry)) return { result: entry === null || entry === undefined ? null : { prediction: entry }, error: null, processingTimeMs: null };
      if (isObject(entry.error)) {
        const e = entry.error;
        const info = mapHttpFailure({
          status: num(e.status) ?? 400,
          apiCode: str(e.code),
          apiMessage: str(e.message),
          details: e.details ?? null,
          requestId,
          retryAfterSeconds: null,
          html: false,
        }).info;
        return { result: null, error: info, processingTimeMs: null };
      }
      const result = resultOf(entry) ?? entry;
      return { result, error: null, processingTimeMs: num(entry.processing_time_ms) };
    });
    for (const [i, item] of items.entries()) {
      if (item.result === null && item.error === null) throw badResponseError(`the answer for row ${i + 1} is empty`, raw.status, requestId);
    }
    return { items, requestId, raw: raw.body, roundTripMs: raw.roundTripMs, httpStatus: raw.status, rateLimit: raw.rateLimit };
  }

  async listModels(target: PlexeTarget, page: { limit?: number; offset?: number } = {}, opts: CallOptions = {}): Promise<ModelListAnswer> {
    const q = new URLSearchParams();
    if (page.limit !== undefined) q.set('limit', String(page.limit));
    if (page.offset !== undefined) q.set('offset', String(page.offset));
    const raw = await this.request(target, 'GET', `/models${q.size > 0 ? `?${q}` : ''}`, undefined, opts);
    const body = raw.body;
    const list = Array.isArray(body) ? body : isObject(body) ? (body.models ?? body.data ?? body.items) : undefined;
    if (!Array.isArray(list)) throw badResponseError('expected a list of models', raw.status, raw.requestId);
    const models: RemoteModelInfo[] = [];
    for (const m of list) {
      if (!isObject(m)) continue;
      const name = str(m.model_name) ?? str(m.name) ?? str(m.model_id);
      if (!name) continue;
      models.push({
        name,
        version: str(m.model_version) ?? str(m.version) ?? '1',
        status: str(m.status),
        description: str(m.description) ?? str(m.intent),
      });
    }
    const pagination = isObject(body) && isObject(body.pagination) ? body.pagination : isObject(body) ? body : {};
    const total = num(pagination.total);
    const hasMore =
      typeof pagination.has_more === 'boolean'
        ? pagination.has_more
        : total !== null
          ? (page.offset ?? 0) + models.length < total
          : false;
    return { models, hasMore, total, requestId: raw.requestId };
  }

  async describe(target: PlexeTarget, ref: Extract<ModelRef, { kind: 'model' }>, opts: CallOptions = {}): Promise<DescribeAnswer> {
    const raw = await this.request(target, 'GET', modelPath(ref, 'describe'), undefined, opts);
    const body = raw.body;
    if (!isObject(body)) throw badResponseError('expected a JSON object', raw.status, raw.requestId);
    return {
      inputSchema: body.input_schema ?? body.inputSchema ?? null,
      outputSchema: body.output_schema ?? body.outputSchema ?? null,
      performanceMetrics: numberMap(body.performance_metrics ?? body.metrics),
      featureImportance: numberMap(body.feature_importance),
      description: str(body.description) ?? str(body.intent),
      raw: body,
    };
  }

  async status(target: PlexeTarget, ref: Extract<ModelRef, { kind: 'model' }>, opts: CallOptions = {}): Promise<StatusAnswer> {
    const raw = await this.request(target, 'GET', modelPath(ref, 'status'), undefined, opts);
    const body = raw.body;
    const status = isObject(body) ? (str(body.status) ?? str(body.state)) : str(body);
    if (!status) throw badResponseError('no "status" in the answer', raw.status, raw.requestId);
    return { status: status.toUpperCase(), raw: body };
  }

  private async request(target: PlexeTarget, method: 'GET' | 'POST', path: string, body: unknown, opts: CallOptions): Promise<Raw> {
    const url = `${target.baseUrl.replace(/\/+$/, '')}${path}`;
    const timeoutMs = opts.timeoutMs ?? this.defaultTimeoutMs;
    const caller = opts.signal;
    if (caller?.aborted) throw cancelledError();
    // One controller per request, aborted by the time limit or by the caller's signal (cheaper
    // than AbortSignal.timeout + AbortSignal.any, which matters at thousands of requests/s).
    const controller = new AbortController();
    const signal = controller.signal;
    let timedOut = false;
    const timer = setTimeout(
      () => {
        timedOut = true;
        controller.abort(new DOMException('The request timed out.', 'TimeoutError'));
      },
      clampTimerMs(timeoutMs),
    );
    timer.unref?.();
    const onCallerAbort = () => controller.abort(caller!.reason);
    caller?.addEventListener('abort', onCallerAbort, { once: true });
    try {
      const drop = () => controller.abort(new DOMException('The answer was too large.', 'AbortError'));
      return await this.send(target, method, path, url, body, { timeoutMs, maxAnswerBytes: opts.maxAnswerBytes ?? DEFAULT_MAX_ANSWER_BYTES, drop }, caller, signal, () => timedOut);
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onCallerAbort);
    }
  }

  private async send(
    target: PlexeTarget,
    method: 'GET' | 'POST',
    path: string,
    url: string,
    body: unknown,
    limits: { timeoutMs: number; maxAnswerBytes: number; drop: () => void },
    caller: AbortSignal | undefined,
    signal: AbortSignal,
    timedOut: () => boolean,
  ): Promise<Raw> {
    const headers: Record<string, string> = { accept: 'application/json', 'x-api-key': target.apiKey };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (this.userAgent) headers['user-agent'] = this.userAgent;
    const timeoutMs = limits.timeoutMs;
    const started = this.now();
    let res: Response;
    try {
      // Never follow a redirect: it would carry the key to wherever the server points.
      res = await this.fetchFn(url, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal, redirect: 'manual' });
    } catch (e) {
      const failed = caller?.aborted
        ? cancelledError()
        : timedOut()
          ? timeoutError(timeoutMs)
          : isCancelledRedirect(e)
            ? redirectError(null, null, null)
            : mapTransportFailure(e, hostOf(url));
      if (failed.info.code !== 'cancelled') this.logger.warn('plexe request failed', { method, path, code: failed.info.code });
      throw failed;
    }
    let requestId = res.headers.get('x-request-id');
    // A 3xx, a transport that followed one anyway, or an opaque redirect answer (status 0: fetch
    // implementations that hide the 3xx under redirect: 'manual').
    if ((res.status >= 300 && res.status < 400) || res.redirected || res.type === 'opaqueredirect' || res.status === 0) {
      limits.drop();
      const location = res.headers.get('location') ?? (res.redirected ? res.url : null);
      const failed = redirectError(res.status, location === null ? null : scrubSecrets(location, target.apiKey, this.secrets), requestId);
      this.logger.warn('plexe redirect refused', { method, path, status: res.status, requestId });
      throw failed;
    }
    let text = '';
    try {
      text = await readCapped(res, limits.maxAnswerBytes, limits.drop);
    } catch (e) {
      if (e instanceof AnswerTooLarge) {
        this.logger.warn('plexe answer too large', { method, path, status: res.status, requestId, limit: e.limitBytes });
        throw answerTooLargeError(e.limitBytes, res.status, requestId);
      }
      if (caller?.aborted) throw cancelledError();
      if (timedOut()) throw timeoutError(timeoutMs);
      // A body that broke off half-way: for a 2xx it is "unreadable" (retryable); for an error status, the status says enough.
      if (res.ok) {
        this.logger.warn('plexe answer cut off', { method, path, status: res.status, requestId });
        throw badResponseError('the connection closed in the middle of the answer', res.status, requestId);
      }
    }
    // Whatever the server echoed back (the key in an error's details, say) goes no further.
    text = scrubSecrets(text, target.apiKey, this.secrets);
    const roundTripMs = this.now() - started;
    const rateLimit = parseRateLimitHeaders(res.headers, this.now());
    const contentType = res.headers.get('content-type') ?? '';
    const trimmed = text.trimStart();
    const html = contentType.includes('html') || trimmed.startsWith('<');
    let parsed: unknown = undefined;
    let parsedOk = false;
    if (!html && trimmed !== '') {
      if (nestedDeeperThan(text, MAX_ANSWER_DEPTH)) {
        this.logger.warn('plexe answer nested too deeply', { method, path, status: res.status, requestId });
        throw answerTooDeepError(res.status, requestId);
      }
      try {
        parsed = JSON.parse(text);
        parsedOk = true;
      } catch {
        parsedOk = false;
      }
    }
    if (isObject(parsed)) requestId = str(parsed.request_id) ?? requestId;
    if (res.status >= 200 && res.status < 300) {
      if (!parsedOk) {
        const failed = badResponseError(html ? 'a web page came back instead of data' : trimmed === '' ? 'the answer was empty' : 'the answer was cut off or is not JSON', res.status, requestId);
        this.logger.warn('plexe answer unreadable', { method, path, status: res.status, requestId });
        throw failed;
      }
      this.logger.info('plexe request', { method, path, status: res.status, requestId, ms: roundTripMs });
      return { status: res.status, body: parsed, requestId, roundTripMs, rateLimit };
    }
    const envelope = isObject(parsed) ? parsed : {};
    const errObj = isObject(envelope.error) ? envelope.error : isObject(envelope.detail) ? envelope.detail : envelope;
    const apiMessage = str(errObj.message) ?? (typeof envelope.error === 'string' ? envelope.error : null) ?? (typeof envelope.detail === 'string' ? envelope.detail : null);
    const failed = mapHttpFailure({
      status: res.status,
      apiCode: str(errObj.code) ?? (typeof envelope.code === 'string' ? envelope.code : null),
      apiMessage,
      details: errObj.details ?? (Array.isArray(envelope.detail) ? envelope.detail : null),
      requestId,
      retryAfterSeconds: parseRetryAfter(res.headers.get('retry-after'), this.now()),
      html,
    });
    failed.rateLimit = rateLimit;
    this.logger.warn('plexe request refused', { method, path, status: res.status, code: failed.info.code, requestId, ms: roundTripMs });
    throw failed;
  }
}

function hostOf(url: string): string {
  try {
    return new URL(url).host;
  } catch {
    return 'the server';
  }
}

export { PlexeError };
