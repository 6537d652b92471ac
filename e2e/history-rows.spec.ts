import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, seriousA11yViolations } from './fixtures';
import { call, nav, openDemo, themeShots } from './helpers/app';
import { expectColumnsAligned } from './helpers/grid';
import type { Account } from '../shared/ipc/accounts';
import type { SavedModel } from '../shared/domain/model';

/**
 * History that knows the row: a churn sheet with customer_id and name columns (not sent to the model)
 * is scored; History shows each entry with its customer, finds it by name or id, narrows to the job,
 * and leads from an entry back to its row in the job.
 */
const CUSTOMERS = [
  ['C-1001', 'Ana Núñez'],
  ['C-1002', 'Emeka Okafor'],
  ['C-1003', 'Lena Müller'],
  ['C-1004', 'José García'],
  ['C-1005', 'Priya Raman'],
  ['C-1006', 'Chen Wei'],
] as const;

test.describe.configure({ mode: 'serial', timeout: 120_000 });

const shots = (page: Page, name: string) => themeShots(page, `history17-${name}`);

test('history entries of a spreadsheet job show, find and lead back to their row', async ({ page, harness, consoleErrors }) => {
  const dir = mkdtempSync(join(tmpdir(), 'plexe-e2e-rows-'));
  const file = join(dir, 'churn-customers.csv');
  const lines = ['customer_id,name,tenure_months,monthly_charges,contract,support_calls,paperless_billing'];
  CUSTOMERS.forEach(([id, name], i) => lines.push(`${id},${name},${3 + i * 7},${(40 + i * 9.5).toFixed(2)},${i % 2 ? 'one-year' : 'month-to-month'},${i},${i % 2 ? 'yes' : 'no'}`));
  writeFileSync(file, lines.join('\n') + '\n');

  await openDemo(page, harness.pageUrl);
  // One prediction from the form, so that "this job" has something to leave out.
  const { activeId } = await call<{ accounts: Account[]; activeId: string | null }>(page, 'accounts', 'listAccounts');
  const models = await call<SavedModel[]>(page, 'models', 'listSaved', { profileId: activeId });
  const churn = models.find((m) => m.ref.kind === 'model' && m.ref.name === 'customer-churn');
  if (!churn) throw new Error('the demo workspace has no customer-churn model');
  await call(page, 'predict', 'runPrediction', { callId: 'form-1', modelId: churn.id, input: { tenure_months: 5, monthly_charges: 70, contract: 'one-year', support_calls: 1, paperless_billing: true } });

  await nav(page, 'Spreadsheet');
  await page.getByLabel('Model to score with').selectOption({ value: churn.id });
  await page.locator('#bulk-file').setInputFiles(file);
  await page.getByRole('button', { name: 'Load the file' }).click();
  await expect(page.getByLabel('Column for tenure_months')).toHaveValue('tenure_months');

  // The columns not sent to the model are ticked to be kept with each entry; the sent ones are not.
  const keep = page.getByTestId('identifying-columns');
  await expect(keep.getByLabel('customer_id')).toBeChecked();
  await expect(keep.getByLabel('name')).toBeChecked();
  await expect(keep.getByLabel('tenure_months')).not.toBeChecked();
  await keep.scrollIntoViewIfNeeded();
  await shots(page, 'run-step');
  await page.getByRole('button', { name: `Score ${CUSTOMERS.length} rows` }).click();
  await expect(page.getByTestId('job-state')).toHaveText('Finished', { timeout: 45_000 });

  await nav(page, 'History');
  const grid = page.getByRole('grid', { name: 'Predictions, newest first' });
  const count = page.getByTestId('history-count');
  // The list shows the customer of each entry, and where it came from.
  await expect(grid).toContainText('C-1001 · Ana Núñez');
  await expect(grid).toContainText('churn-customers.csv');

  // The job filter narrows to this job's rows; "the form only" to the form's.
  const from = page.getByLabel('From', { exact: true });
  const jobOption = from.locator('option', { hasText: 'churn-customers.csv' });
  await expect(jobOption).toHaveCount(1);
  await from.selectOption({ value: (await jobOption.getAttribute('value')) ?? '' });
  await expect(count).toHaveText(`${CUSTOMERS.length} entries`);
  await expect(grid).not.toContainText('form');
  await expectColumnsAligned(page, grid);
  await shots(page, 'job-filter');

  // Searching the name (with the job filter on) finds exactly that customer's entry; so does the id.
  await page.getByLabel('Search entries').fill('Núñez');
  await expect(count).toHaveText('1 entry');
  await expect(grid.locator('[role=row][aria-rowindex="2"]')).toContainText('Ana Núñez');
  await expect(grid.locator('[role=row][aria-rowindex="3"]')).toHaveCount(0);
  await page.getByLabel('Search entries').fill('C-1003');
  await expect(grid.locator('[role=row][aria-rowindex="2"]')).toContainText('Lena Müller');
  await from.selectOption({ value: 'form' });
  await page.getByLabel('Search entries').fill('');
  await expect(grid).not.toContainText('churn-customers.csv');
  await expect(grid).toContainText('form');
  await from.selectOption({ value: '' });
  await page.getByLabel('Search entries').fill('Okafor');
  await expect(count).toHaveText('1 entry');
  await shots(page, 'search');
  expect(await seriousA11yViolations(page)).toEqual([]);

  // The entry's details name the row and lead to it in its job.
  await grid.locator('[role=row][aria-rowindex="2"] [role=gridcell]').nth(1).click();
  await page.keyboard.press('Enter');
  const row = page.getByTestId('entry-row');
  await expect(row).toContainText('Emeka Okafor');
  await expect(row).toContainText('C-1002');
  await shots(page, 'entry');
  await page.getByTestId('open-job-row').click();
  await expect(page.getByTestId('from-row')).toContainText('row 3');
  const results = page.getByRole('grid', { name: 'Results' });
  await expect(results.locator('[role=row][aria-rowindex="2"]')).toContainText('C-1002');
  await expect(results).not.toContainText('C-1001');
  await shots(page, 'from-row');
  await page.getByRole('button', { name: 'Show every row' }).click();
  await expect(results).toContainText('C-1001');
  expect(consoleErrors).toEqual([]);
});
