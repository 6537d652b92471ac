import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { predictFor } from '../../sandbox/models';
import { importSheet } from '../sheets/import';
import { exportHeader } from './export';
import { houseCsv, jobsHarness, type JobsHarness } from './test-support';

const GOOD = fileURLToPath(new URL('../../e2e/fixtures/good/', import.meta.url));

let h: JobsHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

async function importedRows(path: string, sheet?: string): Promise<{ columns: string[]; rows: { rowNumber: number; values: string[] }[] }> {
  const rows: { rowNumber: number; values: string[] }[] = [];
  let columns: string[] = [];
  await importSheet(path, { header: (hd) => void (columns = hd.columns), rows: (b) => void rows.push(...b) }, sheet ? { sheet } : {});
  return { columns, rows };
}

function parseCsv(text: string): string[][] {
  return Papa.parse<string[]>(text.replace(/\r\n$/, ''), { skipEmptyLines: false }).data;
}

async function runToEnd(harness: JobsHarness, jobId: number, opts: { skipProblemRows?: boolean; batchSize?: number } = {}) {
  await harness.service.start(jobId, opts);
  const end = await harness.service.settle(jobId);
  return { end, job: harness.service.getJob(jobId) };
}

/** The input the model gets for one house row of houseCsv (as the mapping and coercion produce it). */
function houseInput(cells: string[]) {
  return { square_footage: Number(cells[1]), bedrooms: Number(cells[2]), bathrooms: Number(cells[3]), location: cells[4] };
}

describe('import into a job', () => {
  it.each([
    ['comma.csv', undefined],
    ['semicolon.csv', undefined],
    ['tab.tsv', undefined],
    ['pipe.csv', undefined],
    ['crlf.csv', undefined],
    ['latin1.csv', undefined],
    ['quoted-newlines.csv', undefined],
    ['utf8-multilingual.csv', undefined],
    ['houses.xlsx', 'Houses'],
  ])('keeps every row and cell of %s', async (name, sheet) => {
    h = await jobsHarness();
    const path = join(GOOD, name);
    const expected = await importedRows(path, sheet);
    const job = await h.service.createJob({ importId: 'i1', path, ...(sheet ? { sheet } : {}), profileId: 'p1', modelId: 'm1' });
    expect(job.state).toBe('ready');
    expect(job.fileName).toBe(name);
    expect(job.columns).toEqual(expected.columns);
    expect(job.counts.total).toBe(expected.rows.length);
    expect(job.counts.pending).toBe(expected.rows.length);
    const page = h.service.results(job.id, null, 1000);
    expect(page.rows.map((r) => [r.rowNumber, r.cells])).toEqual(expected.rows.map((r) => [r.rowNumber, r.values]));
  });

  it('tells the importer’s reason and keeps no job when the file is broken', async () => {
    h = await jobsHarness();
    const earlier = await h.service.createJob({ importId: 'i0', path: h.write('ok.csv', houseCsv(3)), profileId: 'p1', modelId: 'm1' });
    const bad = h.write('ragged.csv', 'a,b,c\n1,2,3\n4,5,6,7\n');
    await expect(h.service.createJob({ importId: 'i1', path: bad, profileId: 'p1', modelId: 'm1' })).rejects.toMatchObject({ code: 'ragged_rows', message: expect.stringMatching(/^Row 3 has 4 values/) });
    expect(h.service.listJobs().map((j) => j.id)).toEqual([earlier.id]);
    expect(h.service.getJob(earlier.id).counts.total).toBe(3);
  });

  it('imports 20,000 rows in batched transactions with progress events', async () => {
    h = await jobsHarness();
    const path = h.write('big.csv', houseCsv(20_000));
    const started = performance.now();
    const job = await h.service.createJob({ importId: 'big', path, profileId: 'p1', modelId: 'm1' });
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(job.counts.total).toBe(20_000);
  });
});

