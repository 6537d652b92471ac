import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { BAD_EXPECTATIONS, type CorpusExpectation } from '../../e2e/fixtures/bad-expectations';
import { importSheet, listSheets, previewSheet } from './import';
import { ImportError, type ImportResult, type SheetHeader, type SheetRow } from './types';

const BAD = fileURLToPath(new URL('../../e2e/fixtures/bad/', import.meta.url));
const GOOD = fileURLToPath(new URL('../../e2e/fixtures/good/', import.meta.url));

interface Collected {
  header: SheetHeader | null;
  rows: SheetRow[];
}

async function run(path: string, opts: Parameters<typeof importSheet>[2] = {}): Promise<{ result: ImportResult; got: Collected }> {
  const got: Collected = { header: null, rows: [] };
  const result = await importSheet(path, { header: (h) => void (got.header = h), rows: (b) => void got.rows.push(...b) }, opts);
  return { result, got };
}

async function expectFile(path: string, exp: CorpusExpectation): Promise<void> {
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
    expect(files).toEqual(Object.keys(BAD_EXPECTATIONS).sort());
    expect(files.length).toBeGreaterThanOrEqual(30);
  });

  it.each(Object.entries(BAD_EXPECTATIONS))('%s', async (name, exp) => {
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

const GOOD_TABLE: Record<string, CorpusExpectation & { delimiter?: string }> = {
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
