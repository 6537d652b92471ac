import { afterEach, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox, type SandboxConfig } from '../../sandbox/server';
import { predictFor } from '../../sandbox/models';
import { PlexeClient } from '../plexe/client';
import { MemoryLogger } from '../log';
import { createEngine, type EngineSettings, type RowOutcome, type ScoreRow } from './index';
import { maxInAnyWindow } from './test-fakes';

/** The engine against the sandbox over real HTTP on loopback. */

const house = { kind: 'model' as const, name: 'house-prices', version: '1' };
const locations = ['urban', 'suburban', 'rural'];
const houseRow = (i: number) => ({ square_footage: 800 + i * 7, bedrooms: 1 + (i % 5), bathrooms: 1 + (i % 3) * 0.5, location: locations[i % 3]! });
const rows = (n: number, make: (i: number) => Record<string, unknown> = houseRow): ScoreRow[] => Array.from({ length: n }, (_, i) => ({ id: i, input: make(i) }));

let sandbox: RunningSandbox | undefined;
afterEach(async () => {
  await sandbox?.close();
  sandbox = undefined;
});

async function start(config: Partial<SandboxConfig>) {
  sandbox = await startSandbox({ port: 0, config });
  return sandbox;
}

function engineFor(s: RunningSandbox, opts: { windowMs?: number; settings?: Partial<EngineSettings> } = {}) {
  const logger = new MemoryLogger();
  const client = new PlexeClient({ fetch: (u, i) => fetch(u, i), logger });
  const engine = createEngine({ client, logger, settings: () => ({ backoffBaseMs: 20, backoffCapMs: 200, ...(opts.settings ?? {}) }), limiter: { windowMs: opts.windowMs ?? 60_000 } });
  const profile = { id: 'sbx', baseUrl: s.url, rpm: 100_000, concurrency: 4 };
  return { engine, profile, logger };
}

async function score(engine: ReturnType<typeof createEngine>, profile: Parameters<ReturnType<typeof createEngine>['scoreRows']>[0], key: string, input: ScoreRow[], batchSize: number) {
  const out = new Map<number, RowOutcome>();
  const summary = await engine.scoreRows(profile, key, house, input, { batchSize, onOutcome: (o) => void out.set(o.id, o) });
  return { out, summary };
}

