import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvLine, flattenKeys, flattenObject, resultColumnNames } from '../sheets/csv-writer';
import type { NewPrediction } from '../../shared/domain/prediction';
import { exportHistoryCsv, exportHistoryXlsx, HISTORY_COLUMNS } from './export';
import { minutes, prediction, tempHistory } from './test-helpers';
import type { HistoryStore } from './store';

let t: ReturnType<typeof tempHistory>;
let store: HistoryStore;
beforeEach(() => {
  t = tempHistory();
  store = t.store;
});
afterEach(() => t.dispose());

function sink(opts: { slow?: boolean } = {}) {
  const chunks: Buffer[] = [];
  const stream = new Writable({
    highWaterMark: opts.slow ? 256 : 16 * 1024,
    write(chunk: Buffer, _enc, cb) {
      chunks.push(chunk);
      if (opts.slow) setImmediate(cb);
      else cb();
    },
  });
  return { stream, text: () => Buffer.concat(chunks).toString('utf8') };
}

function parse(text: string): string[][] {
  const res = Papa.parse<string[]>(text.replace(/\r\n$/, ''), { header: false, newline: '\r\n' });
  expect(res.errors).toEqual([]);
  return res.data;
}

/** The input columns and result fields an export of `entries` has, in the order they first appear. */
function expectedColumns(entries: readonly NewPrediction[]): { inputColumns: string[]; resultFields: string[] } {
  const inputColumns: string[] = [];
  const resultFields: string[] = [];
  for (const e of entries) {
    for (const k of flattenKeys(e.input)) if (!inputColumns.includes(k)) inputColumns.push(k);
    for (const k of e.result ? flattenKeys(e.result) : []) if (!resultFields.includes(k)) resultFields.push(k);
  }
  return { inputColumns, resultFields };
}

