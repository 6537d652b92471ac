import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, seriousA11yViolations } from './fixtures';
import { openDemo } from './helpers/app';
import { expectColumnsAligned, inEveryLayout } from './helpers/grid';

/**
 * The one data grid in its three places — the spreadsheet preview, the results and the history
 * list: columns line up in both themes at two window sizes, failed rows carry an icon and a word,
 * the keyboard moves a focused cell, and axe finds nothing serious.
 */
const ROOT = resolve(import.meta.dirname, '..');
const DEMO = join(ROOT, 'sandbox/demo/house-prices.csv');
const SHOTS = process.env['PLEXE_SHOTS_DIR'];

test.describe.configure({ mode: 'serial', timeout: 180_000 });

async function shot(page: Page, name: string): Promise<void> {
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

async function focusedCell(page: Page): Promise<{ row: string | null; col: number }> {
  return page.evaluate(() => {
    const cell = document.activeElement as HTMLElement;
    const row = cell.closest('[role=row]');
    return { row: row?.getAttribute('aria-rowindex') ?? null, col: row ? [...row.children].indexOf(cell) : -1 };
  });
}

test('preview, results and history: aligned columns, marked failures, keyboard, axe', async ({ page, harness, consoleErrors }) => {
  await openDemo(page, harness.pageUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Spreadsheet' }).click();
  await page.getByLabel('Model to score with').selectOption({ label: 'house-prices' });
  await page.locator('#bulk-file').setInputFiles(DEMO);

  const preview = page.getByRole('grid', { name: 'Preview of the first rows' });
  await inEveryLayout(page, async (layout) => {
    await expectColumnsAligned(page, preview);
    expect(await seriousA11yViolations(page), layout).toEqual([]);
    await shot(page, `preview-${layout}`);
  });

  // A cell too long for its column opens whole in the detail pane.
  await preview.locator('[role=row][aria-rowindex="2"] [role=gridcell]').nth(1).click();
  await expect(page.getByRole('region', { name: 'Row 1 in full' })).toContainText('L-1001');

  await page.getByRole('button', { name: 'Load the file' }).click();
  await page.getByLabel('Skip these rows and score the others').check();
  await page.getByRole('button', { name: /^Score \d+ rows$/ }).click();
  await expect(page.getByTestId('job-state')).toHaveText('Finished', { timeout: 45_000 });

  const results = page.getByRole('grid', { name: 'Results' });
  await page.getByLabel('Show').selectOption('failed');
  // Only failed and skipped rows, even when the filter changes while the finished job's rows are still loading.
  await expect(results).not.toContainText('L-1002');
  const failed = results.locator('[role=row].failed').first();
  await expect(failed).toBeVisible();
  await expect(failed).toContainText('Failed: ');
  await expect(failed.locator('svg.icon')).toBeVisible();
  await inEveryLayout(page, async (layout) => {
    await expectColumnsAligned(page, results);
    expect(await seriousA11yViolations(page), layout).toEqual([]);
    // The mark is not colour alone, and it stands out from the row in both themes.
    const colours = await failed.evaluate((row) => ({ bar: getComputedStyle(row).boxShadow, bg: getComputedStyle(row).backgroundColor }));
    expect(colours.bar, layout).toMatch(/inset/);
    await shot(page, `results-failed-${layout}`);
  });
  await page.getByLabel('Show').selectOption('all');
  await expect(results).toContainText('L-1002');
  await inEveryLayout(page, async (layout) => {
    await expectColumnsAligned(page, results);
    await shot(page, `results-${layout}`);
  });

  // Keyboard: one cell takes Tab; arrows move it; Enter opens the row whole.
  await results.locator('[role=gridcell][tabindex="0"]').focus();
  expect(await focusedCell(page)).toEqual({ row: '2', col: 0 });
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowDown');
  await page.keyboard.press('ArrowRight');
  await expect.poll(() => focusedCell(page)).toEqual({ row: '4', col: 1 });
  expect(await results.locator('[role=gridcell][tabindex="0"]').count()).toBe(1);
  await page.keyboard.press('End');
  await expect.poll(async () => (await focusedCell(page)).col).toBeGreaterThan(5);
  await page.keyboard.press('Control+End');
  await expect.poll(async () => Number((await focusedCell(page)).row)).toBeGreaterThan(100);
  await page.keyboard.press('Control+Home');
  await expect.poll(() => focusedCell(page)).toEqual({ row: '2', col: 0 });
  await page.keyboard.press('Enter');
  await expect(page.getByRole('region', { name: 'Row 1 in full' })).toContainText(/Column "square_footage": is required/);

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'History' }).click();
  const history = page.getByRole('grid', { name: 'Predictions, newest first' });
  await expect(history.locator('[role=row][aria-rowindex="2"]')).toBeVisible();
  await page.getByLabel('Status').selectOption({ label: 'Failed (any reason)' });
  await expect(history.locator('[role=row][aria-rowindex="2"]')).toContainText('Failed: ');
  await expect(history.locator('[role=row][aria-rowindex="2"] svg.icon')).toBeVisible();
  await page.getByLabel('Status').selectOption({ label: 'Any status' });
  await inEveryLayout(page, async (layout) => {
    await expectColumnsAligned(page, history);
    expect(await seriousA11yViolations(page), layout).toEqual([]);
    await shot(page, `history-${layout}`);
  });
  // Arrow keys in the history list, and Enter opens the entry's details.
  await history.locator('[role=gridcell][tabindex="0"]').focus();
  await page.keyboard.press('ArrowDown');
  await expect.poll(async () => (await focusedCell(page)).row).toBe('3');
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Entry details' })).toBeVisible();
  expect(consoleErrors).toEqual([]);
});
