import { mkdirSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { Browser, Locator, Page } from '@playwright/test';
import { expect } from '../fixtures';
import type { Account } from '../../shared/ipc/accounts';
import type { SavedModel } from '../../shared/domain/model';

const SHOTS = resolve(import.meta.dirname, '../../test-results/screenshots');

/** Saves a screenshot of the whole page under test-results/screenshots/ (kept as a CI artifact). */
export async function screenshot(page: Page, name: string): Promise<void> {
  mkdirSync(SHOTS, { recursive: true });
  await page.screenshot({ path: join(SHOTS, `${name}.png`), fullPage: true });
}

const SCREENS = resolve(import.meta.dirname, '../../test-results/screens');

/**
 * Screenshots at 900×600 in the light and dark theme: `<name>-900x600-<theme>.png` in
 * test-results/screens/ (or `dir`), the whole page, or the window with `part` scrolled into view.
 * The viewport and theme are put back afterwards.
 */
export async function themeShots(page: Page, name: string, opts: { dir?: string; part?: Locator } = {}): Promise<void> {
  const dir = opts.dir ?? SCREENS;
  mkdirSync(dir, { recursive: true });
  const before = page.viewportSize();
  await page.setViewportSize({ width: 900, height: 600 });
  for (const colorScheme of ['light', 'dark'] as const) {
    await page.emulateMedia({ colorScheme });
    if (opts.part) await opts.part.scrollIntoViewIfNeeded();
    await page.waitForTimeout(150);
    await page.screenshot({ path: join(dir, `${name}-900x600-${colorScheme}.png`), fullPage: !opts.part });
  }
  await page.emulateMedia({ colorScheme: 'light' });
  if (before) await page.setViewportSize(before);
}

/** Goes to a screen through the main navigation. */
export const nav = (page: Page, name: string) => page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name }).click();

/** Opens the app and waits until the Predict screen has its models. */
export async function openApp(page: Page, pageUrl: string): Promise<void> {
  await page.goto(pageUrl);
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

type Plexe = { plexe: Record<string, Record<string, (arg?: unknown) => Promise<{ ok: boolean; value?: unknown; error?: { message: string } }>>> };

/** One IPC call through the page's window.plexe (test set-up that is not itself under test). */
export async function call<T>(page: Page, domain: string, verb: string, arg?: unknown): Promise<T> {
  const result = await page.evaluate(
    async ([d, v, a]) => (window as unknown as Plexe).plexe[d as string]![v as string]!(a === null ? undefined : a),
    [domain, verb, arg ?? null] as const,
  );
  if (!result.ok) throw new Error(`${domain}.${verb} failed: ${result.error?.message}`);
  return result.value as T;
}

/** Creates an account with a key (session-only when the harness has no keychain). */
export async function createAccount(page: Page, opts: { name: string; baseUrl: string; key: string; rpm?: number }): Promise<Account> {
  const account = await call<Account>(page, 'accounts', 'saveAccount', { name: opts.name, baseUrl: opts.baseUrl, rpm: opts.rpm ?? 6000 });
  const keychain = await call<{ available: boolean }>(page, 'accounts', 'keychainStatus');
  await call(page, 'accounts', 'saveKey', { profileId: account.id, key: opts.key, ...(keychain.available ? {} : { sessionOnly: true }) });
  return account;
}

/** Adds a model to an account with its schema from describe, or with the given fields. */
export async function addModel(page: Page, profileId: string, name: string, version: string, fields?: SavedModel['schema']['fields']): Promise<SavedModel> {
  const ref = { kind: 'model', name, version };
  let schema: SavedModel['schema'];
  if (fields) schema = { fields, source: 'manual' };
  else {
    const d = await call<{ schema: SavedModel['schema'] | null }>(page, 'models', 'describeModel', { profileId, ref });
    if (!d.schema) throw new Error(`${name} has no schema`);
    schema = d.schema;
  }
  return call<SavedModel>(page, 'models', 'saveModel', { profileId, ref, displayName: `${name} v${version} (${profileId.slice(0, 4)})`, schema });
}

/** Makes an account active and reloads so every screen starts from it. */
export async function useAccount(page: Page, id: string): Promise<void> {
  await call(page, 'accounts', 'setActive', { id });
  await page.reload();
  await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
}

export async function selectModel(page: Page, displayName: string): Promise<void> {
  await page.getByRole('complementary', { name: 'Models' }).getByRole('button', { name: new RegExp(escapeRegExp(displayName)) }).click();
  await expect(page.getByRole('heading', { level: 2, name: displayName })).toBeVisible();
}

export function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

/** The Predict button of the form (not the "Predict" tab). */
export function predictButton(page: Page) {
  return page.locator('#predict-form').getByRole('button', { name: /^Predict/ });
}

/**
 * The harness is shared by every spec file a worker runs, so a suite that needs the demo workspace
 * makes it the active account itself instead of relying on a fresh start.
 */
export async function openDemo(page: Page, pageUrl: string): Promise<void> {
  await openApp(page, pageUrl);
  const { accounts, activeId } = await call<{ accounts: Account[]; activeId: string | null }>(page, 'accounts', 'listAccounts');
  const demo = accounts.find((a) => a.isDemo);
  if (!demo) throw new Error('the harness has no demo workspace');
  if (activeId !== demo.id) await useAccount(page, demo.id);
}

/** Leaves the demo workspace active for the suites that run after this one in the same harness. */
export async function restoreDemo(browser: Browser, pageUrl: string): Promise<void> {
  const page = await browser.newPage();
  try {
    await openDemo(page, pageUrl);
  } finally {
    await page.close();
  }
}