describe('history CSV export', () => {
  it('puts inputs (flattened) first, then results, then status, error, request_id, then the history columns', async () => {
    store.add(prediction({ createdAt: minutes(1), input: { age: 42, address: { city: 'Paris', zip: '75001' } }, result: { prediction: 'stay', score: 0.9 }, requestId: 'r1' }));
    store.add(
      prediction({
        createdAt: minutes(2),
        modelName: 'other',
        input: { age: 30, prediction: 'input column named like a result' },
        result: null,
        status: 'invalid_input',
        errorMessage: 'Field "age" is too small.',
        httpStatus: 400,
        requestId: 'r2',
      }),
    );
    const out = sink();
    const summary = await exportHistoryCsv(store, {}, out.stream);
    const rows = parse(out.text());
    const header = rows[0] as string[];
    expect(header).toEqual(['age', 'address.city', 'address.zip', 'prediction', 'prediction_prediction', 'score', 'status', 'error', 'request_id', ...HISTORY_COLUMNS]);
    expect(summary).toEqual({ rows: 2, columns: header });
    const get = (row: string[], col: string) => row[header.indexOf(col)];
    // Newest first, like the list.
    const [newest, oldest] = [rows[1] as string[], rows[2] as string[]];
    expect(get(newest, 'request_id')).toBe('r2');
    expect(get(newest, 'prediction')).toBe('input column named like a result');
    expect(get(newest, 'prediction_prediction')).toBe('');
    expect(get(newest, 'status')).toBe('invalid_input');
    expect(get(newest, 'error')).toBe('Field "age" is too small.');
    expect(get(newest, 'address.city')).toBe('');
    expect(get(newest, 'model')).toBe('other');
    expect(get(newest, 'http_status')).toBe('400');
    expect(get(oldest, 'address.city')).toBe('Paris');
    expect(get(oldest, 'address.zip')).toBe('75001');
    expect(get(oldest, 'prediction_prediction')).toBe('stay');
    expect(get(oldest, 'score')).toBe('0.9');
    expect(get(oldest, 'status')).toBe('ok');
    expect(get(oldest, 'created_at')).toBe(minutes(1));
    expect(get(oldest, 'account')).toBe('Main account');
    expect(rows).toHaveLength(3);
  });

  it('neutralises formulas in every text cell but keeps numbers as numbers', async () => {
    store.add(
      prediction({
        input: { name: '=HYPERLINK("http://x","click")', delta: -5, note: '-5', cmd: '+cmd|calc', at: '@me', multi: 'line1\nline2, "quoted"' },
        result: { prediction: -12.5, label: '=1+1' },
        status: 'ok',
        requestId: '-req',
      }),
    );
    const out = sink();
    await exportHistoryCsv(store, {}, out.stream);
    const text = out.text();
    expect(text.split('\r\n')[1]).toContain(`"'=HYPERLINK(""http://x"",""click"")",-5,-5,'+cmd|calc,'@me,"line1\nline2, ""quoted""",-12.5,'=1+1,ok,,'-req`);
    const [header, row] = parse(text) as [string[], string[]];
    expect(row[header.indexOf('delta')]).toBe('-5');
    expect(row[header.indexOf('multi')]).toBe('line1\nline2, "quoted"');
  });

  it('exports only what the filters select, and an empty selection as just the header', async () => {
    store.addMany([prediction({ modelName: 'a', requestId: 'ra' }), prediction({ modelName: 'b', requestId: 'rb' }), prediction({ modelName: 'a', status: 'timeout', result: null, requestId: 'rc' })]);
    let out = sink();
    expect((await exportHistoryCsv(store, { modelName: 'a', outcome: 'ok' }, out.stream)).rows).toBe(1);
    expect(parse(out.text())[1]).toContain('ra');
    out = sink();
    const none = await exportHistoryCsv(store, { modelName: 'zzz' }, out.stream);
    expect(none.rows).toBe(0);
    // UTF-8 with a byte-order mark by default, so Excel reads accents right.
    expect(out.text()).toBe(`\uFEFF${['status', 'error', 'request_id', ...HISTORY_COLUMNS].join(',')}\r\n`);
  });

  it('streams a large export in chunks through a slow file without losing or repeating rows', async () => {
    const n = 3000;
    store.addMany(Array.from({ length: n }, (_, i) => prediction({ createdAt: minutes(i % 50), requestId: `req_${i}`, input: { i } })));
    const out = sink({ slow: true });
    const progress: number[] = [];
    const caches = new Set<unknown>();
    const summary = await exportHistoryCsv(store, {}, out.stream, { chunkRows: 400, onProgress: (r) => (progress.push(r), caches.add(store.db.pragma('cache_size', { simple: true }))) });
    expect(summary.rows).toBe(n);
    // A small page cache while reading, the app's own again afterwards.
    expect(caches.has(-4096)).toBe(true);
    expect(store.db.pragma('cache_size', { simple: true })).toBe(-65536);
    expect(progress.length).toBeGreaterThanOrEqual(7);
    const rows = parse(out.text()).slice(1);
    const ids = new Set(rows.map((r) => r[0]));
    expect(ids.size).toBe(n);
  });

  it('writes every awkward value exactly as a per-row JSON.parse + flatten export would', async () => {
    const entries: NewPrediction[] = [
      prediction({ input: { a: { b: 1, c: 'x' }, 'a.b': 'dotted key, same column', s: 'tab\there "q" \\ back' }, result: { p: 0.30000000000000004, big: 1e21, neg: -0 } }),
      prediction({ input: { a: 'a is text here', 'we"ird\\key': '=SUM(A1)', 'é.ü': '\u00e9\u2028\ud83d\ude00' }, result: { p: true, list: [1, 'x', { y: null }], empty: {} } }),
      prediction({ input: { a: { b: { deep: [] } }, n: null, f: false, neg: -12.5, s: '-5', t: '+1', u: '@x' }, result: null, status: 'timeout', errorMessage: 'Line one\nline "two", three', requestId: '=req' }),
      prediction({ input: { 'x\u0001y': 1, x: 2, y: 3 }, result: { p: 'stay' }, jobId: 'job,1', rowNumber: 7, source: 'bulk', httpStatus: null, roundTripMs: null, processingTimeMs: 1.5 }),
      prediction({ input: {}, result: {}, profileName: 'Acme, "prod"', modelName: '+model', modelVersion: '2' }),
    ].map((e, i) => ({ ...e, createdAt: minutes(i) }));
    store.addMany(entries);
    const out = sink();
    const summary = await exportHistoryCsv(store, {}, out.stream, { chunkRows: 2 });

    const { inputColumns, resultFields } = expectedColumns(entries);
    expect(summary.columns.slice(0, inputColumns.length + resultFields.length)).toEqual([...inputColumns, ...resultColumnNames(inputColumns, resultFields)]);
    const lines = [...entries].reverse().map((e) => {
      const inp = flattenObject(e.input);
      const res = e.result ? flattenObject(e.result) : {};
      return csvLine([
        ...inputColumns.map((c) => inp[c]),
        ...resultFields.map((c) => res[c]),
        e.status, e.errorMessage, e.requestId, e.createdAt, e.profileName, e.modelName, e.modelVersion, e.source, e.httpStatus, e.roundTripMs, e.processingTimeMs, e.attempts, e.jobId, e.rowNumber,
      ]);
    });
    expect(out.text()).toBe(`\uFEFF${csvLine(summary.columns)}\r\n${lines.map((l) => `${l}\r\n`).join('')}`);
  });

});

