import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { test, expect, seriousA11yViolations, type Harness } from './fixtures';
import { nav, openDemo, themeShots } from './helpers/app';

/**
 * After a bulk run: the results exported as CSV for Excel (byte-order mark) and as .xlsx (read back
 * by exceljs), the format offered first (.xlsx for an .xlsx input, CSV otherwise, then the last
 * choice), Open and Show in folder calling the host; the history exported as .xlsx the same way.
 */
const ROOT = resolve(import.meta.dirname, '..');
const DEMO = join(ROOT, 'sandbox/demo/house-prices.csv');

test.describe.configure({ mode: 'serial', timeout: 120_000 });

const shots = (page: Page, part: Locator, name: string) => themeShots(page, name, { part });

async function recorded(h: Harness): Promise<{ opened: string[]; shown: string[] }> {
  const res = await fetch(`${h.url}__harness/recorded?token=${h.token}`);
  return (await res.json()) as { opened: string[]; shown: string[] };
}

async function scoreFile(page: Page, file: string): Promise<void> {
  await nav(page, 'Spreadsheet');
  const another = page.getByRole('button', { name: '← Score another file' });
  if (await another.isVisible()) await another.click();
  await page.getByLabel('Model to score with').selectOption({ label: 'house-prices' });
  await page.locator('#bulk-file').setInputFiles(file);
  await page.getByRole('button', { name: 'Load the file' }).click();
  await expect(page.locator('.summary')).toContainText(/\d+ rows ready, \d+ need attention/);
  await page.getByLabel('Skip these rows and score the others').check();
  await page.getByRole('button', { name: /^Score \d+ rows$/ }).click();
  await expect(page.getByTestId('job-state')).toHaveText('Finished', { timeout: 60_000 });
}

/** The demo spreadsheet as a workbook: the same header and cells, numbers as numbers. */
async function demoWorkbook(): Promise<string> {
  const rows = Papa.parse<string[]>(readFileSync(DEMO, 'utf8').trimEnd()).data;
  const book = new ExcelJS.Workbook();
  const sheet = book.addWorksheet('Houses');
  for (const [i, r] of rows.entries()) sheet.addRow(i === 0 ? r : r.map((c) => (/^\d+(\.\d+)?$/.test(c) ? Number(c) : c)));
  const path = join(mkdtempSync(join(tmpdir(), 'plexe-export-e2e-')), 'houses.xlsx');
  await book.xlsx.writeFile(path);
  return path;
}

