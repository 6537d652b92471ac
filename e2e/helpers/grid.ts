import type { Locator, Page } from '@playwright/test';
import { expect } from '../fixtures';

type Box = [x: number, width: number];

/** Header cells' and the first drawn body rows' cells' x and width, as the browser lays them out. */
async function columnBoxes(grid: Locator): Promise<{ head: Box[]; rows: Box[][] }> {
  return grid.evaluate((el) => {
    const box = (e: Element): [number, number] => {
      const r = e.getBoundingClientRect();
      return [r.x, r.width];
    };
    const head = [...el.querySelectorAll('[role=columnheader]')].map(box);
    const rows = [...el.querySelectorAll('[role=row]')]
      .filter((r) => r.getAttribute('aria-rowindex') !== '1' && r.querySelectorAll('[role=gridcell]').length > 1)
      .slice(0, 6)
      .map((r) => [...r.querySelectorAll('[role=gridcell]')].map(box));
    return { head, rows };
  });
}

/**
 * Every body cell sits exactly under its header cell (same x, same width), before and after the
 * grid is scrolled sideways; the page itself never scrolls sideways (one horizontal scrollbar).
 */
export async function expectColumnsAligned(page: Page, grid: Locator): Promise<void> {
  await expect(grid.locator('[role=row][aria-rowindex="2"]')).toBeVisible();
  for (const left of [0, 10_000]) {
    await grid.evaluate((el, x) => el.scrollTo({ left: x }), left);
    await page.waitForTimeout(50);
    const { head, rows } = await columnBoxes(grid);
    expect(rows.length).toBeGreaterThan(0);
    for (const cells of rows) {
      expect(cells.length).toBe(head.length);
      cells.forEach(([x, w], j) => {
        expect(Math.abs(x - head[j]![0]), `column ${j + 1} x (scrolled to ${left})`).toBeLessThan(0.5);
        expect(Math.abs(w - head[j]![1]), `column ${j + 1} width (scrolled to ${left})`).toBeLessThan(0.5);
      });
    }
  }
  await grid.evaluate((el) => el.scrollTo({ left: 0 }));
  const pageScrolls = await page.evaluate(() => document.documentElement.scrollWidth > document.documentElement.clientWidth);
  expect(pageScrolls, 'the page scrolls sideways besides the grid').toBe(false);
}

export const VIEWPORTS = [
  { width: 1280, height: 800 },
  { width: 900, height: 600 },
] as const;
export const THEMES = ['light', 'dark'] as const;

/** Runs `check` in each viewport and theme. */
export async function inEveryLayout(page: Page, check: (label: string) => Promise<void>): Promise<void> {
  for (const viewport of VIEWPORTS) {
    for (const colorScheme of THEMES) {
      await page.setViewportSize(viewport);
      await page.emulateMedia({ colorScheme });
      await check(`${viewport.width}x${viewport.height}-${colorScheme}`);
    }
  }
  await page.emulateMedia({ colorScheme: 'light' });
  await page.setViewportSize({ width: 1200, height: 800 });
}
