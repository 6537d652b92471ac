import { test, expect, seriousA11yViolations } from './fixtures';
import { openDemo, predictButton, screenshot } from './helpers/app';

// The first run: the demo workspace (embedded sandbox) is ready with its models and an example.

test.describe.configure({ mode: 'serial' });

function modelButton(page: import('@playwright/test').Page, name: RegExp) {
  return page.getByRole('complementary', { name: 'Models' }).getByRole('button', { name });
}

test('first run: demo models listed, form filled, Predict answers within ten seconds', async ({ page, harness, consoleErrors }) => {
  const started = Date.now();
  await openDemo(page, harness.pageUrl);
  await expect(page.getByTestId('demo-banner')).toContainText('Demo workspace');
  await expect(page.getByTestId('demo-banner').getByRole('button', { name: 'Connect your Plexe account' })).toBeVisible();
  await expect(page.locator('header')).toContainText('Demo data');
  await expect(modelButton(page, /house/i)).toBeVisible();
  await expect(modelButton(page, /^(?!.*v2).*churn/i)).toBeVisible();
  // The form is already filled with an example.
  await expect(page.getByLabel(/Square footage/)).not.toHaveValue('');
  await expect(page.getByTestId('model-status')).toHaveText('READY');
  await predictButton(page).click();
  await expect(page.getByTestId('predicted-value')).toHaveText(/^\$[\d,]+/);
  expect(Date.now() - started).toBeLessThan(10_000);
  await expect(page.getByTestId('round-trip')).toHaveText(/\d+(\.\d+)? (ms|s)/);
  await expect(page.getByTestId('request-id')).not.toBeEmpty();
  await expect(page.getByText('Saved in History.')).toBeVisible();
  await page.getByText('Raw answer').click();
  await expect(page.locator('details pre').first()).toContainText('request_id');
  await page.getByRole('button', { name: 'Copy request ID' }).click();
  await expect(page.getByText('Copied.')).toBeVisible();
  // The model card shows the metrics and the feature importance chart.
  await expect(page.getByRole('heading', { name: 'About this model' })).toBeVisible();
  await expect(page.getByRole('img', { name: /Feature importance chart/ })).toBeVisible();
  await screenshot(page, 'predict-demo-result');
  expect(await seriousA11yViolations(page)).toEqual([]);
  expect(consoleErrors).toEqual([]);
});

test('a classifier answers with its class and a confidence bar', async ({ page, harness }) => {
  await openDemo(page, harness.pageUrl);
  await modelButton(page, /^(?!.*v2).*churn/i).click();
  await expect(page.getByRole('switch', { name: /Paperless billing/ })).toBeVisible();
  await expect(page.getByLabel(/Contract/)).not.toHaveValue('');
  await predictButton(page).click();
  await expect(page.getByTestId('predicted-class')).toHaveText(/churn|stay/);
  const meter = page.getByRole('meter', { name: /Confidence/ });
  await expect(meter).toBeVisible();
  const pct = Number(await meter.getAttribute('aria-valuenow'));
  expect(pct).toBeGreaterThanOrEqual(50);
  expect(pct).toBeLessThanOrEqual(100);
});

test('validation as you type: nothing is sent until every field passes', async ({ page, harness }) => {
  await openDemo(page, harness.pageUrl);
  await modelButton(page, /house/i).click();
  const sqft = page.getByLabel(/Square footage/);
  await sqft.fill('');
  await expect(page.getByText('Square footage is required: fill it in.')).toBeVisible();
  await expect(sqft).toHaveAttribute('aria-invalid', 'true');
  await predictButton(page).click();
  await expect(page.getByText(/1 field needs attention before anything is sent/)).toBeVisible();
  await expect(sqft).toBeFocused();
  await expect(page.getByRole('heading', { name: 'Prediction' })).toHaveCount(0);
  await page.getByLabel(/Bedrooms/).fill('2.5');
  await expect(page.getByText(/Bedrooms must be a whole number/)).toBeVisible();
  await sqft.fill('1800');
  await page.getByLabel(/Bedrooms/).fill('3');
  await expect(page.locator('.field .problem')).toHaveCount(0);
  await predictButton(page).click();
  await expect(page.getByTestId('predicted-value')).toBeVisible();
});

test('values pasted as JSON fill the form; Escape closes the dialog', async ({ page, harness }) => {
  await openDemo(page, harness.pageUrl);
  await modelButton(page, /house/i).click();
  await page.getByRole('button', { name: 'Paste JSON' }).click();
  const dialog = page.getByRole('dialog', { name: 'Paste values as JSON' });
  await expect(dialog).toBeVisible();
  await page.keyboard.press('Escape');
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('button', { name: 'Paste JSON' })).toBeFocused();
  await page.getByRole('button', { name: 'Paste JSON' }).click();
  await dialog.getByLabel('JSON object').fill('not json');
  await dialog.getByRole('button', { name: 'Fill the form' }).click();
  await expect(dialog.getByRole('alert')).toContainText('not valid JSON');
  await dialog.getByLabel('JSON object').fill('{"square_footage": 2400, "bedrooms": 4, "bathrooms": 3, "location": "rural", "colour": "red"}');
  await dialog.getByRole('button', { name: 'Fill the form' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByLabel(/Square footage/)).toHaveValue('2400');
  await expect(page.getByLabel(/Location/)).toHaveValue('rural');
  await expect(page.getByText(/Ignored keys that are not fields of this model: colour/)).toBeVisible();
});

