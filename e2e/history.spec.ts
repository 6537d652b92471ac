import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Locator, Page } from '@playwright/test';
import { test, expect, launchHarness, stopHarness, seriousA11yViolations, type Harness } from './fixtures';
import { screenshot } from './helpers/app';
import { openDatabase } from '../main/store/db';
import { HistoryStore } from '../main/history/store';
import { generateHistory } from '../main/history/fixture';
import type { HistoryFilters } from '../shared/ipc/history';
import type { PredictionRecord } from '../shared/domain/prediction';

/**
 * The history screen on a million-row history: generated straight into a fresh data folder before the
 * harness starts, then listed newest first, scrolled deep, filtered and opened — every count and row
 * checked against what the database itself says.
 */
const ROWS = Number(process.env['PLEXE_E2E_HISTORY_ROWS'] ?? 1_000_000);
const CHURN = { modelName: 'customer-churn', modelVersion: '1' } as const;
const TEXT = 'Fatima';

test.describe.configure({ mode: 'serial', timeout: 120_000 });

let harness: Harness;
let dataDir = '';
/** What the database says, worked out before the app opens it. */
let truth: {
  total: number;
  newestRequestId: string | null;
  deepIndex: number;
  deepRequestId: string | null;
  counts: { model: number; modelFailed: number; modelFailedText: number };
  firstFilteredRequestId: string | null;
  firstFilteredError: string;
};
let generateSeconds = 0;

function entryAt(store: HistoryStore, filters: HistoryFilters, index: number): PredictionRecord {
  let cursor: string | null = null;
  let skipped = 0;
  for (;;) {
    const page = store.page({ filters, cursor, limit: 1000 });
    const row = page.rows[index - skipped];
    if (row) return row;
    skipped += page.rows.length;
    cursor = page.nextCursor;
    if (!cursor) throw new Error(`the history has fewer than ${index + 1} entries`);
  }
}

test.beforeAll(async () => {
  test.setTimeout(180_000);
  dataDir = mkdtempSync(join(tmpdir(), 'plexe-e2e-history-'));
  const { db } = openDatabase(join(dataDir, 'plexe.db'));
  const started = performance.now();
  // The text index and the export lines are left to the app's background catch-up, as after a big bulk run.
  generateHistory(db, ROWS, 7, { end: new Date(Date.now() - 60_000), days: 90, catchUp: false });
  generateSeconds = (performance.now() - started) / 1000;
  const store = new HistoryStore(db);
  const deepIndex = 3000;
  const model: HistoryFilters = { ...CHURN };
  const modelFailed: HistoryFilters = { ...model, outcome: 'failed' };
  const modelFailedText: HistoryFilters = { ...modelFailed, text: TEXT };
  const firstFiltered = entryAt(store, modelFailedText, 0);
  const requestIdOf = (filters: HistoryFilters, index: number) => entryAt(store, filters, index).requestId;
  truth = {
    total: store.count(),
    newestRequestId: requestIdOf({}, 0),
    deepIndex,
    deepRequestId: requestIdOf({}, deepIndex),
    counts: { model: store.count(model), modelFailed: store.count(modelFailed), modelFailedText: store.count(modelFailedText) },
    firstFilteredRequestId: firstFiltered.requestId,
    firstFilteredError: firstFiltered.errorMessage ?? '',
  };
  db.close();
  console.log(`generated ${ROWS.toLocaleString('en')} history rows in ${generateSeconds.toFixed(1)} s`);
  harness = await launchHarness(dataDir);
});

test.afterAll(async () => {
  if (harness) await stopHarness(harness);
  // A million rows take about 300 MB.
  if (dataDir) rmSync(dataDir, { recursive: true, force: true });
});

const digits = (text: string | null) => Number((text ?? '').replace(/\D/g, ''));

