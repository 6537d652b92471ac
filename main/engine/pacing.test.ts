import { describe, expect, it } from 'vitest';
import type { RateRule } from '../../sandbox/rate-limit';
import { runPacing } from './pacing-sim';
import { maxInAnyWindow } from './test-fakes';

/**
 * Pacing against every kind of server limiter, on the virtual clock: 10 requests/s however the
 * server counts them, 20 ms answers, 0–5 ms network jitter, the user's setting equal to the
 * server's limit or 1.5× above it.
 */
const KINDS: { name: string; rule: RateRule }[] = [
  { name: 'rolling 1 s', rule: { kind: 'rolling', limit: 10, windowMs: 1000 } },
  { name: 'rolling 10 s', rule: { kind: 'rolling', limit: 100, windowMs: 10_000 } },
  { name: 'rolling 60 s', rule: { kind: 'rolling', limit: 600, windowMs: 60_000 } },
  { name: 'fixed minute', rule: { kind: 'fixed', limit: 600, windowMs: 60_000 } },
  { name: 'token bucket (burst 3)', rule: { kind: 'token-bucket', limit: 10, windowMs: 1000, burst: 3 } },
];
const SECONDS = 150;

describe('pacing against every limiter kind (no rate-limit headers)', () => {
  for (const { name, rule } of KINDS) {
    for (const factor of [1, 1.5]) {
      it(`${name}, setting ${factor}× the limit: ≥ 0.95 of the limit after 5 s, 429s under ${factor === 1 ? 1 : 3}%, no burst`, async () => {
        const r = await runPacing({ rule, rpm: 600 * factor, seconds: SECONDS });
        expect(r.utilization).toBeGreaterThanOrEqual(0.95);
        expect(r.share429).toBeLessThan(factor === 1 ? 0.01 : 0.03);
        // The first requests go one interval apart.
        const interval = 1000 / (10 * factor);
        const gaps = r.starts.slice(1, 8).map((t, i) => t - r.starts[i]!);
        for (const g of gaps) expect(g).toBeGreaterThanOrEqual(interval - 1);
        // Catching up on a late start never lets more than two go early (three within one interval).
        expect(maxInAnyWindow(r.starts, interval * 0.99)).toBeLessThanOrEqual(3);
      });
    }
  }

  for (const { name, rule } of KINDS.filter((k) => k.rule.windowMs === 60_000)) {
    it(`${name}, setting equal to the limit: uses all of it with no 429 (per-minute stays at 1.00)`, async () => {
      const r = await runPacing({ rule, rpm: 600, seconds: SECONDS });
      expect(r.refused).toBe(0);
      expect(r.utilization).toBeGreaterThanOrEqual(0.99);
    });
  }
});

describe('pacing on a busier network (the first request opens its connection, 0–10 ms jitter)', () => {
  // The first request reaches the server 15 ms late, so the server's window can hold one more of
  // ours than the setting allows, and a server counting per 10 s refuses at the setting itself.
  for (const { name, rule } of KINDS) {
    for (const factor of [1, 1.5]) {
      for (const batchSize of [1, 10]) {
        it(`${name}, setting ${factor}× the limit, ${batchSize === 1 ? 'one row per request' : 'batches of 10'}: ≥ 0.95 of the limit, 429s under ${factor === 1 ? 1 : 3}%`, async () => {
          const r = await runPacing({ rule, rpm: 600 * factor, seconds: SECONDS, batchSize, connectMs: 15, jitterMs: 10 });
          expect(r.utilization).toBeGreaterThanOrEqual(0.95);
          expect(r.share429).toBeLessThan(factor === 1 ? 0.01 : 0.03);
        });
      }
    }
  }

  it('rolling 10 s refusing once at the setting: the count it accepted over that window is held, no second 429', async () => {
    const r = await runPacing({ rule: { kind: 'rolling', limit: 100, windowMs: 10_000 }, rpm: 600, seconds: SECONDS, connectMs: 15, jitterMs: 10 });
    expect(r.refused).toBe(1);
    expect(r.utilization).toBeGreaterThanOrEqual(0.98);
    // Never more than 100 starts in any 10 s after the refusal (a rate with a margin would not need 10 s to tell).
    expect(maxInAnyWindow(r.starts.filter((t) => t > r.refusedAt[0]!), 10_000)).toBeLessThanOrEqual(100);
  });

  it('token bucket at 1.5×: a refused probe keeps the step before it, and the pace settles at the rate within a few 429s', async () => {
    const r = await runPacing({ rule: { kind: 'token-bucket', limit: 10, windowMs: 1000, burst: 3 }, rpm: 900, seconds: SECONDS, connectMs: 15, jitterMs: 10 });
    expect(r.refused).toBeLessThanOrEqual(8);
    const late = r.accepted.filter((t) => t >= 60_000).length / 90;
    expect(late).toBeGreaterThanOrEqual(9.6);
  });

  it('token bucket at 1.5× on a busy machine (timers 0–30 ms late, 0–40 ms jitter): ≥ 0.95 of its rate, 429s under 3%', async () => {
    const r = await runPacing({ rule: { kind: 'token-bucket', limit: 10, windowMs: 1000, burst: 3 }, rpm: 900, seconds: SECONDS, connectMs: 15, jitterMs: 40, lateMs: 30 });
    expect(r.utilization).toBeGreaterThanOrEqual(0.95);
    expect(r.share429).toBeLessThan(0.03);
  });
});

