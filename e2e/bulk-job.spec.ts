import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { test, expect, seriousA11yViolations } from './fixtures';
import { addModel, createAccount, nav, openDemo, restoreDemo, themeShots, useAccount } from './helpers/app';

/**
 * A job never goes out of sight, and paused means paused: a slow job (an account paced at two
 * requests a second, one row per request) is started, followed from other screens through the top
 * bar, paused, left and found again, resumed and cancelled.
 */
const ROOT = resolve(import.meta.dirname, '..');
const DEMO = join(ROOT, 'sandbox/demo/house-prices.csv');
const KEY = 'pk_live_bulkjob_0123456789abcdef';
const SHOTS = process.env['PLEXE_SHOTS_DIR'];

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let sandbox: RunningSandbox;

test.beforeAll(async () => {
  sandbox = await startSandbox({ config: { keys: [{ key: KEY }], faults: { latencyMs: 50 } } });
});

test.afterAll(async ({ browser, harness }) => {
  await sandbox?.close();
  await restoreDemo(browser, harness.pageUrl);
});

const shots = (page: Page, name: string) => (SHOTS ? themeShots(page, name, { dir: SHOTS }) : Promise.resolve());

/** "656 of 4,484 done · 3,828 to go · 12 failed" → numbers; done and to go add up. */
async function counts(page: Page): Promise<{ done: number; of: number; toGo: number; failed: number }> {
  const text = (await page.getByTestId('job-counts').textContent()) ?? '';
  const m = /^([\d,]+) of ([\d,]+) done · ([\d,]+) to go · ([\d,]+) failed/.exec(text);
  if (!m) throw new Error(`unexpected counts: ${text}`);
  const [done, of, toGo, failed] = m.slice(1).map((x) => Number(x.replace(/,/g, ''))) as [number, number, number, number];
  expect(done + toGo, text).toBe(of);
  return { done, of, toGo, failed };
}

test('a running job stays in sight across screens; paused means paused', async ({ page, harness, consoleErrors }) => {
  await openDemo(page, harness.pageUrl);
  const account = await createAccount(page, { name: 'Slow account', baseUrl: sandbox.url, key: KEY, rpm: 120 });
  await addModel(page, account.id, 'house-prices', '1');
  await useAccount(page, account.id);

  await nav(page, 'Spreadsheet');
  await page.locator('#bulk-file').setInputFiles(DEMO);
  await expect(page.getByRole('grid', { name: 'Preview of the first rows' })).toBeVisible();
  await shots(page, 'preview');
  await page.getByRole('button', { name: 'Load the file' }).click();
  await expect(page.getByLabel('Column for square_footage')).toHaveValue('square_footage');
  await page.getByLabel('Skip these rows and score the others').check();
  await page.getByLabel('Rows sent together').fill('1');
  await page.getByLabel('Rows sent together').blur();
  await shots(page, 'mapping');
  await page.getByRole('button', { name: /^Score \d+ rows$/ }).click();

  // Running: one label, counts that add up, the top bar shows it.
  await expect(page.getByTestId('job-state')).toHaveText('Running');
  const indicator = page.getByTestId('job-indicator');
  await expect(indicator).toBeVisible();
  await expect(indicator).toContainText('house-prices.csv');
  await expect.poll(async () => (await counts(page)).done, { timeout: 20_000 }).toBeGreaterThan(2);

  // The live chart is updated in place, not rebuilt on each progress tick.
  const chart = page.getByRole('img', { name: /Rows per minute over the run/ }).locator('canvas');
  await expect(chart).toBeVisible();
  await chart.evaluate((c) => (c.dataset['mark'] = 'first'));
  const before = (await counts(page)).done;
  await expect.poll(async () => (await counts(page)).done, { timeout: 20_000 }).toBeGreaterThan(before + 2);
  expect(await chart.evaluate((c) => c.dataset['mark'])).toBe('first');
  expect(await seriousA11yViolations(page)).toEqual([]);
  await shots(page, 'running');

  // Other screens: the indicator stays and leads back to the running job.
  await nav(page, 'History');
  await expect(page.getByRole('heading', { name: 'History', level: 2 })).toBeVisible();
  await expect(indicator).toBeVisible();
  await indicator.click();
  await expect(page.getByRole('heading', { name: 'Score a spreadsheet' })).toBeVisible();
  await expect(page.getByTestId('job-state')).toHaveText('Running');
  await nav(page, 'Predict');
  await nav(page, 'Spreadsheet');
  await expect(page.getByTestId('job-state')).toHaveText('Running');

  // The list of jobs offers no Delete for the running job: cancel it first.
  await page.getByRole('button', { name: '← Score another file' }).click();
  const listed = page.locator('.jobs li').filter({ hasText: 'house-prices.csv' }).first();
  await expect(listed).toContainText('Running');
  await expect(listed).toContainText('Cancel it before deleting');
  await expect(listed.getByRole('button', { name: /Delete/ })).toHaveCount(0);
  await shots(page, 'jobs-list');
  await indicator.click();
  await expect(page.getByTestId('job-state')).toHaveText('Running');

  // Pause: the word Paused, one Resume button, and nothing moves.
  await page.getByRole('button', { name: 'Pause' }).click();
  await expect(page.getByTestId('job-state')).toHaveText('Paused');
  await expect(indicator).toBeHidden();
  const paused = await counts(page);
  expect(paused.toGo).toBeGreaterThan(0);
  await expect(page.getByRole('button', { name: 'Resume' })).toHaveCount(1);
  await expect(page.getByRole('button', { name: /Open$/ })).toHaveCount(0);
  await page.waitForTimeout(1500);
  expect(await counts(page)).toEqual(paused);
  expect(await seriousA11yViolations(page)).toEqual([]);
  await shots(page, 'paused');

  // Leave and come back: the paused job is still what the screen shows.
  await nav(page, 'History');
  await nav(page, 'Spreadsheet');
  await expect(page.getByTestId('job-state')).toHaveText('Paused');
  expect(await counts(page)).toEqual(paused);
  // From the file step, the paused job is one click away, with the same counts.
  await page.getByRole('button', { name: '← Score another file' }).click();
  const banner = page.getByRole('status').filter({ hasText: 'is paused' });
  await expect(banner).toContainText(`${paused.done} of ${paused.of} done · ${paused.toGo} to go · ${paused.failed} failed`);
  await banner.getByRole('button', { name: 'Go to this job' }).click();
  await expect(page.getByTestId('job-state')).toHaveText('Paused');

  // Resume carries on from where it stopped, then cancel.
  await page.getByRole('button', { name: 'Resume' }).click();
  await expect(page.getByTestId('job-state')).toHaveText('Running');
  await expect.poll(async () => (await counts(page)).done, { timeout: 20_000 }).toBeGreaterThan(paused.done);
  await page.getByRole('button', { name: 'Cancel the job…' }).click();
  await page.getByRole('dialog').getByRole('button', { name: 'Cancel the job' }).click();
  await expect(page.getByTestId('job-state')).toHaveText('Cancelled');
  await expect(indicator).toBeHidden();
  await shots(page, 'cancelled');

  // Cancelled, it can be deleted.
  await page.getByRole('button', { name: '← Score another file' }).click();
  await expect(listed.getByRole('button', { name: /Delete/ })).toBeVisible();
  expect(consoleErrors).toEqual([]);
});
