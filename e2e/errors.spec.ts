import { test, expect, seriousA11yViolations } from './fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { addModel, createAccount, predictButton, restoreDemo, screenshot, selectModel, useAccount } from './helpers/app';
import type { Account } from '../shared/ipc/accounts';
import type { FieldSpec, SavedModel } from '../shared/domain/model';
import type { Page } from '@playwright/test';

// Every error panel, reached through the sandbox: fault injection, model states, wrong keys.

const KEY = 'errors-key-5b0e8d7731c2';
const LIMITED = 'limited-key-a91c44f0d2e7';
const HOUSE_FIELDS: FieldSpec[] = [
  { name: 'square_footage', type: 'number', required: true },
  { name: 'bedrooms', type: 'integer', required: true },
  { name: 'bathrooms', type: 'number', required: true },
  { name: 'location', type: 'choice', required: true, choices: ['urban', 'suburban', 'rural'] },
];
const HOUSE_ROW = { square_footage: '1500', bedrooms: '3', bathrooms: '2', location: 'suburban' };
const NO_FAULTS = { p429: 0, p500: 0, p502: 0, p503: 0, p504: 0, pDrop: 0, pTruncate: 0, pSlow: 0 };

let sandbox: RunningSandbox;
let main: Account;
let house: SavedModel;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  sandbox = await startSandbox({ config: { keys: [{ key: KEY }, { key: LIMITED, models: ['house-prices/1'] }] } });
});
test.afterAll(async ({ browser, harness }) => {
  await restoreDemo(browser, harness.pageUrl);
  await sandbox?.close();
});
test.afterEach(() => {
  sandbox.setFaults(NO_FAULTS);
  sandbox.setModelState('house-prices/1', 'READY');
});

async function fill(page: Page, values: Record<string, string>): Promise<void> {
  for (const [name, v] of Object.entries(values)) {
    const control = page.locator('#predict-form').getByLabel(new RegExp(`\\b${name}\\b`));
    if ((await control.evaluate((el) => el.tagName)) === 'SELECT') await control.selectOption(v);
    else await control.fill(v);
  }
}

async function panel(page: Page, title: string) {
  const alert = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: title }) });
  await expect(alert).toBeVisible({ timeout: 20_000 });
  return alert;
}

test('set-up: an account on the sandbox with a model', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  main = await createAccount(page, { name: 'Errors', baseUrl: sandbox.url, key: KEY });
  house = await addModel(page, main.id, 'house-prices', '1', HOUSE_FIELDS);
  await useAccount(page, main.id);
  await selectModel(page, house.displayName);
  await fill(page, HOUSE_ROW);
  await predictButton(page).click();
  await expect(page.getByTestId('predicted-value')).toBeVisible();
});

test('400: the server’s field details appear next to the fields', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  await selectModel(page, house.displayName);
  // The saved schema has no maximum, so the form lets 50 bedrooms through; the server does not.
  await fill(page, { ...HOUSE_ROW, bedrooms: '50' });
  await predictButton(page).click();
  const p = await panel(page, 'Some values were not accepted');
  await expect(p).toContainText('Each problem is shown next to its field above.');
  const bedrooms = page.locator('#predict-form').getByLabel(/\bbedrooms\b/);
  await expect(bedrooms).toHaveAttribute('aria-invalid', 'true');
  await expect(page.locator('#predict-form')).toContainText('Bedrooms must be at most 20 (got 50).');
  await screenshot(page, 'error-400-fields');
  expect(await seriousA11yViolations(page)).toEqual([]);
});

test('401: a wrong key sends the person to Accounts', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  const wrong = await createAccount(page, { name: 'Wrong key', baseUrl: sandbox.url, key: 'not-the-right-key-000' });
  const m = await addModel(page, wrong.id, 'house-prices', '1', HOUSE_FIELDS);
  await useAccount(page, wrong.id);
  await selectModel(page, m.displayName);
  await expect(page.getByTestId('model-status')).toHaveText('Status unknown');
  await fill(page, HOUSE_ROW);
  await predictButton(page).click();
  const p = await panel(page, 'Your API key was rejected');
  await expect(p).toContainText('Replace key');
  await p.getByRole('button', { name: 'Open Accounts' }).click();
  await expect(page.getByRole('heading', { name: 'Accounts', level: 2 })).toBeVisible();
});

test('403: a key that may not use this model', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  const limited = await createAccount(page, { name: 'Limited', baseUrl: sandbox.url, key: LIMITED });
  const churn = await addModel(page, limited.id, 'customer-churn', '1', [
    { name: 'tenure_months', type: 'integer', required: true },
    { name: 'monthly_charges', type: 'number', required: true },
    { name: 'contract', type: 'choice', required: true, choices: ['month-to-month', 'one-year', 'two-year'] },
    { name: 'support_calls', type: 'integer', required: true },
    { name: 'paperless_billing', type: 'boolean', required: true },
  ]);
  await useAccount(page, limited.id);
  await selectModel(page, churn.displayName);
  await fill(page, { tenure_months: '12', monthly_charges: '70', contract: 'one-year', support_calls: '1' });
  await predictButton(page).click();
  const p = await panel(page, 'This key may not use this model');
  await expect(p.getByRole('button', { name: 'Open Accounts' })).toBeVisible();
});