describe('map and check', () => {
  it('matches columns automatically, shows coercions and lists the rows that need attention', async () => {
    h = await jobsHarness();
    const csv = ['ID,Square Footage,BEDROOMS,bathrooms,Location', 'a,"1,950",3,2,urban', 'b,1200,three,1,Rural', 'c,,2,1,suburban', 'd,800,2,1.5,rural'].join('\n');
    const job = await h.service.createJob({ importId: 'i', path: h.write('houses.csv', csv), profileId: 'p1', modelId: 'm1' });
    expect(job.mapping).toEqual({ square_footage: 'Square Footage', bedrooms: 'BEDROOMS', bathrooms: 'bathrooms', location: 'Location' });
    const check = await h.service.check(job.id);
    expect(check).toMatchObject({ ready: 2, needAttention: 2, extraColumns: ['ID'], unmappedFields: [] });
    expect(check.coercions.find((c) => c.field === 'square_footage')?.examples).toContainEqual({ from: '1,950', to: 1950 });
    const problems = h.service.problems(job.id, null, 10);
    expect(problems.rows.map((r) => r.rowNumber)).toEqual([3, 4]);
    expect(problems.rows[0]!.problems[0]).toMatchObject({ field: 'bedrooms', column: 'BEDROOMS', message: expect.stringContaining("found 'three'") });
    expect(problems.rows[1]!.problems[0]!.message).toMatch(/Column "Square Footage" \(field "square_footage"\): is required, but the cell is empty/);
    // Paged: one at a time, keyset.
    const first = h.service.problems(job.id, null, 1);
    expect(first.next).toBe(3);
    expect(h.service.problems(job.id, first.next, 1).rows[0]!.rowNumber).toBe(4);

    await expect(h.service.start(job.id)).rejects.toMatchObject({ code: 'rows_need_attention', message: expect.stringMatching(/2 rows need attention/) });
    await expect(h.service.setMapping(job.id, { square_footage: 'BEDROOMS', bedrooms: 'BEDROOMS' })).rejects.toMatchObject({ code: 'column_used_twice' });
    await expect(h.service.setMapping(job.id, { square_footage: 'Nope' })).rejects.toMatchObject({ code: 'unknown_column' });
    const remapped = await h.service.setMapping(job.id, { ...job.mapping!, location: null });
    expect(remapped.needAttention).toBe(4);
    expect(remapped.unmappedFields).toEqual([{ field: 'location', required: true }]);
  });

  it('skips the problem rows when asked and exports them as skipped with their reason', async () => {
    h = await jobsHarness();
    const job = await h.service.createJob({ importId: 'i', path: h.write('h.csv', houseCsv(40, { localInvalidEvery: 10 })), profileId: 'p1', modelId: 'm1' });
    const { job: done } = await runToEnd(h, job.id, { skipProblemRows: true });
    expect(done.state).toBe('done');
    expect(done.counts).toMatchObject({ ok: 36, skipped: 4, failed: 0, pending: 0 });
    const out = join(h.dir, 'out.csv');
    await h.service.exportResults(job.id, out);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    const skipped = rows.filter((r) => r[6] === 'skipped');
    expect(skipped).toHaveLength(4);
    expect(skipped[0]![7]).toMatch(/Column "bedrooms": expected a whole number, found 'three'/);
  });
});

