import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import type { SavedModel } from '../shared/domain/model';
import { predictFor } from '../sandbox/models';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { test, expect, seriousA11yViolations } from './fixtures';
import { addModel, call, createAccount, nav, openDemo, restoreDemo, themeShots, useAccount } from './helpers/app';

/**
 * Comparing two versions of a model on one spreadsheet, end to end in the page: the option before
 * the start, the run through both models, the change matrix, the changed-rows filter, the export
 * with both result sets, and the comparison listed in History and re-opened with its server gone.
 */
const ROOT = resolve(import.meta.dirname, '..');
const CHURN = join(ROOT, 'sandbox/demo/churn-outcomes.csv');
const SHOTS = join(ROOT, 'test-results/screens');
const KEY = 'pk_live_compare_0123456789abcdef';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let sandbox: RunningSandbox | null = null;

test.afterAll(async ({ browser, harness }) => {
  await sandbox?.close();
  await restoreDemo(browser, harness.pageUrl);
});

const shots = (page: Page, name: string) => themeShots(page, `compare19-${name}`);

/** From the Spreadsheet screen's first step to a finished comparison of `first` with `second`. */
async function runComparison(page: Page, first: SavedModel, second: SavedModel): Promise<void> {
  await nav(page, 'Spreadsheet');
  await page.getByLabel('Model to score with').selectOption(first.id);
  await page.locator('#bulk-file').setInputFiles(CHURN);
  await page.getByRole('button', { name: 'Load the file' }).click();
  await expect(page.getByLabel('Column for tenure_months')).toHaveValue('tenure_months');
  const option = page.getByLabel('Compare with another model or version');
  await expect(option).not.toBeChecked();
  await option.check();
  await expect(page.getByLabel('Also score with')).toHaveValue(second.id);
}

function churnInput(r: Record<string, string>) {
  return { tenure_months: Number(r['tenure_months']), monthly_charges: Number(r['monthly_charges']), contract: r['contract'], support_calls: Number(r['support_calls']), paperless_billing: r['paperless_billing'] === 'Yes' };
}

