/**
 * The inference engine: every prediction the app makes — the form, a what-if sweep, a bulk job,
 * the CLI — goes through one Engine (one per app), which keeps one rate limiter per profile.
 *
 * Using it:
 *
 *   const engine = createEngine({ client: new PlexeClient({ fetch }), settings: () => userSettings });
 *   const summary = await engine.scoreRows(profile, apiKey, { kind: 'model', name, version }, rows, {
 *     signal,                        // abort → waits and requests stop at once; rejects with PlexeError 'cancelled'
 *     batchSize: 50,                 // rows per /predictions call (1 = /infer per row)
 *     onOutcome: async (o) => { … }, // once per row, one at a time, awaited: back-pressure
 *     onRetry: (n) => { … },         // a request is waiting before its next try
 *   });
 *
 * - `rows` may be any (async) iterable; it is read lazily and only about 2 × concurrency ×
 *   batchSize rows are held at once, so a million-row job streams from SQLite.
 * - Each row gets exactly one RowOutcome (`ok` with `result`, or `error: PlexeErrorInfo`), except
 *   when the run stops early. It stops (rejects) on cancellation, when onOutcome throws, and on
 *   errors that say nothing about a row: 401/403, 404 of the model, 503, offline/network after all
 *   retries. Rows without an outcome then were not answered and can be sent again later.
 * - Rate: never more than `profile.rpm` requests in any rolling 60 s window (a request counts
 *   from its start until 60 s after its answer, so the server's window never sees more either),
 *   paced evenly across the window, at most `profile.concurrency` in flight, a batch counting as
 *   one request. One limiter per profile, shared by every run and call of that profile. Starts go
 *   one interval apart from the first (no burst). A 429 pauses every request of the profile for
 *   Retry-After; the server's limit is then learned from what it accepted before it, and the pace
 *   holds just below it, probing upward after a quiet spell; rate-limit headers set the pace before
 *   any 429 (./pace.ts). What was learned is kept in `paceMemory` for the next job.
 * - Retries: exponential back-off with full jitter, never shorter than Retry-After, on 429, 502,
 *   503, 504, timeouts, connection errors and unreadable 2xx answers; never on 400/401/403/404/422;
 *   500 prediction_error is reported, not retried.
 * - Batching: /predictions while it exists (a 404/405 is remembered per model and rows go one by
 *   one), halved on 413; a 400 naming rows fails just those and resends the rest; a 400 (or a 500
 *   prediction_error) without row numbers is bisected down to the bad rows. One bad row never fails
 *   its neighbours.
 * - Identical inputs (same model, same canonical JSON) are sent once per run; the copies come back
 *   with `reused: true`.
 *
 * `predictOne` is a single row through the same limiter and retries (the form), with the raw
 * answer. `request` runs any other rate-limited call (status checks). `currentRate` feeds the
 * progress UI.
 */
import type { ModelRef } from '../../shared/domain/model';
import type { PlexeClient, PlexeTarget } from '../plexe/client';
import { silentLogger, type Logger } from '../log';
import { systemClock, type Clock } from './clock';
import { ProfileLimiter, type LimiterOptions } from './limiter';
import { attempt, type RetryNotice } from './retry';
import { Run, type ModelCaps } from './run';
import { DEFAULT_ENGINE_SETTINGS, type EngineProfile, type EngineSettings, type RateInfo, type RunSummary, type ScoreOptions, type ScoreRow, type SingleOutcome } from './types';

export * from './types';
export type { Clock } from './clock';
export { systemClock, VirtualClock } from './clock';
export type { RetryNotice } from './retry';

export interface EngineDeps {
  client: PlexeClient;
  clock?: Clock;
  /** Uniform in [0, 1); for the back-off jitter. */
  random?: () => number;
  logger?: Logger;
  /** The user's engine settings, read at the start of every run and call. */
  settings?: () => Partial<EngineSettings>;
  /** Limiter tuning (tests, benchmarks): window length, pacing rules. */
  limiter?: Omit<LimiterOptions, 'rpm' | 'concurrency' | 'remembered'>;
  /** Where the rate each profile's server was seen to accept is kept between jobs (and app runs). */
  paceMemory?: PaceMemory;
}

/** Requests per second a profile's server accepts, as learned; null = no limit below the setting. */
export interface PaceMemory {
  get(profileId: string): number | null;
  set(profileId: string, perSecond: number | null): void;
}

export interface CallOpts {
  signal?: AbortSignal;
  onRetry?: (n: RetryNotice) => void;
  settings?: Partial<EngineSettings>;
}

