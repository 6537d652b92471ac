import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { afterEach, describe, expect, it } from 'vitest';
import { csvLine } from '../sheets/csv-writer';
import { closeDatabase, openDatabase, type SqliteDatabase } from '../store/db';
import { exportCells, exportHeader, exportJob } from './export';
import { importIntoJob } from './import-job';
import { createImportWriter } from './import-writer';
import { decodeCells, DEFAULT_JOB_SETTINGS, encodeCells, JobStore, type NewJob, type RowOutcomeWrite, type StoredResultRow } from './store';

let dir = '';
let db: SqliteDatabase | null = null;
afterEach(() => {
  if (db) closeDatabase(db);
  db = null;
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = '';
});

function open(): JobStore {
  dir = mkdtempSync(join(tmpdir(), 'plexe-bulk-io-'));
  db = openDatabase(join(dir, 'plexe.db')).db;
  return new JobStore(db);
}

function newJob(filePath: string): NewJob {
  return {
    source: 'cli',
    resumeKey: null,
    profileId: 'p',
    profileName: 'P',
    modelId: null,
    modelRef: { kind: 'model', name: 'house-prices', version: '1' },
    modelLabel: 'house-prices v1',
    fields: null,
    filePath,
    fileName: 'f.csv',
    sheet: null,
    settings: DEFAULT_JOB_SETTINGS,
  };
}

/** Cells that exercise every escaping rule and both storage forms. */
const AWKWARD = ['', 'plain', 'a,b', 'say "hi"', 'two\nlines', 'cr\rhere', '=1+2', '+cmd', '-5', '-x', '@sum', '\tTab', ' lead', 'unit\u001fsep', 'rec\u001esep', '[1,2]', 'ünï', '1,950'];

describe('stored cells', () => {
  it('round-trip through both forms, including text holding the separators', () => {
    const cases: string[][] = [[], [''], ['', ''], ['a'], ['[x', 'y'], AWKWARD, ['only\u001f'], ['\u001e']];
    for (const cells of cases) {
      const stored = encodeCells(cells);
      expect(stored.includes('\u001e')).toBe(false);
      expect(decodeCells(stored)).toEqual(cells);
    }
    expect(encodeCells(['a', 'b']).charCodeAt(0)).toBe(31);
    expect(encodeCells(['a\u001fb']).startsWith('[')).toBe(true);
  });
});

