import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { test, expect, seriousA11yViolations } from './fixtures';
import { addModel, call, createAccount, openApp, restoreDemo, themeShots, useAccount } from './helpers/app';
import type { JobDetail, ResultRow } from '../shared/ipc/jobs';
import { fieldsFromAnySchema } from '../shared/domain/schema-convert';
import { describeInputSchema, findModel } from '../sandbox/models';
import { parseMappingFile } from '../main/sheets/mapping-memory';

/**
 * A messy sheet as a colleague sends it (e2e/fixtures-data/messy/churn-titled-units.csv: a title
 * and a blank line above the header, LF then CRLF line endings, near-miss column names, category
 * spellings, "28.06 USD"): the header row is found, every match says why, the rows are grouped by
 * cause, the one value no rule may guess is mapped in the value step, and every row comes out ok.
 */
const ROOT = resolve(import.meta.dirname, '..');
const FILE = join(ROOT, 'e2e/fixtures-data/messy/churn-titled-units.csv');
const KEY = 'pk_live_messy_0123456789abcdef';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let sandbox: RunningSandbox;

test.beforeAll(async () => {
  // Described with allowed values (JSON Schema), as newer deployments do.
  sandbox = await startSandbox({ config: { keys: [{ key: KEY }], describeStyle: 'json-schema' } });
});

test.afterAll(async ({ browser, harness }) => {
  await sandbox?.close();
  await restoreDemo(browser, harness.pageUrl);
});

const shots = (page: Page, name: string) => themeShots(page, `sheets16-${name}`);

test('a messy sheet: header row found, reasons shown, a value mapped, every row ok', async ({ page, harness, consoleErrors }) => {
  await openApp(page, harness.pageUrl);
  const account = await createAccount(page, { name: 'Messy account', baseUrl: sandbox.url, key: KEY, rpm: 60_000 });
  await addModel(page, account.id, 'customer-churn', '1');
  await useAccount(page, account.id);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Spreadsheet' }).click();
  await page.locator('#bulk-file').setInputFiles(FILE);
  await expect(page.getByTestId('header-row')).toContainText('Column names taken from row 3');
  const headerPicker = page.getByLabel('Use another row');
  await expect(headerPicker.locator('option')).toHaveText([/^Row 1: Customer churn export/, /^Row 3: Customer ID, Tenure \(months\)/, /^Row 4: C0001/, /^Row 5:/, /^Row 6:/, /^Row 7:/, /^Row 8:/]);
  await shots(page, 'preview');
  // The title as the header does not fit the rows below it: said so, and back to the row found.
  await headerPicker.selectOption('1');
  await expect(page.getByRole('alert')).toContainText('Row 1 cannot be the header: Row 3 has 6 values but the header (row 1) has 1 columns');
  await expect(page.getByTestId('header-row')).toContainText('Column names taken from row 3');
  await headerPicker.selectOption('3');
  await expect(page.getByTestId('header-row')).toContainText('Column names taken from row 3');
  await expect(page.getByRole('alert')).toHaveCount(0);

  await page.getByRole('button', { name: 'Load the file' }).click();
  // Every field found its column, and says why.
  await expect(page.getByLabel('Column for tenure_months')).toHaveValue('Tenure (months)');
  await expect(page.getByLabel('Column for contract')).toHaveValue('Contract Type');
  await expect(page.getByTestId('why-tenure_months')).toContainText('"Tenure (months)"');
  await expect(page.getByTestId('why-contract')).not.toBeEmpty();
  await expect(page.getByTestId('why-paperless_billing')).not.toBeEmpty();
  await expect(page.getByRole('status').filter({ hasText: 'rows ready' })).toHaveText('292 rows ready, 8 need attention.');
  await expect(page.getByLabel('How numbers were read')).toContainText('the unit "usd" after the numbers was removed');

  // One line per cause, not per row; the rows behind it on demand.
  const causes = page.getByRole('region', { name: 'Rows that need attention, by cause' });
  await expect(causes).toContainText("8 rows: Contract Type (field contract) has values the model does not accept — '2 yr' (8)");
  await causes.getByRole('button', { name: 'Show the 8 rows' }).click();
  const behind = page.getByRole('region', { name: /^Rows behind: 8 rows/ });
  await expect(behind.getByRole('listitem')).toHaveCount(8);
  await expect(behind.getByRole('listitem').first()).toContainText('Row 40:'); // data row 37 below the header on row 3
  await shots(page, 'map-step');

  // The value step: '2 yr' means two-year.
  await causes.getByRole('button', { name: 'Map values' }).click();
  const values = page.getByRole('region', { name: 'Map values' });
  await expect(values.getByRole('row', { name: /2 yr/ })).toContainText('8');
  await values.getByLabel('Allowed value for “2 yr” in contract').selectOption('two-year');
  await shots(page, 'value-step');
  expect(await seriousA11yViolations(page)).toEqual([]);
  await values.getByRole('button', { name: 'Map 1 value of contract' }).click();
  await expect(page.getByRole('status').filter({ hasText: 'rows ready' })).toHaveText('300 rows ready, none need attention.');
  await expect(values.getByRole('list', { name: 'Values of contract you mapped' })).toContainText('“2 yr” → two-year');

  // Saved as a mapping file for `npm run score -- --mapping FILE`.
  await page.getByRole('button', { name: 'Save mapping…' }).click();
  const saved = page.getByRole('status').filter({ hasText: 'Mapping saved to' });
  const savedPath = (await saved.locator('code').first().textContent())!;
  expect(parseMappingFile(readFileSync(savedPath, 'utf8'), savedPath)).toEqual({
    columns: { tenure_months: 'Tenure (months)', monthly_charges: 'Monthly charges ($)', contract: 'Contract Type', support_calls: 'Support calls (12m)', paperless_billing: 'Paperless billing?' },
    values: { contract: { '2 yr': 'two-year' } },
  });

  await page.getByRole('button', { name: 'Score 300 rows' }).click();
  await expect(page.getByTestId('job-state')).toHaveText('Finished', { timeout: 60_000 });
  const jobs = await call<{ id: number; fileName: string }[]>(page, 'jobs', 'listJobs');
  const job = await call<JobDetail>(page, 'jobs', 'getJob', { jobId: jobs.find((j) => j.fileName === 'churn-titled-units.csv')!.id });
  expect(job.counts).toMatchObject({ total: 300, ok: 300, failed: 0, invalid: 0, skipped: 0 });
  expect(job.valueMaps).toEqual({ contract: { '2 yr': 'two-year' } });
  expect(consoleErrors).toEqual([]);
});