test('404: a model that does not exist', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  const ghost = await addModel(page, main.id, 'no-such-model', '3', [{ name: 'x', type: 'number', required: true }]);
  await useAccount(page, main.id);
  await selectModel(page, ghost.displayName);
  await fill(page, { x: '1' });
  await predictButton(page).click();
  const p = await panel(page, 'Model not found');
  await p.getByText('Details').click();
  await expect(p.getByText('HTTP status')).toBeVisible();
  await expect(p).toContainText('not_found');
});

test('429: "retrying in N s" counts down, Cancel stops it; a lasting 429 ends in its panel', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  await selectModel(page, house.displayName);
  await fill(page, HOUSE_ROW);
  // One good prediction first, so the app knows the model is READY and the next call goes straight out.
  await predictButton(page).click();
  await expect(page.getByTestId('predicted-value')).toBeVisible();
  sandbox.setFaults({ p429: 1, retryAfterSeconds: 5 });
  await predictButton(page).click();
  const countdown = page.getByTestId('retry-countdown');
  await expect(countdown).toContainText(/Retrying in [45] s/);
  await expect(page.getByRole('heading', { name: 'Plexe asked us to slow down' })).toBeVisible();
  await screenshot(page, 'error-429-retrying');
  await page.getByRole('button', { name: 'Cancel' }).click();
  await expect(page.getByRole('status').filter({ has: page.getByRole('heading', { name: 'Cancelled' }) })).toBeVisible();
  await expect(page.getByTestId('retry-countdown')).toHaveCount(0);

  sandbox.setFaults({ p429: 1, retryAfterSeconds: 1 });
  await predictButton(page).click();
  const p = await panel(page, 'Plexe asked us to slow down');
  await p.getByText('Details').click();
  await expect(p).toContainText('rate_limit_exceeded');
});

test('500: the model could not make a prediction', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  await selectModel(page, house.displayName);
  await fill(page, HOUSE_ROW);
  sandbox.setFaults({ p500: 1 });
  await predictButton(page).click();
  const p = await panel(page, 'The model could not make a prediction');
  await expect(p).toContainText('request ID');
});

test('503, 502: the model is not running; the gateway did not answer (after visible retries)', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  await selectModel(page, house.displayName);
  await fill(page, HOUSE_ROW);
  sandbox.setFaults({ p503: 1 });
  await predictButton(page).click();
  await panel(page, 'The model is not running right now');
  sandbox.setFaults({ ...NO_FAULTS, p502: 1 });
  await predictButton(page).click();
  await panel(page, 'Plexe’s gateway did not answer');
});

test('network: an address nothing answers at', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  const dead = await startSandbox({});
  const url = dead.url;
  await dead.close();
  const offline = await createAccount(page, { name: 'Nowhere', baseUrl: url, key: KEY });
  const m = await addModel(page, offline.id, 'house-prices', '1', HOUSE_FIELDS);
  await useAccount(page, offline.id);
  await selectModel(page, m.displayName);
  await fill(page, HOUSE_ROW);
  await predictButton(page).click();
  const p = await panel(page, 'Could not reach Plexe');
  await expect(p).toContainText(/refused|reach/);
});

test('a model that is not READY is refused before anything is sent', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  await useAccount(page, main.id);
  sandbox.setModelState('house-prices/1', 'BUILDING');
  await selectModel(page, house.displayName);
  await expect(page.getByTestId('model-status')).toHaveText('BUILDING');
  await expect(page.getByTestId('not-ready')).toContainText('Predictions are only sent to a model that is READY');
  await expect(predictButton(page)).toBeDisabled();
  sandbox.setModelState('house-prices/1', 'READY');
  await page.getByRole('button', { name: 'Check again' }).click();
  await expect(page.getByTestId('model-status')).toHaveText('READY');
  await expect(predictButton(page)).toBeEnabled();
});

test('timeout: a model slower than the wait set in Settings ends in its panel', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  await useAccount(page, main.id);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('main');
  await dialog.getByLabel('Wait for an answer').fill('1');
  await dialog.getByLabel('Tries per request').fill('1');
  await dialog.getByRole('button', { name: 'Save settings' }).click();
  await expect(dialog.getByRole('status').filter({ hasText: 'Saved.' })).toBeVisible();
  expect(await seriousA11yViolations(page)).toEqual([]);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Predict' }).click();
  try {
    await selectModel(page, house.displayName);
    await fill(page, HOUSE_ROW);
    sandbox.setFaults({ pSlow: 1, slowMs: 3_000 });
    await predictButton(page).click();
    await panel(page, 'No answer in time');
  } finally {
    await page.evaluate(() => (window as unknown as { plexe: { settings: { resetEngine(): Promise<unknown> } } }).plexe.settings.resetEngine());
  }
});

test('settings refuse a value out of range, naming the field', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Settings' }).click();
  const dialog = page.getByRole('main');
  await dialog.getByLabel('Tries per request').fill('0');
  await dialog.getByRole('button', { name: 'Save settings' }).click();
  await expect(dialog.getByRole('alert')).toContainText('Tries per request: enter a number from 1 to 20');
  await expect(dialog.getByLabel('Tries per request')).toHaveAttribute('aria-invalid', 'true');
});
