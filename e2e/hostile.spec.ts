import type { Page } from '@playwright/test';
import { test, expect } from './fixtures';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import type { HostileMode } from '../sandbox/faults';
import { addModel, call, createAccount, predictButton, restoreDemo, screenshot, selectModel, useAccount } from './helpers/app';
import type { Account } from '../shared/ipc/accounts';
import type { FieldSpec, SavedModel } from '../shared/domain/model';
import type { JobDetail } from '../shared/ipc/jobs';
import { houseCsv } from '../main/jobs/test-support';

// The app in the browser against a server that misbehaves on purpose (the sandbox's hostile modes),
// and a page that asks main for files nobody chose.

const KEY = 'hostile-key-3f9a71c20b8e';
const HOUSE_FIELDS: FieldSpec[] = [
  { name: 'square_footage', type: 'number', required: true },
  { name: 'bedrooms', type: 'integer', required: true },
  { name: 'bathrooms', type: 'number', required: true },
  { name: 'location', type: 'choice', required: true, choices: ['urban', 'suburban', 'rural'] },
];
const HOUSE_ROW = { square_footage: '1500', bedrooms: '3', bathrooms: '2', location: 'suburban' };

let sandbox: RunningSandbox;
let account: Account;
let house: SavedModel;

test.describe.configure({ mode: 'serial' });

test.beforeAll(async () => {
  sandbox = await startSandbox({ config: { keys: [{ key: KEY }] } });
});
test.afterAll(async ({ browser, harness }) => {
  await restoreDemo(browser, harness.pageUrl);
  await sandbox?.close();
});
test.afterEach(() => sandbox.setFaults({ hostile: null }));

async function fill(page: Page, values: Record<string, string>): Promise<void> {
  for (const [name, v] of Object.entries(values)) {
    const control = page.locator('#predict-form').getByLabel(new RegExp(`\\b${name}\\b`));
    if ((await control.evaluate((el) => el.tagName)) === 'SELECT') await control.selectOption(v);
    else await control.fill(v);
  }
}

async function predictWith(page: Page, pageUrl: string, mode: HostileMode) {
  sandbox.setFaults({ hostile: mode });
  await page.goto(pageUrl);
  await selectModel(page, house.displayName);
  await fill(page, HOUSE_ROW);
  await predictButton(page).click();
  const alert = page.getByRole('alert').filter({ has: page.getByRole('heading') });
  await expect(alert).toBeVisible({ timeout: 30_000 });
  return alert;
}

test('set-up: an account on the sandbox with a model', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  account = await createAccount(page, { name: 'Hostile', baseUrl: sandbox.url, key: KEY });
  house = await addModel(page, account.id, 'house-prices', '1', HOUSE_FIELDS);
  await useAccount(page, account.id);
});

test('a redirect is refused, named, and never followed with the key', async ({ page, harness }) => {
  const alert = await predictWith(page, harness.pageUrl, 'redirect-port');
  await expect(alert).toContainText(`The server answered with a redirect to http://127.0.0.1:${sandbox.port + 1}/models/house-prices/1/infer; Plexe Desktop never follows a redirect with your key.`);
  await expect(alert).toContainText('Check the base URL of this account');
  expect(sandbox.requestLog().filter((e) => e.fault === 'hostile:redirect-port')).toHaveLength(1);
  await screenshot(page, 'hostile-redirect');
});

test('a 300 MB answer is cut off at 16 MB with a plain message', async ({ page, harness }) => {
  const alert = await predictWith(page, harness.pageUrl, 'huge-body-chunked');
  await expect(alert).toContainText('The answer was larger than 16 MB, so Plexe Desktop stopped reading it.');
});

test('a Retry-After in year 9999 is not waited out: the form says when to come back', async ({ page, harness }) => {
  const alert = await predictWith(page, harness.pageUrl, 'retry-after-date');
  await expect(alert).toContainText('Plexe asked us to wait until 9999-12-31 23:59 UTC before sending more requests.');
  await expect(alert).toContainText('does not wait longer than 1 hour');
  await screenshot(page, 'hostile-come-back-later');
});

test('a 100,000-level answer: "nested too deeply", and the app keeps working', async ({ page, harness, consoleErrors }) => {
  const alert = await predictWith(page, harness.pageUrl, 'deep-nesting');
  await expect(alert).toContainText('The answer could not be read (nested too deeply).');
  sandbox.setFaults({ hostile: null });
  await predictButton(page).click();
  await expect(page.getByTestId('predicted-value')).toBeVisible({ timeout: 20_000 });
  expect(consoleErrors).toEqual([]);
});

