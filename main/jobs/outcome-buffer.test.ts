import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { NewPrediction } from '../../shared/domain/prediction';
import { FLUSH_MS, FLUSH_ROWS, OutcomeBuffer } from './outcome-buffer';

type W = { n: number; result: Record<string, unknown> | null };
const entry = (n: number) => ({ rowNumber: n }) as unknown as NewPrediction;

describe('OutcomeBuffer', () => {
  beforeEach(() => vi.useFakeTimers());
  afterEach(() => vi.useRealTimers());

  it('writes every FLUSH_ROWS answers at once, the rest after FLUSH_MS, each with its history entries', () => {
    const written: { rows: number[]; entries: number; fields: string[] | null }[] = [];
    const buffer = new OutcomeBuffer<W>(['label'], (writes, entries, fields) => written.push({ rows: writes.map((w) => w.n), entries: entries.length, fields }));
    for (let n = 1; n <= FLUSH_ROWS + 3; n++) buffer.add({ n, result: { label: 'a' } }, n % 2 === 0 ? entry(n) : null);
    expect(written).toHaveLength(1);
    expect(written[0]!.rows).toHaveLength(FLUSH_ROWS);
    expect(written[0]!.entries).toBe(FLUSH_ROWS / 2);
    vi.advanceTimersByTime(FLUSH_MS - 1);
    expect(written).toHaveLength(1);
    vi.advanceTimersByTime(1);
    expect(written[1]!.rows).toEqual([FLUSH_ROWS + 1, FLUSH_ROWS + 2, FLUSH_ROWS + 3]);
    expect(written.every((w) => w.fields === null)).toBe(true);
  });

  it('sends the whole list of result fields with the first write after an answer brought a new one, nested fields flattened', () => {
    const fields: (string[] | null)[] = [];
    const buffer = new OutcomeBuffer<W>(['label'], (_w, _e, f) => fields.push(f));
    buffer.add({ n: 1, result: { label: 'a', scores: { a: 0.9 } } }, null);
    buffer.flush();
    buffer.add({ n: 2, result: { label: 'b', scores: { a: 0.1 } } }, null);
    buffer.flush();
    buffer.add({ n: 3, result: null }, null);
    buffer.flush();
    expect(fields).toEqual([['label', 'scores.a'], null, null]);
  });

  it('keeps the error of a timed write that failed, for the run to throw', () => {
    const buffer = new OutcomeBuffer<W>([], () => {
      throw new Error('disk full');
    });
    buffer.add({ n: 1, result: null }, null);
    expect(() => buffer.check()).not.toThrow();
    vi.advanceTimersByTime(FLUSH_MS);
    expect(() => buffer.check()).toThrow('disk full');
    expect(buffer.error).toBeInstanceOf(Error);
  });

  it('stop cancels the timed write and keeps what was gathered for the next flush', () => {
    const written: number[][] = [];
    const buffer = new OutcomeBuffer<W>([], (writes) => written.push(writes.map((w) => w.n)));
    buffer.add({ n: 1, result: null }, null);
    buffer.stop();
    vi.advanceTimersByTime(FLUSH_MS * 2);
    expect(written).toEqual([]);
    buffer.flush();
    expect(written).toEqual([[1]]);
  });
});
