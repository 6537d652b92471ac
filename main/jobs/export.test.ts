import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MemorySettings } from '../store/memory';
import { openLikeExcel } from '../sheets/open-like-excel';
import { exportOptions, offeredChoice, offeredHistoryFormat, rememberChoice, rememberHistoryFormat, EXPORT_CHOICE_SETTING } from './export-choice';
import { exportFormatFor } from './export';
import { jobsHarness, type JobsHarness } from './test-support';

// The bulk export in each format the app offers, read back as Excel would read it.

let h: JobsHarness;
let jobId: number;
const OWNERS = ['Núñez', 'Zoë Müller', 'François; "Frank"', '=HYPERLINK("x")'];
const HEADER = ['listing_id', 'owner', 'square_footage', 'bedrooms', 'bathrooms', 'location'];

beforeAll(async () => {
  h = await jobsHarness();
  // A European file: Windows-1252, semicolons, decimal commas.
  const lines = [HEADER.join(';')];
  for (let i = 1; i <= 40; i++) lines.push([`L-${i}`, `"${OWNERS[i % 4]!.replace(/"/g, '""')}"`, `${600 + i}`, `${1 + (i % 4)}`, `${1 + (i % 2)},5`, ['urban', 'suburban', 'rural'][i % 3]].join(';'));
  const path = h.write('europe.csv', iconv.encode(lines.join('\r\n') + '\r\n', 'windows-1252'));
  const job = await h.service.createJob({ importId: 'i', path, profileId: 'p1', modelId: 'm1' });
  h.service.setMapping(job.id, { square_footage: 'square_footage', bedrooms: 'bedrooms', bathrooms: 'bathrooms', location: 'location' });
  await h.service.start(job.id, {});
  await h.service.settle(job.id);
  expect(h.service.getJob(job.id).counts.ok).toBe(40);
  jobId = job.id;
}, 60_000);
afterAll(async () => h?.close());

describe('bulk export formats', () => {
  it('writes CSV for Excel by default: UTF-8 with a byte-order mark and commas, accents and separators intact', async () => {
    const out = join(h.dir, 'default.csv');
    const written = await h.service.exportResults(jobId, out);
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(written.notices).toEqual([]);
    const cells = openLikeExcel(bytes, { listSeparator: ',' });
    expect(cells[0]).toEqual([...HEADER, 'predicted_price', 'status', 'error', 'request_id']);
    expect(cells.slice(1).map((r) => r[1])).toEqual(Array.from({ length: 40 }, (_, i) => OWNERS[(i + 1) % 4]!.replace(/^=/, "'=")));
    expect(cells.slice(1).every((r) => r[7] === 'ok')).toBe(true);
    // The same file with the choice named explicitly is byte for byte the same.
    await h.service.exportResults(jobId, join(h.dir, 'named.csv'), undefined, 'csv');
    expect(readFileSync(join(h.dir, 'named.csv'))).toEqual(bytes);
  });

  it('writes "like the file I loaded": Windows-1252 and semicolons, no mark, read right by Excel in that region', async () => {
    const job = h.service.store.require(jobId);
    expect(exportFormatFor('like-input', job)).toEqual({ kind: 'csv', bom: false, separator: ';', encoding: 'windows-1252' });
    const out = join(h.dir, 'like.csv');
    await h.service.exportResults(jobId, out, undefined, 'like-input');
    const bytes = readFileSync(out);
    expect(bytes.subarray(0, 3).toString('latin1')).toBe('lis');
    expect(bytes.includes(Buffer.from([0xfa]))).toBe(true); // "ú" as one Windows-1252 byte
    const cells = openLikeExcel(bytes, { listSeparator: ';', ansiCodePage: 'windows-1252' });
    expect(cells[0]).toEqual([...HEADER, 'predicted_price', 'status', 'error', 'request_id']);
    expect(cells[1]![1]).toBe('Zoë Müller');
    expect(cells[2]![1]).toBe('François; "Frank"');
    expect(cells[1]![4]).toBe('2,5');
  });

  it('writes a workbook for the xlsx choice: numbers as numbers, text as text, never a formula', async () => {
    const out = join(h.dir, 'results.xlsx');
    const written = await h.service.exportResults(jobId, out, undefined, 'xlsx');
    expect(written.rows).toBe(40);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(out);
    const sheet = book.worksheets[0]!;
    expect(sheet.getRow(1).getCell(1).text).toBe('listing_id');
    expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
    expect(sheet.getRow(2).getCell(3).value).toBe(601);
    expect(typeof sheet.getRow(2).getCell(7).value).toBe('number');
    const formulaCell = sheet.getRow(4).getCell(2);
    expect(formulaCell.type).not.toBe(ExcelJS.ValueType.Formula);
    expect(String(formulaCell.text)).toBe('=HYPERLINK("x")');
  });

  it('gives numeric chart bins their numbers (from, to), so the page formats them in the field\'s unit', () => {
    const chart = h.service.chart(jobId);
    expect(chart.kind).toBe('histogram');
    for (const b of chart.bins) {
      expect(typeof b.from).toBe('number');
      expect(typeof b.to).toBe('number');
      expect(b.label).not.toMatch(/e[+-]\d/);
    }
  });

  it('offers .xlsx for a workbook input and CSV otherwise, then what the person chose last, per kind of input', () => {
    const settings = new MemorySettings();
    const csvJob = h.service.store.require(jobId);
    const xlsxJob = { ...csvJob, fileName: 'book.xlsx', importInfo: { ...csvJob.importInfo, encoding: 'xlsx', delimiter: null } };
    expect(offeredChoice(settings, csvJob)).toBe('csv');
    expect(offeredChoice(settings, xlsxJob)).toBe('xlsx');
    expect(exportOptions(csvJob).map((o) => o.choice)).toEqual(['xlsx', 'csv', 'like-input']);
    expect(exportOptions(csvJob)[2]).toEqual({ choice: 'like-input', label: 'Like the file you loaded (CSV, semicolons, Windows-1252 (Western European))', extension: '.csv' });
    // A workbook has no separator or encoding to copy.
    expect(exportOptions(xlsxJob).map((o) => o.choice)).toEqual(['xlsx', 'csv']);

    rememberChoice(settings, csvJob, 'like-input');
    expect(offeredChoice(settings, csvJob)).toBe('like-input');
    expect(offeredChoice(settings, xlsxJob)).toBe('xlsx');
    rememberChoice(settings, xlsxJob, 'csv');
    expect(offeredChoice(settings, xlsxJob)).toBe('csv');
    expect(offeredChoice(settings, csvJob)).toBe('like-input');

    expect(offeredHistoryFormat(settings)).toBe('csv');
    rememberHistoryFormat(settings, 'xlsx');
    expect(offeredHistoryFormat(settings)).toBe('xlsx');
    // A damaged setting falls back to the defaults.
    settings.set(EXPORT_CHOICE_SETTING, { text: 'pdf', history: 7 });
    expect(offeredChoice(settings, csvJob)).toBe('csv');
    expect(offeredHistoryFormat(settings)).toBe('csv');
  });
});
