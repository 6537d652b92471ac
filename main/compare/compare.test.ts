import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { predictFor } from '../../sandbox/models';
import type { PairedRow } from '../../shared/ipc/compare';
import { houseCsv } from '../jobs/test-support';
import type { RowOutcomeWrite } from '../jobs/store';
import type { SecondOutcomeWrite } from './store';
import { changeMatrix } from './summary';
import { churnCsv, compareHarness, type CompareHarness } from './test-support';

let h: CompareHarness | null = null;
afterEach(async () => {
  await h?.close();
  h = null;
});

function churnInput(cells: string[]) {
  return { tenure_months: Number(cells[1]), monthly_charges: Number(cells[2]), contract: cells[3], support_calls: Number(cells[4]), paperless_billing: cells[5] === 'true' };
}

function allRows(harness: CompareHarness, jobId: number, filter: 'all' | 'changed' = 'all'): { fields: string[]; rows: PairedRow[] } {
  const rows: PairedRow[] = [];
  let fields: string[] = [];
  for (let after: number | null = null; ; ) {
    const page = harness.compare.rows(jobId, after, 37, filter);
    fields = page.fields;
    rows.push(...page.rows);
    if (page.next === null) return { fields, rows };
    after = page.next;
  }
}

const countSql = (harness: CompareHarness, text: string, ...params: unknown[]) => (harness.db.prepare(text).pluck().get(...params) as number);