describe('run', () => {
  it('scores every row once, writes results, history, chart and export', async () => {
    h = await jobsHarness({ sandbox: { maxBatch: 25 } });
    const n = 600;
    const job = await h.service.createJob({ importId: 'i', path: h.write('h.csv', houseCsv(n, { serverInvalidEvery: 50 })), profileId: 'p1', modelId: 'm1' });
    const estimate = h.service.estimate(job.id, 25);
    expect(estimate).toMatchObject({ rows: n, requestsSingle: n, requestsBatched: 24 });
    const { end, job: done } = await runToEnd(h, job.id, { batchSize: 25 });
    expect(end).toEqual({ state: 'done' });
    expect(done.counts).toMatchObject({ total: n, ok: n - 12, failed: 12, pending: 0 });
    expect(done.resultFields).toEqual(['predicted_price']);

    // Results: keyset pages cover every row exactly once; the failed filter shows only failures.
    const seen: number[] = [];
    let after: number | null = null;
    do {
      const page = h.service.results(job.id, after, 128);
      for (const r of page.rows) {
        seen.push(r.rowNumber);
        if (r.status === 'ok') expect(r.values).toEqual([predictFor('house-prices', '1', houseInput(r.cells)).predicted_price]);
      }
      after = page.next;
    } while (after !== null);
    expect(seen).toEqual(Array.from({ length: n }, (_, i) => i + 2));
    const failed = h.service.results(job.id, null, 100, 'failed');
    expect(failed.rows).toHaveLength(12);
    expect(failed.rows.every((r) => r.errorCode === 'invalid_input' && /bedrooms must be at most 20/.test(r.errorMessage ?? ''))).toBe(true);

    // Identical requests are not repeated: the server saw each valid row once (plus the bisection of bad batches).
    const okRowsSent = h.sandbox.requestLog().filter((e) => e.status === 200).reduce((s, e) => s + e.rows, 0);
    expect(okRowsSent).toBe(n - 12);

    // History: one entry per answered row, tagged with the job and row number.
    const hist = h.db.prepare(`SELECT count(*) AS n, count(DISTINCT row_number) AS rows FROM predictions WHERE job_id = ?`).get(String(job.id)) as { n: number; rows: number };
    expect(hist).toEqual({ n, rows: n });

    const chart = h.service.chart(job.id);
    expect(chart.kind).toBe('histogram');
    expect(chart.bins.reduce((s, b) => s + b.count, 0)).toBe(n - 12);

    // Progress events: throttled, the last one says done.
    expect(h.progress.at(-1)).toMatchObject({ jobId: job.id, state: 'done', counts: { pending: 0 } });

    const out = join(h.dir, 'out.csv');
    const written = await h.service.exportResults(job.id, out);
    expect(written.rows).toBe(n);
    const rows = parseCsv(readFileSync(out, 'utf8'));
    expect(rows[0]).toEqual(['listing_id', 'square_footage', 'bedrooms', 'bathrooms', 'location', 'predicted_price', 'status', 'error', 'request_id']);
    expect(rows).toHaveLength(n + 1);
    expect(new Set(rows.slice(1).map((r) => r[0])).size).toBe(n);
    expect(rows[50]![6]).toBe('invalid_input');
  });

  it('sends identical rows once', async () => {
    h = await jobsHarness();
    const job = await h.service.createJob({ importId: 'i', path: h.write('h.csv', houseCsv(200, { distinct: 10 })), profileId: 'p1', modelId: 'm1' });
    const { job: done } = await runToEnd(h, job.id, { batchSize: 1 });
    expect(done.counts.ok).toBe(200);
    expect(h.sandbox.requestLog().filter((e) => e.path.endsWith('/infer')).length).toBe(10);
  });

  it('pauses, resumes and never sends an answered row again', async () => {
    h = await jobsHarness({ sandbox: { faults: { latencyMs: 10 } }, concurrency: 2 });
    const n = 160;
    const job = await h.service.createJob({ importId: 'i', path: h.write('h.csv', houseCsv(n)), profileId: 'p1', modelId: 'm1' });
    await h.service.start(job.id, { batchSize: 1 });
    while (h.service.getJob(job.id).counts.ok < 40) await new Promise((r) => setTimeout(r, 20));
    const paused = await h.service.pause(job.id);
    expect(paused.state).toBe('paused');
    expect(paused.counts.pending).toBeGreaterThan(0);
    expect(h.service.listResumable().map((j) => j.id)).toEqual([job.id]);
    const answered = paused.counts.ok;
    // Let the server finish logging the requests that were in flight when the pause cut them off.
    await new Promise((r) => setTimeout(r, 150));
    const sentBefore = h.sandbox.requestLog().filter((e) => e.status === 200).length;
    await h.service.resume(job.id);
    await h.service.settle(job.id);
    const done = h.service.getJob(job.id);
    expect(done.state).toBe('done');
    expect(done.counts.ok).toBe(n);
    const sentAfter = h.sandbox.requestLog().filter((e) => e.status === 200).length - sentBefore;
    // Exactly the rows without a saved answer were sent after the resume: none twice.
    expect(sentAfter).toBe(n - answered);
  });

  it('completes under 20% injected transient faults with every row correct', async () => {
    h = await jobsHarness({
      sandbox: { maxBatch: 20, faults: { seed: 7, p429: 0.05, p502: 0.04, p503: 0.03, p504: 0.03, pDrop: 0.03, pTruncate: 0.02, retryAfterSeconds: 0 } },
      engine: { attempts: 12 },
    });
    const n = 400;
    const job = await h.service.createJob({ importId: 'i', path: h.write('h.csv', houseCsv(n)), profileId: 'p1', modelId: 'm1' });
    const { job: done } = await runToEnd(h, job.id, { batchSize: 10 });
    expect(done.counts).toMatchObject({ ok: n, failed: 0, pending: 0 });
    const faults = h.sandbox.requestLog().filter((e) => e.fault !== undefined).length;
    expect(faults).toBeGreaterThan(0);
    let after: number | null = null;
    let checked = 0;
    do {
      const page = h.service.results(job.id, after, 200);
      for (const r of page.rows) {
        expect(r.values[0]).toBe(predictFor('house-prices', '1', houseInput(r.cells)).predicted_price);
        checked++;
      }
      after = page.next;
    } while (after !== null);
    expect(checked).toBe(n);
  });

  it('retries failed rows after an outage', async () => {
    h = await jobsHarness({ sandbox: { faults: { p502: 1 } }, engine: { attempts: 1 } });
    const job = await h.service.createJob({ importId: 'i', path: h.write('h.csv', houseCsv(30)), profileId: 'p1', modelId: 'm1' });
    const { job: first } = await runToEnd(h, job.id, { batchSize: 10 });
    expect(first.counts).toMatchObject({ failed: 30, ok: 0 });
    h.sandbox.setFaults({ p502: 0 });
    await h.service.retryFailed(job.id);
    await h.service.settle(job.id);
    expect(h.service.getJob(job.id).counts).toMatchObject({ ok: 30, failed: 0 });
  });

  it('stops and keeps the job when the API refuses it', async () => {
    h = await jobsHarness({ sandbox: { modelStates: { 'house-prices/1': 'BUILDING' } }, engine: { attempts: 2 } });
    const job = await h.service.createJob({ importId: 'i', path: h.write('h.csv', houseCsv(20)), profileId: 'p1', modelId: 'm1' });
    const { end, job: after } = await runToEnd(h, job.id);
    expect(end?.state).toBe('failed');
    expect(after.state).toBe('failed');
    expect(after.error?.message).toBeTruthy();
    expect(after.counts.pending).toBe(20);
  });

  it('turns jobs left running by a crash into paused jobs offered for resume', async () => {
    h = await jobsHarness();
    const job = await h.service.createJob({ importId: 'i', path: h.write('h.csv', houseCsv(5)), profileId: 'p1', modelId: 'm1' });
    h.db.prepare(`UPDATE jobs SET state = 'running' WHERE id = ?`).run(job.id);
    const interrupted = h.service.store.create({ ...h.service.store.require(job.id), source: 'app', resumeKey: null });
    expect(h.service.recover()).toEqual({ paused: [job.id], failedImports: [interrupted] });
    expect(h.service.listResumable().map((j) => j.id)).toEqual([job.id]);
    expect(h.service.getJob(interrupted).error?.message).toMatch(/was interrupted before it finished/);
  });
});

