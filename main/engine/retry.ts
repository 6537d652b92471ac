import type { PlexeErrorInfo } from '../../shared/domain/plexe-error';
import { PlexeError, asPlexeError, cancelledError, comeBackLaterError } from '../plexe/errors';
import { rateLimitOf } from '../plexe/rate-limit-headers';
import type { Clock } from './clock';
import type { ProfileLimiter } from './limiter';

export interface RetrySettings {
  /** Tries per request, the first included (1 = never retry). */
  attempts: number;
  /** Per-request time limit. */
  timeoutMs: number;
  /** Back-off before retry n (0-based) is random(0, min(cap, base·2^n)). */
  backoffBaseMs: number;
  backoffCapMs: number;
  /** A Retry-After longer than this is not waited out: the call fails with when to come back. */
  retryAfterCapMs: number;
}

/** Full jitter (AWS Architecture Blog, "Exponential Backoff And Jitter"). */
export function backoffMs(retryIndex: number, s: Pick<RetrySettings, 'backoffBaseMs' | 'backoffCapMs'>, random: () => number): number {
  const ceiling = Math.min(s.backoffCapMs, s.backoffBaseMs * 2 ** Math.min(retryIndex, 30));
  return random() * ceiling;
}

/** The wait before the next try: the jittered back-off, never shorter than what the server asked for. */
export function retryWaitMs(retryIndex: number, s: Pick<RetrySettings, 'backoffBaseMs' | 'backoffCapMs'>, random: () => number, retryAfterSeconds: number | null): number {
  const jitter = backoffMs(retryIndex, s, random);
  return retryAfterSeconds === null ? jitter : Math.max(jitter, retryAfterSeconds * 1000);
}

/** Which failures are worth another try (ARCHITECTURE.md, retries). */
export function isRetryable(info: PlexeErrorInfo): boolean {
  const s = info.httpStatus;
  if (s === 400 || s === 401 || s === 403 || s === 404 || s === 422) return false;
  if (s === 429 || s === 502 || s === 503 || s === 504) return true;
  return info.retryable;
}

export interface RetryNotice {
  /** The try about to be made (2 = first retry). */
  attempt: number;
  waitMs: number;
  reason: PlexeErrorInfo;
}

export interface AttemptContext {
  limiter: ProfileLimiter;
  clock: Clock;
  random: () => number;
  settings: RetrySettings;
  signal?: AbortSignal | undefined;
  onRetry?: ((n: RetryNotice) => void) | undefined;
}

/** `lastMs`: how long the last try took on the wire. */
export type Attempted<T> = { ok: true; value: T; attempts: number; lastMs: number } | { ok: false; error: PlexeError; attempts: number; lastMs: number };

/**
 * One logical request: wait for the profile's limiter, send, and on a retryable failure wait
 * (back-off, at least Retry-After) and go again, up to `attempts` tries. A cancelled signal
 * throws a `cancelled` PlexeError at once, whether waiting or in flight.
 */
export async function attempt<T>(ctx: AttemptContext, send: (signal: AbortSignal | undefined, timeoutMs: number) => Promise<T>): Promise<Attempted<T>> {
  const { limiter, clock, settings, signal } = ctx;
  const maxAttempts = Math.max(1, Math.floor(settings.attempts));
  for (let n = 1; ; n++) {
    let ticket;
    try {
      ticket = await limiter.acquire(signal);
    } catch {
      throw cancelledError();
    }
    let error: PlexeError;
    const sentAt = clock.now();
    try {
      const value = await send(signal, settings.timeoutMs);
      limiter.release();
      limiter.succeeded(rateLimitOf(value));
      return { ok: true, value, attempts: n, lastMs: clock.now() - sentAt };
    } catch (e) {
      limiter.release();
      error = asPlexeError(e);
      if (signal?.aborted || error.info.code === 'cancelled') throw cancelledError();
    }
    if (error.info.retryAfterSeconds !== null && error.info.retryAfterSeconds * 1000 > settings.retryAfterCapMs) {
      // Not waited out (nor passed to the limiter): the caller says when to come back instead.
      error = comeBackLaterError(error.info, clock.now() + error.info.retryAfterSeconds * 1000, settings.retryAfterCapMs);
      return { ok: false, error, attempts: n, lastMs: clock.now() - sentAt };
    }
    const info = error.info;
    const retryable = isRetryable(info);
    if (info.httpStatus === 429) {
      const pause = info.retryAfterSeconds !== null ? info.retryAfterSeconds * 1000 : backoffMs(n - 1, settings, ctx.random);
      limiter.throttled(ticket, pause, error.rateLimit);
    }
    if (!retryable || n >= maxAttempts) return { ok: false, error, attempts: n, lastMs: clock.now() - sentAt };
    const waitMs = retryWaitMs(n - 1, settings, ctx.random, info.retryAfterSeconds);
    ctx.onRetry?.({ attempt: n + 1, waitMs, reason: info });
    try {
      await clock.sleep(waitMs, signal);
    } catch {
      throw cancelledError();
    }
  }
}
