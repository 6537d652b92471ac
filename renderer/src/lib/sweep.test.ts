import { describe, expect, it } from 'vitest';
import type { FieldSpec } from '../../../shared/domain/model';
import { checkRange, defaultRange, sweepKind, sweepValues } from './sweep';

const sqft: FieldSpec = { name: 'sqft', type: 'number', required: true, min: 100, max: 20000 };
const beds: FieldSpec = { name: 'beds', type: 'integer', required: true, min: 0, max: 20 };
const loc: FieldSpec = { name: 'loc', type: 'choice', required: true, choices: ['a', 'b', 'c'] };

describe('sweep', () => {
  it('spaces numbers evenly from–to', () => {
    expect(sweepValues(sqft, { from: 1000, to: 2000, steps: 5 })).toEqual([1000, 1250, 1500, 1750, 2000]);
  });
  it('rounds and deduplicates integers', () => {
    expect(sweepValues(beds, { from: 0, to: 3, steps: 7 })).toEqual([0, 1, 2, 3]);
  });
  it('uses each choice and both yes/no values', () => {
    expect(sweepValues(loc)).toEqual(['a', 'b', 'c']);
    expect(sweepValues({ name: 'x', type: 'boolean', required: true })).toEqual([false, true]);
    expect(sweepKind({ name: 't', type: 'text', required: true })).toBeNull();
  });
  it('refuses bad ranges with plain reasons', () => {
    expect(checkRange(sqft, { from: 2000, to: 1000, steps: 5 })).toEqual(['"From" must be smaller than "To".']);
    expect(checkRange(sqft, { from: 50, to: 1000, steps: 5 })[0]).toMatch(/cannot be below 100/);
    expect(checkRange(sqft, { from: 100, to: 1000, steps: 1 })[0]).toMatch(/at least 2 steps/);
    expect(checkRange(sqft, { from: 100, to: 1000, steps: 900 })[0]).toMatch(/at most 500/);
    expect(sweepValues(sqft, { from: 2000, to: 1000, steps: 5 })).toEqual([]);
  });
  it('starts near the current value inside the allowed range', () => {
    const r = defaultRange(sqft, 1500);
    expect(r.from).toBe(750);
    expect(r.to).toBe(3000);
    expect(checkRange(sqft, r)).toEqual([]);
    const b = defaultRange(beds, 2);
    expect(b).toEqual({ from: 0, to: 20, steps: 10 });
  });
});