describe('learning the limit', () => {
  it('learns it from what the server accepted before a 429 and holds just below it', async () => {
    const r = await runPacing({ rule: { kind: 'rolling', limit: 100, windowMs: 10_000 }, rpm: 900, seconds: 60 });
    expect(r.learned).not.toBeNull();
    expect(r.learned!).toBeGreaterThanOrEqual(9.5);
    expect(r.learned!).toBeLessThanOrEqual(10.2);
    // Held just below it: 9.5–10 starts/s from 20 s on, and no further 429 there.
    const held = r.starts.filter((t) => t >= 20_000 && t < 60_000).length / 40;
    expect(held).toBeGreaterThanOrEqual(9.5);
    expect(held).toBeLessThanOrEqual(10);
    expect(r.refusedAt.filter((t) => t >= 20_000)).toEqual([]);
  });

  it('probes upward in multiplicative steps toward the setting until the next 429', async () => {
    // An earlier job left 5/s; the server now takes 10/s; the setting is 15/s.
    const r = await runPacing({ rule: { kind: 'rolling', limit: 10, windowMs: 1000 }, rpm: 900, seconds: 120, remembered: 5 });
    const rate = (from: number, to: number) => r.starts.filter((t) => t >= from * 1000 && t < to * 1000).length / (to - from);
    // Starts at the remembered pace, then after a minute's quiet climbs ×1.1 every 2 s.
    expect(rate(0, 60)).toBeGreaterThanOrEqual(4.8);
    expect(rate(0, 60)).toBeLessThanOrEqual(5);
    expect(r.paceTrace[61]! / r.paceTrace[59]!).toBeCloseTo(1.1, 1);
    expect(r.paceTrace[63]! / r.paceTrace[61]!).toBeCloseTo(1.1, 1);
    // The climb found the limit (a 429) within 20 s, then learned it.
    expect(r.refusedAt.length).toBeGreaterThan(0);
    expect(r.refusedAt[0]!).toBeLessThan(80_000);
    expect(r.learned!).toBeGreaterThanOrEqual(9.5);
    expect(rate(90, 120)).toBeGreaterThanOrEqual(9.5);
  });
});

describe('rate-limit headers', () => {
  for (const headers of ['ietf', 'x'] as const) {
    for (const { name, rule } of KINDS) {
      it(`${headers === 'ietf' ? 'RateLimit-*' : 'X-RateLimit-*'} headers, ${name}, setting 1.5× the limit: paced by them before any 429`, async () => {
        const r = await runPacing({ rule, rpm: 900, seconds: 60, headers });
        // IETF headers name the policy: no 429 at all. X-RateLimit-* ones only say limit/remaining/reset: one at most.
        expect(r.refused).toBeLessThanOrEqual(headers === 'ietf' ? 0 : 1);
        expect(r.utilization).toBeGreaterThanOrEqual(0.95);
      });
    }
  }
});

describe('remembering the learned rate per account', () => {
  it('hands it to the next job, which starts at that pace, and reports it in the rate info', async () => {
    const saved = new Map<string, number | null>();
    const memory = { get: (id: string) => saved.get(id) ?? null, set: (id: string, v: number | null) => void saved.set(id, v) };
    const rule: RateRule = { kind: 'rolling', limit: 10, windowMs: 1000 };
    const first = await runPacing({ rule, rpm: 900, seconds: 20, paceMemory: memory });
    expect(first.learned).toBeCloseTo(10, 0);
    expect(saved.get('p')).toBeCloseTo(10, 0);
    // A new engine (the next job, or the app started again) begins just below it: no 429 to relearn it.
    const second = await runPacing({ rule, rpm: 900, seconds: 20, paceMemory: memory });
    expect(second.refused).toBe(0);
    const gaps = second.starts.slice(1, 6).map((t, i) => t - second.starts[i]!);
    for (const g of gaps) expect(g).toBeCloseTo(1000 / 9.8, 0);
  });
});
