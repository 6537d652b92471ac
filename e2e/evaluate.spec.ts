import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import ExcelJS from 'exceljs';
import Papa from 'papaparse';
import { predictFor } from '../sandbox/models';
import { test, expect, seriousA11yViolations } from './fixtures';
import { nav, openDemo, themeShots } from './helpers/app';

/**
 * Evaluating a model on known outcomes, end to end in the demo workspace: the demo spreadsheet with
 * a "churned" column is loaded for customer-churn, the column is offered as the known outcome,
 * the run shows the figures beside the model card's, History lists the evaluation and opens it
 * again, and it is exported as CSV and as an HTML report. Then the same for a number answer.
 */
const ROOT = resolve(import.meta.dirname, '..');
const CHURN = join(ROOT, 'sandbox/demo/churn-outcomes.csv');
const SALES = join(ROOT, 'sandbox/demo/house-sales.csv');

test.describe.configure({ mode: 'serial', timeout: 120_000 });

const shots = (page: Page, name: string) => themeShots(page, `evaluate-${name}`);

/** Accuracy of customer-churn v1 on the demo outcomes, counted the slow way from the file. */
function expectedChurn(): { known: number; accuracy: string } {
  const rows = Papa.parse<Record<string, string>>(readFileSync(CHURN, 'utf8'), { header: true, skipEmptyLines: true }).data.filter((r) => r.churned !== '');
  const right = rows.filter((r) => {
    const input = { tenure_months: Number(r.tenure_months), monthly_charges: Number(r.monthly_charges), contract: r.contract, support_calls: Number(r.support_calls), paperless_billing: r.paperless_billing === 'Yes' };
    return (predictFor('customer-churn', '1', input).predicted_class === 'churn') === (r.churned === 'Yes');
  }).length;
  return { known: rows.length, accuracy: `${Math.round((100 * right) / rows.length)}%` };
}

