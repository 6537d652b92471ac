import { resolve } from 'node:path';
import { test, expect, seriousA11yViolations } from './fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { call, openDemo, predictButton, restoreDemo, screenshot, selectModel } from './helpers/app';
import type { Account } from '../shared/ipc/accounts';

// Connecting a real account (here: a second sandbox with its own key), listing and adding its
// models, predicting with them, editing a schema by hand, and removing keys and accounts.

const KEY = 'team-key-7f3a9c2e41d8';
let sandbox: RunningSandbox;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  sandbox = await startSandbox({ config: { keys: [{ key: KEY }] } });
});
test.afterAll(async ({ browser, harness }) => {
  await restoreDemo(browser, harness.pageUrl);
  await sandbox?.close();
});

test('connect an account: name, key, base URL under Advanced, test, list and add a model, predict', async ({ page, harness, consoleErrors }) => {
  await openDemo(page, harness.pageUrl);
  await page.getByTestId('demo-banner').getByRole('button', { name: 'Connect your Plexe account' }).click();
  const form = page.getByRole('form', { name: 'Connect your Plexe account' });
  await expect(form.getByLabel('Account name', { exact: true })).toBeFocused();
  await form.getByLabel('Account name', { exact: true }).fill('Staging');
  await form.getByLabel('API key', { exact: true }).fill(KEY);
  await expect(form.getByLabel('API key', { exact: true })).toHaveAttribute('type', 'password');
  await form.getByText('Advanced').click();
  await form.getByLabel('Base URL', { exact: true }).fill(sandbox.url);
  await form.getByLabel('Requests per minute', { exact: true }).fill('600');
  const sessionOnly = form.getByLabel(/Keep the key for this session only/);
  if (await sessionOnly.isVisible()) await sessionOnly.check();
  await form.getByRole('button', { name: 'Save and test connection' }).click();

  const card = page.getByRole('article', { name: 'Staging' });
  await expect(card.getByTestId('connection-ok')).toContainText(/Connected in .*4 models on this account/);
  // The key is never shown back: only its last four characters.
  await expect(card.getByTestId('key-status')).toContainText(`…${KEY.slice(-4)}`);
  await expect(page.locator('body')).not.toContainText(KEY);
  await expect(page.getByText('"Staging" is saved and is now the active account.')).toBeVisible();
  await expect(card.getByText('house-prices', { exact: true })).toBeVisible();
  await screenshot(page, 'accounts-connected');
  expect(await seriousA11yViolations(page)).toEqual([]);

  await card.getByRole('button', { name: 'Add house-prices v1' }).click();
  await expect(card.getByText('Added.')).toBeVisible();

  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Predict' }).click();
  await expect(page.getByLabel('Account')).toHaveValue(/.+/);
  await expect(page.getByTestId('demo-banner')).toHaveCount(0);
  await selectModel(page, 'house-prices v1');
  // A real account's form starts empty; "Fill with an example" gives a value per field to edit.
  await expect(page.getByLabel(/Square footage/)).toHaveValue('');
  await page.getByRole('button', { name: 'Fill with an example' }).click();
  // The flat schema has no ranges: typical values for the field names, never an empty required field.
  await expect(page.getByLabel(/Bedrooms/)).toHaveValue('3');
  await expect(page.getByLabel(/Square footage/)).toHaveValue('1500');
  await expect(page.getByLabel(/Location/)).not.toHaveValue('');
  await page.getByLabel(/Square footage/).fill('1500');
  await page.getByLabel(/Location/).fill('urban');
  await predictButton(page).click();
  await expect(page.getByTestId('predicted-value')).toHaveText(/^\$[\d,]+/);
  const log = sandbox.requestLog();
  expect(log.some((e) => e.path?.includes('/models/house-prices/1/infer') && e.status === 200)).toBe(true);
  expect(harness.output()).not.toContain(KEY);
  expect(consoleErrors).toEqual([]);
});