test('an echoed key reaches neither the screen, the history, nor the harness output', async ({ page, harness }) => {
  const alert = await predictWith(page, harness.pageUrl, 'echo-key');
  await expect(alert).toContainText('[redacted]');
  expect(await page.content()).not.toContain(KEY);
  const history = await call<{ rows: unknown[] }>(page, 'history', 'listPage', { limit: 50 });
  expect(history.rows.length).toBeGreaterThan(0);
  expect(JSON.stringify(history)).not.toContain(KEY);
  const { path } = await call<{ path: string }>(page, 'app', 'chooseSavePath', { suggestedName: 'history.csv', kind: 'csv' });
  await call(page, 'history', 'exportCsv', { filters: {}, path });
  const exported = (await import('node:fs')).readFileSync(path, 'utf8');
  expect(exported).toContain('[redacted]');
  expect(exported).not.toContain(KEY);
  expect(harness.output()).not.toContain(KEY);
});

test('a bulk job pauses itself with the server’s come-back time', async ({ page, harness }) => {
  test.setTimeout(90_000);
  await page.goto(harness.pageUrl);
  // The upload stands in for the person picking the file.
  const file = await page.evaluate(async (text) => {
    const plexe = (window as unknown as { plexe: { files: { register(f: File): Promise<{ ok: boolean; value?: { path: string } }> } } }).plexe;
    return plexe.files.register(new File([text], 'hostile-bulk.csv', { type: 'text/csv' }));
  }, houseCsv(20));
  expect(file.ok).toBe(true);
  const job = await call<JobDetail>(page, 'jobs', 'createJob', { importId: 'hostile', path: file.value!.path, profileId: account.id, modelId: house.id });
  await call(page, 'jobs', 'checkJob', { jobId: job.id });
  sandbox.setFaults({ hostile: 'retry-after-seconds' });
  await call(page, 'jobs', 'startJob', { jobId: job.id });
  let detail = job;
  await expect.poll(async () => (detail = await call<JobDetail>(page, 'jobs', 'getJob', { jobId: job.id })).state, { timeout: 20_000 }).toBe('paused');
  expect(detail.error?.message).toMatch(/^Plexe asked us to wait until \d{4,}-\d\d-\d\d \d\d:\d\d UTC before sending more requests\. .*Come back after/);
  sandbox.setFaults({ hostile: null });
  await call(page, 'jobs', 'resumeJob', { jobId: job.id });
  await expect.poll(async () => (await call<JobDetail>(page, 'jobs', 'getJob', { jobId: job.id })).state, { timeout: 30_000 }).toBe('done');
});

test('the page cannot read or write files nobody chose', async ({ page, harness }) => {
  await page.goto(harness.pageUrl);
  const results = await page.evaluate(async (home) => {
    const plexe = (window as unknown as { plexe: Record<string, Record<string, (a: unknown) => Promise<{ ok: boolean; error?: { code: string; message: string } }>>> }).plexe;
    return {
      preview: await plexe.jobs!.previewFile!({ path: '/etc/passwd' }),
      sheets: await plexe.jobs!.listSheets!({ path: '/etc/passwd' }),
      exportHistory: await plexe.history!.exportCsv!({ filters: {}, path: `${home}/overwritten.csv` }),
      registerFile: typeof (plexe.app as Record<string, unknown>)['registerFile'],
    };
  }, harness.dataDir);
  expect(results.preview).toMatchObject({ ok: false, error: { code: 'file_not_granted' } });
  expect(results.preview.error!.message).toMatch(/only opens files you chose yourself/);
  expect(results.sheets).toMatchObject({ ok: false, error: { code: 'file_not_granted' } });
  expect(results.exportHistory).toMatchObject({ ok: false, error: { code: 'file_not_granted' } });
  expect(results.registerFile).toBe('undefined');
  // The grant channel itself is closed to the page, even with the harness token.
  const direct = await page.evaluate(async ({ url, token }) => {
    const r = await fetch(`${url}__harness/ipc/app%3Aregister-file`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-harness-token': token }, body: JSON.stringify({ arg: { path: '/etc/passwd' } }) });
    return r.status;
  }, { url: harness.url, token: harness.token });
  expect(direct).toBe(403);
});
