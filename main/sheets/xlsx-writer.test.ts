import { mkdtempSync, readdirSync, rmSync, writeFileSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeXlsx, type XlsxColumn } from './xlsx-writer';
import { readZipDirectory, readZipEntry } from './zip-directory';

let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'xlsx-writer-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

async function* from<T>(rows: T[]): AsyncGenerator<T> {
  for (const row of rows) yield row;
}

/** The cell as the independent reader sees it: inline rich text joined back to its string. */
function plain(value: ExcelJS.CellValue): unknown {
  if (value && typeof value === 'object' && 'richText' in value) return value.richText.map((r) => r.text).join('');
  return value;
}

async function readBack(path: string): Promise<ExcelJS.Workbook> {
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  return book;
}

/** One entry of the written zip, read by the project's own zip reader (not exceljs). */
async function zipText(path: string, name: string): Promise<string> {
  const entries = await readZipDirectory(path);
  const entry = entries?.find((e) => e.name.replace(/^\//, '') === name);
  if (!entry) throw new Error(`${name} is not in ${path}: ${entries?.map((e) => e.name).join(', ')}`);
  const bytes = await readZipEntry(path, entry);
  if (!bytes) throw new Error(`${name} could not be read`);
  return bytes.toString('utf8');
}

const columns: XlsxColumn[] = [
  { name: 'customer_id', kind: 'text' },
  { name: 'name', kind: 'text' },
  { name: 'tenure', kind: 'number' },
  { name: 'signed_up', kind: 'date' },
  { name: 'active', kind: 'boolean' },
  { name: 'note', kind: 'text' },
  { name: 'churn_probability', kind: 'auto' },
  { name: 'status', kind: 'text' },
  { name: 'error', kind: 'text' },
  { name: 'request_id', kind: 'text' },
];

const input: unknown[][] = [
  ['00123', 'Núñez', '12', '2024-03-05', 'true', '=HYPERLINK("http://x","y")', 0.81, 'ok', '', 'req-1'],
  ['00124', '+44 20 7946 0958', 85.09, new Date(Date.UTC(2023, 11, 31, 23, 59, 58)), false, '-5 not a formula', 0.125, 'ok', null, 'req-2'],
  ['1e5', '@SUM(A1:A2)', '', '2024-02-30', 'yes', '  leading spaces', undefined, 'failed', 'Rate limit: try again later', ''],
  ['', '日本語 ✓ 😀', '007', '2024-03-05T14:30:00Z', true, '\tTab=1', true, 'failed', '=1+1', 'req-4'],
];

/** What each input cell must read back as: value and exceljs type. */
const expected: [unknown, ExcelJS.ValueType][][] = [
  [
    ['00123', ExcelJS.ValueType.RichText],
    ['Núñez', ExcelJS.ValueType.RichText],
    [12, ExcelJS.ValueType.Number],
    [new Date(Date.UTC(2024, 2, 5)), ExcelJS.ValueType.Date],
    [true, ExcelJS.ValueType.Boolean],
    ['=HYPERLINK("http://x","y")', ExcelJS.ValueType.RichText],
    [0.81, ExcelJS.ValueType.Number],
    ['ok', ExcelJS.ValueType.RichText],
    [null, ExcelJS.ValueType.Null],
    ['req-1', ExcelJS.ValueType.RichText],
  ],
  [
    ['00124', ExcelJS.ValueType.RichText],
    ['+44 20 7946 0958', ExcelJS.ValueType.RichText],
    [85.09, ExcelJS.ValueType.Number],
    [new Date(Date.UTC(2023, 11, 31, 23, 59, 58)), ExcelJS.ValueType.Date],
    [false, ExcelJS.ValueType.Boolean],
    ['-5 not a formula', ExcelJS.ValueType.RichText],
    [0.125, ExcelJS.ValueType.Number],
    ['ok', ExcelJS.ValueType.RichText],
    [null, ExcelJS.ValueType.Null],
    ['req-2', ExcelJS.ValueType.RichText],
  ],
  [
    ['1e5', ExcelJS.ValueType.RichText],
    ['@SUM(A1:A2)', ExcelJS.ValueType.RichText],
    [null, ExcelJS.ValueType.Null],
    // Not a real day: kept as the text it was, not rolled over to March.
    ['2024-02-30', ExcelJS.ValueType.RichText],
    ['yes', ExcelJS.ValueType.RichText],
    ['  leading spaces', ExcelJS.ValueType.RichText],
    [null, ExcelJS.ValueType.Null],
    ['failed', ExcelJS.ValueType.RichText],
    ['Rate limit: try again later', ExcelJS.ValueType.RichText],
    [null, ExcelJS.ValueType.Null],
  ],
  [
    [null, ExcelJS.ValueType.Null],
    ['日本語 ✓ 😀', ExcelJS.ValueType.RichText],
    // A leading zero makes it an identifier, even in a number column.
    ['007', ExcelJS.ValueType.RichText],
    [new Date(Date.UTC(2024, 2, 5, 14, 30)), ExcelJS.ValueType.Date],
    [true, ExcelJS.ValueType.Boolean],
    ['\tTab=1', ExcelJS.ValueType.RichText],
    [true, ExcelJS.ValueType.Boolean],
    ['failed', ExcelJS.ValueType.RichText],
    ['=1+1', ExcelJS.ValueType.RichText],
    ['req-4', ExcelJS.ValueType.RichText],
  ],
];

describe('writeXlsx', () => {
  it('writes every cell with its value and type, as an independent reader sees them', async () => {
    const path = join(dir, 'results.xlsx');
    const summary = await writeXlsx(path, columns, from(input));
    expect(summary).toEqual({ rows: 4, sheets: 1, notices: [] });

    const sheet = (await readBack(path)).worksheets[0]!;
    expect(sheet.name).toBe('Results');
    expect(sheet.rowCount).toBe(5);
    expect(sheet.getRow(1).values).toEqual([undefined, ...columns.map((c) => ({ richText: [{ text: c.name }] }))]);
    for (let r = 0; r < expected.length; r++) {
      for (let c = 0; c < columns.length; c++) {
        const cell = sheet.getRow(r + 2).getCell(c + 1);
        const [value, type] = expected[r]![c]!;
        expect({ at: `${columns[c]!.name} row ${r + 1}`, value: plain(cell.value), type: cell.type }).toEqual({ at: `${columns[c]!.name} row ${r + 1}`, value, type });
        expect(cell.formula).toBeFalsy();
      }
    }
  });

  it('writes text inline, never a formula, and dates with a date format (checked in the XML itself)', async () => {
    const path = join(dir, 'results.xlsx');
    await writeXlsx(path, columns, from(input));
    const xml = await zipText(path, 'xl/worksheets/sheet1.xml');
    expect(xml).not.toMatch(/<f[ >]/);
    expect(xml).not.toContain('t="str"');
    // Text cells: inline strings, the formula-looking ones among them.
    expect(xml).toMatch(/<c r="F2"[^>]* t="inlineStr"><is><r><t>=HYPERLINK\(&quot;http:\/\/x&quot;,&quot;y&quot;\)<\/t><\/r><\/is><\/c>/);
    expect(xml).toMatch(/<c r="I5"[^>]* t="inlineStr"><is><r><t>=1\+1<\/t><\/r><\/is><\/c>/);
    expect(xml).toMatch(/<c r="A2"[^>]* t="inlineStr"><is><r><t>00123<\/t><\/r><\/is><\/c>/);
    expect(xml).toMatch(/<c r="B2"[^>]* t="inlineStr"><is><r><t>Núñez<\/t><\/r><\/is><\/c>/);
    // Numbers and booleans: plain values.
    expect(xml).toMatch(/<c r="C3"[^>]*><v>85.09<\/v><\/c>/);
    expect(xml).toMatch(/<c r="E2"[^>]* t="b"><v>1<\/v><\/c>/);
    // Dates: a serial number whose style has a date format.
    const date = /<c r="D2" s="(\d+)"><v>(\d+)<\/v><\/c>/.exec(xml);
    expect(date?.[2]).toBe(String(Date.UTC(2024, 2, 5) / 86_400_000 + 25_569));
    const styles = await zipText(path, 'xl/styles.xml');
    const xfs = [...(/<cellXfs[^>]*>(.*?)<\/cellXfs>/.exec(styles)?.[1] ?? '').matchAll(/<xf [^>]*?numFmtId="(\d+)"/g)].map((m) => m[1]);
    const fmtId = xfs[Number(date![1])];
    expect(styles).toContain(`<numFmt numFmtId="${fmtId}" formatCode="yyyy-mm-dd"/>`);
    // Empty input cells are absent, not empty strings.
    expect(xml).not.toMatch(/<c r="I2"/);
  });

  it('writes an object that looks like an exceljs formula, hyperlink or error as its JSON text', async () => {
    const path = join(dir, 'objects.xlsx');
    const values = [{ formula: 'A1*2' }, { text: 'x', hyperlink: 'http://example.com' }, { error: '#REF!' }];
    await writeXlsx(path, [{ name: 'a', kind: 'auto' }, { name: 'b', kind: 'number' }, { name: 'c', kind: 'date' }], from([values]));
    const row = (await readBack(path)).worksheets[0]!.getRow(2);
    expect([1, 2, 3].map((c) => [plain(row.getCell(c).value), row.getCell(c).type])).toEqual(values.map((v) => [JSON.stringify(v), ExcelJS.ValueType.RichText]));
    expect(await zipText(path, 'xl/worksheets/sheet1.xml')).not.toMatch(/<f[ >]/);
  });

  it('makes the header row bold and freezes it', async () => {
    const path = join(dir, 'results.xlsx');
    await writeXlsx(path, columns, from(input));
    const sheet = (await readBack(path)).worksheets[0]!;
    expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
    for (let c = 1; c <= columns.length; c++) expect(sheet.getRow(1).getCell(c).font?.bold).toBe(true);
    expect(sheet.getRow(2).getCell(1).font?.bold).toBeFalsy();
    const xml = await zipText(path, 'xl/worksheets/sheet1.xml');
    expect(xml).toContain('<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>');
  });

  it('continues on further sheets, header repeated, past the row limit, and says so', async () => {
    const path = join(dir, 'many.xlsx');
    const rows = Array.from({ length: 23 }, (_, i) => [i + 1, `row ${i + 1}`]);
    const cols: XlsxColumn[] = [
      { name: 'n', kind: 'number' },
      { name: 'label', kind: 'text' },
    ];
    const progress: number[] = [];
    const summary = await writeXlsx(path, cols, from(rows), { maxRowsPerSheet: 10, sheetName: 'Churn results', progressEvery: 5, onProgress: (n) => progress.push(n) });
    expect(summary.rows).toBe(23);
    expect(summary.sheets).toBe(3);
    expect(summary.notices).toEqual([{ kind: 'sheet-split', message: expect.stringContaining('continue on 3 sheets') }]);
    expect(progress).toEqual([5, 10, 15, 20, 23]);

    const book = await readBack(path);
    expect(book.worksheets.map((s) => s.name)).toEqual(['Churn results', 'Churn results (2)', 'Churn results (3)']);
    const seen: unknown[] = [];
    for (const sheet of book.worksheets) {
      expect(sheet.getRow(1).values).toEqual([undefined, { richText: [{ text: 'n' }] }, { richText: [{ text: 'label' }] }]);
      expect(sheet.views[0]).toMatchObject({ state: 'frozen', ySplit: 1 });
      expect(sheet.rowCount).toBeLessThanOrEqual(10);
      for (let r = 2; r <= sheet.rowCount; r++) seen.push([sheet.getRow(r).getCell(1).value, plain(sheet.getRow(r).getCell(2).value)]);
    }
    expect(seen).toEqual(rows);
    expect(book.worksheets.map((s) => s.rowCount)).toEqual([10, 10, 6]);
  });

  // One narrow column keeps this to seconds.
  it('splits at Excel’s real limit: 1,048,575 data rows under the header, the next on sheet 2', async () => {
    const path = join(dir, 'limit.xlsx');
    function* numbers() {
      for (let i = 0; i < 1_048_577; i++) yield [i];
    }
    const summary = await writeXlsx(path, [{ name: 'n', kind: 'number' }], numbers());
    expect(summary).toMatchObject({ rows: 1_048_577, sheets: 2 });
    const second = await zipText(path, 'xl/worksheets/sheet2.xml');
    expect(second).toMatch(/<row r="1"[^>]*><c r="A1" s="\d+" t="inlineStr"><is><r><t>n<\/t><\/r><\/is><\/c><\/row>/);
    expect(second).toMatch(/<row r="2"[^>]*><c r="A2"[^>]*><v>1048575<\/v><\/c><\/row>/);
    expect(second).toMatch(/<row r="3"[^>]*><c r="A3"[^>]*><v>1048576<\/v><\/c><\/row><\/sheetData>/);
  }, 120_000);

  it('fills exactly one sheet without a notice when the rows just fit', async () => {
    const path = join(dir, 'fit.xlsx');
    const summary = await writeXlsx(path, [{ name: 'n', kind: 'number' }], from(Array.from({ length: 9 }, (_, i) => [i])), { maxRowsPerSheet: 10 });
    expect(summary).toEqual({ rows: 9, sheets: 1, notices: [] });
  });

  it('cuts text past Excel’s cell limit and says how many cells', async () => {
    const path = join(dir, 'long.xlsx');
    const summary = await writeXlsx(path, [{ name: 'long', kind: 'text' }], from([['x'.repeat(40_000)], ['short']]));
    expect(summary.notices).toEqual([{ kind: 'text-cut', message: expect.stringContaining('1 cell was longer than the 32,767 characters') }]);
    const sheet = (await readBack(path)).worksheets[0]!;
    expect((plain(sheet.getRow(2).getCell(1).value) as string).length).toBe(32_767);
  });

  it('stops when aborted, leaving no file and no temporary file behind', async () => {
    const path = join(dir, 'aborted.xlsx');
    const controller = new AbortController();
    async function* endless() {
      for (let i = 0; ; i++) {
        if (i === 2500) controller.abort(new Error('cancelled by the test'));
        yield [i];
      }
    }
    await expect(writeXlsx(path, [{ name: 'n', kind: 'number' }], endless(), { signal: controller.signal })).rejects.toThrow('cancelled by the test');
    expect(readdirSync(dir)).toEqual([]);
  });

  it('leaves an existing file untouched when the rows fail midway', async () => {
    const path = join(dir, 'keep.xlsx');
    writeFileSync(path, 'the old export');
    async function* failing() {
      yield [1];
      throw new Error('the database went away');
    }
    await expect(writeXlsx(path, [{ name: 'n', kind: 'number' }], failing())).rejects.toThrow('the database went away');
    expect(readFileSync(path, 'utf8')).toBe('the old export');
    expect(readdirSync(dir)).toEqual(['keep.xlsx']);
  });

  it('reports a folder it cannot write to', async () => {
    await expect(writeXlsx(join(dir, 'missing', 'x.xlsx'), [{ name: 'n', kind: 'number' }], from([[1]]))).rejects.toThrow(/ENOENT/);
  });

  it('refuses more columns than a sheet holds, naming the count', async () => {
    const cols = Array.from({ length: 16_385 }, (_, i) => ({ name: `c${i}`, kind: 'text' as const }));
    await expect(writeXlsx(join(dir, 'wide.xlsx'), cols, from([]))).rejects.toThrow('16,385 columns');
  });
});