describe('history CSV export of awkward values', () => {
  /** Every awkward kind of value, over shapes that fit the stored-text path and shapes that do not. */
  function awkwardEntries(): NewPrediction[] {
    const date = new Date('2026-02-03T04:05:06.789Z');
    return [
      prediction({ input: { name: 'Zoë "Q" Smith, Jr.', note: 'line1\r\nline2', f: '=1+1', g: '+x', h: '-5', i: '@me', tab: '\tx', emoji: '😀 e\u0301', lone: 'a\ud800b' }, result: { label: '-x', p: -0, big: 1e21, tiny: 5e-7 } }),
      prediction({ input: { name: 'Ann', note: null, f: true, g: false, h: 12.5, i: [1, 'two', { three: 3 }], tab: {}, emoji: date, lone: undefined }, result: { label: 'stay', p: 0.30000000000000004, big: NaN, tiny: Infinity } }),
      // Nested objects and a result with fields of its own.
      prediction({ modelName: 'nested', input: { a: { b: { c: 'deep, "quoted"' }, d: [] }, e: 'x' }, result: { out: { score: 0.5, tags: ['a', 'b'] } } }),
      // Failed rows: no result cells; awkward error, request id and job id.
      prediction({ modelName: 'nested', input: { a: { b: { c: 'x' }, d: [1] }, e: '=cmd' }, result: null, status: 'invalid_input', errorMessage: 'Field "a" is wrong,\nsee =docs', httpStatus: 400, requestId: '=req,1', jobId: '@job "7"', rowNumber: 3, source: 'bulk', roundTripMs: 120, processingTimeMs: null }),
      // Reordered and overlapping columns: these shapes do not fit and go the long way.
      prediction({ input: { note: 'reordered', name: 'Bo' }, result: { p: 1 } }),
      prediction({ modelName: 'gap', input: { name: 'gap', h: 1 }, result: { p: 2, label: 'two' } }),
      // The same dotted name twice in one shape: the later value wins.
      prediction({ modelName: 'dots', input: { 'x.y': 'flat', x: { y: 'nested' } }, result: { ok: true } }),
      // Text holding the stored text's own marks: kept the long way.
      prediction({ input: { name: 'mark\u001fhere', note: 'x' }, result: { label: 'y\u001ez' }, errorMessage: 'm\u001d' }),
      // An object with its own toJSON.
      prediction({ modelName: 'tojson', input: { v: { toJSON: () => 'as text' } as unknown as Record<string, unknown>, w: 1 }, result: { r: 1 } }),
      // No input cells, no result cells.
      prediction({ modelName: 'empty', input: {}, result: {} }),
      prediction({ modelName: 'empty', input: {}, result: null, status: 'timeout', requestId: null, httpStatus: null, attempts: 3, roundTripMs: 30000.5 }),
      // Awkward account and model names, a time given with an offset.
      prediction({ profileName: 'Acme, "prod"', modelName: '+model', modelVersion: '=2', input: { name: 'acct' }, result: { label: 'x' }, createdAt: '2026-01-01T13:00:00+01:00' }),
    ].map((e, i) => (e.createdAt === '2026-01-01T12:00:00.000Z' ? { ...e, createdAt: minutes(i) } : e));
  }

  async function exportText(filters = {}, chunkRows = 3): Promise<string> {
    const out = sink();
    await exportHistoryCsv(store, filters, out.stream, { chunkRows });
    return out.text();
  }

  it('writes one parsable line per entry, whatever the filter', async () => {
    store.addMany(awkwardEntries());
    expect(parse(await exportText())).toHaveLength(awkwardEntries().length + 1);
    for (const filters of [{ modelName: 'nested' }, { outcome: 'failed' as const }, { profileId: 'p1' }]) {
      expect(parse(await exportText(filters)).length - 1).toBe(store.count(filters));
    }
  });

  it('matches a per-row JSON.parse + flatten export on the awkward rows', async () => {
    const entries = awkwardEntries().filter((e) => e.modelName !== 'dots' && e.modelName !== 'tojson');
    store.addMany(entries);
    const out = sink();
    const summary = await exportHistoryCsv(store, {}, out.stream, { chunkRows: 4 });
    const { inputColumns, resultFields } = expectedColumns(entries);
    // What the stored JSON holds (a Date becomes its ISO text, NaN and Infinity null, undefined nothing).
    const viaJson = (o: Record<string, unknown>) => flattenObject(JSON.parse(JSON.stringify(o)) as Record<string, unknown>);
    const lines = [...entries]
      .sort((a, b) => Date.parse(b.createdAt) - Date.parse(a.createdAt))
      .map((e) => {
        const inp = viaJson(e.input);
        const res = e.result ? viaJson(e.result) : {};
        return csvLine([
          ...inputColumns.map((c) => inp[c]),
          ...resultFields.map((c) => res[c]),
          e.status, e.errorMessage, e.requestId, new Date(e.createdAt).toISOString(), e.profileName, e.modelName, e.modelVersion, e.source, e.httpStatus, e.roundTripMs, e.processingTimeMs, e.attempts, e.jobId, e.rowNumber,
        ]);
      });
    // Through UTF-8, as the file holds it (a lone surrogate becomes U+FFFD).
    expect(out.text()).toBe(Buffer.from(`\uFEFF${csvLine(summary.columns)}\r\n${lines.map((l) => `${l}\r\n`).join('')}`).toString('utf8'));
  });

  it('stores JSON exactly as JSON.stringify writes it', () => {
    const entries = awkwardEntries();
    store.addMany(entries);
    const stored = t.db.prepare('SELECT input, result FROM predictions ORDER BY id').all() as { input: string; result: string | null }[];
    stored.forEach((row, i) => {
      const e = entries[i] as NewPrediction;
      expect(row.input).toBe(JSON.stringify(e.input));
      expect(row.result).toBe(e.result === null ? null : JSON.stringify(e.result));
    });
  });
});

