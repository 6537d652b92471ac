import type { ModelState } from './models';
import type { SandboxLogEntry } from './request-log';
import type { LimiterKind, RateHeaderStyle } from './rate-limit';

/** The sandbox's settings and its handle (server.ts), in a file of their own so config.ts and server.ts need not import each other. */

/** Hostile answers the sandbox can give every prediction request (faults.ts writes them). */
export const HOSTILE_MODES = ['redirect-port', 'redirect-http', 'huge-body', 'huge-body-chunked', 'retry-after-seconds', 'retry-after-date', 'echo-key', 'deep-nesting'] as const;
export type HostileMode = (typeof HOSTILE_MODES)[number];

export interface FaultConfig {
  /** PRNG seed (reproducible runs). */
  seed: number;
  /** Probabilities 0..1 per request; together with pDrop and pTruncate they add up to at most 1. */
  p429: number;
  p500: number;
  p502: number;
  p503: number;
  p504: number;
  /** Destroy the socket without answering. */
  pDrop: number;
  /** The normal answer with its body cut off half-way (a 200 with unreadable JSON). */
  pTruncate: number;
  /** Answer after slowMs more (to exceed client timeouts). Independent of the faults above. */
  pSlow: number;
  slowMs: number;
  /** Added to every answer: latencyMs plus a uniform random 0..latencyJitterMs. */
  latencyMs: number;
  latencyJitterMs: number;
  /** Retry-After sent with injected 429s. */
  retryAfterSeconds: number;
  /** Send that Retry-After as an HTTP date instead of seconds (the header allows both). */
  retryAfterAsDate: boolean;
  /** A hostile answer to every prediction request (see HOSTILE_MODES); null = none. */
  hostile: HostileMode | null;
  /** Size of the huge-body answers (default 300 MB). */
  hugeBodyBytes: number;
}

export interface SandboxKey {
  key: string;
  /** "name/version" allowed; undefined = all. */
  models?: string[];
  /** Per-key limit (requests per window); undefined = unlimited. */
  rpm?: number;
  /** This key's limiter, window and burst when they differ from the server-wide ones. */
  limiter?: LimiterKind;
  windowMs?: number;
  burst?: number;
}

export type DeploymentState = ModelState;

export interface SandboxConfig {
  keys: SandboxKey[];
  /** 413 past it (default 100). */
  maxBatch: number;
  /** 413 past it (default 1,000,000). */
  maxBodyBytes: number;
  /** false = emulate old deployments: /predictions answers 404. */
  batchEndpoint: boolean;
  /** Default 60000. */
  rateWindowMs: number;
  /** How keys' limits are counted: rolling window (default), fixed window aligned to the clock, or token bucket. */
  rateLimiter: LimiterKind;
  /** Token bucket: tokens it holds (default 3). */
  rateBurst: number;
  /** Rate-limit headers on every answer of a limited key: none (default), IETF `RateLimit-*`, `X-RateLimit-*`, or both. */
  rateHeaders: RateHeaderStyle;
  faults: Partial<FaultConfig>;
  /** "name/version" → state; models not listed have their default (READY, loan-approval BUILDING). */
  modelStates: Record<string, DeploymentState>;
  /** JSON lines {time, key (last 4 chars only), model, status, rows, path, ...}. */
  requestLogFile?: string;
  /**
   * 'standard' (default) answers single rows with {request_id, result, model_id, model_version,
   * processing_time_ms}; 'legacy' as some older deployments do:
   * {request_id, prediction, model_name, model_version, created_at}.
   */
  answerStyle?: 'standard' | 'legacy';
  /** How every model describes its schemas, instead of its own style: 'json-schema' gives allowed values and descriptions. */
  describeStyle?: 'flat' | 'json-schema';
}

export interface SandboxStats {
  requests: number;
  byStatus: Record<number, number>;
  /** TCP connections accepted so far (keep-alive reuse shows as few connections, many requests). */
  connections: number;
}

export interface RunningSandbox {
  url: string;
  port: number;
  /** The first configured key. */
  key: string;
  close(): Promise<void>;
  setFaults(f: Partial<FaultConfig>): void;
  setModelState(model: string, state: DeploymentState): void;
  setConfig(patch: Partial<Omit<SandboxConfig, 'faults'>>): void;
  /** In-memory copy of the log (always kept, last 10,000 entries). */
  requestLog(): SandboxLogEntry[];
  clearRequestLog(): void;
  stats(): SandboxStats;
  /** Forget every key's rate-limit window. */
  resetRateLimits(): void;
  /** The effective configuration (a copy). */
  config(): SandboxConfig;
}

export interface StartSandboxOptions {
  port?: number;
  /** Default 127.0.0.1. */
  host?: string;
  config?: Partial<SandboxConfig>;
}

