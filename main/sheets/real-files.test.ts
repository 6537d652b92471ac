import { readdirSync, readFileSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { describe, expect, it } from 'vitest';
import { importSheet } from './import';
import { ImportError, type ImportErrorCode, type SheetHeader } from './types';

/**
 * Differential test on files nobody on this project wrote (e2e/fixtures/real, origins in its
 * SOURCES.md): each is read by the importer and by an independent reader, and the two readings
 * must be identical unless the table below explains the difference.
 *
 * Independent readings: csv-spectrum's own expected JSON; for other CSV files papaparse's `parse`
 * on the whole text with the encoding and separator written in the table; for workbooks ExcelJS.
 * Both readings are brought to the importer's documented shape before comparing: blank rows
 * dropped, header names trimmed, short rows padded with empty cells, empty cells past the header
 * dropped (a trailing separator), workbook values as text (numbers to 15 significant digits,
 * TRUE/FALSE, dates as yyyy-mm-dd and date-times to the second, a formula as its cached result,
 * an error as its text, the cells of a merged range after the first as empty).
 */

const REAL = fileURLToPath(new URL('../../e2e/fixtures/real/', import.meta.url));

interface Entry {
  /** Encoding and separator for the independent CSV reading (defaults: UTF-8, comma). */
  encoding?: 'utf-8' | 'utf-16le' | 'windows-1252';
  delimiter?: string;
  /** The import must fail with this error: the file breaks a rule the importer enforces. */
  error?: ImportErrorCode;
  /** Why the two readings differ, when they do (a difference not written here fails the test). */
  differs?: string;
}

const TABLE: Record<string, Entry> = {
  'csv-spectrum/comma_in_quotes.csv': {},
  'csv-spectrum/empty.csv': {},
  'csv-spectrum/empty_crlf.csv': {},
  'csv-spectrum/escaped_quotes.csv': {},
  'csv-spectrum/json.csv': {},
  'csv-spectrum/location_coordinates.csv': {
    differs: "csv-spectrum's expected JSON does not match its own CSV here: the JSON's phone number is 1234567890, the CSV's 2095257564 (the rest is equal).",
  },
  'csv-spectrum/newlines.csv': {},
  'csv-spectrum/newlines_crlf.csv': {
    differs: 'The stored copy of this file has LF line endings (the repository normalises text files on commit), while its expected JSON keeps the CRLF inside the quoted value of the original; the importer keeps the LF that the file holds.',
  },
  'csv-spectrum/quotes_and_newlines.csv': {},
  'csv-spectrum/simple.csv': {},
  'csv-spectrum/simple_crlf.csv': {},
  'csv-spectrum/utf8.csv': {},
  'papaparse/long-sample.csv': {},
  'papaparse/sample-header.csv': {},
  'papaparse/sample.csv': {},
  'papaparse/utf-8-bom-sample.csv': {},
  'papaparse/verylong-sample.csv': {},
  'papaparse/malformed.tsv': { delimiter: '\t', error: 'unclosed_quote', differs: 'Deliberately malformed (a test file of papaparse): a value in row 9 opens a quote that is never closed; papaparse reads on to the end of the file into that cell, the importer refuses the file and names the row.' },
  'node-csv/411.csv': {},
  'node-csv/415.csv': { delimiter: '\t' },
  'node-csv/365-utf16le-bom-windows.csv': { encoding: 'utf-16le' },
  'node-csv/365-utf8-bom-windows.csv': {},
  'node-csv/fs_read.csv': { delimiter: ';' },
  'node-csv/399.csv': { error: 'header_only', differs: 'The file holds a header and one quoted empty value; the importer refuses a file with no data rows and says so.' },
  'node-csv/327.cws.csv': { encoding: 'windows-1252' },
  'node-csv/265.tubs.csv': {},
  'exceljs/test-issue-991.csv': {},
  'exceljs/fibonacci.xlsx': {},
  'exceljs/formulas.xlsx': {},
  'exceljs/gold.xlsx': {},
  'exceljs/dateIssue.xlsx': {},
  'exceljs/1904.xlsx': { error: 'header_only', differs: 'The sheet has a single row (a date in the 1904 date system); the importer refuses a sheet with no data rows below the header.' },
  'exceljs/test-issue-176.xlsx': {},
  'exceljs/test-issue-163.xlsx': {},
  'exceljs/many-columns.xlsx': {},
  'exceljs/shared_string_with_escape.xlsx': { error: 'header_only', differs: 'The sheet has a single row; the importer refuses a sheet with no data rows below the header.' },
  'exceljs/missing-bits.xlsx': { error: 'bad_xlsx', differs: 'A test file of ExcelJS that lacks parts of a workbook (no xl/workbook.xml); the importer refuses it as not a real workbook.' },
  'exceljs/duplicateRowTest.xlsx': { error: 'empty_file', differs: 'The first sheet is empty (ExcelJS tests write into it); the importer says the sheet is empty.' },
  'exceljs/test-issue-771.xlsx': { error: 'empty_file', differs: 'The first sheet has no cell values; the importer says the sheet is empty.' },
  'exceljs/test-issue-1575.xlsx': {},
  'exceljs/google-sheets.xlsx': {},
  'exceljs/libre-calc-as-excel-2007-365.xlsx': {},
  'read-excel-file/date.xlsx': { error: 'header_only', differs: 'The sheet has a single row (one date); the importer refuses a sheet with no data rows below the header.' },
  'read-excel-file/boolean.xlsx': {},
  'read-excel-file/inline-string.xlsx': { error: 'header_only', differs: 'The sheet has a single row (one inline string); the importer refuses a sheet with no data rows below the header.' },
  'read-excel-file/1904-based-dates.xlsx': {},
  'read-excel-file/string-formula.xlsx': {},
  'read-excel-file/trim.xlsx': { error: 'header_only', differs: 'The sheet has a single row; the importer refuses a sheet with no data rows below the header.' },
  'read-excel-file/xml-namespace.xlsx': {
    differs: 'ExcelJS cannot open this workbook (its XML elements carry a namespace prefix, which is what this test file of read-excel-file is for), so there is no independent reading.',
  },
  'read-excel-file/made-in-macos-excel-2011.xlsx': {},
  'read-excel-file/merged-cells.xlsx': {
    differs: 'Cell C1 lies inside the merged range B1:C1 yet the file keeps a value "C1" in it; Excel shows only the merged cell\'s first value, and ExcelJS reads C1 as part of the merge, while the importer (read-excel-file) reads the value stored in C1.',
  },
  'read-excel-file/dimensions.xlsx': {},
  'read-excel-file/advanced-shared-strings.xlsx': { error: 'header_only', differs: 'The sheet has a single row; the importer refuses a sheet with no data rows below the header.' },
  'read-excel-file/schema.xlsx': {},
  'read-excel-file/color-styles-and-utf8-sheet-name.xlsx': {},
};

/** Every non-blank row of the sheet, in order; `header` is the index of the header row. */
interface Reading {
  rows: string[][];
  header: number;
}

const isBlankRow = (r: readonly string[]): boolean => r.every((c) => c.trim() === '');

/**
 * The shape both readings are compared in: blank rows left out, empty cells at the end of a row
 * left out (the importer pads short rows and drops empty cells past the header), the header row's
 * names trimmed.
 */
function shape(records: string[][], header: number): string[][] {
  return records
    .filter((r) => !isBlankRow(r))
    .map((r, i) => {
      const out = i === header ? r.map((c) => c.trim()) : [...r];
      while (out.length > 0 && out[out.length - 1]!.trim() === '') out.pop();
      return out;
    });
}

async function ours(path: string, delimiterOut: { delimiter?: string }): Promise<Reading> {
  let header: SheetHeader = { columns: [], renamed: [] };
  const rows: string[][] = [];
  const result = await importSheet(path, { header: (h) => void (header = h), rows: (b) => void rows.push(...b.map((r) => r.values)) });
  if (result.delimiter !== undefined) delimiterOut.delimiter = result.delimiter;
  // Compare the names as the file spells them: undo the renaming of empty or repeated names.
  const names = [...header.columns];
  for (const r of header.renamed) names[r.index] = r.original.trim();
  const above = result.rowsAboveHeader.map((r) => r.values);
  return { rows: shape([...above, names, ...rows], above.length), header: above.length };
}

function spectrumReading(path: string): Reading {
  const json = JSON.parse(readFileSync(path.replace(/\.csv$/, '.json'), 'utf8')) as Record<string, string> | Record<string, string>[];
  const list = Array.isArray(json) ? json : [json];
  const header = Object.keys(list[0] ?? {});
  return { header: 0, rows: shape([header, ...list.map((o) => header.map((k) => String(o[k] ?? '')))], 0) };
}

function papaReading(path: string, e: Entry, header: number): Reading {
  let text = new TextDecoder(e.encoding ?? 'utf-8').decode(readFileSync(path));
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  const out = Papa.parse<string[]>(text, { delimiter: e.delimiter ?? ',', header: false, skipEmptyLines: false });
  return { header, rows: shape(out.data, header) };
}

const pad2 = (n: number): string => String(n).padStart(2, '0');

function excelText(v: ExcelJS.CellValue): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'string') return v;
  if (typeof v === 'number') return Number.isFinite(v) ? String(Number(v.toPrecision(15))) : '';
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (v instanceof Date) {
    const d = new Date(Math.round(v.getTime() / 1000) * 1000);
    const day = `${d.getUTCFullYear()}-${pad2(d.getUTCMonth() + 1)}-${pad2(d.getUTCDate())}`;
    const t = [d.getUTCHours(), d.getUTCMinutes(), d.getUTCSeconds()];
    return t.every((x) => x === 0) ? day : `${day} ${t.map(pad2).join(':')}`;
  }
  if ('error' in v) return v.error;
  if ('richText' in v) return v.richText.map((r) => r.text).join('');
  if ('formula' in v || 'sharedFormula' in v) return excelText((v as { result?: ExcelJS.CellValue }).result ?? null);
  if ('text' in v) return typeof v.text === 'string' ? v.text : excelText(v.text as ExcelJS.CellValue);
  return String(v);
}