describe('history export as a workbook', () => {
  it('writes the CSV export’s columns and rows with types kept: numbers, dates, text that is never a formula', async () => {
    store.add(prediction({ createdAt: minutes(1), input: { customer: 'Núñez', tenure: 12, note: '=cmd()' }, result: { predicted_price: 389480.5, confidence: 0.82 }, requestId: 'r1' }));
    store.add(prediction({ createdAt: minutes(2), input: { customer: '00123', tenure: 3 }, result: null, status: 'timeout', errorMessage: 'No answer in 30 s.', requestId: 'r2' }));
    const dir = mkdtempSync(join(tmpdir(), 'history-xlsx-'));
    try {
      const path = join(dir, 'history.xlsx');
      const progress: number[] = [];
      const summary = await exportHistoryXlsx(store, {}, path, { chunkRows: 1, onProgress: (n) => progress.push(n) });
      expect(summary.rows).toBe(2);
      expect(progress.at(-1)).toBe(2);
      const out = sink();
      await exportHistoryCsv(store, {}, out.stream);
      const csv = parse(out.text().replace(/^\uFEFF/, ''));
      const book = new ExcelJS.Workbook();
      await book.xlsx.readFile(path);
      const sheet = book.worksheets[0]!;
      expect(sheet.name).toBe('Prediction history');
      const header = csv[0]!;
      expect(summary.columns).toEqual(header);
      expect(header.map((_, c) => sheet.getRow(1).getCell(c + 1).text)).toEqual(header);
      expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
      const cell = (row: number, col: string) => sheet.getRow(row).getCell(header.indexOf(col) + 1);
      // Newest first, as the CSV.
      expect(cell(2, 'customer').text).toBe('00123');
      expect(cell(3, 'customer').text).toBe('Núñez');
      expect(cell(3, 'tenure').value).toBe(12);
      expect(cell(3, 'predicted_price').value).toBe(389480.5);
      expect(cell(3, 'note').type).not.toBe(ExcelJS.ValueType.Formula);
      expect(cell(3, 'note').text).toBe('=cmd()');
      expect(cell(3, 'created_at').value).toBeInstanceOf(Date);
      expect((cell(3, 'created_at').value as Date).toISOString()).toBe(csv[2]![header.indexOf('created_at')]);
      expect(cell(2, 'status').text).toBe('timeout');
      expect(cell(3, 'attempts').value).toBe(Number(csv[2]![header.indexOf('attempts')]));
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
