import { _electron as electron, expect, test, type ElectronApplication, type Page } from '@playwright/test';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

// What only the real app exercises: the Electron window, the real IPC binding and preload, the OS
// keychain, native modules on Electron's ABI, and Electron's net.fetch. Runs where an Electron binary
// is installed (CI); scripts/electron-e2e.mjs says when it skips.

const ROOT = resolve(import.meta.dirname, '../..');
const DEMO = join(ROOT, 'sandbox/demo/house-prices.csv');

async function launch(): Promise<{ app: ElectronApplication; page: Page }> {
  const userData = mkdtempSync(join(tmpdir(), 'plexe-electron-'));
  const app = await electron.launch({ args: [join(ROOT, 'out/main/index.js'), `--user-data-dir=${userData}`], cwd: ROOT });
  const page = await app.firstWindow();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
  return { app, page };
}

type Result = { ok: boolean; value?: unknown; error?: { code: string; message: string } };

/** One call through the page's window.plexe, i.e. through the preload and the real ipcMain binding. */
async function call<T>(page: Page, domain: string, verb: string, arg?: unknown): Promise<T> {
  const r = await page.evaluate(
    async ([d, v, a]) => (window as unknown as { plexe: Record<string, Record<string, (x?: unknown) => Promise<Result>>> }).plexe[d as string]![v as string]!(a ?? undefined),
    [domain, verb, arg ?? null] as const,
  );
  if (!r.ok) throw new Error(`${domain}.${verb} failed: ${r.error?.code}: ${r.error?.message}`);
  return r.value as T;
}

test('the app opens one sandboxed window on the demo workspace', async () => {
  const { app, page } = await launch();
  try {
    expect(page.url()).toBe('app://plexe/index.html');
    // The renderer has window.plexe and nothing of Node.
    const surface = await page.evaluate(() => ({
      plexe: typeof (window as unknown as { plexe?: unknown }).plexe,
      require: typeof (window as unknown as { require?: unknown }).require,
      process: typeof (window as unknown as { process?: unknown }).process,
    }));
    expect(surface).toEqual({ plexe: 'object', require: 'undefined', process: 'undefined' });
    // Navigation away is refused.
    await page.evaluate(() => {
      location.href = 'https://example.com/';
    });
    await page.waitForTimeout(500);
    expect(page.url()).toBe('app://plexe/index.html');
  } finally {
    await app.close();
  }
});

test('a demo prediction goes through the real IPC binding and the embedded sandbox', async () => {
  const { app, page } = await launch();
  try {
    const { accounts, activeId } = await call<{ accounts: { id: string; isDemo: boolean }[]; activeId: string }>(page, 'accounts', 'listAccounts');
    const demo = accounts.find((a) => a.isDemo)!;
    expect(activeId).toBe(demo.id);
    const models = await call<{ id: string; ref: { kind: string; name?: string } }[]>(page, 'models', 'listSaved', { profileId: demo.id });
    const house = models.find((m) => m.ref.kind === 'model' && m.ref.name === 'house-prices')!;
    const outcome = await call<{ ok: boolean; result?: Record<string, unknown> }>(page, 'predict', 'runPrediction', {
      callId: 'electron-1',
      modelId: house.id,
      input: { square_footage: 1500, bedrooms: 3, bathrooms: 2, location: 'urban' },
    });
    expect(outcome.ok).toBe(true);
    expect(typeof outcome.result!['predicted_price']).toBe('number');
    // The page cannot reach the preload's own grant channel.
    expect(await page.evaluate(() => typeof (window as unknown as { plexe: { app: Record<string, unknown> } }).plexe.app['registerFile'])).toBe('undefined');
  } finally {
    await app.close();
  }
});

