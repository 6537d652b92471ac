import type { Page } from '@playwright/test';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { test, expect, seriousA11yViolations } from './fixtures';
import { openDemo, predictButton, screenshot } from './helpers/app';

// The Help screen (F1 from anywhere, short searchable answers) and axe on every screen in both themes.

const SHOTS = process.env['FORM_SHOTS_DIR'];

async function axeBothThemes(page: Page, name: string): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await seriousA11yViolations(page), `${name}, ${scheme} theme`).toEqual([]);
    if (SHOTS) {
      mkdirSync(SHOTS, { recursive: true });
      await page.screenshot({ path: join(SHOTS, `${name}-${scheme}.png`), fullPage: true });
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

test('F1 opens Help from any screen; its search finds the rate limit', async ({ page, harness }) => {
  await page.setViewportSize({ width: 900, height: 600 });
  await openDemo(page, harness.pageUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'History' }).click();
  await page.keyboard.press('F1');
  await expect(page.getByRole('heading', { level: 2, name: 'Help' })).toBeVisible();
  await expect(page).toHaveTitle(/^Help/);
  const search = page.getByLabel('Search the answers');
  await expect(search).toBeFocused();
  await search.fill('rate limit');
  const topic = page.locator('[data-topic="rate-limit"]');
  await expect(topic).toBeVisible();
  await expect(topic).toContainText('100 on the basic tier, 500 on pro');
  await expect(page.locator('details.topic').first()).toHaveAttribute('data-topic', 'rate-limit');
  await expect(page.getByRole('status')).toContainText(/answers? found/);
  await screenshot(page, 'help-search');
  await axeBothThemes(page, 'help-search');

  // Each error's entry holds the words its panel shows.
  await search.fill('403');
  await expect(page.locator('[data-topic="error-forbidden"]')).toContainText('This key may not use this model');
  await search.fill('zzzz nothing');
  await expect(page.getByRole('status')).toContainText('No answer has all of these words');
});

test('every screen is clean for axe in both themes', async ({ page, harness }) => {
  await page.setViewportSize({ width: 900, height: 600 });
  await openDemo(page, harness.pageUrl);
  // One prediction, so History shows a list (its empty state is the History screen's own affair).
  await predictButton(page).click();
  await expect(page.getByTestId('predicted-value')).toBeVisible();
  // Its history entry shows only what applies: no HTTP status or tries for a first-time answer.
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'History' }).click();
  // The Time cell: a form entry's Row cell is empty.
  await page.getByRole('grid', { name: 'Predictions, newest first' }).locator('[role=row][aria-rowindex="2"]').getByRole('gridcell').nth(1).click();
  const detail = page.getByRole('complementary').filter({ has: page.getByRole('heading', { name: 'Entry details' }) });
  await expect(detail).toContainText('Round trip');
  await expect(detail).not.toContainText('HTTP status');
  await expect(detail).not.toContainText('Attempts');
  for (const screen of ['Predict', 'Spreadsheet', 'History', 'Accounts', 'Settings', 'Help']) {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: screen }).click();
    await expect(page).toHaveTitle(new RegExp(`^${screen}`));
    await page.waitForLoadState('networkidle');
    for (const scheme of ['light', 'dark'] as const) {
      await page.emulateMedia({ colorScheme: scheme });
      expect(await seriousA11yViolations(page), `${screen}, ${scheme} theme`).toEqual([]);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
});
