import { mkdirSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import type { Page } from '@playwright/test';
import { test, expect, seriousA11yViolations } from './fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { demoModels, describeInputSchema } from '../sandbox/models';
import { fieldsFromAnySchema } from '../shared/domain/schema-convert';
import { addModel, call, createAccount, openDemo, predictButton, restoreDemo, screenshot, selectModel, useAccount } from './helpers/app';
import type { Account } from '../shared/ipc/accounts';

// Issue 18 as a person meets it on the Predict screen: labels in every message, examples the
// model accepts, no stale error panel, uncertainty, what-if on a category, keyboard order and zoom.

const KEY = 'plain-words-key-6d2e91a0c3b4';
let sandbox: RunningSandbox;
let account: Account;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  sandbox = await startSandbox({ config: { keys: [{ key: KEY }], modelStates: { 'loan-approval/1': 'READY' } } });
});
test.afterAll(async ({ browser, harness }) => {
  await restoreDemo(browser, harness.pageUrl);
  await sandbox?.close();
});

/** Screenshots for the person reviewing the change, at the window size the issue used. */
const SHOTS = process.env['FORM_SHOTS_DIR'];
async function shot(page: Page, name: string): Promise<void> {
  await screenshot(page, name);
  if (!SHOTS) return;
  mkdirSync(SHOTS, { recursive: true });
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    await page.screenshot({ path: join(SHOTS, `${name}-${scheme}.png`), fullPage: true });
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

async function axeBothThemes(page: Page): Promise<void> {
  for (const scheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme: scheme });
    expect(await seriousA11yViolations(page), `${scheme} theme`).toEqual([]);
  }
  await page.emulateMedia({ colorScheme: 'light' });
}

/** The schema Plexe gives for newer models: JSON Schema with ranges, allowed values and descriptions. */
function fullFields(m: (typeof demoModels)[number]) {
  return fieldsFromAnySchema(describeInputSchema({ ...m, describeStyle: 'json-schema' }));
}

test('messages name fields by their label; huge numbers are repeated as typed; hints are sentences; typical error', async ({ page, harness }) => {
  await page.setViewportSize({ width: 900, height: 600 });
  await openDemo(page, harness.pageUrl);
  account = await createAccount(page, { name: 'Plain words', baseUrl: sandbox.url, key: KEY });
  for (const m of demoModels) await addModel(page, account.id, m.name, m.version, fullFields(m));
  await useAccount(page, account.id);
  const house = (await call<{ displayName: string; ref: { name: string } }[]>(page, 'models', 'listSaved', { profileId: account.id })).find((m) => m.displayName.startsWith('house-prices v'))!;
  await selectModel(page, house.displayName);
  const form = page.locator('#predict-form');
  const area = form.getByLabel(/Square footage/);
  await area.fill('50');
  await area.blur();
  await expect(page.getByText('Square footage must be at least 100 (got 50).')).toBeVisible();
  await area.fill('99999999999999999999');
  await expect(page.getByText('Square footage must be at most 20,000 (got 99999999999999999999).')).toBeVisible();
  await expect(form).not.toContainText('square_footage must');
  await expect(form).toContainText('Interior floor area in square feet. From 100 to 20,000.');
  await page.getByRole('button', { name: 'Fill with an example' }).click();
  await predictButton(page).click();
  // Uncertainty: the model card's RMSE beside the value; nothing shown that does not apply.
  await expect(page.getByTestId('typical-error')).toHaveText('± $41,250 typical error');
  await expect(page.getByRole('region', { name: 'Prediction' })).not.toContainText('not reported');
  await expect(page.getByRole('region', { name: 'Prediction' })).not.toContainText('not given');
  await shot(page, 'predict-result');
  await axeBothThemes(page);
});

