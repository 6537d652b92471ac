import { _electron as electron, expect, test } from '@playwright/test';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

const ROOT = resolve(import.meta.dirname, '../..');

test('the app opens one sandboxed window on the demo workspace', async () => {
  const userData = mkdtempSync(join(tmpdir(), 'plexe-electron-'));
  const app = await electron.launch({ args: [join(ROOT, 'out/main/index.js'), `--user-data-dir=${userData}`], cwd: ROOT });
  try {
    const page = await app.firstWindow();
    await expect(page.getByRole('navigation', { name: 'Main' })).toBeVisible();
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