export interface Engine {
  scoreRows(profile: EngineProfile, apiKey: string, ref: ModelRef, rows: AsyncIterable<ScoreRow> | Iterable<ScoreRow>, opts: ScoreOptions): Promise<RunSummary>;
  /** One row via /infer (or the legacy /predict/{id}); never throws for a Plexe failure, only for cancellation. */
  predictOne(profile: EngineProfile, apiKey: string, ref: ModelRef, input: Record<string, unknown>, opts?: CallOpts): Promise<SingleOutcome>;
  /** Any other call to Plexe, rate-limited and retried like predictions. Throws PlexeError. */
  request<T>(profile: EngineProfile, send: (signal: AbortSignal | undefined, timeoutMs: number) => Promise<T>, opts?: CallOpts): Promise<T>;
  currentRate(profileId: string): RateInfo | null;
  settings(overrides?: Partial<EngineSettings>): EngineSettings;
  /** Forget a profile's limiter (deleted account). */
  forgetProfile(profileId: string): void;
}

export function createEngine(deps: EngineDeps): Engine {
  const clock = deps.clock ?? systemClock;
  const random = deps.random ?? Math.random;
  const logger = deps.logger ?? silentLogger;
  const limiters = new Map<string, ProfileLimiter>();
  const caps = new Map<string, ModelCaps>();

  const settingsOf = (overrides?: Partial<EngineSettings>): EngineSettings => ({ ...DEFAULT_ENGINE_SETTINGS, ...(deps.settings?.() ?? {}), ...(overrides ?? {}) });

  const limiterFor = (p: EngineProfile): ProfileLimiter => {
    let l = limiters.get(p.id);
    if (!l) {
      const remembered = deps.paceMemory?.get(p.id) ?? null;
      l = new ProfileLimiter(clock, { ...(deps.limiter ?? {}), rpm: p.rpm, concurrency: p.concurrency, ...(remembered !== null ? { remembered } : {}) });
      limiters.set(p.id, l);
    } else {
      l.configure(p.rpm, p.concurrency);
    }
    return l;
  };

  const capsFor = (p: EngineProfile, ref: ModelRef): ModelCaps => {
    const key = `${p.baseUrl}|${ref.kind === 'model' ? `${ref.name}/${ref.version}` : ref.deploymentId}`;
    let c = caps.get(key);
    if (!c) {
      c = { batch: ref.kind === 'model' ? null : false, maxBatch: Number.POSITIVE_INFINITY };
      caps.set(key, c);
    }
    return c;
  };

  return {
    async scoreRows(profile, apiKey, ref, rows, opts) {
      const settings = settingsOf(opts.settings);
      const limiter = limiterFor(profile);
      const env = { client: deps.client, limiter, clock, random, logger, caps: capsFor(profile, ref) };
      const run = new Run(env, profile.baseUrl, apiKey, ref, settings, opts, profile.concurrency);
      try {
        return await run.execute(rows);
      } finally {
        if (deps.paceMemory) {
          const learned = limiter.snapshot().learned;
          deps.paceMemory.set(profile.id, learned ? learned.perSecond : null);
        }
      }
    },

    async predictOne(profile, apiKey, ref, input, opts = {}) {
      const settings = settingsOf(opts.settings);
      const target: PlexeTarget = { baseUrl: profile.baseUrl, apiKey };
      const r = await attempt({ limiter: limiterFor(profile), clock, random, settings, signal: opts.signal, onRetry: opts.onRetry }, (signal, timeoutMs) =>
        deps.client.infer(target, ref, input, signal ? { signal, timeoutMs, maxAnswerBytes: settings.maxAnswerBytes } : { timeoutMs, maxAnswerBytes: settings.maxAnswerBytes }),
      );
      if (r.ok) {
        const a = r.value;
        return { id: 0, ok: true, result: a.result, requestId: a.requestId, processingTimeMs: a.processingTimeMs, roundTripMs: a.roundTripMs, attempts: r.attempts, reused: false, raw: a.raw };
      }
      const e = r.error.info;
      return { id: 0, ok: false, error: e, requestId: e.requestId, processingTimeMs: null, roundTripMs: r.lastMs, attempts: r.attempts, reused: false, raw: null };
    },

    async request(profile, send, opts = {}) {
      const settings = settingsOf(opts.settings);
      const r = await attempt({ limiter: limiterFor(profile), clock, random, settings, signal: opts.signal, onRetry: opts.onRetry }, send);
      if (r.ok) return r.value;
      throw r.error;
    },

    currentRate(profileId) {
      const l = limiters.get(profileId);
      if (!l) return null;
      const s = l.snapshot();
      const perMinute = 60_000 / l.windowMs;
      return {
        rpm: s.rate * perMinute,
        targetRpm: s.target * perMinute,
        inFlight: s.inFlight,
        waiting: s.waiting,
        pausedUntil: s.pausedUntil,
        learnedPerSecond: s.learned?.perSecond ?? null,
        learnedFrom: s.learned?.source ?? null,
      };
    },

    settings: settingsOf,

    forgetProfile(profileId) {
      limiters.delete(profileId);
    },
  };
}
