import { Writable } from 'node:stream';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { csvLine, flattenKeys, flattenObject, resultColumnNames } from '../sheets/csv-writer';
import type { NewPrediction } from '../../shared/domain/prediction';
import { HISTORY_COLUMNS, isoTime, sqlJsonPath } from './export';
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
    const summary = await store.exportCsv({}, out.stream);
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
    await store.exportCsv({}, out.stream);
    const text = out.text();
    expect(text.split('\r\n')[1]).toContain(`"'=HYPERLINK(""http://x"",""click"")",-5,-5,'+cmd|calc,'@me,"line1\nline2, ""quoted""",-12.5,'=1+1,ok,,'-req`);
    const [header, row] = parse(text) as [string[], string[]];
    expect(row[header.indexOf('delta')]).toBe('-5');
    expect(row[header.indexOf('multi')]).toBe('line1\nline2, "quoted"');
  });

  it('exports only what the filters select, and an empty selection as just the header', async () => {
    store.addMany([prediction({ modelName: 'a', requestId: 'ra' }), prediction({ modelName: 'b', requestId: 'rb' }), prediction({ modelName: 'a', status: 'timeout', result: null, requestId: 'rc' })]);
    let out = sink();
    expect((await store.exportCsv({ modelName: 'a', outcome: 'ok' }, out.stream)).rows).toBe(1);
    expect(parse(out.text())[1]).toContain('ra');
    out = sink();
    const none = await store.exportCsv({ modelName: 'zzz' }, out.stream);
    expect(none.rows).toBe(0);
    expect(out.text()).toBe(`${['status', 'error', 'request_id', ...HISTORY_COLUMNS].join(',')}\r\n`);
  });

  it('streams a large export in chunks through a slow file without losing or repeating rows', async () => {
    const n = 3000;
    store.addMany(Array.from({ length: n }, (_, i) => prediction({ createdAt: minutes(i % 50), requestId: `req_${i}`, input: { i } })));
    const out = sink({ slow: true });
    const progress: number[] = [];
    const summary = await store.exportCsv({}, out.stream, { chunkRows: 400, onProgress: (r) => progress.push(r) });
    expect(summary.rows).toBe(n);
    expect(progress.length).toBeGreaterThanOrEqual(7);
    const rows = parse(out.text()).slice(1);
    const ids = new Set(rows.map((r) => r[0]));
    expect(ids.size).toBe(n);
  });

  it('formats times exactly like toISOString', () => {
    const samples = [0, 1, 999, 59_999, 3_599_999, 3_600_000, Date.parse('2026-12-31T23:59:59.999Z'), Date.parse('2024-02-29T12:34:56.007Z'), Date.parse('1999-12-31T23:00:00.050Z')];
    for (let i = 0; i < 2000; i++) samples.push(Math.floor(1.7e12 + i * 7_654_321.7));
    for (const ms of samples) expect(isoTime(ms)).toBe(new Date(ms).toISOString());
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
    const summary = await store.exportCsv({}, out.stream, { chunkRows: 2 });

    const inputColumns: string[] = [];
    const resultFields: string[] = [];
    for (const e of entries) {
      for (const k of flattenKeys(e.input)) if (!inputColumns.includes(k)) inputColumns.push(k);
      for (const k of e.result ? flattenKeys(e.result) : []) if (!resultFields.includes(k)) resultFields.push(k);
    }
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
    expect(out.text()).toBe(`${csvLine(summary.columns)}\r\n${lines.map((l) => `${l}\r\n`).join('')}`);
  });

  it('quotes keys in SQLite JSON paths', () => {
    expect(sqlJsonPath(['a', 'b.c'])).toBe('$."a"."b.c"');
    expect(sqlJsonPath(['q"u\\o'])).toBe('$."q\\"u\\\\o"');
  });
});