test('a server refusal speaks plain words first, with code and HTTP status under Details, and clears once fixed', async ({ page, harness }) => {
  await page.setViewportSize({ width: 900, height: 600 });
  await page.goto(harness.pageUrl);
  // The schema as the app has it after a hand edit: no range, so the server is the one that refuses.
  const house = await call<{ displayName: string }>(page, 'models', 'saveModel', {
    profileId: account.id,
    ref: { kind: 'model', name: 'house-prices', version: '1' },
    displayName: 'House (no ranges)',
    schema: {
      source: 'manual',
      fields: [
        { name: 'square_footage', type: 'number', required: true, description: 'Interior floor area in square feet' },
        { name: 'bedrooms', type: 'integer', required: true },
        { name: 'bathrooms', type: 'number', required: true },
        { name: 'location', type: 'choice', required: true, choices: ['urban', 'suburban', 'rural'] },
      ],
    },
  });
  await page.reload();
  await selectModel(page, house.displayName);
  const form = page.locator('#predict-form');
  await form.getByLabel(/Square footage/).fill('50');
  await form.getByLabel(/Bedrooms/).fill('2');
  await form.getByLabel(/Bathrooms/).fill('1');
  await form.getByLabel(/Location/).selectOption('urban');
  await predictButton(page).click();
  const panel = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'Some values were not accepted' }) });
  await expect(panel).toBeVisible();
  // Plain words first: the code and HTTP status wait under "Details".
  await expect(panel.getByText('invalid_input')).toBeHidden();
  await expect(panel.getByText('HTTP status')).toBeHidden();
  await expect(form).toContainText(/Square footage must be at least 100/);
  await expect(form).not.toContainText('square_footage must');
  await panel.getByText('Details').click();
  await expect(panel.getByText('invalid_input')).toBeVisible();
  await expect(panel.getByText('HTTP status')).toBeVisible();
  await shot(page, 'predict-error-panel');
  await axeBothThemes(page);

  // Fixing the named field clears the panel.
  await form.getByLabel(/Square footage/).fill('1500');
  await expect(panel).toHaveCount(0);
  // A panel about the server (here: the model stopped) clears once a what-if shows it answers again.
  sandbox.setModelState('house-prices/1', 'BUILDING');
  await predictButton(page).click();
  const down = page.getByRole('alert').filter({ has: page.getByRole('heading', { name: 'The model is not running right now' }) });
  await expect(down).toBeVisible({ timeout: 40_000 });
  sandbox.setModelState('house-prices/1', 'READY');
  await page.getByLabel('Field to vary').selectOption({ label: 'Location' });
  await page.getByRole('button', { name: 'Run what-if' }).click();
  await expect(page.getByTestId('whatif-table').locator('tbody tr')).toHaveCount(3);
  await expect(down).toHaveCount(0);
});

test('what-if varies a category: one bar per allowed value, axes with label and unit', async ({ page, harness }) => {
  await page.setViewportSize({ width: 900, height: 600 });
  await page.goto(harness.pageUrl);
  const model = (await call<{ displayName: string; ref: { name: string } }[]>(page, 'models', 'listSaved', { profileId: account.id })).find((m) => m.displayName.startsWith('house-prices v'))!;
  await selectModel(page, model.displayName);
  await page.getByRole('button', { name: 'Fill with an example' }).click();
  await page.getByLabel('Field to vary').selectOption({ label: 'Location' });
  await expect(page.getByTestId('whatif-each')).toHaveText('One bar for each value: urban, suburban, rural.');
  await page.getByRole('button', { name: 'Run what-if' }).click();
  const table = page.getByTestId('whatif-table');
  await expect(table.locator('tbody tr')).toHaveCount(3);
  await expect(page.getByRole('img', { name: /Predicted price \(US dollars\) against Location/ })).toBeVisible();
  await expect(table.locator('thead')).toContainText('Location');
  await expect(table.locator('thead')).toContainText('Predicted price');
  await shot(page, 'predict-whatif-category');
  await axeBothThemes(page);
});

test('"Fill with an example" gives values the sandbox accepts, for every demo model, from the schema alone', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  const saved = await call<{ displayName: string; ref: { name: string } }[]>(page, 'models', 'listSaved', { profileId: account.id });
  const refusals = () => sandbox.requestLog().filter((e) => e.path?.includes('/infer') && e.status === 400).length;
  const refusedBefore = refusals();
  for (const m of demoModels) {
    const fields = fullFields(m);
    const model = saved.find((x) => x.ref.name === m.name && x.displayName.startsWith(`${m.name} v${m.version}`))!;
    await selectModel(page, model.displayName);
    await predictButton(page).waitFor();
    await page.getByRole('button', { name: 'Fill with an example' }).click();
    for (const f of fields) {
      const control = page.locator('#predict-form').getByLabel(new RegExp(`\\b${f.name}\\b`));
      if (f.type !== 'boolean') await expect(control, f.name).not.toHaveValue('');
    }
    await predictButton(page).click();
    await expect(page.getByRole('region', { name: 'Prediction' }), m.name).toBeVisible();
  }
  expect(refusals()).toBe(refusedBefore);
});

