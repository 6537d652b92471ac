import type { ServerResponse } from 'node:http';
import { seededRandom as createRng, type Rng } from '../shared/seeded-random';
import { HOSTILE_MODES, type FaultConfig, type HostileMode } from './types';

export { HOSTILE_MODES, type HostileMode };

/**
 * Answers a hostile server gives every prediction request (infer, predict, predictions) while the
 * mode is on; model lists, describe and status answer normally so the app can still be set up.
 * - redirect-port: 307 to the same host on another port (a key-stealing second listener).
 * - redirect-http: 308 to an http:// address (the https → http downgrade).
 * - huge-body / huge-body-chunked: a 200 of `hugeBodyBytes`, with or without Content-Length.
 * - retry-after-seconds / retry-after-date: 429 with Retry-After 1,000,000,000 s or a year-9999 date.
 * - echo-key: 400 whose message and details echo the key the client sent.
 * - deep-nesting: a 200 whose result is nested 100,000 levels deep.
 * (The modes are listed in types.ts, HOSTILE_MODES.)
 */
export const HUGE_RETRY_AFTER_SECONDS = 1_000_000_000;
export const FAR_RETRY_AFTER_DATE = 'Fri, 31 Dec 9999 23:59:59 GMT';
export const DEEP_NESTING_LEVELS = 100_000;

/** The fault settings (see FaultConfig in types.ts). */
export type FaultSettings = FaultConfig;

export const defaultFaults: FaultSettings = {
  seed: 1,
  p429: 0,
  p500: 0,
  p502: 0,
  p503: 0,
  p504: 0,
  pDrop: 0,
  pTruncate: 0,
  pSlow: 0,
  slowMs: 30000,
  latencyMs: 0,
  latencyJitterMs: 0,
  retryAfterSeconds: 1,
  retryAfterAsDate: false,
  hostile: null,
  hugeBodyBytes: 300 * 1024 * 1024,
};

export type FaultKind = 'drop' | 'truncate' | '429' | '500' | '502' | '503' | '504';

export interface FaultDecision {
  /** undefined: answer normally. */
  kind: FaultKind | undefined;
  /** Milliseconds to hold the answer back (latency, jitter and a slow answer together). */
  delayMs: number;
  slow: boolean;
}

const order: readonly [FaultKind, 'pDrop' | 'pTruncate' | 'p429' | 'p500' | 'p502' | 'p503' | 'p504'][] = [
  ['drop', 'pDrop'],
  ['truncate', 'pTruncate'],
  ['429', 'p429'],
  ['500', 'p500'],
  ['502', 'p502'],
  ['503', 'p503'],
  ['504', 'p504'],
];

/**
 * Decides, request by request, which fault (if any) to inject. Each request takes exactly three
 * draws from the seeded generator whatever the settings, so the same seed and the same order of
 * requests give the same faults.
 */
export class FaultPicker {
  private settings: FaultSettings;
  private rng: Rng;

  constructor(settings: Partial<FaultSettings> = {}) {
    this.settings = { ...defaultFaults, ...settings };
    this.rng = createRng(this.settings.seed);
  }

  get current(): FaultSettings {
    return this.settings;
  }

  /** Changing the seed restarts the sequence; changing anything else keeps it going. */
  update(patch: Partial<FaultSettings>): void {
    const reseed = patch.seed !== undefined;
    this.settings = { ...this.settings, ...patch };
    if (reseed) this.rng = createRng(this.settings.seed);
  }

  /** True when no fault or delay can happen, so the server can skip the bookkeeping. */
  get inactive(): boolean {
    const s = this.settings;
    return s.p429 + s.p500 + s.p502 + s.p503 + s.p504 + s.pDrop + s.pTruncate + s.pSlow === 0 && s.latencyMs === 0 && s.latencyJitterMs === 0;
  }

  next(): FaultDecision {
    const s = this.settings;
    const pick = this.rng();
    const slowDraw = this.rng();
    const jitterDraw = this.rng();
    let kind: FaultKind | undefined;
    let edge = 0;
    for (const [k, p] of order) {
      edge += s[p];
      if (pick < edge) {
        kind = k;
        break;
      }
    }
    const slow = slowDraw < s.pSlow;
    const delayMs = s.latencyMs + jitterDraw * s.latencyJitterMs + (slow ? s.slowMs : 0);
    return { kind, delayMs, slow };
  }
}

