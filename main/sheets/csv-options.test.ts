import { createWriteStream, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { CsvWriter } from './csv-writer';
import {
  csvOutput,
  DEFAULT_CSV_FORMAT,
  defaultExportFormat,
  describeExportFormat,
  exportExtension,
  likeInputFormat,
  parseExportFormat,
  type CsvExportFormat,
} from './csv-options';
import { sniffFile } from './sniff';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'csv-options-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const rows = [
  ['customer', 'city', 'tenure', 'note', 'churn'],
  ['Núñez', 'São Paulo', '12,5', 'uses ; and "quotes"', '0.81'],
  ['Zoë Müller', 'Köln', '3', 'line\nbreak', '0.12'],
  ['François', 'Besançon', '', '€ 85,09', 'true'],
];

async function writeCsv(name: string, format: CsvExportFormat, write: (w: CsvWriter) => Promise<void>): Promise<{ bytes: Buffer; replaced: number }> {
  const path = join(dir, name);
  const output = csvOutput(format, createWriteStream(path));
  const writer = new CsvWriter(output.sink, output.writerOptions);
  await write(writer);
  await writer.end();
  return { bytes: readFileSync(path), replaced: output.replacedChars() };
}

/** What Excel does with the file: take the encoding and the separator, drop the mark, split into cells. */
function readAsExcel(bytes: Buffer, encoding: string, separator: string): string[][] {
  const text = iconv.decode(bytes, encoding, { stripBOM: true });
  const parsed = Papa.parse<string[]>(text, { delimiter: separator, newline: '\r\n', skipEmptyLines: true });
  expect(parsed.errors).toEqual([]);
  return parsed.data;
}

describe('CSV export formats', () => {
  it('writes UTF-8 with a byte-order mark and commas by default, readable as Excel reads it', async () => {
    const format = defaultExportFormat('csv');
    expect(format).toEqual({ kind: 'csv', bom: true, separator: ',', encoding: 'utf-8' });
    const { bytes } = await writeCsv('default.csv', format as CsvExportFormat, async (w) => {
      for (const row of rows) await w.writeRow(row);
    });
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(readAsExcel(bytes, 'utf-8', ',')).toEqual(rows);
  });

  it('defaults to a workbook for a workbook input and to CSV otherwise', () => {
    expect(defaultExportFormat('xlsx')).toEqual({ kind: 'xlsx' });
    expect(defaultExportFormat(null)).toEqual(DEFAULT_CSV_FORMAT);
  });

  it('writes like a semicolon Windows-1252 input: no mark, one byte per accented letter, same cells back', async () => {
    const format = likeInputFormat({ encoding: 'windows-1252', delimiter: ';' });
    expect(format).toEqual({ kind: 'csv', bom: false, separator: ';', encoding: 'windows-1252' });
    const { bytes, replaced } = await writeCsv('cp1252.csv', format as CsvExportFormat, async (w) => {
      for (const row of rows) await w.writeRow(row);
    });
    expect(replaced).toBe(0);
    expect(bytes.subarray(0, 8).toString('latin1')).toBe('customer');
    expect(bytes.includes(Buffer.from([0x4e, 0xfa, 0xf1, 0x65, 0x7a]))).toBe(true); // "Núñez"
    expect(bytes.includes(0x80)).toBe(true); // "€" in Windows-1252
    expect(readAsExcel(bytes, 'windows-1252', ';')).toEqual(rows);
    // And the import recognises its own output as what it was.
    const path = join(dir, 'cp1252.csv');
    const sniffed = await sniffFile(path);
    expect(sniffed.kind === 'text' && sniffed.encoding).toBe('windows-1252');
  });

  it('writes like a tab-separated UTF-16LE input: a mark, two bytes per character, same cells back', async () => {
    const format = likeInputFormat({ encoding: 'utf-16le', delimiter: '\t' });
    expect(format).toEqual({ kind: 'csv', bom: true, separator: '\t', encoding: 'utf-16le' });
    expect(exportExtension(format)).toBe('.tsv');
    const { bytes } = await writeCsv('utf16.tsv', format as CsvExportFormat, async (w) => {
      for (const row of rows) await w.writeRow(row);
    });
    expect([...bytes.subarray(0, 4)]).toEqual([0xff, 0xfe, 0x63, 0x00]); // mark, then "c"
    expect(readAsExcel(bytes, 'utf-16le', '\t')).toEqual(rows);
    const sniffed = await sniffFile(join(dir, 'utf16.tsv'));
    expect(sniffed.kind === 'text' && sniffed.encoding).toBe('utf-16le');
  });

  it('keeps a UTF-8 input without a mark without one when the import says so', () => {
    expect(likeInputFormat({ encoding: 'utf-8', delimiter: '|', bom: false })).toEqual({ kind: 'csv', bom: false, separator: '|', encoding: 'utf-8' });
    expect(likeInputFormat({ encoding: 'utf-8', delimiter: ',' })).toEqual(DEFAULT_CSV_FORMAT);
    expect(likeInputFormat({ encoding: 'xlsx' })).toEqual({ kind: 'xlsx' });
    expect(likeInputFormat({ encoding: 'windows-1252', delimiter: ':' })).toMatchObject({ separator: ',' });
  });

  it('counts the characters an encoding cannot hold', async () => {
    const { bytes, replaced } = await writeCsv('lossy.csv', { kind: 'csv', bom: false, separator: ';', encoding: 'windows-1252' }, async (w) => {
      await w.writeRow(['日本 ok?', 'Ω']);
    });
    expect(iconv.decode(bytes, 'windows-1252')).toBe('?? ok?;?\r\n');
    expect(replaced).toBe(3);
  });

  it('refuses an encoding it cannot write, naming it', () => {
    expect(() => csvOutput({ kind: 'csv', bom: false, separator: ',', encoding: 'klingon-8' }, new PassThrough())).toThrow('"klingon-8"');
  });

  it('reads a remembered choice back, and rejects a damaged one', () => {
    expect(parseExportFormat({ kind: 'xlsx' })).toEqual({ kind: 'xlsx' });
    expect(parseExportFormat(JSON.parse(JSON.stringify(likeInputFormat({ encoding: 'utf-16le', delimiter: '\t' }))))).toEqual({ kind: 'csv', bom: true, separator: '\t', encoding: 'utf-16le' });
    expect(parseExportFormat({ kind: 'csv', bom: true, separator: ';', encoding: 'Windows-1252' })).toEqual({ kind: 'csv', bom: false, separator: ';', encoding: 'windows-1252' });
    expect(parseExportFormat({ kind: 'csv', bom: true, separator: 'x', encoding: 'utf-8' })).toBeNull();
    expect(parseExportFormat({ kind: 'csv', bom: true, separator: ',', encoding: 'nope' })).toBeNull();
    expect(parseExportFormat('xlsx')).toBeNull();
  });

  it('describes a format in words', () => {
    expect(describeExportFormat({ kind: 'csv', bom: false, separator: ';', encoding: 'windows-1252' })).toBe('CSV, semicolons, Windows-1252 (Western European)');
    expect(describeExportFormat(DEFAULT_CSV_FORMAT)).toBe('CSV, commas, UTF-8 with byte-order mark');
  });
});