test('keyboard: a skip link to the form, the fields before model management; at 200% zoom the form comes first', async ({ page, harness }) => {
  await page.setViewportSize({ width: 900, height: 600 });
  await page.goto(harness.pageUrl);
  await page.reload();
  await expect(page.locator('#predict-form')).toBeVisible();
  await page.keyboard.press('Tab');
  await expect(page.getByRole('link', { name: 'Skip to the form' })).toBeFocused();
  await page.keyboard.press('Enter');
  await expect(page.locator('#predict-form').getByLabel(/Square footage/)).toBeFocused();

  // Without the skip link: every form field is reached before "Remove model" and the models list.
  await page.reload();
  await expect(page.locator('#predict-form')).toBeVisible();
  const order: string[] = [];
  for (let i = 0; i < 40; i++) {
    await page.keyboard.press('Tab');
    order.push(await page.evaluate(() => {
      const el = document.activeElement as HTMLElement | null;
      return el ? `${el.id || ''}|${(el.textContent ?? '').trim().slice(0, 30)}` : '';
    }));
  }
  const firstField = order.findIndex((o) => o.startsWith('predict-form-f0|'));
  const remove = order.findIndex((o) => o.endsWith('|Remove model'));
  const addModelButton = order.findIndex((o) => o.endsWith('|Add model'));
  expect(firstField).toBeGreaterThan(-1);
  expect(firstField).toBeLessThan(12);
  expect(remove).toBeGreaterThan(firstField);
  expect(addModelButton).toBeGreaterThan(firstField);

  // 200% zoom at 900×600 is a 450×300 CSS-pixel window: the form is above the models panel.
  await page.setViewportSize({ width: 450, height: 300 });
  const formTop = await page.locator('#predict-form').evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
  const sideTop = await page.getByRole('complementary', { name: 'Models' }).evaluate((el) => el.getBoundingClientRect().top + window.scrollY);
  expect(formTop).toBeLessThan(sideTop);
  expect(formTop).toBeLessThan(600);
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
  await shot(page, 'predict-zoom-200');
});

test('details: the account select shows the whole name, the pill keeps its distance, switches sit under their label, fields line up', async ({ page, harness }) => {
  await page.setViewportSize({ width: 900, height: 600 });
  await openDemo(page, harness.pageUrl);
  const select = page.locator('#account-switch');
  expect(await select.evaluate((el) => el.scrollWidth <= el.clientWidth)).toBe(true);
  const name = await page.locator('header .active-account strong').boundingBox();
  const pill = await page.locator('header .active-account .badge').first().boundingBox();
  expect(pill!.x - (name!.x + name!.width)).toBeGreaterThanOrEqual(6);

  await page.getByRole('complementary', { name: 'Models' }).getByRole('button', { name: /churn v1/i }).click();
  const form = page.locator('#predict-form');
  const label = await form.locator('label', { hasText: 'Paperless billing' }).boundingBox();
  const toggle = await form.getByRole('switch', { name: /Paperless billing/ }).boundingBox();
  expect(toggle!.y).toBeGreaterThan(label!.y + label!.height - 1);
  // Controls in one row of the grid share a top edge, whatever their labels' lengths.
  const tops = await form.locator('input:not([type=checkbox]), select').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().top)));
  const lefts = await form.locator('input:not([type=checkbox]), select').evaluateAll((els) => els.map((e) => Math.round(e.getBoundingClientRect().left)));
  expect(new Set(lefts).size).toBeGreaterThan(1);
  for (let i = 1; i < tops.length; i++) if (lefts[i]! > lefts[i - 1]!) expect(tops[i]).toBe(tops[i - 1]);
  // The model's name is said once, its version written one way, with spaces around the separators.
  await expect(page.getByText('v1 · Demo workspace · fields from Plexe')).toBeVisible();
  const list = page.getByRole('complementary', { name: 'Models' });
  await expect(list.getByRole('button', { name: /churn v1/i })).not.toContainText('customer-churn v1customer-churn');
});

test('a classification lists every class\u2019s confidence when the answer has them', async ({ page, harness }) => {
  // A deployment that answers with a probability for each class (the sandbox answers with one confidence).
  const server = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    if (req.url?.endsWith('/status')) return res.end(JSON.stringify({ status: 'READY' }));
    if (req.url?.endsWith('/infer')) {
      return res.end(JSON.stringify({ request_id: 'req_probs_1', result: { predicted_class: 'silver', probabilities: { gold: 0.2, silver: 0.7, bronze: 0.1 } }, model_id: 'm', model_version: '1' }));
    }
    res.statusCode = 404;
    res.end(JSON.stringify({ error: { code: 'not_found', message: 'no' } }));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  try {
    const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    await page.goto(harness.pageUrl);
    const tiers = await createAccount(page, { name: 'Tiers', baseUrl: url, key: 'tiers-key-1234567890' });
    const m = await addModel(page, tiers.id, 'tier', '1', [{ name: 'spend', type: 'number', required: true }]);
    await useAccount(page, tiers.id);
    await selectModel(page, m.displayName);
    await page.locator('#predict-form').getByLabel(/Spend/).fill('120');
    await predictButton(page).click();
    await expect(page.getByTestId('predicted-class')).toHaveText('silver');
    const table = page.getByTestId('class-confidences');
    await expect(table.locator('tr')).toHaveText([/silver\s*70%/, /gold\s*20%/, /bronze\s*10%/]);
    await expect(page.getByRole('region', { name: 'Prediction' })).not.toContainText('Predicted class');
    await call(page, 'accounts', 'deleteAccount', { id: tiers.id });
  } finally {
    await new Promise<void>((ok) => server.close(() => ok()));
  }
});