test('add a model by endpoint URL with its schema from a JSON file, then edit the schema by hand', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  await page.getByRole('complementary', { name: 'Models' }).getByRole('button', { name: 'Add model' }).click();
  const dialog = page.getByRole('dialog', { name: /Add a model to Staging/ });
  await dialog.getByLabel('Paste an endpoint URL').check();
  await dialog.getByLabel('Endpoint URL', { exact: true }).fill('https://api.example.com/models/nope');
  await dialog.getByRole('button', { name: 'Read URL' }).click();
  await expect(dialog.getByRole('alert')).toBeVisible();
  await dialog.getByLabel('Endpoint URL', { exact: true }).fill(`${sandbox.url.replace(/\/$/, '')}/models/house-prices/1/infer`);
  await dialog.getByRole('button', { name: 'Read URL' }).click();
  await expect(dialog.getByText(/Found house-prices v1/)).toBeVisible();
  await dialog.getByLabel('Import a schema file (JSON)').setInputFiles(resolve(import.meta.dirname, 'fixtures-data/house-schema.json'));
  await expect(dialog.getByText('5 fields read from house-schema.json.')).toBeVisible();

  // Edit: remove the optional note, make bathrooms a whole number with a maximum, move location first.
  await dialog.getByRole('button', { name: 'Remove listing_note' }).click();
  await expect(dialog.getByRole('group', { name: /listing_note/ })).toHaveCount(0);
  const baths = dialog.getByRole('group', { name: 'Field 3: bathrooms' });
  await baths.getByLabel('Type', { exact: true }).selectOption('integer');
  await baths.getByLabel('Maximum', { exact: true }).fill('6');
  await baths.getByLabel('Description', { exact: true }).fill('Full bathrooms only');
  const location = dialog.getByRole('group', { name: 'Field 4: location' });
  await expect(location.getByLabel('Allowed values', { exact: true })).toHaveValue('urban, suburban, rural');
  await location.getByRole('button', { name: 'Move location up' }).click();
  await dialog.getByRole('group', { name: 'Field 3: location' }).getByRole('button', { name: 'Move location up' }).click();
  await dialog.getByRole('group', { name: 'Field 2: location' }).getByRole('button', { name: 'Move location up' }).click();
  await expect(dialog.getByRole('group').nth(2)).toHaveAccessibleName(/Field 1: location/);
  // A new field without a name blocks saving, with the reason.
  await dialog.getByRole('button', { name: 'Add field' }).click();
  await expect(dialog.getByText('Field 5 needs a name.')).toBeVisible();
  await expect(dialog.getByRole('button', { name: 'Add model' })).toBeDisabled();
  const extra = dialog.getByRole('group', { name: 'Field 5' });
  await extra.getByLabel('Name', { exact: true }).fill('garage');
  await extra.getByLabel('Type', { exact: true }).selectOption('boolean');
  await extra.getByLabel('Required', { exact: true }).uncheck();
  await dialog.getByLabel('Name shown in the app', { exact: true }).fill('Houses from a schema file');
  await screenshot(page, 'add-model-schema-editor');
  expect(await seriousA11yViolations(page)).toEqual([]);
  await dialog.getByRole('button', { name: 'Add model' }).click();
  await expect(dialog).toBeHidden();

  await expect(page.getByRole('heading', { level: 2, name: 'Houses from a schema file' })).toBeVisible();
  const form = page.locator('#predict-form');
  await expect(form.locator('label').first()).toContainText('location');
  await expect(page.getByLabel(/^Location/)).toHaveJSProperty('tagName', 'SELECT');
  await expect(page.getByText('Full bathrooms only')).toBeVisible();
  await page.getByLabel(/^Location/).selectOption('suburban');
  await page.getByLabel(/Square footage/).fill('1500');
  await page.getByLabel(/Bedrooms/).fill('3');
  await page.getByLabel(/Bathrooms/).fill('7');
  await expect(page.getByText('bathrooms must be at most 6 (got 7).')).toBeVisible();
  await page.getByLabel(/Bathrooms/).fill('2');
  await predictButton(page).click();
  await expect(page.getByTestId('predicted-value')).toBeVisible();

  // A saved model's fields can be edited later too.
  await page.getByRole('button', { name: 'Edit fields' }).click();
  const edit = page.getByRole('dialog', { name: 'Edit Houses from a schema file' });
  await edit.getByRole('group', { name: 'Field 4: bathrooms' }).getByLabel('Description', { exact: true }).fill('Bathrooms, half baths rounded down');
  await edit.getByRole('button', { name: 'Save changes' }).click();
  await expect(edit).toBeHidden();
  await expect(page.getByText('Bathrooms, half baths rounded down')).toBeVisible();
});

