import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildXlsx } from '../../e2e/fixtures/lib/xlsx';
import { importSheet } from './import';
import { normalizeLineEndings } from './line-endings';
import type { ImportResult, SheetHeader, SheetRow } from './types';
import { cellText } from './xlsx-import';

let dir: string;
beforeAll(() => (dir = mkdtempSync(join(tmpdir(), 'sheets-fidelity-'))));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

async function read(name: string, data: string | Buffer, opts: Parameters<typeof importSheet>[2] = {}) {
  const path = join(dir, name);
  writeFileSync(path, data);
  let header: SheetHeader | null = null;
  const rows: SheetRow[] = [];
  const result: ImportResult = await importSheet(path, { header: (h) => void (header = h), rows: (b) => void rows.push(...b) }, opts);
  return { result, columns: header!.columns, rows: rows.map((r) => [r.rowNumber, r.values] as const), values: rows.map((r) => r.values) };
}

describe('line endings', () => {
  const rows = [
    ['1', 'Ann', 'x'],
    ['2', 'Bob', 'y'],
    ['3', 'Cy', 'z'],
  ];

  it.each([
    ['LF after the header, CRLF after the rows', 'id,name,code\n1,Ann,x\r\n2,Bob,y\r\n3,Cy,z\r\n'],
    ['CRLF after the header, LF after the rows', 'id,name,code\r\n1,Ann,x\n2,Bob,y\n3,Cy,z\n'],
    ['one odd LF among CRLF', 'id,name,code\r\n1,Ann,x\r\n2,Bob,y\n3,Cy,z\r\n'],
    ['one odd CR among LF', 'id,name,code\n1,Ann,x\r2,Bob,y\n3,Cy,z\n'],
    ['CR only', 'id,name,code\r1,Ann,x\r2,Bob,y\r3,Cy,z\r'],
    ['rows ending \\r\\r\\r\\n', 'id,name,code\r\r\r\n1,Ann,x\r\r\r\n2,Bob,y\r\r\r\n3,Cy,z\r\r\r\n'],
    ['rows ending \\r\\r\\n, no final line ending', 'id,name,code\r\r\n1,Ann,x\r\r\n2,Bob,y\r\r\n3,Cy,z'],
    ['every kind mixed', 'id,name,code\r\n1,Ann,x\r2,Bob,y\n3,Cy,z\r\r\n'],
  ])('%s: every line ending ends a row and none is left in a cell', async (_, text) => {
    const got = await read('endings.csv', text);
    expect(got.columns).toEqual(['id', 'name', 'code']);
    expect(got.values).toEqual(rows);
    expect(got.rows.map((r) => r[0])).toEqual([2, 3, 4]);
  });

  it('keeps line breaks inside quoted values as they are', async () => {
    const got = await read('quoted.csv', 'id,note\n1,"a\r\nb"\r\n2,"c\rd"\n3,"e\nf"\r\n');
    expect(got.values).toEqual([
      ['1', 'a\r\nb'],
      ['2', 'c\rd'],
      ['3', 'e\nf'],
    ]);
  });

  it.each([
    ['\r\n', 1],
    ['\r\r\n', 1],
    ['\r\r\n', 2],
  ])('reads the same when a %j ending is cut after CR number %i by the 64 KiB read chunk', async (ending, cut) => {
    const line = (i: number) => `${i},${'n'.repeat(20)},x`;
    let text = 'id,name,code\r\n';
    let i = 1;
    while (text.length < 65_536 - 60) text += `${line(i++)}${ending}`;
    // The last row of the first chunk: its padding puts the chunk's end just after CR number `cut`.
    const pad = 65_536 - text.length - `${i},`.length - ',x'.length - cut;
    text += `${i},${'p'.repeat(pad)},x${ending}`;
    expect(text.slice(0, 65_536).endsWith('\r'.repeat(cut))).toBe(true);
    expect(text[65_536]).toBe(ending[cut]);
    text += `${i + 1},last,y${ending}`;
    const got = await read('split.csv', text);
    expect(got.values.at(-2)).toEqual([String(i), 'p'.repeat(pad), 'x']);
    expect(got.values.at(-1)).toEqual([String(i + 1), 'last', 'y']);
    expect(got.rows.at(-1)![0]).toBe(i + 2);
    expect(got.values.every((v) => v.every((c) => !/[\r\n]/.test(c)))).toBe(true);
  });

  it('normalizeLineEndings leaves quoted values and quotes inside unquoted values alone', () => {
    expect(normalizeLineEndings('a,5" pipe,"x\r\ny"\r\nb,c,d\r\r\n', '\n')).toBe('a,5" pipe,"x\r\ny"\nb,c,d\n');
  });
});