describe('export', () => {
  it('keeps the original columns, prefixes clashing result fields and neutralises formulas', async () => {
    h = await jobsHarness();
    const csv = ['note,square_footage,bedrooms,bathrooms,location,predicted_price,status', '=HYPERLINK("x"),1200,2,1,urban,old,a', '+cmd,-5,2,1,urban,,b', '@x,900,2,1,rural,,c'].join('\n');
    const job = await h.service.createJob({ importId: 'i', path: h.write('f.csv', csv), profileId: 'p1', modelId: 'm1' });
    await runToEnd(h, job.id, { skipProblemRows: true });
    const out = join(h.dir, 'f-out.csv');
    await h.service.exportResults(job.id, out);
    const text = readFileSync(out, 'utf8');
    const rows = parseCsv(text);
    expect(rows[0]).toEqual(['note', 'square_footage', 'bedrooms', 'bathrooms', 'location', 'predicted_price', 'status', 'prediction_predicted_price', 'prediction_status', 'error', 'request_id']);
    expect(rows[1]![0]).toBe(`'=HYPERLINK("x")`);
    expect(rows[2]![0]).toBe(`'+cmd`);
    expect(rows[2]![1]).toBe('-5'); // a number stays a number
    expect(rows[3]![0]).toBe(`'@x`);
    expect(rows[1]![7]).toBe(String(predictFor('house-prices', '1', { square_footage: 1200, bedrooms: 2, bathrooms: 1, location: 'urban' }).predicted_price));
    expect(rows[2]![8]).toBe('invalid_input'); // the flat schema has no minimum: the server refuses -5 square feet
  });

  it('builds the header by the export rule', () => {
    expect(exportHeader(['a', 'status'], ['a', 'b.c'])).toEqual({ header: ['a', 'status', 'prediction_a', 'b.c', 'prediction_status', 'error', 'request_id'], resultNames: ['prediction_a', 'b.c'] });
  });
});