describe('comparing two versions on one job', () => {
  it('sends every row to both, through retries, and keeps each answer with its own row; the matrix, the changed filter and the exports agree with answers computed row by row', async () => {
    h = await compareHarness({ sandbox: { faults: { seed: 7, p502: 0.15, p429: 0.05, retryAfterSeconds: 0 } } });
    const path = h.write('churn.csv', churnCsv(240));
    const job = await h.jobs.createJob({ importId: 'i1', path, profileId: 'p1', modelId: 'm1' });
    expect(h.compare.setSecond(job.id, 'm2')).toMatchObject({ modelLabel: 'Churn v2' });
    await h.jobs.start(job.id, { batchSize: 7 });
    expect(await h.jobs.settle(job.id)).toEqual({ state: 'done' });

    const { fields, rows } = allRows(h, job.id);
    expect(rows).toHaveLength(240);
    expect(fields).toEqual(['predicted_class', 'confidence']);
    const slow: { a: string; b: string; n: number }[] = [];
    for (const r of rows) {
      const input = churnInput(r.cells);
      const a = predictFor('customer-churn', '1', input);
      const b = predictFor('customer-churn', '2', input);
      expect({ row: r.rowNumber, first: r.first, second: r.second }).toEqual({ row: r.rowNumber, first: [a.predicted_class, a.confidence], second: [b.predicted_class, b.confidence] });
      expect(r.changed).toBe(a.predicted_class !== b.predicted_class);
      const cell = slow.find((s) => s.a === a.predicted_class && s.b === b.predicted_class);
      if (cell) cell.n++;
      else slow.push({ a: a.predicted_class as string, b: b.predicted_class as string, n: 1 });
    }
    const changed = rows.filter((r) => r.changed);
    expect(changed.length).toBeGreaterThan(10);
    expect(changed.length).toBeLessThan(230);

    // Each row answered exactly once by each model: counts, the second table and the history agree.
    expect(countSql(h, 'SELECT count(*) FROM compare_rows')).toBe(240);
    expect(countSql(h, 'SELECT count(*) FROM predictions WHERE job_id = ?', String(job.id))).toBe(480);
    expect(countSql(h, `SELECT count(*) FROM (SELECT row_number FROM predictions WHERE job_id = ? GROUP BY row_number HAVING count(*) = 2)`, String(job.id))).toBe(240);

    const s = h.compare.summary(job.id);
    expect(s).toMatchObject({ kind: 'classes', field: 'predicted_class', changed: changed.length, firstPrefix: 'v1', secondPrefix: 'v2', rows: { total: 240, both: 240, secondOk: 240, secondFailed: 0, secondPending: 0 } });
    const expected = changeMatrix(slow);
    expect(s.matrix).toEqual({ classes: expected.classes, cells: expected.cells });
    expect(s.title).toBe(`Comparison of customer-churn v1 and v2 on churn.csv, 240 rows, ${changed.length} changed class`);

    const filtered = allRows(h, job.id, 'changed').rows;
    expect(filtered.map((r) => r.rowNumber)).toEqual(changed.map((r) => r.rowNumber));

    const csvPath = join(h.dir, 'out.csv');
    await h.compare.exportResults(job.id, csvPath);
    expect(readFileSync(csvPath, 'utf8').startsWith('\uFEFF')).toBe(true);
    const csv = Papa.parse<string[]>(readFileSync(csvPath, 'utf8').replace(/^\uFEFF/, '').trimEnd()).data;
    const header = ['customer_id', 'tenure_months', 'monthly_charges', 'contract', 'support_calls', 'paperless_billing', 'v1.predicted_class', 'v1.confidence', 'v2.predicted_class', 'v2.confidence', 'changed', 'v1.status', 'v1.error', 'v2.status', 'v2.error'];
    expect(csv[0]).toEqual(header);
    expect(csv).toHaveLength(241);
    for (const [i, r] of rows.entries()) {
      expect(csv[i + 1]).toEqual([...r.cells, String(r.first[0]), String(r.first[1]), String(r.second[0]), String(r.second[1]), r.changed ? 'yes' : 'no', 'ok', '', 'ok', '']);
    }

    const xlsxPath = join(h.dir, 'out.xlsx');
    await h.compare.exportResults(job.id, xlsxPath);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(xlsxPath);
    const sheet = book.worksheets[0]!;
    const texts = (n: number) => header.map((_, i) => sheet.getRow(n).getCell(i + 1).text);
    expect(texts(1)).toEqual(header);
    expect(sheet.rowCount).toBe(241);
    const last = rows[239]!;
    expect(texts(241).slice(6, 11)).toEqual([String(last.first[0]), String(last.first[1]), String(last.second[0]), String(last.second[1]), last.changed ? 'yes' : 'no']);
    expect(sheet.getRow(241).getCell(8).value).toBe(last.first[1]);

    expect(h.compare.list()).toEqual([expect.objectContaining({ jobId: job.id, title: s.title, fileName: 'churn.csv' })]);
  }, 60_000);

  it('paused part-way and resumed: rows answered by one model only get the other answer, none twice', async () => {
    h = await compareHarness({ sandbox: { faults: { latencyMs: 20 } }, engine: { timeoutMs: 5_000 } });
    const path = h.write('churn.csv', churnCsv(300));
    const job = await h.jobs.createJob({ importId: 'i1', path, profileId: 'p1', modelId: 'm1' });
    h.compare.setSecond(job.id, 'm2');
    await h.jobs.start(job.id, { batchSize: 5 });
    while (countSql(h, 'SELECT count(*) FROM compare_rows') < 20) await new Promise((r) => setTimeout(r, 10));
    await h.jobs.pause(job.id);
    const firstDone = h.jobs.getJob(job.id).counts.ok;
    const secondDone = countSql(h, 'SELECT count(*) FROM compare_rows');
    expect(firstDone + secondDone).toBeLessThan(600);
    await h.jobs.resume(job.id);
    expect(await h.jobs.settle(job.id)).toEqual({ state: 'done' });
    const { rows } = allRows(h, job.id);
    expect(rows.every((r) => r.firstStatus === 'ok' && r.secondStatus === 'ok')).toBe(true);
    expect(countSql(h, 'SELECT count(*) FROM compare_rows')).toBe(300);
    expect(countSql(h, 'SELECT n_ok FROM comparisons WHERE job_id = ?', job.id)).toBe(300);
    expect(countSql(h, 'SELECT count(*) FROM predictions WHERE job_id = ?', String(job.id))).toBe(600);
  }, 60_000);

  it('stops the job with the second model named when that model cannot answer at all', async () => {
    h = await compareHarness();
    const path = h.write('churn.csv', churnCsv(30));
    const job = await h.jobs.createJob({ importId: 'i1', path, profileId: 'p1', modelId: 'm1' });
    h.compare.attach(job.id, { profileId: 'p1', profileName: 'Test account', modelId: null, modelRef: { kind: 'model', name: 'customer-churn', version: '9' }, modelLabel: 'customer-churn v9' });
    await h.jobs.start(job.id);
    const end = await h.jobs.settle(job.id);
    expect(end).toMatchObject({ state: 'failed', error: { message: expect.stringMatching(/^customer-churn v9 \(the model compared with\): /) } });
  });

  it('refuses the job\'s own model, unknown models, and a change once rows were sent', async () => {
    h = await compareHarness();
    const path = h.write('churn.csv', churnCsv(10));
    const job = await h.jobs.createJob({ importId: 'i1', path, profileId: 'p1', modelId: 'm1' });
    expect(() => h!.compare.setSecond(job.id, 'm1')).toThrow(/already uses Churn/);
    expect(() => h!.compare.setSecond(job.id, 'nope')).toThrow(/not saved in this account/);
    expect(() => h!.compare.summary(job.id)).toThrow(/not a comparison/);
    h.compare.setSecond(job.id, 'm2');
    await h.jobs.start(job.id);
    await h.jobs.settle(job.id);
    expect(() => h!.compare.setSecond(job.id, 'm3')).toThrow(/can no longer change/);
    expect(h.jobs.store.delete(job.id)).toBe(true);
    expect(countSql(h, 'SELECT count(*) FROM compare_rows')).toBe(0);
    expect(countSql(h, 'SELECT count(*) FROM comparisons')).toBe(0);
  });
});

