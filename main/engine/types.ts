import type { Profile } from '../../shared/domain/profile';
import type { PlexeErrorInfo } from '../../shared/domain/plexe-error';
import type { RetryNotice, RetrySettings } from './retry';

export interface EngineSettings extends RetrySettings {
  /** Rows per /predictions call (1 = one row per request). */
  batchSize: number;
  /** Send identical inputs once per run and reuse the answer. */
  dedupe: boolean;
  /** How many distinct answers a run remembers for reuse (bounds memory on huge runs). */
  dedupeCacheSize: number;
  /** Largest answer body read from Plexe; a larger one fails its rows. */
  maxAnswerBytes: number;
}

export const DEFAULT_ENGINE_SETTINGS: EngineSettings = {
  attempts: 5,
  timeoutMs: 30_000,
  backoffBaseMs: 500,
  backoffCapMs: 30_000,
  retryAfterCapMs: 3_600_000,
  batchSize: 50,
  dedupe: true,
  dedupeCacheSize: 100_000,
  maxAnswerBytes: 16 * 1024 * 1024,
};

/** What the engine needs of a profile (Profile satisfies it). */
export type EngineProfile = Pick<Profile, 'id' | 'baseUrl' | 'rpm' | 'concurrency'>;

export interface ScoreRow {
  /** The caller's id for the row (e.g. its row number); outcomes carry it back. */
  id: number;
  input: Record<string, unknown>;
}

export interface RowOutcome {
  id: number;
  ok: boolean;
  result?: Record<string, unknown>;
  error?: PlexeErrorInfo;
  requestId: string | null;
  processingTimeMs: number | null;
  /** Time of the HTTP exchange that produced this answer (the whole batch's, for batched rows). */
  roundTripMs: number;
  /** Tries of the request that produced this answer. */
  attempts: number;
  /** The answer was reused from an identical input earlier in the run; nothing was sent for this row. */
  reused: boolean;
}

export interface SingleOutcome extends RowOutcome {
  /** The server's answer as received (ok outcomes). */
  raw: unknown;
}

export interface RowRetryNotice extends RetryNotice {
  /** The rows waiting on this retry. */
  rowIds: number[];
}

export interface ScoreOptions {
  /** Rows per call for this run (overrides settings.batchSize). */
  batchSize?: number;
  signal?: AbortSignal;
  /** Called once per row, one call at a time, in completion order. Awaited: a slow consumer slows the run. */
  onOutcome(o: RowOutcome): void | Promise<void>;
  onRetry?(n: RowRetryNotice): void;
  settings?: Partial<EngineSettings>;
}

export interface RunSummary {
  ok: number;
  failed: number;
  /** Rows answered from an identical earlier row. */
  reused: number;
  /** HTTP requests sent, retries included. */
  requests: number;
}

export interface RateInfo {
  /** Requests per minute the profile is being paced at now (below its setting after a 429). */
  rpm: number;
  targetRpm: number;
  inFlight: number;
  waiting: number;
  /** Epoch ms until which Plexe asked us to wait, or null. */
  pausedUntil: number | null;
  /** Requests per second the server was seen (429s) or told (headers) to accept, when below the setting; else null. */
  learnedPerSecond: number | null;
  learnedFrom: '429' | 'headers' | 'remembered' | null;
}