test('known outcome: offered, never sent, figures beside the model card, listed in History, exported', async ({ page, harness, consoleErrors }) => {
  const { known, accuracy } = expectedChurn();
  await openDemo(page, harness.pageUrl);
  await nav(page, 'Spreadsheet');
  await page.getByLabel('Model to score with').selectOption({ label: 'customer-churn' });
  await page.locator('#bulk-file').setInputFiles(CHURN);
  await expect(page.getByRole('grid', { name: 'Preview of the first rows' })).toBeVisible();
  await page.getByRole('button', { name: 'Load the file' }).click();
  await expect(page.getByLabel('Column for tenure_months')).toHaveValue('tenure_months');

  // The "churned" column is offered, with the reason; taking it says it will not be sent.
  const offer = page.getByTestId('outcome-offer');
  await expect(offer).toContainText('"churned" could be the known outcome for predicted_class');
  await offer.getByRole('button', { name: 'Evaluate against “churned”' }).click();
  await expect(page.getByTestId('outcome-chosen')).toContainText('“churned” is not sent');
  await expect(page.getByLabel('Column with the known outcome')).toHaveValue('churned');
  await shots(page, 'outcome');
  // Mapping the outcome column to a model field is refused with a clear message.
  await page.getByLabel('Column for contract').selectOption('churned');
  await expect(page.getByRole('alert').filter({ hasText: 'is marked as the known outcome' })).toBeVisible();
  await page.getByLabel('Column for contract').selectOption('contract');
  await page.getByRole('button', { name: /^Score [\d,]+ rows$/ }).click();

  // After the run: the figures, each in plain words and beside the model card's.
  const view = page.getByTestId('evaluation');
  await expect(view).toBeVisible({ timeout: 60_000 });
  await expect(view.getByRole('heading', { level: 3 })).toHaveText(`Evaluation of customer-churn v1 on churn-outcomes.csv, ${known} rows, accuracy ${accuracy}`);
  const acc = view.locator('tr[data-figure="accuracy"]');
  await expect(acc.locator('td').nth(0)).toHaveText(accuracy);
  await expect(acc.locator('td').nth(1)).toHaveText('84%');
  await expect(acc).toContainText('matched what really happened');
  await expect(view.locator('tr[data-figure="recall"] th')).toHaveText('Recall (churn)');
  await expect(view).toContainText(`Left out: ${600 - known} rows without a known outcome.`);
  await expect(view.getByRole('table', { name: 'Confusion matrix' })).toBeVisible();
  await expect(view.getByRole('img', { name: /Calibration/ })).toBeVisible();
  await shots(page, 'results');
  expect(await seriousA11yViolations(page)).toEqual([]);

  // Exports: CSV and a one-page HTML report with inline SVG, through the save dialog.
  await view.getByRole('button', { name: 'Export figures (CSV)…' }).click();
  const savedCsv = view.getByRole('status').filter({ hasText: 'Saved to' });
  await expect(savedCsv).toContainText('.csv');
  const csvPath = ((await savedCsv.textContent()) ?? '').replace(/^Saved to /, '').trim();
  expect(existsSync(csvPath)).toBe(true);
  expect(readFileSync(csvPath, 'utf8')).toContain('Accuracy');
  await view.getByRole('button', { name: 'Save evaluation report (HTML)…' }).click();
  await expect(view.getByRole('status').filter({ hasText: 'Saved to' })).toContainText('.html');
  const htmlPath = ((await view.getByRole('status').filter({ hasText: 'Saved to' }).textContent()) ?? '').replace(/^Saved to /, '').trim();
  const html = readFileSync(htmlPath, 'utf8');
  expect(html).toContain('Confusion matrix');
  expect(html).toContain('<svg');
  await view.getByRole('button', { name: 'Export figures (Excel)…' }).click();
  const savedXlsx = view.getByRole('status').filter({ hasText: /Saved to .*\.xlsx/ });
  await expect(savedXlsx).toBeVisible();
  const book = new ExcelJS.Workbook();
  await book.xlsx.readFile(((await savedXlsx.textContent()) ?? '').replace(/^Saved to /, '').trim());
  const accuracyRow = book.getWorksheet('Evaluation')!.getRows(1, 200)!.find((r) => r.getCell(1).text === 'Accuracy')!;
  expect(typeof accuracyRow.getCell(2).value).toBe('number');
  expect(`${Math.round(100 * (accuracyRow.getCell(2).value as number))}%`).toBe(accuracy);

  // History lists it and opens it again from the stored rows.
  await nav(page, 'History');
  await page.getByRole('tab', { name: 'Evaluations' }).click();
  // Newest first: the harness keeps one data folder for the run, so an earlier spec's evaluation of the same sheet may be listed below.
  const listed = page.getByRole('list', { name: 'Evaluations' }).getByRole('button', { name: /customer-churn v1 on churn-outcomes.csv/ }).first();
  await expect(listed).toHaveText(`Evaluation of customer-churn v1 on churn-outcomes.csv, ${known} rows, accuracy ${accuracy}`);
  await shots(page, 'history');
  await listed.click();
  await expect(page.getByTestId('evaluation').locator('tr[data-figure="accuracy"] td').first()).toHaveText(accuracy);
  await page.getByTestId('evaluation').getByRole('button', { name: 'Close' }).click();
  await expect(page.getByRole('list', { name: 'Evaluations' })).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test('a number answer: typical error, RMSE and R² beside the card, predicted against actual and the errors', async ({ page, harness, consoleErrors }) => {
  await openDemo(page, harness.pageUrl);
  await nav(page, 'Spreadsheet');
  await page.getByLabel('Model to score with').selectOption({ label: 'house-prices' });
  await page.locator('#bulk-file').setInputFiles(SALES);
  await page.getByRole('button', { name: 'Load the file' }).click();
  await page.getByTestId('outcome-offer').getByRole('button', { name: 'Evaluate against “sale_price”' }).click();
  await expect(page.getByTestId('outcome-chosen')).toContainText('typical error, RMSE and R²');
  await page.getByRole('button', { name: /^Score [\d,]+ rows$/ }).click();
  const view = page.getByTestId('evaluation');
  await expect(view).toBeVisible({ timeout: 60_000 });
  await expect(view.getByRole('heading', { level: 3 })).toHaveText(/^Evaluation of house-prices v1 on house-sales.csv, \d+ rows, typical error \$[\d,]+$/);
  await expect(view.locator('tr[data-figure="mae"] td').nth(1)).toHaveText('$28,940');
  await expect(view.locator('tr[data-figure="rmse"] td').nth(1)).toHaveText('$41,250');
  await expect(view.locator('tr[data-figure="r2"] td').nth(1)).toHaveText('0.87');
  await expect(view.getByRole('img', { name: 'Predicted against actual values' })).toBeVisible();
  await expect(view.getByRole('img', { name: 'Distribution of the errors' })).toBeVisible();
  await shots(page, 'regression');
  expect(await seriousA11yViolations(page)).toEqual([]);
  expect(consoleErrors).toEqual([]);
});