describe('export', () => {
  it('gives every row as csvLine of its cells, whatever its status, result shape and awkward cells', async () => {
    const store = open();
    const jobId = store.create(newJob('f.csv'));
    const columns = ['id', 'a', 'b', 'c'];
    const sink = store.importSink(jobId);
    sink.header({ columns, renamed: [] });
    const rows = 12_000;
    const cellsOf = (i: number): string[] => (i % 7 === 0 ? [String(i), AWKWARD[i % AWKWARD.length]!, AWKWARD[(i * 5) % AWKWARD.length]!] : [String(i), `v${i}`, String(i * 3), i % 11 === 0 ? 'x, y' : 'z']);
    store.db.transaction(() => sink.rows(Array.from({ length: rows }, (_, k) => ({ rowNumber: k + 1, values: cellsOf(k + 1) }))))();
    const labels = ['plain', 'has, comma', '=formula', 'quote "q"', 'ünï'];
    const outcome = (i: number, fields: string[]): RowOutcomeWrite => {
      const failed = i % 13 === 0;
      const invalid = i % 29 === 0;
      return {
        rowNumber: i,
        input: { a: i },
        ok: !failed && !invalid,
        status: invalid ? 'invalid' : failed ? 'failed' : 'ok',
        result: failed || invalid ? null : Object.fromEntries(fields.map((f, j) => [f, f === 'nested' ? { deep: i } : j === 1 ? labels[i % labels.length] : i / 4])),
        errorCode: failed ? 'prediction_error' : invalid ? 'invalid_input' : null,
        errorMessage: failed ? `Row ${i}: "bad", really` : invalid ? 'bedrooms is not a number' : null,
        errorDetails: null,
        retryable: i % 2 === 0,
        httpStatus: failed ? 500 : 200,
        requestId: i % 17 === 0 ? null : `req-${i}`,
        attempts: 1,
        roundTripMs: 1,
        processingTimeMs: null,
      };
    };
    const write = (from: number, to: number, fields: string[], newFields: boolean) => {
      const batch: RowOutcomeWrite[] = [];
      for (let i = from; i <= to; i++) batch.push(outcome(i, fields));
      store.writeOutcomes(jobId, batch, { newResultFields: newFields ? fields : null });
    };
    // Two result fields at first, then a third (nested) one; rows 4,001–8,000 stay pending.
    write(1, 3000, ['price', 'label'], true);
    write(3001, 4000, ['price', 'label', 'nested'], true);
    write(8001, rows, ['price', 'label', 'nested'], false);
    store.markInvalid(jobId, [{ rowNumber: 4002, problems: [{ column: 'a', message: '=not a number' }] as never }]);

    const out = join(dir, 'out.csv');
    const written = await exportJob(store, store.require(jobId), out);
    expect(written.rows).toBe(rows);
    const job = store.require(jobId);
    let expected = csvLine(exportHeader(job.columns, job.resultFields).header) + '\r\n';
    for (const r of store.resultsPage(jobId, 0, rows, false)) expected += csvLine(exportCells(r, columns.length, job.resultFields)) + '\r\n';
    // UTF-8 with a byte-order mark unless asked otherwise.
    const text = readFileSync(out, 'utf8');
    expect(text).toBe(`\uFEFF${expected}`);
    expect(text).toContain('\r\n8002,v8002,24006,z,2000.5,\'=formula,,ok,,req-8002\r\n');
    expect(text).toContain('\r\n3001,v3001,9003,z,750.25,"has, comma",,ok,,req-3001\r\n');
    expect(text).toContain(',not_sent,');
    expect(text).toContain(',invalid_input,\'=not a number,');
    expect(Papa.parse(text.trimEnd(), { newline: '\r\n' }).data).toHaveLength(rows + 1);
  });

  it('writes a real .xlsx workbook when the path ends in .xlsx, types kept and no cell a formula', async () => {
    const store = open();
    const jobId = store.create(newJob('f.csv'));
    const sink = store.importSink(jobId);
    sink.header({ columns: ['id', 'code', 'sold'], renamed: [] });
    const input = [
      ['1', '00123', '2024-03-05'],
      ['2', '00456', '2024-03-06'],
      ['3', '=HYPERLINK("x")', '2024-03-07'],
    ];
    store.db.transaction(() => sink.rows(input.map((values, k) => ({ rowNumber: k + 1, values }))))();
    const ok = (i: number, result: Record<string, unknown>): RowOutcomeWrite => ({
      rowNumber: i, input: {}, ok: true, status: 'ok', result, errorCode: null, errorMessage: null, errorDetails: null,
      retryable: false, httpStatus: 200, requestId: `req-${i}`, attempts: 1, roundTripMs: 1, processingTimeMs: null,
    });
    store.writeOutcomes(jobId, [ok(1, { price: 1950.5, label: '=cmd' }), ok(2, { price: 2, label: 'plain' })], { newResultFields: ['price', 'label'] });

    const out = join(dir, 'results.xlsx');
    const written = await exportJob(store, store.require(jobId), out);
    expect(written.rows).toBe(3);
    expect(readFileSync(out).subarray(0, 2).toString('latin1')).toBe('PK');
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const sheet = book.worksheets[0]!;
    // Text is written as inline rich text (never a shared or formula string): read its plain text.
    const plain = (v: unknown) => (v && typeof v === 'object' && 'richText' in v ? (v as { richText: { text: string }[] }).richText.map((t) => t.text).join('') : v);
    const row = (n: number) => (sheet.getRow(n).values as unknown[]).slice(1).map(plain);
    expect(row(1)).toEqual(['id', 'code', 'sold', 'price', 'label', 'status', 'error', 'request_id']);
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    const first = row(2);
    expect(first[0]).toBe(1);
    expect(first[1]).toBe('00123');
    expect(first[2]).toBeInstanceOf(Date);
    expect(first[3]).toBe(1950.5);
    expect(first[4]).toBe('=cmd');
    expect(first[5]).toBe('ok');
    expect(row(4)[1]).toBe('=HYPERLINK("x")');
    expect(row(4)[5]).toBe('not_sent');
    sheet.eachRow((r) => r.eachCell((c) => expect(c.type).not.toBe(ExcelJS.ValueType.Formula)));
  });

  it('handles a job with no input columns', () => {
    const r: StoredResultRow = { row_number: 1, cells: '[]', status: 'ok', result: '{"p":1}', error_code: null, error_message: null, request_id: 'r', problems: null };
    expect(csvLine(exportCells(r, 0, ['p']))).toBe('1,ok,,r');
  });
});