async function excelReading(path: string, header: number): Promise<Reading> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  const sheet = book.worksheets.find((w) => w.state !== 'veryHidden' && w.state !== 'hidden') ?? book.worksheets[0]!;
  const records: string[][] = [];
  sheet.eachRow({ includeEmpty: true }, (row, n) => {
    const cells: string[] = [];
    row.eachCell({ includeEmpty: true }, (cell, c) => {
      cells[c - 1] = cell.isMerged && cell.master !== cell ? '' : excelText(cell.value);
    });
    records[n - 1] = Array.from(cells, (x) => x ?? '');
  });
  return { header, rows: shape(Array.from(records, (r) => r ?? []), header) };
}

function firstDifference(a: Reading, b: Reading): string | null {
  const n = Math.max(a.rows.length, b.rows.length);
  for (let i = 0; i < n; i++) {
    if (JSON.stringify(a.rows[i]) !== JSON.stringify(b.rows[i])) {
      return `non-blank row ${i + 1}${i === a.header ? ' (the header)' : ''}: ${JSON.stringify(a.rows[i] ?? null)} vs ${JSON.stringify(b.rows[i] ?? null)}`;
    }
  }
  return null;
}

function listFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((d) => (d.isDirectory() ? listFiles(join(dir, d.name)) : [join(dir, d.name)]));
}