describe('engine × sandbox', () => {
  it('gets the right answers in batches and one by one', async () => {
    const s = await start({});
    const { engine, profile } = engineFor(s);
    for (const batchSize of [1, 25]) {
      const { out } = await score(engine, profile, s.key, rows(60), batchSize);
      expect(out.size).toBe(60);
      for (const [id, o] of out) expect(o.result).toEqual(predictFor('house-prices', '1', houseRow(id)));
    }
    expect(s.requestLog().filter((e) => e.path.endsWith('/predictions')).length).toBe(3);
    // Keep-alive: 63 requests over a handful of connections (concurrency 4).
    expect(s.stats().requests).toBe(63);
    expect(s.stats().connections).toBeLessThanOrEqual(8);
  });

  it('stays inside the rolling window the server enforces (no 429 answered)', async () => {
    const s = await start({ keys: [{ key: 'k-window-0001', rpm: 15 }], rateWindowMs: 1000 });
    const { engine, profile } = engineFor(s, { windowMs: 1000 });
    const { out } = await score(engine, { ...profile, rpm: 15 }, 'k-window-0001', rows(45), 1);
    expect([...out.values()].every((o) => o.ok)).toBe(true);
    const log = s.requestLog();
    expect(log.filter((e) => e.status === 429).length).toBe(0);
    expect(maxInAnyWindow(log.map((e) => Date.parse(e.time)), 1000)).toBeLessThanOrEqual(15);
  });

  it('honours Retry-After from the server', async () => {
    const s = await start({ keys: [{ key: 'k-retry-after-01', rpm: 5 }], rateWindowMs: 1000 });
    const { engine, profile } = engineFor(s, { windowMs: 1000 });
    // The client believes it may send 50 per second: the server will say 429 with Retry-After: 1.
    const retries: number[] = [];
    const out = new Map<number, RowOutcome>();
    await engine.scoreRows({ ...profile, rpm: 50 }, 'k-retry-after-01', house, rows(12), { batchSize: 1, onOutcome: (o) => void out.set(o.id, o), onRetry: (n) => retries.push(n.waitMs) });
    expect([...out.values()].every((o) => o.ok)).toBe(true);
    expect(retries.length).toBeGreaterThan(0);
    expect(Math.min(...retries)).toBeGreaterThanOrEqual(1000);
  });

  it('retries every retryable fault the sandbox injects and ends with every row answered', async () => {
    const s = await start({ faults: { seed: 7, p429: 0.08, p502: 0.08, p503: 0.08, p504: 0.08, pDrop: 0.06, pTruncate: 0.08, retryAfterSeconds: 0 } });
    const { engine, profile } = engineFor(s, { settings: { attempts: 12 } });
    const { out, summary } = await score(engine, profile, s.key, rows(120), 1);
    expect(out.size).toBe(120);
    expect([...out.values()].every((o) => o.ok)).toBe(true);
    for (const [id, o] of out) expect(o.result).toEqual(predictFor('house-prices', '1', houseRow(id)));
    const statuses = new Set(s.requestLog().map((e) => e.status));
    for (const st of [429, 502, 503, 504]) expect(statuses.has(st)).toBe(true);
    expect(summary.requests).toBeGreaterThan(120);
    expect([...out.values()].some((o) => o.attempts > 1)).toBe(true);
  });

  it('does not retry 400, 401, 403 or 404', async () => {
    const s = await start({ keys: [{ key: 'k-full-access-1' }, { key: 'k-churn-only-1', models: ['customer-churn/1'] }] });
    const { engine, profile } = engineFor(s);
    const one = (key: string, ref = house, input: Record<string, unknown> = houseRow(1)) => engine.predictOne(profile, key, ref, input);
    const cases = [
      [await one('k-full-access-1', house, { ...houseRow(1), bedrooms: 2.5 }), 400],
      [await one('k-not-a-real-key'), 401],
      [await one('k-churn-only-1'), 403],
      [await one('k-full-access-1', { kind: 'model', name: 'no-such-model', version: '1' }), 404],
    ] as const;
    for (const [o, status] of cases) {
      expect(o.ok).toBe(false);
      expect(o.error!.httpStatus).toBe(status);
      expect(o.attempts).toBe(1);
    }
    expect(cases[0][0].error!.fieldErrors[0]!.field).toBe('bedrooms');
    expect(s.requestLog().length).toBe(4);
  });

  it('falls back to single rows when /predictions is missing, halves on 413, and fails only the bad rows', async () => {
    const s = await start({ batchEndpoint: false });
    const { engine, profile } = engineFor(s);
    const { out } = await score(engine, profile, s.key, rows(20), 10);
    expect([...out.values()].every((o) => o.ok)).toBe(true);
    expect(s.requestLog().filter((e) => e.path.endsWith('/predictions')).length).toBeLessThanOrEqual(2);

    s.setConfig({ batchEndpoint: true, maxBatch: 6 });
    const e2 = engineFor(s);
    const bad = new Set([4, 13, 17]);
    const make = (i: number) => (bad.has(i) ? { ...houseRow(i), location: 'moon' } : houseRow(i));
    const r2 = await score(e2.engine, e2.profile, s.key, rows(24, make), 24);
    for (let i = 0; i < 24; i++) expect(r2.out.get(i)!.ok, `row ${i}`).toBe(!bad.has(i));
    expect(r2.out.get(13)!.error!.fieldErrors).toEqual([{ field: 'location', message: expect.stringContaining('location must be one of') }]);
    const batchSizes = s.requestLog().filter((e) => e.path.endsWith('/predictions') && e.status !== 413).map((e) => e.rows);
    expect(Math.max(...batchSizes)).toBeLessThanOrEqual(6);
  });

  it('cancels promptly with requests in flight', async () => {
    const s = await start({ faults: { latencyMs: 5000 } });
    const { engine, profile } = engineFor(s);
    const ac = new AbortController();
    const t0 = Date.now();
    setTimeout(() => ac.abort(), 150);
    await expect(engine.scoreRows(profile, s.key, house, rows(40), { batchSize: 1, signal: ac.signal, onOutcome: () => {} })).rejects.toMatchObject({ code: 'cancelled' });
    expect(Date.now() - t0).toBeLessThan(1000);
  });

  it('never logs the key', async () => {
    const s = await start({ keys: [{ key: 'sk-SANDBOX-secret-LEAK-CHECK' }], faults: { seed: 3, p503: 0.2, retryAfterSeconds: 0 } });
    const { engine, profile, logger } = engineFor(s);
    await score(engine, profile, 'sk-SANDBOX-secret-LEAK-CHECK', rows(20), 5);
    await engine.predictOne(profile, 'sk-SANDBOX-secret-LEAK-CHECK', house, { nope: 1 });
    expect(logger.lines.length).toBeGreaterThan(3);
    expect(logger.text()).not.toContain('sk-SANDBOX-secret-LEAK-CHECK');
  });
});