describe('import writer', () => {
  const csv = (rows: number): string => {
    const lines = ['id,name,note'];
    for (let i = 1; i <= rows; i++) lines.push(i % 97 === 0 ? '' : `${i},"n${i}, jr","line\nbreak ${i % 5 === 0 ? '\u001f' : ''}"`);
    return lines.join('\n') + '\n';
  };

  it('stores the same rows on the writer thread as on this thread, and exports them', async () => {
    const store = open();
    const file = join(dir, 'f.csv');
    writeFileSync(file, csv(12_345));
    const viaThread = await importIntoJob(store, newJob(file));
    const inline = await importIntoJob(store, newJob(file), { writer: { inline: true } });
    expect(viaThread.counts.total).toBe(12_345 - Math.floor(12_345 / 97));
    expect(inline.counts).toEqual(viaThread.counts);
    const a = store.resultsPage(viaThread.id, 0, 20_000, false);
    const b = store.resultsPage(inline.id, 0, 20_000, false);
    expect(a.map((t) => [t.row_number, decodeCells(t.cells)])).toEqual(b.map((t) => [t.row_number, decodeCells(t.cells)]));
    expect(decodeCells(a[4]!.cells)).toEqual(['5', 'n5, jr', 'line\nbreak \u001f']);
    expect(a[95]!.row_number).toBe(97); // the blank row 96 (file line 97) keeps its place in the numbering

    const out = join(dir, 'out.csv');
    const written = await exportJob(store, store.require(viaThread.id), out);
    expect(written.rows).toBe(viaThread.counts.total);
    const text = readFileSync(out, 'utf8');
    expect(text.startsWith('\uFEFFid,name,note,status,error,request_id\r\n1,"n1, jr","line\nbreak ",not_sent,')).toBe(true);
  });

  it('keeps a value holding the separators intact when it first appears deep in the file', async () => {
    // Early batches go over the fast path (the text so far held no U+001E/U+001F); the later ones must not.
    const store = open();
    const file = join(dir, 'late.csv');
    const lines = ['id,name,note'];
    for (let i = 1; i <= 30_000; i++) lines.push(i === 25_000 ? `${i},"a\u001fb","c\u001ed"` : `${i},n${i},plain`);
    writeFileSync(file, lines.join('\n') + '\n');
    const seen: boolean[] = [];
    const { importSheet } = await import('../sheets/import');
    await importSheet(file, { header() {}, rows: (_b, facts) => void seen.push(facts?.noUnitSeparators ?? false) }, { batchSize: 5000 });
    expect(seen[0]).toBe(true);
    expect(seen.at(-1)).toBe(false);
    const job = await importIntoJob(store, newJob(file));
    const rows = store.resultsPage(job.id, 24_999, 3, false); // row numbers count the header line
    expect(rows.map((t) => decodeCells(t.cells))).toEqual([
      ['24999', 'n24999', 'plain'],
      ['25000', 'a\u001fb', 'c\u001ed'],
      ['25001', 'n25001', 'plain'],
    ]);
  });

  it('uses a writer thread for a database file and this thread for an in-memory one', async () => {
    const store = open();
    const jobId = store.create(newJob('x.csv'));
    const w = createImportWriter(store, jobId);
    expect(w.mode).toBe('thread');
    await w.finish();
    const memory = new JobStore(openDatabase(':memory:').db);
    const m = createImportWriter(memory, memory.create(newJob('x.csv')));
    expect(m.mode).toBe('inline');
    closeDatabase(memory.db);
  });

  it('is done once every row is committed; the thread then checkpoints and exits on its own', async () => {
    const store = open();
    const jobId = store.create(newJob('x.csv'));
    const w = createImportWriter(store, jobId);
    expect(w.mode).toBe('thread');
    await w.header({ columns: ['id', 'note'], renamed: [] });
    const rows = Array.from({ length: 12_000 }, (_, i) => ({ rowNumber: i + 2, values: [String(i + 1), `note ${i + 1}`] }));
    for (let i = 0; i < rows.length; i += 5000) await w.rows(rows.slice(i, i + 5000));
    await w.finish();
    // Every row is readable from the app's connection as soon as finish() resolves.
    expect(store.db.prepare('SELECT count(*) AS n FROM job_rows').get()).toEqual({ n: 12_000 });
    await w.abort(); // after finish: nothing to stop, nothing dropped
    await w.settled;
    expect(store.db.prepare('SELECT count(*) AS n FROM job_rows').get()).toEqual({ n: 12_000 });
    expect(decodeCells(store.resultsPage(jobId, 11_999, 1, false)[0]!.cells)).toEqual(['11999', 'note 11999']);
  });

  it('keeps no rows when the file turns out broken part-way', async () => {
    const store = open();
    const file = join(dir, 'bad.csv');
    writeFileSync(file, csv(20_000) + '1,2,3,4\n');
    await expect(importIntoJob(store, newJob(file))).rejects.toMatchObject({ code: 'ragged_rows' });
    expect(store.list()).toEqual([]);
    expect(store.db.prepare('SELECT count(*) AS n FROM job_rows').get()).toEqual({ n: 0 });
  });
});