test('add a model by name and version with its fields inferred from a spreadsheet', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  await page.getByRole('complementary', { name: 'Models' }).getByRole('button', { name: 'Add model' }).click();
  const dialog = page.getByRole('dialog', { name: /Add a model/ });
  await dialog.getByLabel('Name and version').check();
  await dialog.getByLabel('Model name', { exact: true }).fill('customer-churn');
  await dialog.getByLabel('Version', { exact: true }).fill('1');
  await dialog.getByLabel('Infer from a spreadsheet').setInputFiles(resolve(import.meta.dirname, '../sandbox/demo/customer-churn.csv'));
  await expect(dialog.getByText(/fields guessed from the columns of customer-churn.csv/)).toBeVisible();
  await expect(dialog.getByRole('group', { name: /tenure_months/ })).toBeVisible();
  for (const extra of ['customer_id', 'total_charges']) {
    const remove = dialog.getByRole('button', { name: `Remove ${extra}` });
    if ((await remove.count()) > 0) await remove.click();
  }
  await dialog.getByRole('button', { name: 'Add model' }).click();
  await expect(dialog).toBeHidden();
  await expect(page.getByRole('heading', { level: 2, name: 'customer-churn v1' })).toBeVisible();
});

test('add a model picked from the account list, its fields described by Plexe (JSON Schema)', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  await page.getByRole('complementary', { name: 'Models' }).getByRole('button', { name: 'Add model' }).click();
  const dialog = page.getByRole('dialog', { name: /Add a model to Staging/ });
  await expect(dialog.getByLabel('Pick from this account')).toBeChecked();
  await dialog.getByLabel('Model', { exact: true }).selectOption('loan-approval@1');
  await dialog.getByRole('button', { name: 'Get fields from Plexe' }).click();
  await expect(dialog.getByText('4 fields from Plexe. Check them below; you can change anything.')).toBeVisible();
  await expect(dialog.getByRole('group', { name: 'Field 3: credit_score' }).getByLabel('Minimum', { exact: true })).toHaveValue('300');
  await dialog.getByRole('button', { name: 'Add model' }).click();
  await expect(dialog).toBeHidden();
  // Still building on the sandbox: the form refuses to send, and says why.
  await expect(page.getByTestId('model-status')).toHaveText('BUILDING');
  await expect(predictButton(page)).toBeDisabled();
});

test('the account list offers switching, and deleting a key or an account asks first', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Accounts' }).click();
  const accounts = (await call<{ accounts: Account[] }>(page, 'accounts', 'listAccounts')).accounts;
  const demo = accounts.find((a) => a.isDemo)!;
  const staging = page.getByRole('article', { name: 'Staging' });
  await expect(staging.getByText('Active')).toBeVisible();
  await page.getByRole('article', { name: demo.name }).getByRole('button', { name: 'Use this account' }).click();
  await expect(page.getByText(`Now using "${demo.name}".`)).toBeVisible();
  await expect(page.locator('header')).toContainText(demo.name);

  await staging.getByRole('button', { name: 'Delete key' }).click();
  const confirm = page.getByRole('dialog', { name: 'Delete the key of Staging?' });
  await expect(confirm).toBeVisible();
  await expect(confirm.getByRole('button', { name: 'Keep it' })).toBeFocused();
  await page.keyboard.press('Escape');
  await expect(confirm).toBeHidden();
  await expect(staging.getByTestId('key-status')).toContainText('…');
  await staging.getByRole('button', { name: 'Delete key' }).click();
  await confirm.getByRole('button', { name: 'Delete key' }).click();
  await expect(staging.getByTestId('key-status')).toContainText('No key saved');
  await screenshot(page, 'accounts-list');

  await staging.getByRole('button', { name: 'Delete account' }).click();
  await page.getByRole('dialog', { name: 'Delete Staging?' }).getByRole('button', { name: 'Delete account' }).click();
  await expect(page.getByRole('article', { name: 'Staging' })).toHaveCount(0);
});
