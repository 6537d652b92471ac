import { describe, expect, it } from 'vitest';
import { cellText, countsText, estimateText, formatDuration, progressOf, progressText, pushPoint, stateLabel } from './bulk-view';

const counts = { total: 100, pending: 40, ok: 50, failed: 5, skipped: 3, invalid: 2 };

describe('bulk view helpers', () => {
  it('formats durations', () => {
    expect(formatDuration(12.4)).toBe('12 s');
    expect(formatDuration(200)).toBe('3 min 20 s');
    expect(formatDuration(3840)).toBe('1 h 4 min');
    expect(formatDuration(null)).toBe('—');
  });
  it('measures progress over the rows that will be sent', () => {
    expect(progressOf(counts)).toEqual({ done: 55, toSend: 95, fraction: 55 / 95 });
    expect(progressText({ counts, rowsPerMinute: 1200, etaSeconds: 2, state: 'running' })).toBe('55 of 95 done · 40 to go · 5 failed · 1,200 rows/min · about 2 s left');
    expect(progressText({ counts, rowsPerMinute: 0, etaSeconds: null, state: 'paused' })).toBe('55 of 95 done · 40 to go · 5 failed');
    expect(progressText({ counts, rowsPerMinute: 0, etaSeconds: null, state: 'cancelled' })).toBe('55 of 95 done · 40 not sent · 5 failed');
    expect(countsText({ total: 4484, pending: 3828, ok: 644, failed: 12, skipped: 0, invalid: 0 })).toBe('656 of 4,484 done · 3,828 to go · 12 failed');
  });
  it('names every state one way', () => {
    expect(stateLabel('running')).toBe('Running');
    expect(stateLabel('paused')).toBe('Paused');
    expect(stateLabel('done')).toBe('Finished');
    expect(stateLabel('cancelled')).toBe('Cancelled');
    expect(stateLabel('failed', { code: 'rate_limit_exceeded' })).toBe('Stopped by the server');
    expect(stateLabel('failed', { code: 'database_write_failed' })).toBe('Stopped');
  });
  it('explains the estimate with and without batching', () => {
    expect(estimateText({ rows: 1000, batchSize: 50, requestsSingle: 1000, requestsBatched: 20, rpm: 100, concurrency: 4, secondsSingle: 600, secondsBatched: 12 })).toBe(
      '1,000 rows to send. One by one: 1,000 requests, about 10 min 0 s at 100 requests a minute; in batches of 50: 20 requests, about 12 s.',
    );
  });
  it('shows cells plainly and keeps a bounded live series', () => {
    expect(cellText(1234567)).toBe('1,234,567');
    expect(cellText({ a: 1 })).toBe('{"a":1}');
    expect(cellText(null)).toBe('');
    let s: { t: number; v: number }[] = [];
    for (let i = 0; i < 5; i++) s = pushPoint(s, { t: i, v: i }, 3);
    expect(s.map((p) => p.t)).toEqual([2, 3, 4]);
  });
});