describe('Excel dates and times', () => {
  it('reads every minute of a day as that minute, to the second', async () => {
    const day = 45_000; // 2023-03-15
    const rows = [['when'], ...Array.from({ length: 1440 }, (_, m) => [{ serial: day + m / 1440 }])];
    const got = await read('minutes.xlsx', buildXlsx([{ name: 'Times', rows }]));
    const want = Array.from({ length: 1440 }, (_, m) => [`2023-03-15 ${String(Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00`]);
    want[0] = ['2023-03-15'];
    expect(got.values).toEqual(want);
  });

  it('keeps a date a date and rounds a time to the nearest second', () => {
    expect(cellText(new Date(Date.UTC(2024, 0, 2, 11, 29, 59, 999)))).toBe('2024-01-02 11:30:00');
    expect(cellText(new Date(Date.UTC(2024, 0, 2, 0, 0, 0, 0)))).toBe('2024-01-02');
    expect(cellText(new Date(Date.UTC(2024, 0, 1, 23, 59, 59, 999)))).toBe('2024-01-02');
    expect(cellText(new Date(Date.UTC(2024, 0, 2, 8, 15, 0, 300)))).toBe('2024-01-02 08:15:00');
  });
});

describe('formula error cells', () => {
  it('imports each as its error text, with a notice naming the first', async () => {
    const book = buildXlsx([
      {
        name: 'Data',
        rows: [
          ['id', 'ratio', 'lookup'],
          [1, 0.5, 'a'],
          [2, { error: '#DIV/0!' }, { error: '#N/A', formula: 'VLOOKUP(A3,X:Y,2,0)' }],
          [3, { error: '#NUM!' }, 'c'],
        ],
      },
    ]);
    const got = await read('errors.xlsx', book);
    expect(got.values).toEqual([
      ['1', '0.5', 'a'],
      ['2', '#DIV/0!', '#N/A'],
      ['3', '#NUM!', 'c'],
    ]);
    const notice = got.result.notices.find((n) => n.kind === 'formula-errors');
    expect(notice?.message).toMatch(/^3 cells hold formulas whose result is an error \(the first is #DIV\/0! in cell B3\)/);
  });
});

describe('encodings', () => {
  it("recognises GB18030's byte-order mark", async () => {
    const body = iconv.encode('城市,价格\n北京,12\n上海,14\n', 'gb18030');
    const got = await read('gb.csv', Buffer.concat([Buffer.from([0x84, 0x31, 0x95, 0x33]), body]));
    expect(got.result.encoding).toBe('gb18030');
    expect(got.columns).toEqual(['城市', '价格']);
    expect(got.values).toEqual([
      ['北京', '12'],
      ['上海', '14'],
    ]);
  });
});

describe('a file read as one column', () => {
  it('says so and suggests the separator its lines share', async () => {
    const got = await read('colon.csv', 'id:name:price\n1:Ann:12\n2:Bob:14\n3:Cy:9\n');
    expect(got.columns).toEqual(['id:name:price']);
    const notice = got.result.notices.find((n) => n.kind === 'single-column');
    expect(notice?.message).toMatch(/read as a single column.*probably separated by ":"/);
  });

  it('says so without a guess when no character repeats evenly', async () => {
    const got = await read('names.csv', 'name\nAnn Lee\nBob\nCy de la Rue\n');
    expect(got.result.notices.find((n) => n.kind === 'single-column')?.message).toMatch(/read as a single column.*If the file should have several columns/);
  });
});