describe('comparing on a known outcome', () => {
  it('gives both versions\' figures side by side, each counted against the outcome row by row', async () => {
    h = await compareHarness();
    const path = fileURLToPath(new URL('../../sandbox/demo/churn-outcomes.csv', import.meta.url));
    const job = await h.jobs.createJob({ importId: 'i1', path, profileId: 'p1', modelId: 'm1' });
    await h.evaluations.setOutcome(job.id, 'churned');
    h.compare.setSecond(job.id, 'm2');
    await h.jobs.start(job.id, { skipProblemRows: true });
    expect(await h.jobs.settle(job.id)).toEqual({ state: 'done' });
    const s = h.compare.summary(job.id);
    expect(s.outcome).not.toBeNull();
    const { first, second } = s.outcome!;
    // The slow count: every row with a known outcome, each version's answer against it.
    const rows = Papa.parse<Record<string, string>>(readFileSync(path, 'utf8'), { header: true, skipEmptyLines: true }).data;
    let known = 0;
    const right = { v1: 0, v2: 0 };
    for (const r of rows) {
      if (r['churned'] === '') continue;
      known++;
      const input = { tenure_months: Number(r['tenure_months']), monthly_charges: Number(r['monthly_charges']), contract: r['contract'], support_calls: Number(r['support_calls']), paperless_billing: r['paperless_billing'] === 'Yes' };
      const actual = r['churned'] === 'Yes' ? 'churn' : 'stay';
      if (predictFor('customer-churn', '1', input).predicted_class === actual) right.v1++;
      if (predictFor('customer-churn', '2', input).predicted_class === actual) right.v2++;
    }
    expect(first.figures).toMatchObject({ kind: 'classification', rows: known });
    expect(second.figures).toMatchObject({ kind: 'classification', rows: known });
    expect(first.figures.kind === 'classification' && first.figures.accuracy).toBeCloseTo(right.v1 / known, 12);
    expect(second.figures.kind === 'classification' && second.figures.accuracy).toBeCloseTo(right.v2 / known, 12);
    expect(right.v1).not.toBe(right.v2);
    expect(first.modelLabel).toBe('customer-churn v1');
    expect(second.modelLabel).toBe('customer-churn v2');
    // The job's own evaluation headline stays the first model's.
    expect(h.evaluations.list()[0]!.title).toBe(first.title);
  }, 60_000);
});