test('exports a finished job as CSV for Excel and as .xlsx, then opens it or shows it in its folder', async ({ page, harness, consoleErrors }) => {
  await openDemo(page, harness.pageUrl);
  await scoreFile(page, DEMO);

  const area = page.getByRole('group', { name: 'Export the results' });
  const format = area.getByLabel('Save as');
  // A CSV input: CSV for Excel first; "like the file you loaded" names the file's own format.
  await expect(format).toHaveValue('csv');
  await expect(format.locator('option')).toHaveText(['Excel workbook (.xlsx)', 'CSV for Excel (UTF-8 with byte-order mark, commas)', /^Like the file you loaded \(CSV, commas, UTF-8/]);

  // Money in the grid and the chart as Monitoring shows it: "$389,480", bins "$… – $…", never an exponent.
  const grid = page.getByRole('grid', { name: 'Results' });
  await expect(grid).toContainText(/\$\d{1,3}(,\d{3})+/);
  await expect(page.getByRole('img', { name: /Histogram of predicted_price/ })).toHaveAttribute('aria-label', /\$[\d,]+ – \$[\d,]+: \d/);
  await expect(page.getByRole('img', { name: /Histogram of predicted_price/ })).not.toHaveAttribute('aria-label', /e\+\d/);

  await area.getByRole('button', { name: 'Export…' }).click();
  const saved = page.getByTestId('saved-file');
  await expect(saved).toContainText(/^Saved \d+ rows to/);
  const csvPath = (await saved.locator('code').textContent())!;
  expect(csvPath).toMatch(/predictions\.csv$/);
  const bytes = readFileSync(csvPath);
  expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  const csv = Papa.parse<string[]>(bytes.subarray(3).toString('utf8').trimEnd(), { delimiter: ',' }).data;
  const original = Papa.parse<string[]>(readFileSync(DEMO, 'utf8').trimEnd()).data;
  expect(csv[0]).toEqual([...original[0]!, 'predicted_price', 'status', 'error', 'request_id']);
  expect(csv).toHaveLength(original.length);

  // Open and Show in folder reach the host with the saved file.
  await saved.getByRole('button', { name: /^Open/ }).click();
  await saved.getByRole('button', { name: /^Show in folder/ }).click();
  await expect.poll(async () => recorded(harness)).toMatchObject({ opened: [csvPath], shown: [csvPath] });
  await expect(saved.getByRole('alert')).toHaveCount(0);
  await shots(page, area, 'export-results-csv');

  // The workbook: the same rows, numbers as numbers, header bold.
  await format.selectOption('xlsx');
  await area.getByRole('button', { name: 'Export…' }).click();
  await expect(saved.locator('code')).toHaveText(/predictions\.xlsx$/);
  const xlsxPath = (await saved.locator('code').textContent())!;
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(xlsxPath);
  const sheet = book.worksheets[0]!;
  expect(sheet.rowCount).toBe(original.length);
  const header = csv[0]!;
  expect(header.map((_, c) => sheet.getRow(1).getCell(c + 1).text)).toEqual(header);
  expect(sheet.getRow(1).getCell(1).font?.bold).toBe(true);
  const priceCol = header.indexOf('predicted_price') + 1;
  for (let r = 2; r <= original.length; r++) {
    const status = sheet.getRow(r).getCell(header.indexOf('status') + 1).text;
    expect(status).toBe(csv[r - 1]![header.indexOf('status')]);
    if (status === 'ok') {
      expect(typeof sheet.getRow(r).getCell(priceCol).value).toBe('number');
      expect(sheet.getRow(r).getCell(priceCol).value).toBe(Number(csv[r - 1]![priceCol - 1]));
    }
  }
  await shots(page, area, 'export-results-xlsx');
  expect(await seriousA11yViolations(page)).toEqual([]);

  // The last choice is offered next time: a reload shows .xlsx for this CSV job.
  await page.reload();
  await nav(page, 'Spreadsheet');
  await page.getByRole('button', { name: 'Open the job house-prices.csv' }).first().click();
  await expect(page.getByRole('group', { name: 'Export the results' }).getByLabel('Save as')).toHaveValue('xlsx');
  expect(consoleErrors).toEqual([]);
});

test('an .xlsx input offers .xlsx first', async ({ page, harness }) => {
  await openDemo(page, harness.pageUrl);
  await scoreFile(page, await demoWorkbook());
  await expect(page.getByRole('group', { name: 'Export the results' }).getByLabel('Save as')).toHaveValue('xlsx');
  await expect(page.getByRole('group', { name: 'Export the results' }).getByLabel('Save as').locator('option')).toHaveCount(2);
});

test('exports the history as .xlsx with Open and Show in folder', async ({ page, harness, consoleErrors }) => {
  await openDemo(page, harness.pageUrl);
  await nav(page, 'History');
  const area = page.getByRole('group', { name: 'Export the history' });
  await expect(area.getByLabel('Save as')).toHaveValue('csv');
  await area.getByLabel('Save as').selectOption('xlsx');
  await area.getByRole('button', { name: 'Export…' }).click();
  const saved = page.getByTestId('saved-file');
  await expect(saved).toContainText(/^Saved [\d,]+ entries to/);
  const path = (await saved.locator('code').textContent())!;
  expect(path).toMatch(/prediction-history-.*\.xlsx$/);
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(path);
  const sheet = book.worksheets[0]!;
  expect(sheet.getRow(1).font?.bold ?? sheet.getRow(1).getCell(1).font?.bold).toBe(true);
  const header = (sheet.getRow(1).values as unknown[]).slice(1).map((v) => (typeof v === 'object' && v && 'richText' in v ? (v as { richText: { text: string }[] }).richText[0]!.text : String(v)));
  expect(header).toContain('predicted_price');
  expect(header).toContain('created_at');
  expect(sheet.rowCount).toBeGreaterThan(100);
  const createdAt = sheet.getRow(2).getCell(header.indexOf('created_at') + 1).value;
  expect(createdAt).toBeInstanceOf(Date);

  await saved.getByRole('button', { name: /^Open/ }).click();
  await saved.getByRole('button', { name: /^Show in folder/ }).click();
  await expect.poll(async () => (await recorded(harness)).opened.at(-1)).toBe(path);
  await expect.poll(async () => (await recorded(harness)).shown.at(-1)).toBe(path);
  await shots(page, area, 'export-history');
  // History answers in the same units as the results: money with its sign.
  await expect(page.getByRole('grid', { name: 'Predictions, newest first' })).toContainText(/predicted_price: \$[\d,]+/);

  // Remembered: the history offers .xlsx next time.
  await page.reload();
  await nav(page, 'History');
  await expect(page.getByRole('group', { name: 'Export the history' }).getByLabel('Save as')).toHaveValue('xlsx');
  expect(consoleErrors).toEqual([]);
});
