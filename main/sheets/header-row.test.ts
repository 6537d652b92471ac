import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildXlsx } from '../../e2e/fixtures/lib/xlsx';
import { chooseHeaderIndex } from './header-row';
import { importSheet, previewSheet } from './import';
import { ImportError, type ImportOptions, type SheetHeader, type SheetRow } from './types';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'sheets-header-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(name: string, data: string | Buffer, opts: ImportOptions = {}) {
  const path = join(dir, name);
  writeFileSync(path, data);
  let header: SheetHeader | null = null;
  const rows: SheetRow[] = [];
  const result = await importSheet(path, { header: (h) => void (header = h), rows: (b) => void rows.push(...b) }, opts);
  return { result, columns: header!.columns, rows: rows.map((r) => [r.rowNumber, r.values] as const) };
}

const HEADER = 'customer,tenure,monthly_charges,contract,area,support_calls,paperless,sqft,beds';
const DATA = Array.from({ length: 12 }, (_, i) => `c${i},${i + 1},${20 + i}.5,One year,urban,${i % 3},Yes,${1000 + i},${(i % 4) + 1}`);

describe('finding the header row', () => {
  it('takes the header below a title line and a blank line (the CSV that used to stop the import)', async () => {
    const got = await read('titled.csv', ['Churn export — March 2026', '', HEADER, ...DATA].join('\n') + '\n');
    expect(got.columns).toEqual(HEADER.split(','));
    expect(got.result.headerRow).toBe(3);
    expect(got.result.rowsAboveHeader).toEqual([{ rowNumber: 1, values: ['Churn export — March 2026'] }]);
    expect(got.rows[0]).toEqual([4, DATA[0]!.split(',')]);
    expect(got.rows).toHaveLength(12);
    const notice = got.result.notices.find((n) => n.kind === 'header');
    expect(notice?.message).toBe(
      'The column names were taken from row 3; the row above it ("Churn export — March 2026") looks like a title or notes and was left out. If the names are in another row, choose that row as the header.',
    );
  });

  it('passes over a title and a note padded with separators, as Excel writes them', async () => {
    const got = await read('padded.csv', ['Report,,,,,,,,', 'Source: CRM,,,,,,,,', ',,,,,,,,', HEADER, ...DATA].join('\r\n'));
    expect(got.result.headerRow).toBe(4);
    expect(got.columns).toEqual(HEADER.split(','));
    expect(got.rows.map((r) => r[0])).toEqual(Array.from({ length: 12 }, (_, i) => i + 5));
  });

  it('finds the header of an .xlsx below its title rows', async () => {
    const book = buildXlsx([{ name: 'S', rows: [['Quarterly churn'], ['Prepared by finance', null, null], [], HEADER.split(','), ...DATA.map((d) => d.split(','))] }]);
    const got = await read('titled.xlsx', book);
    expect(got.result.headerRow).toBe(4);
    expect(got.columns).toEqual(HEADER.split(','));
    expect(got.rows[0]![0]).toBe(5);
  });

  it('finds a header below many comment lines', async () => {
    const comments = Array.from({ length: 45 }, (_, i) => `# note ${i}`);
    const got = await read('comments.tsv', [...comments, HEADER.replace(/,/g, '\t'), ...DATA.map((d) => d.replace(/,/g, '\t'))].join('\n'));
    expect(got.result.headerRow).toBe(46);
    expect(got.columns).toEqual(HEADER.split(','));
  });

  it('keeps row 1 as the header of a plain file, with no notice', async () => {
    const got = await read('plain.csv', [HEADER, ...DATA].join('\n'));
    expect(got.result.headerRow).toBe(1);
    expect(got.result.rowsAboveHeader).toEqual([]);
    expect(got.result.notices).toEqual([]);
  });

  it('keeps row 1 when no row looks like names (a file without a header)', () => {
    expect(chooseHeaderIndex([['1', '2', '3'], ['4', '5', '6']])).toBe(0);
    expect(chooseHeaderIndex([['Title'], ['a', 'b', 'c'], ['1', '2', '3']])).toBe(1);
  });

  it('previews a titled file from its real header', async () => {
    const path = join(dir, 'preview.csv');
    writeFileSync(path, ['Title', '', HEADER, ...DATA].join('\n'));
    const p = await previewSheet(path, 5);
    expect(p.header.columns).toEqual(HEADER.split(','));
    expect(p.rows).toHaveLength(5);
    expect(p.result).toMatchObject({ headerRow: 3, truncated: true });
  });
});

describe('choosing the header row', () => {
  it('takes the row the person chose, for CSV', async () => {
    const got = await read('choose.csv', ['Title', 'a,b', '1,2', '3,4'].join('\n'), { headerRow: 2 });
    expect(got.columns).toEqual(['a', 'b']);
    expect(got.rows).toEqual([
      [3, ['1', '2']],
      [4, ['3', '4']],
    ]);
    expect(got.result.headerRow).toBe(2);
    expect(got.result.rowsAboveHeader).toEqual([{ rowNumber: 1, values: ['Title'] }]);
  });

  it('takes the row the person chose, for .xlsx, even where detection would choose another', async () => {
    const book = buildXlsx([{ name: 'S', rows: [['Title'], ['name', 'city'], ['Ann', 'Lyon'], ['Bob', 'Nice']] }]);
    const got = await read('choose.xlsx', book, { headerRow: 3 });
    expect(got.columns).toEqual(['Ann', 'Lyon']);
    expect(got.rows).toEqual([[4, ['Bob', 'Nice']]]);
  });

  it('says clearly when the chosen row is blank or past the end', async () => {
    await expect(read('blank-choice.csv', 'Title\n\na,b\n1,2\n', { headerRow: 2 })).rejects.toMatchObject({
      code: 'header_row_missing',
      message: 'The header row was set to row 2, but that row is blank. Choose the row that holds the column names.',
    });
    const err = await read('past.csv', 'a,b\n1,2\n', { headerRow: 9 }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ImportError);
    expect((err as ImportError).message).toBe('The header row was set to row 9, but the sheet has only 2 rows. Choose the row that holds the column names.');
  });
});