async function expectCount(page: Page, n: number): Promise<void> {
  const count = page.getByTestId('history-count');
  await expect(count).not.toContainText('Counting', { timeout: 20_000 });
  await expect.poll(async () => digits(await count.textContent()), { timeout: 20_000 }).toBe(n);
}

function grid(page: Page): Locator {
  return page.getByRole('grid', { name: 'Predictions, newest first' });
}

/** The list's row for entry `index` (row 1 is the header). */
function entryRow(page: Page, index: number): Locator {
  return grid(page).locator(`[role=row][aria-rowindex="${index + 2}"]`);
}

async function openEntry(page: Page, index: number): Promise<Locator> {
  await entryRow(page, index).getByRole('gridcell').nth(2).click();
  const detail = page.getByRole('complementary').filter({ has: page.getByRole('heading', { name: 'Entry details' }) });
  await expect(detail).toBeVisible();
  return detail;
}

async function expectRequestId(detail: Locator, id: string | null): Promise<void> {
  if (id === null) {
    // A timeout has no request id: the panel says so instead of offering a copy button.
    await expect(detail.getByTestId('request-id')).toHaveCount(0);
  } else {
    await expect(detail.getByTestId('request-id')).toHaveText(id);
    await expect(detail.getByRole('button', { name: 'Copy request id' })).toBeVisible();
  }
}

test('lists, scrolls, filters and opens a million-row history, matching the database', async ({ page, consoleErrors }) => {
  expect(truth.total).toBe(ROWS);
  await page.goto(harness.pageUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'History' }).click();
  await expect(page.getByRole('heading', { name: 'History', exact: true, level: 2 })).toBeVisible();
  const list = grid(page);
  const ROW = 32;
  await expectCount(page, ROWS);

  // Newest first: the first row is the newest entry in the database.
  let detail = await openEntry(page, 0);
  await expectRequestId(detail, truth.newestRequestId);

  // Deep into the list: pages keep loading as it scrolls, and only a window of rows is in the page.
  const target = truth.deepIndex;
  await expect
    .poll(
      async () => {
        await list.evaluate((el) => el.scrollTo({ top: el.scrollHeight }));
        return list.evaluate((el) => Math.round(el.scrollTop / 32));
      },
      { timeout: 45_000, intervals: [50] },
    )
    .toBeGreaterThan(target);
  await list.evaluate((el, top) => el.scrollTo({ top }), target * ROW - 100);
  await expect(entryRow(page, target)).toBeVisible();
  const domRows = await list.getByRole('row').count();
  expect(domRows).toBeGreaterThan(5);
  expect(domRows).toBeLessThan(80);
  detail = await openEntry(page, target);
  await expectRequestId(detail, truth.deepRequestId);

  // Filters: model, then failed only, then text — each count as the database counts it.
  await page.getByLabel('Model').selectOption({ label: `${CHURN.modelName} v${CHURN.modelVersion}` });
  await expectCount(page, truth.counts.model);
  await page.getByLabel('Status').selectOption({ label: 'Failed (any reason)' });
  await expectCount(page, truth.counts.modelFailed);
  const first = entryRow(page, 0);
  await expect(first).toContainText(`${CHURN.modelName} v${CHURN.modelVersion}`);
  // Failed entries are marked by an icon and the word, not by colour alone.
  await expect(first).toContainText('Failed:');
  await expect(first.locator('svg.icon')).toBeVisible();
  await page.getByLabel('Search entries').fill(TEXT);
  await expectCount(page, truth.counts.modelFailedText);
  expect(truth.counts.modelFailedText).toBeGreaterThan(0);
  await expect(entryRow(page, 0)).toContainText(TEXT);
  detail = await openEntry(page, 0);
  await expect(detail).toContainText(truth.firstFilteredError);
  await expectRequestId(detail, truth.firstFilteredRequestId);

  expect(await seriousA11yViolations(page)).toEqual([]);
  await screenshot(page, 'history');
  expect(consoleErrors).toEqual([]);
});