test('keyboard only: tab to a field, change it, Enter predicts', async ({ page, harness }) => {
  await openDemo(page, harness.pageUrl);
  await expect(predictButton(page)).toBeEnabled();
  // Tab from the top of the page until the first form field has focus.
  const first = page.getByLabel(/Square footage/);
  let reached = false;
  for (let i = 0; i < 40 && !reached; i++) {
    await page.keyboard.press('Tab');
    reached = await first.evaluate((el) => el === document.activeElement);
    if (!reached) {
      // Every stop on the way shows a visible focus ring.
      const outline = await page.evaluate(() => {
        const el = document.activeElement as HTMLElement | null;
        return el && el !== document.body ? getComputedStyle(el).outlineStyle : 'none';
      });
      expect(outline).not.toBe('none');
    }
  }
  expect(reached).toBe(true);
  await page.keyboard.press('Control+A');
  await page.keyboard.type('2100');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('predicted-value')).toBeVisible();
});

test('a model that is still building is refused with a plain explanation', async ({ page, harness }) => {
  await openDemo(page, harness.pageUrl);
  const loan = modelButton(page, /loan/i);
  test.skip((await loan.count()) === 0, 'the demo workspace has no building model saved');
  await loan.click();
  await expect(page.getByTestId('not-ready')).toContainText(/building/i);
  await expect(page.getByTestId('not-ready')).toContainText('Predictions are only sent to a model that is READY');
  await expect(predictButton(page)).toBeDisabled();
  await screenshot(page, 'predict-not-ready');
});

test('what-if: the cost is shown first, then the prediction is drawn against the field', async ({ page, harness }) => {
  await openDemo(page, harness.pageUrl);
  await modelButton(page, /house/i).click();
  await page.getByLabel('Field to vary').selectOption('square_footage');
  // The range starts around the form's value (1,470 sq ft in the demo example).
  await expect(page.getByLabel('From', { exact: true })).toHaveValue('735');
  await expect(page.getByLabel('To', { exact: true })).toHaveValue('2940');
  await page.getByLabel('From', { exact: true }).fill('1000');
  await page.getByLabel('To', { exact: true }).fill('3000');
  await page.getByLabel('Steps', { exact: true }).fill('5');
  await expect(page.getByTestId('whatif-cost')).toContainText('5 predictions');
  await page.getByLabel('To', { exact: true }).fill('500');
  await expect(page.getByText('"From" must be smaller than "To".')).toBeVisible();
  await expect(page.getByRole('button', { name: 'Run what-if' })).toBeDisabled();
  await page.getByLabel('To', { exact: true }).fill('3000');
  await page.getByRole('button', { name: 'Run what-if' }).click();
  await expect(page.getByRole('img', { name: 'Predicted price (US dollars) against Square footage' })).toBeVisible();
  await page.getByText('As a table').last().click();
  const rows = page.getByTestId('whatif-table').locator('tbody tr');
  await expect(rows).toHaveCount(5);
  // Bigger houses cost more in the demo model: the drawn values rise.
  const prices = (await rows.locator('td:nth-child(2)').allTextContents()).map((t) => Number(t.replace(/[$,]/g, '')));
  expect(prices.every((p, i) => i === 0 || p > prices[i - 1]!)).toBe(true);
  await screenshot(page, 'predict-whatif');
  // Choices: each value once.
  await modelButton(page, /^(?!.*v2).*churn/i).click();
  await page.getByLabel('Field to vary').selectOption('paperless_billing');
  await expect(page.getByTestId('whatif-cost')).toContainText('2 predictions');
  await page.getByRole('button', { name: 'Run what-if' }).click();
  await expect(page.getByRole('img', { name: 'Confidence (0 to 1) against Paperless billing' })).toBeVisible();
});

test('layout holds at 900×600 with text at 200%, and in the dark theme', async ({ page, harness }) => {
  await page.setViewportSize({ width: 900, height: 600 });
  await openDemo(page, harness.pageUrl);
  await expect(predictButton(page)).toBeEnabled();
  await page.evaluate(() => (document.documentElement.style.fontSize = '200%'));
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await predictButton(page).scrollIntoViewIfNeeded();
  await expect(predictButton(page)).toBeInViewport();
  await predictButton(page).click();
  await expect(page.getByTestId('predicted-value')).toBeVisible();
  await screenshot(page, 'predict-900x600-200pct');
  await page.evaluate(() => (document.documentElement.style.fontSize = ''));
  await page.emulateMedia({ colorScheme: 'dark' });
  await expect(page.getByTestId('predicted-value')).toBeVisible();
  await screenshot(page, 'predict-dark');
  expect(await seriousA11yViolations(page)).toEqual([]);
});
