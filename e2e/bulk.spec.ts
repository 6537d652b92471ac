import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Papa from 'papaparse';
import { test, expect, seriousA11yViolations } from './fixtures';
import { openDemo, screenshot } from './helpers/app';
import { predictFor } from '../sandbox/models';
import { automaticMapping, createRowMapper, decideColumnReading, FORMAT_SAMPLE_ROWS } from '../main/jobs/row-input';
import { houseFields } from '../main/jobs/test-support';

const ROOT = resolve(import.meta.dirname, '..');
const DEMO = join(ROOT, 'sandbox/demo/house-prices.csv');

test.describe.configure({ mode: 'serial' });

test('scores the demo spreadsheet end to end and exports the result', async ({ page, harness, consoleErrors }) => {
  await openDemo(page, harness.pageUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Spreadsheet' }).click();
  await expect(page.getByRole('heading', { name: 'Score a spreadsheet' })).toBeVisible();
  await page.getByLabel('Model to score with').selectOption({ label: 'house-prices' });

  // The file button (the drop zone takes the same path).
  await page.locator('#bulk-file').setInputFiles(DEMO);
  await expect(page.getByRole('grid', { name: 'Preview of the first rows' })).toBeVisible();
  await expect(page.getByRole('grid', { name: 'Preview of the first rows' })).toContainText('L-1002');
  await page.getByRole('button', { name: 'Load the file' }).click();

  // Map and check: columns matched automatically, coercions shown, problem rows listed.
  await expect(page.getByLabel('Column for square_footage')).toHaveValue('square_footage');
  const summary = page.locator('.summary');
  await expect(summary).toContainText(/\d+ rows ready, \d+ need attention/);
  await expect(page.getByText(/Row 2: Column "square_footage": is required, but the cell is empty/)).toBeVisible();
  await page.getByText(/^Values converted/).click();
  await expect(page.getByText(/"2,700" → 2700/)).toBeVisible();
  await expect(page.getByText(/rows to send\. One by one: .* requests a minute; in batches of 50/)).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);

  // Not allowed to start until the person decides about the problem rows.
  const start = page.getByRole('button', { name: /^Score \d+ rows$/ });
  await expect(start).toBeDisabled();
  await page.getByLabel('Skip these rows and score the others').check();
  await start.click();

  // Progress, then results.
  await expect(page.getByRole('progressbar', { name: 'Rows done' })).toBeVisible();
  await expect(page.getByTestId('job-state')).toHaveText('Finished', { timeout: 45_000 });
  await expect(page.getByTestId('job-counts')).toContainText(/ done · 0 to go · \d+ failed/);
  const results = page.getByRole('grid', { name: 'Results' });
  await expect(results).toContainText('L-1002');
  await expect(page.getByRole('img', { name: /Histogram of predicted_price over/ })).toBeVisible();

  // Filter to failed rows.
  await page.getByLabel('Show').selectOption('failed');
  await expect(results).not.toContainText('L-1002');
  await expect(results).toContainText('Skipped');
  await page.getByLabel('Show').selectOption('all');
  await screenshot(page, 'bulk-results');

  await expect(page.getByLabel('Save as')).toHaveValue('csv');
  await page.getByRole('button', { name: 'Export…' }).click();
  const saved = page.getByRole('status').filter({ hasText: /^Saved \d+ rows to/ });
  await expect(saved).toBeVisible();
  const path = (await saved.locator('code').textContent())!;
  expect(path.startsWith(join(harness.dataDir, 'downloads'))).toBe(true);

  const rows = Papa.parse<string[]>(readFileSync(path, 'utf8').trimEnd()).data;
  const original = Papa.parse<string[]>(readFileSync(DEMO, 'utf8').trimEnd()).data;
  expect(rows[0]).toEqual([...original[0]!, 'predicted_price', 'status', 'error', 'request_id']);
  expect(rows).toHaveLength(original.length);
  // Numbers are read per column as the job reads them: formats decided on the first rows.
  const mapping = automaticMapping(original[0]!, houseFields());
  const reading = decideColumnReading(original[0]!, houseFields(), mapping, original.slice(1, 1 + FORMAT_SAMPLE_ROWS));
  const mapper = createRowMapper(original[0]!, houseFields(), mapping, { numberFormats: reading.numberFormats });
  let ok = 0;
  for (let i = 1; i < rows.length; i++) {
    const r = rows[i]!;
    expect(r.slice(0, original[0]!.length)).toEqual(original[i]!.map((c) => (/^[=+\-@]/.test(c) && !/^[+-]?\d/.test(c) ? `'${c}` : c)));
    if (r[6] === 'ok') {
      ok++;
      const mapped = mapper.toInput(original[i]!);
      if (!mapped.ok) throw new Error(`row ${i + 1} is ok in the export but its values do not map`);
      expect(Number(r[5])).toBe(predictFor('house-prices', '1', mapped.input).predicted_price);
      expect(r[8]).not.toBe('');
    } else {
      expect(['skipped', 'invalid_input']).toContain(r[6]);
      expect(r[7]).not.toBe('');
    }
  }
  expect(ok).toBeGreaterThan(100);
  expect(consoleErrors).toEqual([]);
});
