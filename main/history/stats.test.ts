import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyStatsSchema } from '../../shared/ipc/history';
import { percentile } from './stats';
import { prediction, tempHistory } from './test-helpers';
import type { HistoryStore } from './store';

let t: ReturnType<typeof tempHistory>;
let store: HistoryStore;
beforeEach(() => {
  t = tempHistory();
  store = t.store;
});
afterEach(() => t.dispose());

const at = (day: number, hour: number) => new Date(Date.UTC(2026, 0, day, hour)).toISOString();

describe('monitoring stats', () => {
  it('counts requests and errors by code per day, with latency percentiles', () => {
    const rows = [];
    // 1 Jan: 10 ok with round trips 10..100, 2 Jan: 3 ok + 2 rate limited + 1 invalid, 3 Jan: nothing.
    for (let i = 1; i <= 10; i++) rows.push(prediction({ createdAt: at(1, 10), roundTripMs: i * 10, processingTimeMs: i }));
    for (let i = 0; i < 3; i++) rows.push(prediction({ createdAt: at(2, 9), roundTripMs: 500 }));
    rows.push(prediction({ createdAt: at(2, 9), status: 'rate_limit_exceeded', result: null, roundTripMs: 5, processingTimeMs: null }));
    rows.push(prediction({ createdAt: at(2, 23), status: 'rate_limit_exceeded', result: null, roundTripMs: 5, processingTimeMs: null }));
    rows.push(prediction({ createdAt: at(2, 12), status: 'invalid_input', result: null, roundTripMs: null, processingTimeMs: null }));
    rows.push(prediction({ createdAt: at(2, 12), modelName: 'other-model' }));
    rows.push(prediction({ createdAt: at(9, 12) })); // outside the period
    store.addMany(rows);
    const s = store.stats({ modelName: 'churn', modelVersion: '1', from: at(1, 0), to: at(4, 0), bucket: 'day' });
    expect(historyStatsSchema.parse(s)).toEqual(s);
    expect(s.bucket).toBe('day');
    expect(s.buckets.map((b) => b.start)).toEqual([at(1, 0), at(2, 0), at(3, 0)]);
    expect(s.buckets.map((b) => b.count)).toEqual([10, 6, 0]);
    expect(s.buckets.map((b) => b.errors)).toEqual([0, 3, 0]);
    expect(s.buckets[1]?.errorsByCode).toEqual({ rate_limit_exceeded: 2, invalid_input: 1 });
    expect(s.buckets[0]?.roundTripP50).toBe(50);
    expect(s.buckets[0]?.roundTripP95).toBe(100);
    expect(s.buckets[0]?.processingP50).toBe(5);
    expect(s.buckets[1]?.roundTripP50).toBe(500);
    expect(s.buckets[2]?.roundTripP50).toBeNull();
    expect(s.total).toBe(16);
    expect(s.errors).toBe(3);
    expect(s.errorsByCode).toEqual([
      { code: 'rate_limit_exceeded', count: 2 },
      { code: 'invalid_input', count: 1 },
    ]);
    expect(s.resultFields.sort()).toEqual(['prediction', 'probability']);
    expect(s.distribution).toEqual({ kind: 'classes', field: 'prediction', classes: [{ label: 'stay', count: 13 }], otherCount: 0 });
  });

  it('starts days at the user’s midnight', () => {
    // 23:30 UTC on 1 Jan is 1:30 on 2 Jan at UTC+2.
    store.add(prediction({ createdAt: '2026-01-01T23:30:00.000Z' }));
    const s = store.stats({ modelName: 'churn', modelVersion: '1', from: '2026-01-01T00:00:00+02:00', to: '2026-01-03T00:00:00+02:00', bucket: 'day', utcOffsetMinutes: 120 });
    expect(s.buckets.map((b) => [b.start, b.count])).toEqual([
      ['2025-12-31T22:00:00.000Z', 0],
      ['2026-01-01T22:00:00.000Z', 1],
    ]);
  });

  it('shows a histogram for a numeric result and class counts for few distinct numbers', () => {
    store.addMany(Array.from({ length: 100 }, (_, i) => prediction({ createdAt: at(1, 1), result: { price: i * 10, label: i % 2 } })));
    const s = store.stats({ modelName: 'churn', modelVersion: '1', from: at(1, 0), to: at(2, 0), field: 'price' });
    expect(s.bucket).toBe('hour');
    expect(s.distribution?.kind).toBe('histogram');
    if (s.distribution?.kind !== 'histogram') throw new Error('histogram expected');
    expect(s.distribution.bins).toHaveLength(20);
    expect(s.distribution.bins[0]).toEqual({ from: 0, to: 49.5, count: 5 });
    expect(s.distribution.bins.reduce((n, b) => n + b.count, 0)).toBe(100);
    const labels = store.stats({ modelName: 'churn', modelVersion: '1', from: at(1, 0), to: at(2, 0), field: 'label' });
    expect(labels.distribution).toEqual({ kind: 'classes', field: 'label', classes: expect.arrayContaining([{ label: '0', count: 50 }, { label: '1', count: 50 }]), otherCount: 0 });
  });

  it('answers with empty charts for a model without entries, and refuses impossible periods', () => {
    const s = store.stats({ modelName: 'nothing', modelVersion: '1', from: at(1, 0), to: at(8, 0) });
    expect(s.total).toBe(0);
    expect(s.buckets).toHaveLength(7);
    expect(s.distribution).toBeNull();
    expect(() => store.stats({ modelName: 'churn', modelVersion: '1', from: at(2, 0), to: at(1, 0) })).toThrow(/end of the period must be after its start/);
    expect(() => store.stats({ modelName: 'churn', modelVersion: '1', from: '2000-01-01T00:00:00Z', to: at(1, 0), bucket: 'hour' })).toThrow(/Choose a shorter period/);
  });

  it('uses nearest-rank percentiles', () => {
    expect(percentile(Float64Array.from([1, 2, 3, 4]), 50)).toBe(2);
    expect(percentile(Float64Array.from([1, 2, 3, 4]), 95)).toBe(4);
    expect(percentile(new Float64Array(0), 50)).toBeNull();
  });
});
