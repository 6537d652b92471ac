import { KeyRateLimiter, type RateHeaderStyle, type RateRule, rateHeaders } from '../../sandbox/rate-limit';
import { PlexeClient } from '../plexe/client';
import { VirtualClock, type Clock } from './clock';
import { createEngine, type EngineProfile, type PaceMemory } from './index';
import { fakePlexe, okInfer, type FakeAnswer } from './test-fakes';
import { seededRandom } from '../../shared/seeded-random';

/**
 * The engine against an in-process server with a given limiter, on the virtual clock (tests).
 * Every request reaches the server 0–`jitterMs` after it starts and is answered `latencyMs` later.
 */
export interface PacingScenario {
  rule: RateRule;
  /** The user's setting, requests per minute. */
  rpm: number;
  seconds: number;
  headers?: RateHeaderStyle;
  latencyMs?: number;
  jitterMs?: number;
  /** The first request also waits this long for its connection to open. */
  connectMs?: number;
  /** Every engine timer fires 0–`lateMs` late (a busy machine). */
  lateMs?: number;
  concurrency?: number;
  batchSize?: number;
  /** A rate remembered from an earlier job (requests/s). */
  remembered?: number;
  /** Or the memory itself (profile id 'p'). */
  paceMemory?: PaceMemory;
  seed?: number;
}

export interface PacingResult {
  /** Server time (ms from start) of every accepted request. */
  accepted: number[];
  /** Start times (ms from start) of every request sent. */
  starts: number[];
  refused: number;
  /** When (ms from start) the server refused. */
  refusedAt: number[];
  /** The engine's pace (requests/s) at each whole second. */
  paceTrace: number[];
  /** Accepted per second after the first 5 s ÷ the server's limit per second. */
  utilization: number;
  share429: number;
  learned: number | null;
}

export async function runPacing(s: PacingScenario): Promise<PacingResult> {
  const clock = new VirtualClock();
  const t0 = clock.now();
  const random = seededRandom(s.seed ?? 1);
  const server = new KeyRateLimiter();
  const accepted: number[] = [];
  const starts: number[] = [];
  let refused = 0;
  const refusedAt: number[] = [];
  const paceTrace: number[] = [];
  const latency = s.latencyMs ?? 20;
  const jitter = s.jitterMs ?? 5;
  const batchSize = s.batchSize ?? 1;
  const fake = fakePlexe(clock, async (req): Promise<FakeAnswer> => {
    starts.push(req.at - t0);
    await clock.sleep(random() * jitter + (starts.length === 1 ? (s.connectMs ?? 0) : 0));
    const v = server.take('k', s.rule, clock.now());
    const headers = s.headers && s.headers !== 'none' ? rateHeaders(s.headers, s.rule, v) : {};
    if (!v.ok) {
      refused++;
      refusedAt.push(clock.now() - t0);
      return { status: 429, body: { error: { code: 'rate_limit_exceeded', message: 'slow down' } }, headers: { ...headers, 'retry-after': String(v.retryAfterSeconds) }, latencyMs: latency };
    }
    accepted.push(clock.now() - t0);
    if (Array.isArray(req.body)) return { body: (req.body as unknown[]).map(() => ({ prediction: { y: 1 } })), headers, latencyMs: latency };
    return { ...okInfer(), headers, latencyMs: latency };
  });
  const client = new PlexeClient({ fetch: fake.fetch, now: () => clock.now() });
  const late = seededRandom((s.seed ?? 1) + 7919);
  const lateMs = s.lateMs ?? 0;
  const engineClock: Clock = lateMs > 0 ? { now: () => clock.now(), sleep: (ms, signal) => clock.sleep(ms + late() * lateMs, signal) } : clock;
  const engine = createEngine({ client, clock: engineClock, random, settings: () => ({ attempts: 50, backoffBaseMs: 100, backoffCapMs: 5000 }), ...(s.paceMemory ? { paceMemory: s.paceMemory } : s.remembered ? { paceMemory: { get: () => s.remembered!, set: () => {} } } : {}) });
  const profile: EngineProfile = { id: 'p', baseUrl: 'https://plexe.test', rpm: s.rpm, concurrency: s.concurrency ?? 4 };
  const ac = new AbortController();
  void clock.sleep(s.seconds * 1000).then(() => ac.abort());
  void (async () => {
    for (let k = 0; k < s.seconds; k++) {
      await clock.sleep(1000);
      paceTrace.push(Math.round((engine.currentRate('p')?.rpm ?? 0) / 6) / 10);
    }
  })();
  let i = 0;
  const source: Iterable<{ id: number; input: Record<string, unknown> }> = {
    [Symbol.iterator]: () => ({ next: () => ({ done: false, value: { id: i, input: { x: i++ } } }) }),
  };
  await engine
    .scoreRows(profile, 'sk-test-pacing-0001', { kind: 'model', name: 'm', version: '1' }, source, { batchSize, signal: ac.signal, onOutcome: () => {} })
    .catch((e: unknown) => {
      if ((e as { code?: string }).code !== 'cancelled') throw e;
    });
  const limitPerSecond = (s.rule.limit * 1000) / s.rule.windowMs;
  const after = accepted.filter((t) => t >= 5000 && t < s.seconds * 1000).length;
  const learned = engine.currentRate('p')?.learnedPerSecond ?? null;
  return { accepted, starts, refused, refusedAt, paceTrace, utilization: after / ((s.seconds - 5) * limitPerSecond), share429: refused / Math.max(1, refused + accepted.length), learned };
}