describe('comparing numbers', () => {
  it('differences, their histogram, the rows that moved most and the export match a row-by-row computation', async () => {
    h = await compareHarness();
    const path = h.write('houses.csv', houseCsv(101));
    const job = await h.jobs.createJob({ importId: 'i1', path, profileId: 'p1', modelId: 'm3' });
    h.compare.attach(job.id, { profileId: 'p1', profileName: 'Test account', modelId: null, modelRef: { kind: 'model', name: 'house-prices', version: '2' }, modelLabel: 'house-prices v2' });
    // Answers written as the runners write them: v2 moves each price by a known amount (row 50 unchanged, row 77 failed in v2).
    const price = (row: number) => 100_000 + row * 1_000;
    const move = (row: number) => (row === 50 ? 0 : ((row * 37) % 41) * 250 - 5_000);
    const firstWrites: RowOutcomeWrite[] = [];
    const secondWrites: SecondOutcomeWrite[] = [];
    for (let row = 2; row <= 102; row++) {
      const base = { input: {}, errorCode: null, errorMessage: null, errorDetails: null, retryable: false, httpStatus: null, requestId: `r${row}`, attempts: 1, roundTripMs: 1, processingTimeMs: 1 };
      firstWrites.push({ ...base, rowNumber: row, ok: true, status: 'ok', result: { predicted_price: price(row) } });
      secondWrites.push(
        row === 77
          ? { ...base, rowNumber: row, status: 'failed', result: null, errorCode: 'prediction_error', errorMessage: 'The model failed.' }
          : { ...base, rowNumber: row, status: 'ok', result: { predicted_price: price(row) + move(row) } },
      );
    }
    h.jobs.store.writeOutcomes(job.id, firstWrites, { newResultFields: ['predicted_price'] });
    h.compare.store.writeOutcomes(job.id, secondWrites, [], ['predicted_price']);
    // Written twice (a resend after a crash): nothing changes.
    h.compare.store.writeOutcomes(job.id, secondWrites.map((w) => ({ ...w, result: { predicted_price: 1 } })), [], null);

    const diffs = Array.from({ length: 101 }, (_, i) => i + 2).filter((r) => r !== 77).map((r) => ({ row: r, d: move(r) }));
    const s = h.compare.summary(job.id);
    expect(s.kind).toBe('numbers');
    expect(s.rows).toMatchObject({ both: 100, secondOk: 100, secondFailed: 1 });
    expect(s.changed).toBe(diffs.filter((x) => x.d !== 0).length);
    const d = s.differences!;
    expect(d.n).toBe(100);
    expect(d.up).toBe(diffs.filter((x) => x.d > 0).length);
    expect(d.down).toBe(diffs.filter((x) => x.d < 0).length);
    expect(d.mean).toBeCloseTo(diffs.reduce((t, x) => t + x.d, 0) / 100, 6);
    expect(d.meanAbs).toBeCloseTo(diffs.reduce((t, x) => t + Math.abs(x.d), 0) / 100, 6);
    expect(d.bins.reduce((t, b) => t + b.count, 0)).toBe(100);
    const lo = Math.min(...diffs.map((x) => x.d));
    const hi = Math.max(...diffs.map((x) => x.d));
    for (const b of d.bins) {
      const inBin = diffs.filter((x) => x.d >= b.from! && (x.d < b.to! || (b.to === hi && x.d === hi))).length;
      expect({ bin: b.label, n: b.count }).toEqual({ bin: b.label, n: inBin });
    }
    expect(d.bins[0]!.from).toBe(lo);
    const slowTop = [...diffs].filter((x) => x.d !== 0).sort((x, y) => Math.abs(y.d) - Math.abs(x.d) || x.row - y.row).slice(0, 10);
    expect(d.top.map((t) => [t.rowNumber, t.difference])).toEqual(slowTop.map((x) => [x.row, x.d]));
    expect(d.top[0]).toMatchObject({ first: price(slowTop[0]!.row), second: price(slowTop[0]!.row) + slowTop[0]!.d });

    const changed = allRows(h, job.id, 'changed').rows;
    expect(changed.map((r) => r.rowNumber)).toEqual(diffs.filter((x) => x.d !== 0).map((x) => x.row));
    expect(changed.every((r) => r.difference === move(r.rowNumber))).toBe(true);

    const out = join(h.dir, 'houses-out.csv');
    await h.compare.exportResults(job.id, out);
    const csv = Papa.parse<string[]>(readFileSync(out, 'utf8').replace(/^\uFEFF/, '').trimEnd()).data;
    expect(csv[0]).toEqual(['listing_id', 'square_footage', 'bedrooms', 'bathrooms', 'location', 'v1.predicted_price', 'v2.predicted_price', 'difference', 'v1.status', 'v1.error', 'v2.status', 'v2.error']);
    expect(csv[2]!.slice(5, 8)).toEqual([String(price(3)), String(price(3) + move(3)), String(move(3))]);
    expect(csv[76]!.slice(5)).toEqual([String(price(77)), '', '', 'ok', '', 'prediction_error', 'The model failed.']);

    // A path ending .html gets the one-page report on the same figures.
    const report = await h.compare.exportResults(job.id, join(h.dir, 'houses report.html'));
    const html = readFileSync(report.path, 'utf8');
    expect(report).toMatchObject({ rows: 100, bytes: Buffer.byteLength(html) });
    expect(html).toContain(s.title.replace(/&/g, '&amp;'));
    expect(html).toContain(`${d.up} rows went up and ${d.down} went down, out of 100`);
    expect(html).toContain(`<td class="n">${slowTop[0]!.row}</td><td class="n">${price(slowTop[0]!.row).toLocaleString('en-US')}</td>`);
    expect(html).toContain('<svg');
    expect(html).not.toMatch(/<script|https?:\/\//i);
  });
});
