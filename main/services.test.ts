import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, expect, it } from 'vitest';
import type { HostPorts } from './host';
import { createServices, type Services } from './services';
import type { AutoUpdaterLike, UpdaterLogger } from './update/updater';

const host: HostPorts = { kind: 'test', chooseSavePath: async () => null, showInFolder: async () => true, openPath: async () => null, openExternal: async () => true, notify: () => {}, takeOpenedFiles: () => [] };

class QuietUpdater extends EventEmitter implements AutoUpdaterLike {
  autoDownload = true;
  autoInstallOnAppQuit = false;
  allowPrerelease = true;
  allowDowngrade = true;
  logger: UpdaterLogger | null = null;
  checks = 0;
  async checkForUpdates(): Promise<unknown> {
    this.checks++;
    this.emit('update-not-available', { version: '0.0.1' });
    return { isUpdateAvailable: false };
  }
  async downloadUpdate(): Promise<unknown> {
    return null;
  }
  quitAndInstall(): void {}
}

let dir = '';
let services: Services | null = null;
afterEach(async () => {
  await services?.close();
  services = null;
  rmSync(dir, { recursive: true, force: true });
});

it('turns updates on when a real account is saved and off when it is deleted (the updater listens to accounts-changed)', async () => {
  dir = mkdtempSync(join(tmpdir(), 'plexe-services-'));
  const autoUpdater = new QuietUpdater();
  services = await createServices({ dataDir: dir, host, version: '0.0.1', fetch: globalThis.fetch, keytar: null, demo: false, autoUpdater, packaged: true });
  const enabled: boolean[] = [];
  services.events.subscribe((name, payload) => {
    if (name === 'event:update-state') enabled.push((payload as { enabled: boolean }).enabled);
  });
  const until = async (value: boolean) => {
    for (let i = 0; i < 200 && enabled.at(-1) !== value; i++) await new Promise((r) => setTimeout(r, 5));
    expect(enabled.at(-1)).toBe(value);
  };
  const saved = await services.dispatch('accounts:save-account', { name: 'Work', baseUrl: 'https://api.plexe.ai', rpm: 100 });
  expect(saved).toMatchObject({ ok: true });
  await until(true);
  const id = (saved as { value: { id: string } }).value.id;
  expect(await services.dispatch('accounts:delete-account', { id })).toMatchObject({ ok: true, value: { deleted: true } });
  await until(false);
});