test('compares customer-churn v1 and v2 on the demo spreadsheet: matrix, changed rows, export, History', async ({ page, harness, consoleErrors }) => {
  await openDemo(page, harness.pageUrl);
  const { activeId } = await call<{ activeId: string }>(page, 'accounts', 'listAccounts');
  const saved = await call<SavedModel[]>(page, 'models', 'listSaved', { profileId: activeId });
  const v1 = saved.find((m) => m.ref.kind === 'model' && m.ref.name === 'customer-churn' && m.ref.version === '1')!;
  const v2 = saved.find((m) => m.ref.kind === 'model' && m.ref.name === 'customer-churn' && m.ref.version === '2')!;
  expect(v1 && v2).toBeTruthy();

  await runComparison(page, v1, v2);
  await expect(page.getByText(/Every row is sent to both models/)).toBeVisible();
  // The file knows what happened: both versions are also measured against it.
  await page.getByRole('button', { name: 'Evaluate against “churned”' }).click();
  await expect(page.getByLabel('Column with the known outcome')).toHaveValue('churned');
  await shots(page, 'option');
  const skip = page.getByLabel('Skip these rows and score the others');
  if (await skip.isVisible()) await skip.check();
  await page.getByRole('button', { name: /^Score [\d,]+ rows$/ }).click();
  await expect(page.getByTestId('job-state')).toHaveText('Finished', { timeout: 60_000 });

  // The figures: the title, a matrix whose off-diagonal is the changed count, the chart.
  const title = page.getByTestId('comparison-title');
  await expect(title).toContainText(/^Comparison of customer-churn v1 and v2 on churn-outcomes\.csv, [\d,]+ rows, [\d,]+ changed class/);
  const m = /, ([\d,]+) rows, ([\d,]+) changed class/.exec((await title.textContent())!)!;
  const [rows, changed] = [Number(m[1]!.replace(/,/g, '')), Number(m[2]!.replace(/,/g, ''))];
  expect(changed).toBeGreaterThan(0);
  const matrix = page.getByRole('table', { name: 'Change matrix' });
  await expect(matrix).toBeVisible();
  const cells = await matrix.locator('tbody td').allTextContents();
  const numbers = cells.map((c) => Number(c.replace(/,/g, '')));
  expect(numbers.reduce((t, n) => t + n, 0)).toBe(rows);
  expect(numbers[1]! + numbers[2]!).toBe(changed);
  await expect(page.getByRole('img', { name: /Rows by v1 answer, split by v2 answer/ })).toBeVisible();
  const outcome = page.getByRole('table', { name: 'Both models on the known outcome' });
  await expect(outcome.getByRole('row', { name: /^Accuracy \d+% \d+%$/ })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await shots(page, 'result');

  // Changed rows only: the grid holds exactly them, each marked Changed.
  await page.getByLabel('Show').selectOption('changed');
  const grid = page.getByRole('grid', { name: 'Both answers' });
  await expect(grid).toHaveAttribute('aria-rowcount', String(changed + 1));
  await expect(grid.getByRole('row').nth(1)).toContainText('Changed');
  await shots(page, 'changed');

  // The export: both result sets side by side, each checked against the two demo versions.
  await page.getByRole('button', { name: 'Export both answers (CSV)…' }).click();
  const status = page.getByRole('status').filter({ hasText: /^Saved [\d,]+ rows with both answers to/ });
  await expect(status).toBeVisible();
  const path = (await status.locator('code').textContent())!;
  const csv = Papa.parse<Record<string, string>>(readFileSync(path, 'utf8').trimEnd(), { header: true }).data;
  expect(Object.keys(csv[0]!)).toEqual(expect.arrayContaining(['v1.predicted_class', 'v1.confidence', 'v2.predicted_class', 'v2.confidence', 'changed', 'v1.status', 'v2.status']));
  const scored = csv.filter((r) => r['v1.status'] === 'ok' && r['v2.status'] === 'ok');
  expect(scored).toHaveLength(rows);
  for (const r of scored.slice(0, 50)) {
    expect(r['v1.predicted_class']).toBe(predictFor('customer-churn', '1', churnInput(r)).predicted_class);
    expect(r['v2.predicted_class']).toBe(predictFor('customer-churn', '2', churnInput(r)).predicted_class);
  }
  expect(scored.filter((r) => r['changed'] === 'yes')).toHaveLength(changed);
  // The Evaluation panel beside it has its own export and report buttons: these are the comparison's.
  const comparisonPanel = page.locator('div.panel:has(> .row > h3:text-is("Comparison"))');
  await comparisonPanel.getByRole('button', { name: 'Export both answers (Excel)…' }).click();
  const xlsxStatus = page.getByRole('status').filter({ hasText: /comparison\.xlsx/ });
  await expect(xlsxStatus).toBeVisible();
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile((await xlsxStatus.locator('code').textContent())!);
  const sheet = book.worksheets[0]!;
  expect(sheet.rowCount).toBe(csv.length + 1);
  expect([8, 9, 10, 11, 12].map((i) => sheet.getRow(1).getCell(i).text)).toEqual(['v1.predicted_class', 'v1.confidence', 'v2.predicted_class', 'v2.confidence', 'changed']);
  // The one-page report: the title, the change matrix, both versions on the known outcome, an inline chart and no script.
  await comparisonPanel.getByRole('button', { name: 'Save comparison report (HTML)…' }).click();
  const reportStatus = page.getByRole('status').filter({ hasText: /comparison report\.html/ });
  await expect(reportStatus).toContainText(`Saved the report on ${m[1]} rows both models answered`);
  await shots(page, 'report-saved');
  const report = readFileSync((await reportStatus.locator('code').textContent())!, 'utf8');
  expect(report).toContain(`Comparison of customer-churn v1 and v2 on churn-outcomes.csv, ${m[1]} rows, ${m[2]} changed class`);
  expect(report).toContain('Change matrix');
  expect(report).toMatch(/<th>Accuracy<\/th><td class="n">\d+%<\/td><td class="n">\d+%<\/td>/);
  expect(report).toContain('<svg');
  expect(report).not.toMatch(/<script|https?:\/\//i);
  const reportPage = await page.context().newPage();
  await reportPage.setViewportSize({ width: 900, height: 600 });
  await reportPage.setContent(report);
  await reportPage.screenshot({ path: join(SHOTS, 'report19-comparison-report.png'), fullPage: true });
  await reportPage.close();

  // History lists it with its title and opens it again.
  await page.getByRole('button', { name: '← Score another file' }).click();
  await nav(page, 'History');
  await page.getByRole('tab', { name: 'Comparisons' }).click();
  const listed = page.getByRole('button', { name: /^Comparison of customer-churn v1 and v2 on churn-outcomes\.csv/ }).first();
  await expect(listed).toContainText(`${m[1]} rows, ${m[2]} changed class`);
  await shots(page, 'history');
  await listed.click();
  await expect(page.getByTestId('comparison-title')).toContainText(`${m[1]} rows, ${m[2]} changed class`);
  expect(consoleErrors).toEqual([]);
});

test('a comparison re-opens from History with its server gone', async ({ page, harness }) => {
  sandbox = await startSandbox({ config: { keys: [{ key: KEY }] } });
  await openDemo(page, harness.pageUrl);
  const account = await createAccount(page, { name: 'Compare account', baseUrl: sandbox.url, key: KEY });
  const v1 = await addModel(page, account.id, 'customer-churn', '1');
  const v2 = await addModel(page, account.id, 'customer-churn', '2');
  await useAccount(page, account.id);
  await runComparison(page, v1, v2);
  const skip = page.getByLabel('Skip these rows and score the others');
  if (await skip.isVisible()) await skip.check();
  await page.getByRole('button', { name: /^Score [\d,]+ rows$/ }).click();
  await expect(page.getByTestId('job-state')).toHaveText('Finished', { timeout: 60_000 });
  await expect(page.getByTestId('comparison-title')).toContainText(/, [1-9][\d,]* rows, [\d,]+ changed class\.$/);
  const title = (await page.getByTestId('comparison-title').textContent())!.replace(/\.$/, '');

  await sandbox.close();
  sandbox = null;
  await page.reload();
  await nav(page, 'History');
  await page.getByRole('tab', { name: 'Comparisons' }).click();
  await page.getByRole('button', { name: title }).first().click();
  await expect(page.getByTestId('comparison-title')).toHaveText(`${title}.`);
  await expect(page.getByRole('table', { name: 'Change matrix' })).toBeVisible();
  await expect(page.getByRole('grid', { name: 'Both answers' }).getByRole('row').nth(1)).toBeVisible();
});
