import { describe, expect, it } from 'vitest';
import { parseRateLimitHeaders } from '../main/plexe/rate-limit-headers';
import { KeyRateLimiter, rateHeaders, type RateRule } from './rate-limit';

/** Admitted times when one request arrives at each of `times`. */
function admitted(rule: RateRule, times: number[]): number[] {
  const l = new KeyRateLimiter();
  return times.filter((t) => l.take('k', rule, t).ok);
}

const every = (ms: number, n: number, from = 0) => Array.from({ length: n }, (_, i) => from + i * ms);

describe('KeyRateLimiter', () => {
  it('rolling: at most `limit` in any window; Retry-After until the oldest leaves', () => {
    const rule: RateRule = { kind: 'rolling', limit: 3, windowMs: 1000 };
    const l = new KeyRateLimiter();
    for (const t of [0, 100, 200]) expect(l.take('k', rule, t)).toMatchObject({ ok: true });
    expect(l.take('k', rule, 300)).toMatchObject({ ok: false, retryAfterSeconds: 1, remaining: 0 });
    expect(l.take('k', rule, 1000)).toMatchObject({ ok: true, remaining: 0 });
    // 10 per second asked at 20/s for 3 s: 10 in each rolling second.
    expect(admitted({ kind: 'rolling', limit: 10, windowMs: 1000 }, every(50, 60)).length).toBe(30);
  });

  it('fixed: windows aligned to the clock, reset counted to the window end', () => {
    const rule: RateRule = { kind: 'fixed', limit: 2, windowMs: 60_000 };
    const l = new KeyRateLimiter();
    expect(l.take('k', rule, 50_000)).toMatchObject({ ok: true, remaining: 1, resetSeconds: 10 });
    expect(l.take('k', rule, 55_000)).toMatchObject({ ok: true, remaining: 0 });
    expect(l.take('k', rule, 59_000)).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    // The next minute starts afresh: two at its start right after two at the end of the last one.
    expect(l.take('k', rule, 60_000)).toMatchObject({ ok: true });
    expect(l.take('k', rule, 60_001)).toMatchObject({ ok: true });
    expect(l.take('k', rule, 60_002)).toMatchObject({ ok: false, retryAfterSeconds: 60 });
  });

  it('token bucket: a burst of `burst`, then the refill rate', () => {
    const rule: RateRule = { kind: 'token-bucket', limit: 10, windowMs: 1000, burst: 3 };
    // 20/s for 3 s: 3 at once, then 10/s.
    const ok = admitted(rule, every(50, 60));
    expect(ok.length).toBeGreaterThanOrEqual(31);
    expect(ok.length).toBeLessThanOrEqual(33);
    const l = new KeyRateLimiter();
    for (let i = 0; i < 3; i++) expect(l.take('k', rule, 0).ok).toBe(true);
    expect(l.take('k', rule, 0)).toMatchObject({ ok: false, retryAfterSeconds: 1 });
    expect(l.take('k', rule, 100).ok).toBe(true);
  });

  it('headers in both forms, which the client reads back', () => {
    const rule: RateRule = { kind: 'rolling', limit: 100, windowMs: 10_000 };
    const v = new KeyRateLimiter().take('k', rule, 0);
    const h = rateHeaders('both', rule, v);
    expect(h).toEqual({
      'ratelimit-limit': '100',
      'ratelimit-remaining': '99',
      'ratelimit-reset': '10',
      'ratelimit-policy': '100;w=10',
      'x-ratelimit-limit': '100',
      'x-ratelimit-remaining': '99',
      'x-ratelimit-reset': '10',
    });
    expect(parseRateLimitHeaders(new Headers(h), 0)).toEqual({ limit: 100, remaining: 99, resetSeconds: 10, policy: { quota: 100, windowSeconds: 10 } });
    expect(rateHeaders('none', rule, v)).toEqual({});
  });
});

describe('parseRateLimitHeaders', () => {
  const parse = (h: Record<string, string>) => parseRateLimitHeaders(new Headers(h), 1_700_000_000_000);
  it('reads the forms deployments use', () => {
    expect(parse({})).toBeNull();
    expect(parse({ 'RateLimit-Policy': '"default";q=100;w=10', RateLimit: '"default";r=50;t=30' })).toEqual({ limit: 100, remaining: 50, resetSeconds: 30, policy: { quota: 100, windowSeconds: 10 } });
    // Several policies: the strictest rate wins.
    expect(parse({ 'RateLimit-Limit': '10, 10;w=1, 1000;w=3600' })!.policy).toEqual({ quota: 1000, windowSeconds: 3600 });
    // X-RateLimit-Reset as epoch seconds.
    expect(parse({ 'X-RateLimit-Limit': '60', 'X-RateLimit-Remaining': '0', 'X-RateLimit-Reset': String(1_700_000_000 + 42) })).toEqual({ limit: 60, remaining: 0, resetSeconds: 42, policy: null });
    expect(parse({ 'X-RateLimit-Limit': 'lots' })).toBeNull();
  });
});