describe('real-world files against an independent reading', () => {
  it('has a table entry for every spreadsheet file', () => {
    const files = listFiles(REAL)
      .map((p) => relative(REAL, p))
      .filter((p) => /\.(csv|tsv|xlsx)$/.test(p))
      .sort();
    expect(files).toEqual(Object.keys(TABLE).sort());
  });

  it('reads every file as the independent reader does, or the difference is explained', async () => {
    const lines: string[] = [];
    const unexplained: string[] = [];
    let identical = 0;
    for (const [name, entry] of Object.entries(TABLE)) {
      const path = join(REAL, name);
      let mine: Reading | null = null;
      let failure: unknown = null;
      const seen: { delimiter?: string } = {};
      try {
        mine = await ours(path, seen);
      } catch (e) {
        failure = e;
      }
      if (entry.error) {
        const ok = failure instanceof ImportError && failure.code === entry.error;
        if (!ok) unexplained.push(`${name}: expected import error ${entry.error}, got ${failure instanceof Error ? failure.message : 'a reading'}`);
        lines.push(`  ${name}: refused (${entry.error}): ${entry.differs ?? ''}`);
        continue;
      }
      if (failure) {
        unexplained.push(`${name}: the import failed: ${failure instanceof Error ? failure.message : String(failure)}`);
        continue;
      }
      let theirs: Reading;
      try {
        theirs = name.startsWith('csv-spectrum/') ? spectrumReading(path) : name.endsWith('.xlsx') ? await excelReading(path, mine!.header) : papaReading(path, entry, mine!.header);
      } catch (e) {
        lines.push(`  ${name}: the independent reader failed (${e instanceof Error ? e.message : String(e)})`);
        if (!entry.differs) unexplained.push(`${name}: the independent reader failed: ${e instanceof Error ? e.message : String(e)}`);
        continue;
      }
      const diff = firstDifference(mine!, theirs);
      if (mine!.header > 0) lines.push(`  ${name}: header found below ${mine!.header} title/note row(s)`);
      if (!name.endsWith('.xlsx') && !name.startsWith('csv-spectrum/') && (seen.delimiter ?? ',') !== (entry.delimiter ?? ',')) {
        unexplained.push(`${name}: the importer chose the separator ${JSON.stringify(seen.delimiter)}, the table says ${JSON.stringify(entry.delimiter ?? ',')}`);
      }
      if (diff === null) {
        identical++;
        if (entry.differs) unexplained.push(`${name}: read identically now, but the table explains a difference: remove it`);
      } else {
        lines.push(`  ${name}: differs (${diff.slice(0, 200)})`);
        if (!entry.differs) unexplained.push(`${name}: ${diff.slice(0, 400)}`);
      }
    }
    const total = Object.keys(TABLE).length;
    console.log(`${identical} of ${total} files read identically\n${lines.join('\n')}\n${unexplained.length > 0 ? `Not explained:\n${unexplained.join('\n')}` : ''}`);
    expect(unexplained).toEqual([]);
  }, 120_000);
});
