import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { importSheet, listSheets, previewSheet } from './import';
import { ImportError, type ImportErrorCode, type ImportNoticeKind, type ImportResult, type SheetHeader, type SheetRow } from './types';

const BAD = fileURLToPath(new URL('../../e2e/fixtures/bad/', import.meta.url));
const GOOD = fileURLToPath(new URL('../../e2e/fixtures/good/', import.meta.url));

type Expectation =
  | { error: ImportErrorCode; message: RegExp; row?: number; column?: number }
  | { notices: ImportNoticeKind[]; notice?: RegExp; columns?: string[]; rows?: [number, string[]][]; encoding?: string };

/**
 * Every file in e2e/fixtures/bad/ and what the person is told about it. Errors: the code and the
 * words that name the problem (and its row/column where there is one). Readable-but-awkward files:
 * the notices that say what was done, and the data that came out.
 */
const BAD_TABLE: Record<string, Expectation> = {
  'empty.csv': { error: 'empty_file', message: /^"empty\.csv" is empty: it has no header row and no data\./ },
  'bom-only.csv': { error: 'empty_file', message: /"bom-only\.csv" is empty/ },
  'only-blank-lines.csv': { error: 'empty_file', message: /has no data: it holds only blank lines or spaces/ },
  'header-only.csv': { error: 'header_only', message: /has a header row \(name, age, city\) but no data rows below it\. Add at least one row/, row: 2 },
  'header-only-with-blank-lines.csv': { error: 'header_only', message: /header row \(name, age, city\) but no data rows/ },
  'binary-renamed.csv': { error: 'not_a_spreadsheet', message: /"binary-renamed\.csv" is a PNG image, not a spreadsheet\. Choose a CSV, TSV or Excel/ },
  'pdf-renamed.csv': { error: 'not_a_spreadsheet', message: /is a PDF document, not a spreadsheet/ },
  'random-binary.csv': { error: 'not_a_spreadsheet', message: /is a binary file .* not a spreadsheet/ },
  'gzip-renamed.csv': { error: 'not_a_spreadsheet', message: /is a gzip-compressed file, not a spreadsheet/ },
  'sqlite-renamed.csv': { error: 'not_a_spreadsheet', message: /is an SQLite database, not a spreadsheet/ },
  'rtf-renamed.csv': { error: 'not_a_spreadsheet', message: /is a Rich Text \(RTF\) document, not a spreadsheet/ },
  'zip-renamed.csv': { error: 'not_a_spreadsheet', message: /is a ZIP archive of other files, not a spreadsheet/ },
  'zip-not-xlsx.xlsx': { error: 'bad_xlsx', message: /"zip-not-xlsx\.xlsx" is not a real Excel workbook: it is a ZIP archive of other files/ },
  'docx-renamed.xlsx': { error: 'bad_xlsx', message: /is not a real Excel workbook: it is a Word document/ },
  'truncated.xlsx': { error: 'bad_xlsx', message: /"truncated\.xlsx" is damaged: .*cannot be read.*Open it in Excel, save it again/ },
  'password-protected.xlsx': { error: 'password_protected', message: /^This workbook is password-protected .*remove the password .* or save a copy as CSV/ },
  'legacy-excel.xls': { error: 'legacy_xls', message: /old-style Excel 97–2003 workbook \(\.xls\).*save it as \.xlsx or "CSV UTF-8"/ },
  'empty-sheet.xlsx': { error: 'empty_file', message: /The sheet "Sheet1" in "empty-sheet\.xlsx" is empty/ },
  'header-only.xlsx': { error: 'header_only', message: /header row \(name, age\) but no data rows/ },
  'nul-bytes.csv': { error: 'nul_bytes', message: /^Row 3, column 2 \("name"\) contains a NUL character \(a zero byte\)/, row: 3, column: 2 },
  'unclosed-quote.csv': { error: 'unclosed_quote', message: /^Row 3, column 3 \("comment"\) starts with a quote \("\) that is never closed.*Add the missing closing quote in row 3/, row: 3, column: 3 },
  'malformed-quote.csv': { error: 'bad_quotes', message: /^Row 3, column 3 \("comment"\), has a quoted value with more text after its closing quote: "quoted"then more\./, row: 3 },
  'ragged-rows.csv': { error: 'ragged_rows', message: /^Row 4 has 4 values but the header \(row 1\) has 3 columns\. Usually a value contains a comma without quotes/, row: 4 },
  'ragged-rows-semicolon.csv': { error: 'ragged_rows', message: /^Row 3 has 4 values but the header \(row 1\) has 3 columns\. Usually a value contains a semicolon/, row: 3 },
  'many-rows-one-bad.csv': { error: 'ragged_rows', message: /^Row 22 has 4 values/, row: 22 },
  '10000-columns.csv': { error: 'too_many_columns', message: /^Row 1 has 10,000 columns; the most that can be imported is 5,000\. Remove the columns your model does not use/ },
  'utf8-bom.csv': { notices: ['encoding'], notice: /UTF-8 with a byte-order mark/, columns: ['name', 'city'], rows: [[2, ['Zoë', 'Kraków']]], encoding: 'utf-8' },
  'utf16le-bom.csv': { notices: ['encoding', 'delimiter'], notice: /saved as UTF-16 \(little-endian\) and was converted to Unicode/, columns: ['name', 'city'], rows: [[2, ['Zoë', 'Kraków']]], encoding: 'utf-16le' },
  'utf16be-bom.csv': { notices: ['encoding'], notice: /UTF-16 \(big-endian\)/, columns: ['name', 'city'], rows: [[2, ['Zoë', 'Kraków']]], encoding: 'utf-16be' },
  'utf16le-no-bom.csv': { notices: ['encoding'], notice: /UTF-16 \(little-endian\)/, rows: [[2, ['Zoë', 'Kraków']]], encoding: 'utf-16le' },
  'windows-1252.csv': {
    notices: ['encoding'],
    notice: /^This file was saved as Windows-1252 \(Western European\) and was converted to Unicode\./,
    rows: [
      [2, ['René', 'Besançon', '€12']],
      [3, ['Zoë', 'Orléans', '€14']],
    ],
    encoding: 'windows-1252',
  },
  'duplicate-headers.csv': { notices: ['header'], notice: /renamed: a repeated "price" \(column 3\) is now "price_2"; column 4 had no name and is now "column_4"/, columns: ['price', 'city', 'price_2', 'column_4', 'Price_3'] },
  'formulas-in-cells.csv': {
    notices: ['formulas'],
    notice: /start with "=" like spreadsheet formulas \(the first is in row 2\)\. They were imported as plain text/,
    rows: [
      [2, ['=HYPERLINK("http://evil.example","click")', '=1+2']],
      [3, ['+SUM(A1:A2)', '-3']],
      [4, ['@cmd', 'ok']],
    ],
  },
  'trailing-blank-lines.csv': { notices: ['trailing-blank'], notice: /^3 blank rows at the end of the file were ignored\./, rows: [[2, ['1', '2']]] },
  'blank-rows-between.csv': { notices: ['blank-rows'], notice: /^2 blank rows between the data were skipped \(the first is row 3\)/, rows: [[2, ['1', '2']], [5, ['3', '4']]] },
  'short-rows.csv': { notices: ['short-rows'], notice: /^2 rows had fewer values than there are columns \(the first is row 3\); the missing cells were left blank/, rows: [[2, ['1', '2', '3']], [3, ['4', '', '']], [4, ['5', '6', '']]] },
  'trailing-delimiters.csv': { notices: ['trailing-empty-cells'], columns: ['a', 'b'], rows: [[2, ['1', '2']], [3, ['3', '4']]] },
  'leading-blank-lines.csv': { notices: ['blank-rows'], notice: /starts with 2 blank rows; the header was taken from row 3/, rows: [[4, ['Ann', '3']]] },
  'header-looks-like-data.csv': { notices: ['header'], notice: /looks like data, not column names/, columns: ['1', '2', '3'] },
  'old-mac-line-endings.csv': { notices: [], rows: [[2, ['1', '2']], [3, ['3', '4']]] },
  'csv-named-xlsx.xlsx': { notices: ['file-type'], notice: /ends in \.xlsx, but it holds plain text, so it was read as a CSV file/, rows: [[2, ['Ann', '3']]] },
  'unnamed-column.xlsx': {
    notices: ['header'],
    notice: /column 3 had no name and is now "column_3"/,
    columns: ['name', 'age', 'column_3'],
    rows: [[2, ['Ann', '31', 'note']], [3, ['Bob', '28', '']]],
    encoding: 'xlsx',
  },
  'xlsx-named-csv.csv': { notices: ['file-type', 'sheet'], notice: /ends in \.csv, but it is an Excel workbook/, columns: ['id', 'city', 'sqft', 'bedrooms', 'has_garage', 'built', 'price'], encoding: 'xlsx' },
};

interface Collected {
  header: SheetHeader | null;
  rows: SheetRow[];
}

async function run(path: string, opts: Parameters<typeof importSheet>[2] = {}): Promise<{ result: ImportResult; got: Collected }> {
  const got: Collected = { header: null, rows: [] };
  const result = await importSheet(path, { header: (h) => void (got.header = h), rows: (b) => void got.rows.push(...b) }, opts);
  return { result, got };
}

async function expectFile(path: string, exp: Expectation): Promise<void> {
  let outcome: { result: ImportResult; got: Collected } | undefined;
  let error: unknown;
  try {
    outcome = await run(path);
  } catch (e) {
    error = e;
  }
  if ('error' in exp) {
    expect(error, 'should fail').toBeInstanceOf(ImportError);
    const e = error as ImportError;
    expect(e.code).toBe(exp.error);
    expect(e.message).toMatch(exp.message);
    expect(e.message).not.toMatch(/\n\s+at /);
    if (exp.row !== undefined) expect(e.details?.row).toBe(exp.row);
    if (exp.column !== undefined) expect(e.details?.column).toBe(exp.column);
    expect(e.toIpc().code).toBe(exp.error);
    return;
  }
  if (error) throw error;
  const { result, got } = outcome!;
  expect(result.notices.map((n) => n.kind).sort()).toEqual([...exp.notices].sort());
  if (exp.notice) expect(result.notices.map((n) => n.message).join('\n')).toMatch(exp.notice);
  if (exp.columns) {
    expect(result.columns).toEqual(exp.columns);
    expect(got.header?.columns).toEqual(exp.columns);
  }
  if (exp.encoding) expect(result.encoding).toBe(exp.encoding);
  if (exp.rows) expect(got.rows.map((r) => [r.rowNumber, r.values])).toEqual(exp.rows);
  expect(result.rows).toBe(got.rows.length);
  for (const r of got.rows) expect(r.values).toHaveLength(result.columns.length);
}

describe('bad-input corpus (e2e/fixtures/bad)', () => {
  it('has an expectation for every file, and at least 30 files', () => {
    const files = readdirSync(BAD).sort();
    expect(files).toEqual(Object.keys(BAD_TABLE).sort());
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  it.each(Object.entries(BAD_TABLE))('%s', async (name, exp) => {
    await expectFile(join(BAD, name), exp);
  });
});

const HOUSE_ROWS: [number, string[]][] = [
  [2, ['1', 'Springfield', '1,950', '3', 'Yes', 'Ranch', '250000']],
  [3, ['2', 'Shelbyville', '1200', '2', 'No', 'colonial', '180000']],
  [4, ['3', 'Ogdenville', '2,400', '4', 'yes', 'Victorian', '410000']],
  [5, ['4', 'North Haverbrook', '850', '1', 'N', 'ranch', '99000']],
];
const HOUSE_COLUMNS = ['id', 'city', 'sqft', 'bedrooms', 'has_garage', 'style', 'price'];

const GOOD_TABLE: Record<string, Expectation & { delimiter?: string }> = {
  'comma.csv': { notices: [], columns: HOUSE_COLUMNS, rows: HOUSE_ROWS, delimiter: ',' },
  'crlf.csv': { notices: [], columns: HOUSE_COLUMNS, rows: HOUSE_ROWS, delimiter: ',' },
  'tab.tsv': { notices: [], columns: HOUSE_COLUMNS, rows: HOUSE_ROWS, delimiter: '\t' },
  'semicolon.csv': {
    notices: ['delimiter'],
    notice: /separated by semicolons/,
    rows: [
      [2, ['1', 'Lyon', '1950,5', '250000']],
      [3, ['2', 'Lille', '1200', '180000']],
      [4, ['3', 'Nancy', '2 400', '410000']],
    ],
    delimiter: ';',
  },
  'pipe.csv': { notices: ['delimiter'], rows: [[2, ['1', 'Springfield', '250000']], [3, ['2', 'Shelbyville', '180000']]], delimiter: '|' },
  'quoted-newlines.csv': {
    notices: [],
    rows: [
      [2, ['1', 'First line\r\nsecond line', '5']],
      [3, ['2', 'He said "hi", then left', '3']],
      [4, ['3', 'multi\nline\nthree', '4']],
    ],
  },
  'latin1.csv': { notices: ['encoding'], notice: /Windows-1252/, columns: ['nom', 'ville', 'prix'], rows: [[2, ['René', 'Besançon', '12']], [3, ['Zoë', 'Orléans', '14']], [4, ['François', 'Créteil', '9']]] },
  'utf8-multilingual.csv': {
    notices: [],
    rows: [
      [2, ['Jürgen', 'München', 'größer']],
      [3, ['李雷', '北京', '你好']],
      [4, ['Zoë', 'Kraków', 'café, crème']],
      [5, ['Αλέξης', 'Αθήνα', '😀']],
    ],
  },
  'houses.xlsx': {
    notices: ['sheet'],
    notice: /This workbook has 2 sheets; the first, "Houses", was imported/,
    columns: ['id', 'city', 'sqft', 'bedrooms', 'has_garage', 'built', 'price'],
    rows: [
      [2, ['1', 'Springfield', '1950', '3', 'TRUE', '1998-05-17', '250000.5']],
      [3, ['2', 'Shelbyville', '1200', '2', 'FALSE', '2004-01-02', '0.3']],
      [4, ['3', 'Ogdenville', '', '4', 'TRUE', '', '410000']],
    ],
    encoding: 'xlsx',
  },
};

describe('good fixtures (e2e/fixtures/good)', () => {
  it('has an expectation for every file', () => {
    expect(readdirSync(GOOD).sort()).toEqual(Object.keys(GOOD_TABLE).sort());
  });

  it.each(Object.entries(GOOD_TABLE))('%s', async (name, exp) => {
    await expectFile(join(GOOD, name), exp);
    if ('delimiter' in exp && exp.delimiter) expect((await run(join(GOOD, name))).result.delimiter).toBe(exp.delimiter);
  });

  it('lists the sheets of a workbook and imports the one chosen', async () => {
    const path = join(GOOD, 'houses.xlsx');
    expect(await listSheets(path)).toEqual(['Houses', 'Notes & sources']);
    expect(await listSheets(join(GOOD, 'comma.csv'))).toEqual([]);
    const { result, got } = await run(path, { sheet: 'Notes & sources' });
    expect(result).toMatchObject({ sheet: 'Notes & sources', columns: ['source', 'rows'], rows: 1 });
    // Data starts on row 3 of that sheet; row numbers are the sheet's own.
    expect(got.rows).toEqual([{ rowNumber: 4, values: ['county records', '3'] }]);
    expect(result.notices.map((n) => n.kind)).toEqual(['blank-rows']);
    const byNumber = await run(path, { sheet: 2 });
    expect(byNumber.result.sheet).toBe('Notes & sources');
  });

  it('names the sheets that exist when the chosen one does not', async () => {
    await expect(run(join(GOOD, 'houses.xlsx'), { sheet: 'Prices' })).rejects.toMatchObject({
      code: 'sheet_not_found',
      message: 'The workbook "houses.xlsx" has no sheet named "Prices". Its sheets are: Houses, Notes & sources. Choose one of those.',
    });
  });

  it('previews only the first rows', async () => {
    const p = await previewSheet(join(GOOD, 'comma.csv'), 2);
    expect(p.header.columns).toEqual(HOUSE_COLUMNS);
    expect(p.rows).toEqual(HOUSE_ROWS.slice(0, 2).map((r) => r[1]));
    expect(p.result).toMatchObject({ rows: 2, truncated: true });
    const x = await previewSheet(join(GOOD, 'houses.xlsx'), 100);
    expect(x.rows).toHaveLength(3);
    expect(x.result.truncated).toBeUndefined();
  });

  it('says clearly when the file is missing', async () => {
    await expect(run(join(GOOD, 'no-such-file.csv'))).rejects.toMatchObject({
      code: 'file_unreadable',
      message: 'Could not open "no-such-file.csv": it does not exist (it may have been moved or deleted). Check the file and try again.',
    });
    await expect(run(GOOD)).rejects.toMatchObject({ code: 'file_unreadable' });
  });
});
