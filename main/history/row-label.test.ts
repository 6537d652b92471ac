import { Writable } from 'node:stream';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { NewPrediction, PredictionRecord } from '../../shared/domain/prediction';
import type { HistoryFilters } from '../../shared/ipc/history';
import { exportHistoryCsv } from './export';
import { seededRandom } from './fixture';
import path from 'node:path';
import { openDatabase } from '../store/db';
import { migrations } from '../store/migrations';
import { HistoryStore } from './store';
import { minutes, prediction, tempHistory } from './test-helpers';

/** History entries from spreadsheet jobs carry their row's identifying columns: stored, searched, filtered, exported. */

let t: ReturnType<typeof tempHistory>;
let store: HistoryStore;
beforeEach(() => {
  t = tempHistory();
  store = t.store;
});
afterEach(() => t.dispose());

const NAMES = ['Ana Núñez', 'Emeka Okafor', 'Lena Müller', 'José García', 'Priya Raman', 'Chen Wei'];
const JOBS = ['11', '12', '13'];

/** A mixed history: form entries without a label, and rows of three jobs (job 13 labels by name only). */
function makeEntries(n: number, seed = 7): NewPrediction[] {
  const r = seededRandom(seed);
  const pick = <T,>(list: readonly T[]): T => list[Math.floor(r() * list.length)] as T;
  const out: NewPrediction[] = [];
  for (let i = 0; i < n; i++) {
    const fromJob = r() < 0.75;
    const jobId = fromJob ? pick(JOBS) : null;
    const failed = r() < 0.15;
    const label: Record<string, string> | null = jobId === null ? null : jobId === '13' ? { name: pick(NAMES) } : { customer_id: `CX${100 + Math.floor(r() * 900)}`, name: pick(NAMES) };
    out.push(
      prediction({
        createdAt: minutes(Math.floor(r() * 5000)),
        source: jobId === null ? 'form' : 'bulk',
        input: { tenure: Math.floor(r() * 72), plan: pick(['basic', 'pro']) },
        result: failed ? null : { prediction: pick(['stay', 'churn']), probability: Math.round(r() * 100) / 100 },
        status: failed ? 'prediction_error' : 'ok',
        errorMessage: failed ? 'The model could not score this row.' : null,
        requestId: `req_${i}`,
        jobId,
        rowNumber: jobId === null ? null : i + 2,
        rowLabel: label,
      }),
    );
  }
  return out;
}

function addAll(entries: readonly NewPrediction[]): void {
  for (let i = 0; i < entries.length; i += 97) store.addMany(entries.slice(i, i + 97));
}

/** Every page of the filtered list, as ids. */
function walk(filters: HistoryFilters, limit = 23): number[] {
  const ids: number[] = [];
  let cursor: string | null = null;
  do {
    const page = store.page({ filters, cursor, limit });
    ids.push(...page.rows.map((row) => row.id));
    cursor = page.nextCursor;
  } while (cursor !== null);
  return ids;
}

function all(): PredictionRecord[] {
  return walk({}, 1000).map((id) => store.get(id) as PredictionRecord);
}

/** Newest first, the slow obvious way. */
function expected(rows: PredictionRecord[], keep: (r: PredictionRecord) => boolean): number[] {
  return rows
    .filter(keep)
    .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt) || b.id - a.id)
    .map((r) => r.id);
}

/** Does some word of the label's cells start with `term` (ASCII case ignored, as both the index and LIKE do)? */
function labelHas(r: PredictionRecord, term: string): boolean {
  const words = Object.values(r.rowLabel ?? {}).flatMap((v) => v.match(/[\p{L}\p{N}]+/gu) ?? []);
  return words.some((w) => w.toLowerCase().startsWith(term.toLowerCase()));
}