test('"Retry failed rows" sends again what can succeed, and says why the rest is not sent', async ({ page, harness, consoleErrors }) => {
  await openApp(page, harness.pageUrl);
  const account = await createAccount(page, { name: 'Retry account', baseUrl: sandbox.url, key: KEY, rpm: 60_000 });
  // No bounds on bedrooms (as a flat schema describes it), so bedrooms 99 reaches the server, which refuses it.
  const fields = fieldsFromAnySchema(describeInputSchema(findModel('house-prices', '1')!)).map((f) => (f.name === 'location' ? { ...f, type: 'choice' as const, choices: ['urban', 'suburban', 'rural'] } : f));
  const model = await addModel(page, account.id, 'house-prices', '1', fields);
  await useAccount(page, account.id);
  const engine = await call<Record<string, unknown>>(page, 'settings', 'getEngine');
  await call(page, 'settings', 'setEngine', { attempts: 1 });
  sandbox.setFaults({ p502: 0.4, seed: 5 });
  try {
    const csv = join(mkdtempSync(join(tmpdir(), 'plexe-retry-')), 'retry.csv');
    writeFileSync(csv, ['listing,square_footage,bedrooms,bathrooms,location', ...Array.from({ length: 40 }, (_, i) => `L-${i + 1},${900 + i},${(i + 1) % 5 === 0 ? 99 : 2},1,urban`)].join('\n'));
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Spreadsheet' }).click();
    await page.getByLabel('Model to score with').selectOption({ label: model.displayName });
    await page.locator('#bulk-file').setInputFiles(csv);
    await page.getByRole('button', { name: 'Load the file' }).click();
    await expect(page.getByRole('status').filter({ hasText: 'rows ready' })).toHaveText('40 rows ready, none need attention.');
    await page.getByLabel('Rows sent together').fill('1');
    await page.getByLabel('Rows sent together').blur();
    await page.getByRole('button', { name: 'Score 40 rows' }).click();
    await expect(page.getByTestId('job-state')).toHaveText('Finished', { timeout: 60_000 });

    const jobs = await call<{ id: number; fileName: string }[]>(page, 'jobs', 'listJobs');
    const jobId = jobs.find((j) => j.fileName === 'retry.csv')!.id;
    const failed = (await call<{ rows: ResultRow[] }>(page, 'jobs', 'listResults', { jobId, filter: 'failed', limit: 100 })).rows;
    const refused = failed.filter((r) => r.errorCode === 'invalid_input').length;
    const passing = failed.length - refused;
    expect(passing).toBeGreaterThan(0);
    expect(refused).toBeGreaterThan(0);
    const plan = page.getByTestId('retry-plan');
    await expect(plan).toContainText(`${passing} ${passing === 1 ? 'row' : 'rows'} will be sent again: ${passing} failed for a passing reason`);
    await expect(plan).toContainText(`${refused} ${refused === 1 ? 'row' : 'rows'} the server refused as invalid`);
    await shots(page, 'retry');

    sandbox.setFaults({ p502: 0 });
    await page.getByRole('button', { name: passing === 1 ? 'Send the failed row again' : `Send ${passing} failed rows again` }).click();
    await expect(page.getByTestId('job-state')).toHaveText('Finished', { timeout: 60_000 });
    await expect(plan).toContainText(`No failed row would be sent again. 8 rows the server refused as invalid are not sent again`);
    await expect(page.getByRole('button', { name: 'Send 0 failed rows again' })).toBeDisabled();
    const job = await call<JobDetail>(page, 'jobs', 'getJob', { jobId });
    expect(job.counts).toMatchObject({ ok: 32, failed: 8 });
  } finally {
    sandbox.setFaults({ p502: 0 });
    await call(page, 'settings', 'setEngine', engine);
  }
  expect(consoleErrors).toEqual([]);
});