test('a key is saved in the OS keychain and read back (only its last four characters reach the page)', async () => {
  const { app, page } = await launch();
  try {
    const keychain = await call<{ available: boolean; message: string | null }>(page, 'accounts', 'keychainStatus');
    expect(keychain.available, `the OS keychain must be reachable on this runner: ${keychain.message ?? ''}`).toBe(true);
    const account = await call<{ id: string }>(page, 'accounts', 'saveAccount', { name: 'Keychain', baseUrl: 'https://api.plexe.ai', rpm: 100 });
    const key = `sk-electron-${Date.now().toString(36)}-a1b2`;
    await call(page, 'accounts', 'saveKey', { profileId: account.id, key });
    const { accounts } = await call<{ accounts: { id: string; key: { saved: boolean; lastFour: string | null; storage: string | null } }[] }>(page, 'accounts', 'listAccounts');
    expect(accounts.find((a) => a.id === account.id)!.key).toMatchObject({ saved: true, lastFour: 'a1b2', storage: 'keychain' });
    expect(await page.content()).not.toContain(key);
    await call(page, 'accounts', 'deleteKey', { profileId: account.id });
  } finally {
    await app.close();
  }
});

test('the demo spreadsheet is scored end to end (SQLite on Electron’s ABI, a picked file granted by the preload)', async () => {
  test.setTimeout(120_000);
  const { app, page } = await launch();
  try {
    await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Spreadsheet' }).click();
    await page.getByLabel('Model to score with').selectOption({ label: 'house-prices' });
    await page.locator('#bulk-file').setInputFiles(DEMO);
    await expect(page.getByRole('table', { name: 'Preview of the first rows' })).toContainText('L-1002');
    await page.getByRole('button', { name: 'Load the file' }).click();
    await page.getByLabel('Skip these rows and score the others').check();
    await page.getByRole('button', { name: /^Score \d+ rows$/ }).click();
    await expect(page.getByText(/Finished in/)).toBeVisible({ timeout: 90_000 });
    await expect(page.getByRole('table', { name: 'Results' })).toContainText('L-1002');
  } finally {
    await app.close();
  }
});

test('net.fetch refuses a redirect that would carry the key to another address', async () => {
  const stolen: (string | undefined)[] = [];
  const thief: Server = createServer((req, res) => {
    stolen.push(req.headers['x-api-key'] as string | undefined);
    res.writeHead(200, { 'content-type': 'application/json' });
    res.end('{"result":{"stolen":true}}');
  });
  await new Promise<void>((ok) => thief.listen(0, '127.0.0.1', ok));
  const thiefUrl = `http://127.0.0.1:${(thief.address() as AddressInfo).port}`;
  const redirector: Server = createServer((req, res) => {
    res.writeHead(307, { location: `${thiefUrl}${req.url ?? '/'}` });
    res.end();
  });
  await new Promise<void>((ok) => redirector.listen(0, '127.0.0.1', ok));
  const baseUrl = `http://127.0.0.1:${(redirector.address() as AddressInfo).port}`;
  const { app, page } = await launch();
  try {
    const account = await call<{ id: string }>(page, 'accounts', 'saveAccount', { name: 'Redirecting', baseUrl, rpm: 100 });
    const keychain = await call<{ available: boolean }>(page, 'accounts', 'keychainStatus');
    await call(page, 'accounts', 'saveKey', { profileId: account.id, key: 'sk-redirect-test-9c8d', ...(keychain.available ? {} : { sessionOnly: true }) });
    const model = await call<{ id: string }>(page, 'models', 'saveModel', {
      profileId: account.id,
      ref: { kind: 'model', name: 'house-prices', version: '1' },
      displayName: 'house-prices (redirecting)',
      schema: { fields: [{ name: 'x', type: 'number', required: true }], source: 'manual' },
    });
    const outcome = await call<{ ok: boolean; error?: { code: string; message: string; retryable: boolean } }>(page, 'predict', 'runPrediction', { callId: 'redirect-1', modelId: model.id, input: { x: 1 } });
    expect(outcome.ok).toBe(false);
    expect(outcome.error).toMatchObject({ code: 'redirect_refused', retryable: false });
    expect(outcome.error!.message).toMatch(/never follows a redirect with your key/);
    expect(stolen).toEqual([]);
  } finally {
    await app.close();
    thief.close();
    redirector.close();
  }
});