describe('row labels in the history', () => {
  it('are stored with each entry and read back exactly, null for the form', () => {
    const entries = makeEntries(300);
    addAll(entries);
    const rows = all();
    expect(rows).toHaveLength(entries.length);
    const byRequest = new Map(entries.map((e) => [e.requestId, e]));
    for (const row of rows) {
      const e = byRequest.get(row.requestId) as NewPrediction;
      expect(row.rowLabel).toEqual(e.rowLabel);
      expect(row.jobId).toBe(e.jobId);
      // Column order is the order the job chose.
      if (row.rowLabel) expect(Object.keys(row.rowLabel)).toEqual(Object.keys(e.rowLabel ?? {}));
    }
  });

  it('are found by the search, before, while and after the text index reaches them', () => {
    addAll(makeEntries(600));
    const rows = all();
    const terms = ['Núñez', 'okafor', 'müller', 'CX1', 'CX42', 'García'];
    const check = (extra: string[] = []) => {
      for (const term of [...terms, ...extra]) {
        const want = expected(rows, (r) => labelHas(r, term));
        expect(want.length).toBeGreaterThan(0);
        expect(walk({ text: term }), term).toEqual(want);
        expect(store.count({ text: term }), term).toBe(want.length);
        // With the job filter as well.
        const inJob = expected(rows, (r) => r.jobId === '12' && labelHas(r, term));
        expect(walk({ text: term, jobId: '12' }), term).toEqual(inJob);
        expect(store.count({ text: term, jobId: '12' }), term).toBe(inJob.length);
      }
      // A full name of two words.
      expect(walk({ text: 'ana núñez' })).toEqual(expected(rows, (r) => labelHas(r, 'ana') && labelHas(r, 'núñez')));
    };
    check();
    store.indexPendingText(250);
    check();
    while (store.indexPendingText(1000) > 0);
    // Once indexed, case is ignored beyond ASCII too (rows the index has not reached are matched with LIKE, which folds ASCII only).
    check(['MÜLLER']);
    // … and accents: "nunez" finds Núñez.
    expect(walk({ text: 'nunez' })).toEqual(expected(rows, (r) => labelHas(r, 'Núñez')));
  });

  it('narrow to one job, to every job or to the form, alone and with other filters', () => {
    addAll(makeEntries(700, 3));
    const rows = all();
    const cases: [HistoryFilters, (r: PredictionRecord) => boolean][] = [
      ...JOBS.map((id): [HistoryFilters, (r: PredictionRecord) => boolean] => [{ jobId: id }, (r) => r.jobId === id]),
      [{ jobId: '99' }, () => false],
      [{ origin: 'form' }, (r) => r.jobId === null],
      [{ origin: 'job' }, (r) => r.jobId !== null],
      [{ origin: 'form', outcome: 'failed' }, (r) => r.jobId === null && r.status !== 'ok'],
      [{ jobId: '11', outcome: 'ok' }, (r) => r.jobId === '11' && r.status === 'ok'],
      [{ jobId: '12', status: 'prediction_error' }, (r) => r.jobId === '12' && r.status === 'prediction_error'],
      [{ jobId: '13', from: minutes(1000), to: minutes(3000) }, (r) => r.jobId === '13' && r.createdAt >= minutes(1000) && r.createdAt < minutes(3000)],
      [{ origin: 'job', modelName: 'churn', modelVersion: '1' }, (r) => r.jobId !== null],
    ];
    for (const [filters, keep] of cases) {
      const want = expected(rows, keep);
      expect(walk(filters), JSON.stringify(filters)).toEqual(want);
      expect(store.count(filters), JSON.stringify(filters)).toBe(want.length);
    }
  });

  it('lists the jobs with entries for the filter, with their file names while the job exists', () => {
    addAll(makeEntries(200));
    const at = (m: number) => Date.parse(minutes(m));
    const job = t.db.prepare(
      `INSERT INTO jobs (id, source, profile_id, profile_name, model_ref, model_label, file_path, file_name, sheet, state, created_at, updated_at)
       VALUES (?, 'app', 'p1', 'Main account', '{}', 'churn v1', '/tmp/x', ?, ?, 'done', ?, ?)`,
    );
    job.run(11, 'customers.csv', null, at(10), at(10));
    job.run(12, 'march.xlsx', 'Sheet 2', at(20), at(20));
    // Job 13 was deleted: its entries stay, named by id only.
    expect(store.facets().jobs).toEqual([
      { jobId: '12', fileName: 'march.xlsx (Sheet 2)', createdAt: minutes(20) },
      { jobId: '11', fileName: 'customers.csv', createdAt: minutes(10) },
      { jobId: '13', fileName: null, createdAt: null },
    ]);
  });

  it('are exported first, one column per identifying column, filled from each row', async () => {
    const entries = makeEntries(400);
    // A label column named like one of the export's own columns keeps both.
    entries.push(prediction({ createdAt: minutes(6000), source: 'bulk', jobId: '14', rowNumber: 2, rowLabel: { status: 'VIP', name: 'Zoë' }, requestId: 'req_vip', input: { tenure: 3, plan: 'pro' } }));
    addAll(entries);
    const chunks: Buffer[] = [];
    const out = new Writable({
      write(chunk: Buffer, _enc, cb) {
        chunks.push(chunk);
        cb();
      },
    });
    await exportHistoryCsv(store, {}, out, { chunkRows: 37 });
    const parsed = Papa.parse<string[]>(Buffer.concat(chunks).toString('utf8').replace(/\r\n$/, ''), { newline: '\r\n' });
    expect(parsed.errors).toEqual([]);
    const [header, ...lines] = parsed.data as [string[], ...string[][]];
    // The slow way: label columns in the order entries of each new shape first brought them.
    const labelColumns: string[] = [];
    for (const e of entries) for (const k of Object.keys(e.rowLabel ?? {})) if (!labelColumns.includes(k)) labelColumns.push(k);
    expect(labelColumns).toEqual(['customer_id', 'name', 'status']);
    expect(header.slice(0, 3)).toEqual(['customer_id', 'name', 'status_2']);
    expect(header.slice(3, 5)).toEqual(['tenure', 'plan']);
    expect(header).toContain('status');
    expect(lines).toHaveLength(entries.length);
    const byRequest = new Map(entries.map((e) => [e.requestId, e]));
    const col = (name: string) => header.indexOf(name);
    for (const line of lines) {
      const e = byRequest.get(line[col('request_id')] as string) as NewPrediction;
      expect(line[0]).toBe(e.rowLabel?.customer_id ?? '');
      expect(line[1]).toBe(e.rowLabel?.name ?? '');
      expect(line[2]).toBe(e.rowLabel?.status ?? '');
      expect(line[col('job_id')]).toBe(e.jobId ?? '');
      expect(line[col('tenure')]).toBe(String(e.input.tenure));
      expect(line[col('status')]).toBe(e.status);
    }
    // A filtered export only has the identifying columns of the rows it selects.
    chunks.length = 0;
    const summary = await exportHistoryCsv(store, { origin: 'form' }, new Writable({ write: (c: Buffer, _e, cb) => (chunks.push(c), cb()) }));
    expect(summary.columns.slice(0, 2)).toEqual(['tenure', 'plan']);
    expect(summary.rows).toBe(entries.filter((e) => e.jobId === null).length);
  });

  it('come with migration 8, which keeps the entries and shapes already there', () => {
    const file = path.join(t.dir, 'old.db');
    const before = openDatabase(file, { migrations: migrations.slice(0, 7) }).db;
    before.prepare("INSERT INTO prediction_series (id, profile_id, profile_name, model_name, model_version) VALUES (1, 'p1', 'Main account', 'churn', '1')").run();
    before.prepare(`INSERT INTO prediction_shapes (id, input_paths, result_paths) VALUES (5, '[["customer"],["age"]]', '[["prediction"],["probability"]]')`).run();
    before
      .prepare(`INSERT INTO predictions (created_at, series_id, source, input, result, status, attempts, job_id, row_number, shape_id)
                VALUES (?, 1, 'bulk', '{"customer":"Alice Smith","age":42}', '{"prediction":"stay","probability":0.2}', 'ok', 1, '3', 9, 5)`)
      .run(Date.parse(minutes(1)));
    before.close();
    const { db } = openDatabase(file);
    try {
      const upgraded = new HistoryStore(db);
      const [old] = upgraded.page({}).rows;
      expect(old).toMatchObject({ jobId: '3', rowNumber: 9, rowLabel: null, input: { customer: 'Alice Smith', age: 42 } });
      // A new entry of the same shape without a label shares the old shape; with a label it gets its own.
      upgraded.add(prediction({ createdAt: minutes(2) }));
      upgraded.add(prediction({ createdAt: minutes(3), jobId: '4', rowNumber: 2, rowLabel: { customer_id: 'C-9' } }));
      expect(db.prepare('SELECT id, label_columns FROM prediction_shapes ORDER BY id').all()).toEqual([
        { id: 5, label_columns: '[]' },
        { id: 6, label_columns: '["customer_id"]' },
      ]);
      expect(upgraded.count({ origin: 'job' })).toBe(2);
      // Column names holding the key's own marks still get shapes of their own.
      upgraded.addMany([
        prediction({ createdAt: minutes(4), jobId: '4', rowNumber: 3, rowLabel: { 'a\u0001b': 'x' } }),
        prediction({ createdAt: minutes(5), jobId: '4', rowNumber: 4, rowLabel: { a: 'y', b: 'z' } }),
      ]);
      expect(upgraded.page({ filters: { jobId: '4' } }).rows.map((r) => r.rowLabel)).toEqual([{ a: 'y', b: 'z' }, { 'a\u0001b': 'x' }, { customer_id: 'C-9' }]);
      expect(db.prepare('SELECT label_columns FROM prediction_shapes WHERE id > 6 ORDER BY id').pluck().all()).toEqual(['["a\\u0001b"]', '["a","b"]']);
    } finally {
      db.close();
    }
  });
});
