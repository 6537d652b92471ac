/**
 * Pacing figures (issue 20): how much of a server's real limit the engine uses, and how many 429s
 * it draws, whatever window the server's limiter counts over. One key per scenario on one sandbox
 * child (ten scenarios side by side, each key with its own limiter), every limiter at 10
 * requests/s: rolling 1 s (10), rolling 10 s (100), rolling 60 s (600), fixed minute (600), token
 * bucket (10/s, burst 3). The user's setting is the limit (600/min) or 1.5× it (900/min); one row
 * per request, and batches of 10 rows. 20 ms latency, no rate-limit headers (the engine only
 * learns from 429s). Utilization = rows answered after the first 5 s ÷ (limit × rows/request ×
 * seconds); 429 share = 429 answers ÷ all answers.
 */
import { loadavg } from 'node:os';
import { createEngine, type RowOutcome } from '../main/engine';
import { PlexeClient, type FetchLike } from '../main/plexe/client';
import { createNodeHttpFetch } from '../main/plexe/http-fetch';
import type { LimiterKind } from '../sandbox/rate-limit';
import type { SandboxChild } from './sandbox-child';
import { round, type BenchFigure } from './types';

const HOUSE = { kind: 'model' as const, name: 'house-prices', version: '1' };
const LOCATIONS = ['urban', 'suburban', 'rural'];
const row = (i: number) => ({ square_footage: 500 + (i % 15000), bedrooms: 1 + (i % 7), bathrooms: 1 + (i % 4) * 0.5, location: LOCATIONS[i % 3]! });

interface Kind {
  name: string;
  limiter: LimiterKind;
  limit: number;
  windowMs: number;
  burst?: number;
}

export const PACING_KINDS: Kind[] = [
  { name: 'rolling_1s', limiter: 'rolling', limit: 10, windowMs: 1_000 },
  { name: 'rolling_10s', limiter: 'rolling', limit: 100, windowMs: 10_000 },
  { name: 'rolling_60s', limiter: 'rolling', limit: 600, windowMs: 60_000 },
  { name: 'fixed_minute', limiter: 'fixed', limit: 600, windowMs: 60_000 },
  { name: 'token_bucket', limiter: 'token-bucket', limit: 10, windowMs: 1_000, burst: 3 },
];

interface Scenario {
  kind: Kind;
  factor: number;
  batchSize: number;
  key: string;
}

interface Outcome {
  scenario: Scenario;
  rowsAfterWarmup: number;
  ok429: number;
  answers: number;
  firstGapsMs: number[];
}

const WARMUP_S = 5;

async function runScenario(url: string, sc: Scenario, seconds: number, index: number, fetchFn: FetchLike): Promise<Outcome> {
  let answers = 0;
  let refused = 0;
  const starts: number[] = [];
  const started = performance.now();
  const counting: FetchLike = async (u, init) => {
    starts.push(performance.now() - started);
    const res = await fetchFn(u, init);
    answers++;
    if (res.status === 429) refused++;
    return res;
  };
  const engine = createEngine({ client: new PlexeClient({ fetch: counting }), settings: () => ({ attempts: 50, backoffBaseMs: 100, backoffCapMs: 5000 }) });
  const ac = new AbortController();
  const timer = setTimeout(() => ac.abort(), seconds * 1000);
  let rows = 0;
  let i = index * 10_000_000;
  const source: Iterable<{ id: number; input: Record<string, unknown> }> = {
    [Symbol.iterator]: () => ({ next: () => ({ done: false, value: { id: i, input: row(i++) } }) }),
  };
  await engine
    .scoreRows({ id: sc.key, baseUrl: url, rpm: Math.round(600 * sc.factor), concurrency: 4 }, sc.key, HOUSE, source, {
      batchSize: sc.batchSize,
      signal: ac.signal,
      onOutcome: (o: RowOutcome) => {
        if (o.ok && performance.now() - started >= WARMUP_S * 1000) rows++;
      },
    })
    .catch((e: unknown) => {
      if ((e as { code?: string }).code !== 'cancelled') throw e;
    });
  clearTimeout(timer);
  return { scenario: sc, rowsAfterWarmup: rows, ok429: refused, answers, firstGapsMs: starts.slice(1, 6).map((t, k) => t - starts[k]!) };
}

/**
 * The scenarios on `sandbox`, `seconds` long, in two groups (one row per request, then batches) of
 * ten side by side; two figures per scenario.
 */
export async function runPacingBench(sandbox: SandboxChild, seconds: number): Promise<BenchFigure[]> {
  const scenarios: Scenario[] = [];
  for (const kind of PACING_KINDS) {
    for (const factor of [1, 1.5]) {
      for (const batchSize of [1, 10]) scenarios.push({ kind, factor, batchSize, key: `bench-pace-${kind.name}-${factor}-${batchSize}`.replace('.', '_') });
    }
  }
  await sandbox.config({
    keys: scenarios.map((s) => ({ key: s.key, rpm: s.kind.limit, limiter: s.kind.limiter, windowMs: s.kind.windowMs, ...(s.kind.burst ? { burst: s.kind.burst } : {}) })),
    rateHeaders: 'none',
  });
  await sandbox.faults({ latencyMs: 20 });
  const load = loadavg()[0]!.toFixed(1);
  // The cheaper keep-alive client, so ten runs side by side keep their timers on a shared machine.
  const fetchFn = createNodeHttpFetch({ maxSockets: 64 });
  const outcomes: Outcome[] = [];
  try {
    for (const batch of [1, 10]) {
      const group = scenarios.filter((s) => s.batchSize === batch);
      outcomes.push(...(await Promise.all(group.map((s, k) => runScenario(sandbox.url, s, seconds, k + batch * 100, fetchFn)))));
    }
  } finally {
    fetchFn.close();
  }
  const figures: BenchFigure[] = [];
  for (const o of outcomes) {
    const { kind, factor, batchSize } = o.scenario;
    const limitRowsPerS = ((kind.limit * 1000) / kind.windowMs) * batchSize;
    const utilization = o.rowsAfterWarmup / (limitRowsPerS * (seconds - WARMUP_S));
    const share = o.ok429 / Math.max(1, o.answers);
    const name = `engine.pacing.${kind.name}.x${factor}.${batchSize === 1 ? 'single' : 'batch'}`;
    const setting = `setting ${Math.round(600 * factor)}/min vs server ${kind.limit} per ${kind.windowMs / 1000} s${kind.burst ? ` (${kind.limiter}, burst ${kind.burst})` : ` (${kind.limiter})`}`;
    figures.push({
      bench: `${name}.utilization`,
      value: round(utilization),
      unit: 'ratio',
      baseline: limitRowsPerS,
      ratio: round(utilization),
      notes: `${round(o.rowsAfterWarmup / (seconds - WARMUP_S), 2)} rows/s after the first ${WARMUP_S} s of ${seconds} s vs the server's ${limitRowsPerS} rows/s; ${setting}; ${batchSize === 1 ? 'one row per request' : `batches of ${batchSize}`}; first start gaps ${o.firstGapsMs.map((g) => Math.round(g)).join(', ')} ms; 10 scenarios side by side, load average ${load} at start; target ≥ 0.95`,
    });
    figures.push({
      bench: `${name}.429_share`,
      value: round(share, 4),
      unit: 'ratio',
      baseline: null,
      ratio: null,
      notes: `${o.ok429} of ${o.answers} answers were 429; ${setting}; target < ${factor === 1 ? '0.01' : '0.03'}`,
    });
  }
  return figures;
}
