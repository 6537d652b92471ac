import { afterEach, describe, expect, it } from 'vitest';
import { HistoryStore } from '../history/store';
import { defaultIdentifyingColumns, identifyingColumns, rowLabeller } from './row-label';
import { houseCsv, jobsHarness, type JobsHarness } from './test-support';

let h: JobsHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

describe('identifying columns', () => {
  it('defaults to the columns not sent to the model, in file order', () => {
    const columns = ['customer_id', 'tenure', 'name', 'plan', 'notes'];
    expect(defaultIdentifyingColumns(columns, { tenure_months: 'tenure', plan: 'plan', extra: null })).toEqual(['customer_id', 'name', 'notes']);
    // Without a mapping every column is sent: nothing is left over to identify the row.
    expect(defaultIdentifyingColumns(columns, null)).toEqual([]);
  });

  it('keeps the chosen columns that still exist, once each', () => {
    const job = { columns: ['a', 'b', 'c'], mapping: { f: 'b' }, settings: {} };
    expect(identifyingColumns(job)).toEqual(['a', 'c']);
    expect(identifyingColumns({ ...job, settings: { identifyingColumns: ['c', 'gone', 'c', 'a'] } })).toEqual(['c', 'a']);
    expect(identifyingColumns({ ...job, settings: { identifyingColumns: [] } })).toEqual([]);
  });

  it('labels a row with its non-blank identifying cells', () => {
    const label = rowLabeller(['id', 'x', 'name'], ['name', 'id']);
    expect(label(['C-1', '5', 'Núñez'])).toEqual({ name: 'Núñez', id: 'C-1' });
    expect(label(['C-2', '5', '  '])).toEqual({ id: 'C-2' });
    expect(label(['', '5', ''])).toBeNull();
    expect(rowLabeller(['id'], [])(['C-1'])).toBeNull();
    expect(label(['C-3', '', 'x'.repeat(500)])?.name).toHaveLength(200);
  });
});

describe('history entries of a job know their row', () => {
  it('keeps the unmapped columns by default, and the chosen ones when asked', async () => {
    h = await jobsHarness({ sandbox: { maxBatch: 25 } });
    const n = 120;
    const csv = houseCsv(n, { serverInvalidEvery: 40 });
    const cells = new Map(csv.trim().split('\n').slice(1).map((line, i) => [i + 2, line.split(',')]));
    const history = new HistoryStore(h.db);

    const job = await h.service.createJob({ importId: 'i', path: h.write('h.csv', csv), profileId: 'p1', modelId: 'm1' });
    await h.service.start(job.id, { batchSize: 25 });
    expect(await h.service.settle(job.id)).toEqual({ state: 'done' });
    const rows = history.page({ filters: { jobId: String(job.id) }, limit: 1000 }).rows;
    expect(rows).toHaveLength(n);
    for (const r of rows) expect(r.rowLabel).toEqual({ listing_id: cells.get(r.rowNumber as number)?.[0] });
    // Failed rows (bedrooms 99) keep their label too.
    expect(rows.filter((r) => r.status !== 'ok').length).toBe(3);

    const second = await h.service.createJob({ importId: 'j', path: h.write('h2.csv', csv), profileId: 'p1', modelId: 'm1' });
    await expect(h.service.start(second.id, { identifyingColumns: ['Listing'] })).rejects.toThrow(/"Listing".*not in h2\.csv.*listing_id/);
    await h.service.start(second.id, { identifyingColumns: ['location', 'listing_id'] });
    expect(await h.service.settle(second.id)).toEqual({ state: 'done' });
    expect(h.service.getJob(second.id).settings.identifyingColumns).toEqual(['location', 'listing_id']);
    const again = history.page({ filters: { jobId: String(second.id) }, limit: 1000 }).rows;
    expect(again).toHaveLength(n);
    for (const r of again) {
      const c = cells.get(r.rowNumber as number) as string[];
      expect(r.rowLabel).toEqual({ location: c[4], listing_id: c[0] });
      expect(Object.keys(r.rowLabel ?? {})).toEqual(['location', 'listing_id']);
    }
    // The job filter tells the two jobs apart; the search finds a row by its listing id.
    expect(history.count({ jobId: String(job.id) })).toBe(n);
    expect(history.count({ origin: 'job' })).toBe(2 * n);
    expect(history.count({ origin: 'form' })).toBe(0);
    // (Words are prefixes, so "L-77" also finds other rows with a word starting "77"; both L-77 rows are among them.)
    const found = history.page({ filters: { text: 'L-77' }, limit: 1000 }).rows.map((r) => `${r.jobId}:${r.rowNumber}`);
    expect(found).toEqual(expect.arrayContaining([`${job.id}:78`, `${second.id}:78`]));
    expect(history.page({ filters: { text: 'L-77', jobId: String(second.id) }, limit: 1000 }).rows.every((r) => r.jobId === String(second.id))).toBe(true);
  });
});