/** Reasons a fault setting is unusable, in plain words; empty when all are fine. */
export function checkFaultSettings(f: Partial<FaultSettings>): string[] {
  const problems: string[] = [];
  const probabilities = ['p429', 'p500', 'p502', 'p503', 'p504', 'pDrop', 'pTruncate', 'pSlow'] as const;
  for (const name of probabilities) {
    const v = f[name];
    if (v !== undefined && !(typeof v === 'number' && v >= 0 && v <= 1)) problems.push(`faults.${name} must be a probability between 0 and 1 (got ${String(v)})`);
  }
  const sum = probabilities.filter((n) => n !== 'pSlow').reduce((acc, n) => acc + (f[n] ?? 0), 0);
  if (sum > 1 + 1e-9) problems.push(`faults: the probabilities of 429, 500, 502, 503, 504, drop and truncate add up to ${sum}; they must add up to at most 1`);
  for (const name of ['slowMs', 'latencyMs', 'latencyJitterMs', 'retryAfterSeconds'] as const) {
    const v = f[name];
    if (v !== undefined && !(typeof v === 'number' && Number.isFinite(v) && v >= 0)) problems.push(`faults.${name} must be a number of 0 or more (got ${String(v)})`);
  }
  if (f.hostile !== undefined && f.hostile !== null && !(HOSTILE_MODES as readonly string[]).includes(f.hostile)) {
    problems.push(`faults.hostile must be one of ${HOSTILE_MODES.join(', ')} (got ${String(f.hostile)})`);
  }
  if (f.hugeBodyBytes !== undefined && !(Number.isInteger(f.hugeBodyBytes) && f.hugeBodyBytes >= 16)) problems.push(`faults.hugeBodyBytes must be a whole number of 16 or more (got ${String(f.hugeBodyBytes)})`);
  if (f.retryAfterAsDate !== undefined && typeof f.retryAfterAsDate !== 'boolean') problems.push('faults.retryAfterAsDate must be true or false');
  if (f.seed !== undefined && !(typeof f.seed === 'number' && Number.isFinite(f.seed))) problems.push(`faults.seed must be a number (got ${String(f.seed)})`);
  return problems;
}

export interface HostileRequest {
  /** The key the client sent (echo-key sends it back). */
  key: string | undefined;
  path: string;
  /** host:port the request came in on. */
  host: string;
  port: number;
  requestId: string;
}

function jsonAnswer(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  res.end(text);
}

/** A valid JSON answer of exactly `total` bytes, written as the socket takes it (memory stays flat). */
function streamHugeAnswer(res: ServerResponse, total: number, declareLength: boolean, requestId: string): void {
  const head = Buffer.from(`{"request_id":"${requestId}","result":{"pad":"`);
  const tail = Buffer.from('"}}');
  const padTotal = Math.max(0, total - head.length - tail.length);
  res.writeHead(200, { 'content-type': 'application/json', 'x-request-id': requestId, ...(declareLength ? { 'content-length': String(head.length + padTotal + tail.length) } : {}) });
  res.write(head);
  const chunk = Buffer.alloc(256 * 1024, 'a');
  let left = padTotal;
  const pump = () => {
    while (left > 0 && !res.destroyed) {
      const n = Math.min(chunk.length, left);
      left -= n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end(tail);
  };
  pump();
}

/** Writes the hostile answer of `mode` to a prediction request. */
export function writeHostileAnswer(mode: HostileMode, res: ServerResponse, req: HostileRequest, settings: Pick<FaultSettings, 'hugeBodyBytes'>): void {
  const id = { 'x-request-id': req.requestId };
  switch (mode) {
    case 'redirect-port':
      res.writeHead(307, { location: `http://127.0.0.1:${req.port === 65535 ? req.port - 1 : req.port + 1}${req.path}`, 'content-length': '0', ...id });
      res.end();
      return;
    case 'redirect-http':
      res.writeHead(308, { location: `http://plexe-downgrade.invalid${req.path}`, 'content-length': '0', ...id });
      res.end();
      return;
    case 'huge-body':
    case 'huge-body-chunked':
      streamHugeAnswer(res, settings.hugeBodyBytes, mode === 'huge-body', req.requestId);
      return;
    case 'retry-after-seconds':
    case 'retry-after-date':
      jsonAnswer(
        res,
        429,
        { error: { code: 'rate_limit_exceeded', message: 'Too many requests. Come back much later.' }, request_id: req.requestId },
        { 'retry-after': mode === 'retry-after-date' ? FAR_RETRY_AFTER_DATE : String(HUGE_RETRY_AFTER_SECONDS), ...id },
      );
      return;
    case 'echo-key':
      jsonAnswer(
        res,
        400,
        {
          error: {
            code: 'invalid_input',
            message: `Request rejected for key ${req.key ?? ''}`,
            details: { received_headers: { 'x-api-key': req.key ?? null }, note: `the key was ${req.key ?? ''}` },
          },
          request_id: req.requestId,
        },
        id,
      );
      return;
    case 'deep-nesting': {
      const text = `{"request_id":"${req.requestId}","result":{"deep":${'['.repeat(DEEP_NESTING_LEVELS)}1${']'.repeat(DEEP_NESTING_LEVELS)}}}`;
      res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...id });
      res.end(text);
      return;
    }
  }
}
