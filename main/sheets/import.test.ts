import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GENERATED_BAD, generateBadFixtures, type GeneratedBad } from '../../e2e/fixtures/generate-bad';
import { importSheet, previewSheet } from './import';
import { ImportError, type ImportErrorCode, type ImportProgress, type SheetRow } from './types';

let dir: string;
let generated: Record<GeneratedBad, string>;

beforeAll(() => {
  dir = mkdtempSync(join(tmpdir(), 'sheets-import-'));
  generated = generateBadFixtures(join(dir, 'bad'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** Samples RSS while `fn` runs; returns the growth over the starting value in MB. */
async function rssGrowth<T>(fn: () => Promise<T>): Promise<{ value?: T; error?: unknown; growthMb: number }> {
  globalThis.gc?.();
  const start = process.memoryUsage().rss;
  let peak = start;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 2);
  try {
    const value = await fn();
    return { value, growthMb: (peak - start) / 1e6 };
  } catch (error) {
    return { error, growthMb: (Math.max(peak, process.memoryUsage().rss) - start) / 1e6 };
  } finally {
    clearInterval(timer);
  }
}

const nullSink = { header() {}, rows() {} };

describe('generated bad inputs (too big to commit)', () => {
  const table: Record<GeneratedBad, { code?: ImportErrorCode; message: RegExp }> = {
    '50mb-single-line.csv': { code: 'cell_too_long', message: /^Row 1, column 1 \(A\) holds a value of more than [\d,]+ characters; a cell can hold at most 1,000,000\./ },
    'single-line-many-values.csv': { code: 'too_many_columns', message: /^Row 1 has more than [\d,]+ columns; the most that can be imported is 5,000/ },
    'very-long-cell.csv': { code: 'cell_too_long', message: /^Row 3, column 2 \("notes"\) holds a value of more than/ },
    'unclosed-quote-early.csv': { code: 'unclosed_quote', message: /^Row 7, column 3 \("comment"\) starts with a quote \("\) that is not closed for more than 1,000,000 characters/ },
    'row-too-long.csv': { code: 'row_too_long', message: /^Row 2 is longer than 16,000,000 characters and has not ended yet/ },
    'windows-1252-late-accent.csv': { message: /Windows-1252/ },
  };

  it('covers every generated file', () => expect(Object.keys(table).sort()).toEqual([...GENERATED_BAD].sort()));

  it.each(Object.entries(table))('%s', async (name, exp) => {
    const path = generated[name as GeneratedBad];
    const rows: SheetRow[] = [];
    const { value, error, growthMb } = await rssGrowth(() => importSheet(path, { header() {}, rows: (b) => void rows.push(...b) }));
    // Whatever the file, memory stays far below its size (the 50 MB line is never held whole).
    expect(growthMb).toBeLessThan(200);
    if (exp.code) {
      expect(error).toBeInstanceOf(ImportError);
      expect((error as ImportError).code).toBe(exp.code);
      expect((error as ImportError).message).toMatch(exp.message);
    } else {
      expect(error).toBeUndefined();
      expect(value!.encoding).toBe('windows-1252');
      expect(value!.notices[0]!.message).toMatch(exp.message);
      expect(rows.at(-2)!.values).toEqual([String(rows.length - 1), 'José', 'Besançon']);
      expect(rows.at(-1)!.values).toEqual([String(rows.length), 'Zoë', 'Orléans']);
    }
  });

  it('gives up on the 50 MB line after reading only a few megabytes', async () => {
    let bytes = 0;
    await expect(importSheet(generated['50mb-single-line.csv'], nullSink, { onProgress: (p) => (bytes = p.bytes) })).rejects.toBeInstanceOf(ImportError);
    expect(bytes).toBeLessThan(4 * 1024 * 1024);
  });
});

/** Fixed-width rows, so the bytes behind N delivered rows are known exactly. */
function writeFixedWidth(path: string, rows: number): number {
  const header = 'id,name,value,flag\n';
  const lines: string[] = [header];
  for (let i = 1; i <= rows; i++) lines.push(`${String(i).padStart(7, '0')},name${String(i % 1000).padStart(3, '0')},${String((i * 37) % 100000).padStart(5, '0')},${i % 2 ? 'Yes' : 'No_'}\n`);
  writeFileSync(path, lines.join(''));
  return lines[1]!.length;
}

describe('streaming', () => {
  it('imports 200,000 rows into a slow sink without reading ahead of it (back-pressure)', async () => {
    const path = join(dir, 'slow-200k.csv');
    const rowBytes = writeFixedWidth(path, 200_000);
    const headerBytes = 'id,name,value,flag\n'.length;
    let delivered = 0;
    let inSink = false;
    let readWhileWaiting = 0;
    let maxAhead = 0;
    let last: ImportProgress = { bytes: 0, totalBytes: 0, rows: 0 };
    let batches = 0;
    const { value, growthMb } = await rssGrowth(() =>
      importSheet(
        path,
        {
          header() {},
          async rows(batch) {
            batches++;
            expect(batch[0]!.rowNumber).toBe(delivered + 2);
            delivered += batch.length;
            maxAhead = Math.max(maxAhead, last.bytes - (headerBytes + delivered * rowBytes));
            inSink = true;
            // Slow consumer: a real wait on the timer queue for each batch.
            await new Promise((r) => setTimeout(r, batches % 10 === 0 ? 5 : 0));
            inSink = false;
          },
        },
        {
          batchSize: 500,
          onProgress(p) {
            if (inSink) readWhileWaiting++;
            last = p;
          },
        },
      ),
    );
    expect(value!.rows).toBe(200_000);
    expect(delivered).toBe(200_000);
    expect(batches).toBe(400);
    // Nothing is read while the sink is busy, and what was read never runs more than one chunk
    // (64 KB) plus one batch ahead of what the sink has accepted.
    expect(readWhileWaiting).toBe(0);
    expect(maxAhead).toBeLessThan(64 * 1024 + 500 * rowBytes);
    expect(last.bytes).toBe(statSync(path).size);
    expect(last.totalBytes).toBe(statSync(path).size);
    expect(growthMb).toBeLessThan(150);
  });

  it('stops when cancelled, with an ImportError', async () => {
    const path = join(dir, 'cancel.csv');
    writeFixedWidth(path, 50_000);
    const ac = new AbortController();
    let batches = 0;
    const p = importSheet(
      path,
      {
        header() {},
        rows() {
          if (++batches === 3) ac.abort();
        },
      },
      { signal: ac.signal, batchSize: 100 },
    );
    await expect(p).rejects.toMatchObject({ code: 'cancelled', message: 'The import was cancelled. No rows were kept.' });
    expect(batches).toBe(3);
    const already = new AbortController();
    already.abort();
    await expect(importSheet(path, nullSink, { signal: already.signal })).rejects.toMatchObject({ code: 'cancelled' });
  });

  it('passes sink failures through unchanged', async () => {
    const path = join(dir, 'sink-fail.csv');
    writeFixedWidth(path, 10);
    const boom = new Error('disk full');
    await expect(importSheet(path, { header() {}, rows: () => Promise.reject(boom) })).rejects.toBe(boom);
  });

  it('preview reads only the start of a big file', async () => {
    const path = join(dir, 'preview.csv');
    writeFixedWidth(path, 30_000);
    let bytes = 0;
    const p = await previewSheet(path, 50, { onProgress: (x) => (bytes = x.bytes) });
    expect(bytes).toBeLessThanOrEqual(128 * 1024);
    expect(p.rows).toHaveLength(50);
    expect(p.rows[49]![0]).toBe('0000050');
    expect(p.result).toMatchObject({ rows: 50, truncated: true });
  });

  it('detects the separator when the header row alone is longer than the sample', async () => {
    const path = join(dir, 'wide-semicolon.csv');
    const cols = 4_500;
    const names = Array.from({ length: cols }, (_, i) => `measurement_${String(i).padStart(5, '0')}`);
    writeFileSync(path, names.join(';') + '\n' + names.map((_, i) => `${i},5`).join(';') + '\n');
    const got: SheetRow[] = [];
    const r = await importSheet(path, { header() {}, rows: (b) => void got.push(...b) });
    expect(r.delimiter).toBe(';');
    expect(r.columns).toHaveLength(cols);
    expect(got[0]!.values[cols - 1]).toBe(`${cols - 1},5`);
  });

  it('cuts batches by cell count for wide files', async () => {
    const path = join(dir, 'wide.csv');
    const cols = 4_000;
    const line = (v: string): string => Array.from({ length: cols }, () => v).join(',') + '\n';
    writeFileSync(path, Array.from({ length: cols }, (_, i) => `c${i}`).join(',') + '\n' + line('1').repeat(120));
    const sizes: number[] = [];
    const r = await importSheet(path, { header() {}, rows: (b) => void sizes.push(b.length) }, { batchSize: 1000 });
    expect(r.rows).toBe(120);
    expect(Math.max(...sizes)).toBe(50);
  });
});

describe('chunk boundaries and encodings', () => {
  // Rows long enough, and multi-byte enough, that characters, CRLFs and quoted line breaks fall
  // across the 64 KB read boundaries many times over.
  const rows: string[][] = Array.from({ length: 6_000 }, (_, i) => [String(i + 1), `Zoë “${i}” Kraków — 北京 😀`, i % 7 === 0 ? `line one\r\nline two ${i}` : `plain ${i}`, i % 3 ? 'Yes' : 'No']);
  const csvText = (nl: string): string =>
    ['id,name,comment,flag', ...rows.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c.replace(/"/g, '""')}"` : c)).join(','))].join(nl) + nl;

  it.each([
    ['utf-8', (s: string) => Buffer.from(s, 'utf8'), 'utf-8'],
    ['utf-8 with BOM', (s: string) => Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(s, 'utf8')]), 'utf-8'],
    ['utf-16le with BOM', (s: string) => Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(s, 'utf16le')]), 'utf-16le'],
    ['utf-16be with BOM', (s: string) => Buffer.concat([Buffer.from([0xfe, 0xff]), Buffer.from(s, 'utf16le').swap16()]), 'utf-16be'],
  ] as const)('%s, CRLF', async (_label, encode, encoding) => {
    const path = join(dir, `chunks-${encoding}-${_label.length}.csv`);
    writeFileSync(path, encode(csvText('\r\n')));
    const got: SheetRow[] = [];
    const r = await importSheet(path, { header() {}, rows: (b) => void got.push(...b) }, { batchSize: 333 });
    expect(r.encoding).toBe(encoding);
    expect(r.columns).toEqual(['id', 'name', 'comment', 'flag']);
    expect(got.map((g) => g.values)).toEqual(rows);
    expect(got.at(-1)!.rowNumber).toBe(rows.length + 1);
  });

  it('windows-1252 across boundaries', async () => {
    const latin = rows.map((r) => [r[0]!, `René ${r[0]} Besançon`, r[2]!, r[3]!]);
    const text = ['id,name,comment,flag', ...latin.map((r) => r.map((c) => (/[",\r\n]/.test(c) ? `"${c}"` : c)).join(','))].join('\n') + '\n';
    const path = join(dir, 'chunks-1252.csv');
    writeFileSync(path, iconv.encode(text, 'windows-1252'));
    const got: SheetRow[] = [];
    const r = await importSheet(path, { header() {}, rows: (b) => void got.push(...b) });
    expect(r.encoding).toBe('windows-1252');
    expect(got.map((g) => g.values)).toEqual(latin);
  });

  it('reports a NUL byte deep in a big file by its row', async () => {
    const path = join(dir, 'late-nul.csv');
    const body = Array.from({ length: 20_000 }, (_, i) => `${i + 1},name${i}`);
    body[15_000] = '15001,bro\u0000ken';
    writeFileSync(path, ['id,name', ...body].join('\n') + '\n');
    await expect(importSheet(path, nullSink)).rejects.toMatchObject({ code: 'nul_bytes', details: { row: 15_002, column: 2 } });
  });

  it('reports a ragged row deep in a big file by its row', async () => {
    const path = join(dir, 'late-ragged.csv');
    const body = Array.from({ length: 20_000 }, (_, i) => `${i + 1},"name, ${i}",x`);
    body[12_345] = '12346,Smith, John,x';
    writeFileSync(path, ['id,name,x', ...body].join('\n') + '\n');
    await expect(importSheet(path, nullSink)).rejects.toMatchObject({ code: 'ragged_rows', details: { row: 12_347 } });
  });
});
