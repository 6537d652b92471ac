import { describe, expect, it } from 'vitest';
import { Pace } from './pace';

/** Pace on its own: what one 429 teaches, fed by hand (times in ms). */
describe('Pace after a 429', () => {
  it('a limit set by the half-floor (a sparse first count) is probed after one step, not a quiet minute', () => {
    const p = new Pace(10);
    p.started(0);
    for (const t of [100, 200, 300, 400, 500]) p.acceptedAt(t);
    expect(p.throttled(600, 550, 10, 1000)).toBe(true);
    expect(p.rate(600)).toBeCloseTo(4.9, 5);
    // One probe step (2 s) later the pace already climbs ×1.1.
    expect(p.rate(2700)).toBeCloseTo(4.9 * 1.1, 5);
  });

  it('a refusal at the held pace nudges the limit in the window it was learned in, even when a longer window looks likelier', () => {
    const p = new Pace(15);
    p.started(0);
    for (let t = 50; t < 1000; t += 100) p.acceptedAt(t);
    p.throttled(1000, 950, 15, 1000);
    // Learned 10 per second: held at 98 % as a rate (a count of 10 is too coarse to hold by).
    expect(p.rate(1000)).toBeCloseTo(9.8, 5);
    expect(p.windowBound(1000)).toBeNull();
    // Held for 18 s, once 11 within a second (a late timer's catch-up), then a refusal at the held pace.
    for (let t = 2000; t < 20_000; t += 102) p.acceptedAt(t);
    p.acceptedAt(10_001);
    expect(p.throttled(20_050, 20_000, 9.8, 1000)).toBe(true);
    // Nudged 2 % in the one-second window; not turned into a count per 10 s.
    expect(p.windowBound(20_050)).toBeNull();
    expect(p.rate(20_050)).toBeCloseTo(9.8 * 0.98, 5);
  });
});
