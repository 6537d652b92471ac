import { EventEmitter } from 'node:events';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AppUpdater } from 'electron-updater';
import { describe, expect, it } from 'vitest';
import { updateStateSchema, type UpdateState } from '../../shared/ipc/diagnostics';
import { MemorySink, RedactingLogger } from '../logging/logger';
import { SecretRegistry } from '../logging/redact';
import { filePreference, memoryPreference } from './preference';
import { explainUpdateError, UpdaterService, type AutoUpdaterLike, type Timers, type UpdaterLogger } from './updater';

// The real electron-updater object must fit the port this service is written against.
export const realUpdaterFits = (u: AppUpdater): AutoUpdaterLike => u;

type Script = 'none' | 'available' | 'check-fails' | 'download-fails';

/** Behaves like electron-updater: events first, then the promise; failures both emit "error" and reject. */
class FakeUpdater extends EventEmitter implements AutoUpdaterLike {
  autoDownload = true;
  autoInstallOnAppQuit = false;
  allowPrerelease = true;
  allowDowngrade = true;
  logger: UpdaterLogger | null = null;
  checks = 0;
  downloads = 0;
  installs: [boolean | undefined, boolean | undefined][] = [];
  constructor(public script: Script = 'none', public version = '0.2.0') {
    super();
  }
  async checkForUpdates(): Promise<unknown> {
    this.checks++;
    await Promise.resolve();
    this.emit('checking-for-update');
    if (this.script === 'check-fails') {
      const e = Object.assign(new Error('getaddrinfo ENOTFOUND github.com'), { code: 'ENOTFOUND' });
      this.emit('error', e);
      throw e;
    }
    if (this.script === 'none') {
      this.emit('update-not-available', { version: '0.1.0' });
      return { isUpdateAvailable: false };
    }
    this.emit('update-available', { version: this.version });
    return { isUpdateAvailable: true };
  }
  async downloadUpdate(): Promise<unknown> {
    this.downloads++;
    for (const percent of [10.4, 55, 100]) {
      await Promise.resolve();
      this.emit('download-progress', { percent });
    }
    if (this.script === 'download-fails') {
      const e = new Error('sha512 checksum mismatch, expected abc');
      this.emit('error', e);
      throw e;
    }
    this.emit('update-downloaded', { version: this.version });
    return ['/tmp/update.exe'];
  }
  quitAndInstall(isSilent?: boolean, isForceRunAfter?: boolean): void {
    this.installs.push([isSilent, isForceRunAfter]);
  }
}

class ManualTimers implements Timers {
  pending = new Map<number, { fn: () => void; ms: number }>();
  private seq = 0;
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { fn, ms });
    return id;
  }
  clearTimeout(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  delays(): number[] {
    return [...this.pending.values()].map((p) => p.ms);
  }
  fireAll(): void {
    const due = [...this.pending.entries()];
    this.pending.clear();
    for (const [, p] of due) p.fn();
  }
}

async function settle(): Promise<void> {
  for (let i = 0; i < 20; i++) await new Promise((r) => setImmediate(r));
}

function setup(opts: { script?: Script; hasAccount?: boolean; allowed?: boolean | null; supported?: boolean } = {}) {
  const fake = new FakeUpdater(opts.script ?? 'none');
  const timers = new ManualTimers();
  const sink = new MemorySink();
  const log = new RedactingLogger({ sinks: [sink], secrets: new SecretRegistry() });
  const states: UpdateState[] = [];
  const preference = memoryPreference(opts.allowed ?? null);
  let hasAccount = opts.hasAccount ?? false;
  const service = new UpdaterService({
    autoUpdater: fake,
    currentVersion: '0.1.0',
    supported: opts.supported ?? true,
    hasAccount: () => hasAccount,
    preference,
    log,
    timers,
    onState: (s) => states.push(updateStateSchema.parse(s)),
    now: () => new Date('2026-03-04T05:06:07Z'),
    firstCheckDelayMs: 1000,
    intervalMs: 5000,
  });
  return { fake, timers, sink, log, states, preference, service, setAccount: (v: boolean) => (hasAccount = v) };
}

describe('UpdaterService', () => {
  it('takes control of electron-updater: no auto download, never a silent restart while running', () => {
    const { fake } = setup();
    expect(fake.autoDownload).toBe(false);
    expect(fake.autoInstallOnAppQuit).toBe(true);
    expect(fake.allowPrerelease).toBe(false);
    expect(fake.allowDowngrade).toBe(false);
    expect(fake.logger).not.toBeNull();
  });

  it('is off in the demo (no account) and never checks, until the person allows it', async () => {
    const { fake, timers, service } = setup({ script: 'none', hasAccount: false });
    const s = await service.start();
    expect(s.enabled).toBe(false);
    expect(s.message).toMatch(/off in the demo/);
    expect(timers.pending.size).toBe(0);
    const manual = await service.checkNow();
    expect(fake.checks).toBe(0);
    expect(manual.message).toMatch(/turned off/);

    const allowed = await service.setAllowed(true);
    expect(allowed.enabled).toBe(true);
    expect(allowed.allowed).toBe(true);
    await settle();
    expect(fake.checks).toBe(1);
    expect(service.getState()).toMatchObject({ status: 'idle', message: 'Plexe Desktop is up to date.', lastCheckedAt: '2026-03-04T05:06:07.000Z' });
    expect(timers.delays()).toEqual([5000]);
  });

  it('with an account it is on by default, checks after the first delay and then on an interval', async () => {
    const { fake, timers, service } = setup({ hasAccount: true });
    expect((await service.start()).enabled).toBe(true);
    expect(fake.checks).toBe(0);
    expect(timers.delays()).toEqual([1000]);
    timers.fireAll();
    await settle();
    expect(fake.checks).toBe(1);
    expect(timers.delays()).toEqual([5000]);
    timers.fireAll();
    await settle();
    expect(fake.checks).toBe(2);
  });

  it('a person who said no stays off even with an account', async () => {
    const { fake, timers, service } = setup({ hasAccount: true, allowed: false });
    const s = await service.start();
    expect(s).toMatchObject({ enabled: false, allowed: false, message: 'Automatic updates are turned off in Settings.' });
    expect(timers.pending.size).toBe(0);
    expect(fake.checks).toBe(0);
  });

  it('adding the first account turns updates on', async () => {
    const { timers, service, setAccount } = setup({ hasAccount: false });
    await service.start();
    expect(timers.pending.size).toBe(0);
    setAccount(true);
    expect((await service.refresh()).enabled).toBe(true);
    expect(timers.delays()).toEqual([1000]);
  });

  it('downloads in the background and reports "ready" — it never restarts on its own', async () => {
    const { fake, states, service } = setup({ script: 'available', hasAccount: true });
    await service.start();
    const s = await service.checkNow();
    expect(fake.downloads).toBe(1);
    expect(s).toMatchObject({ status: 'ready', availableVersion: '0.2.0', percent: 100 });
    expect(s.message).toBe('Update ready — restart Plexe Desktop to use version 0.2.0.');
    expect(fake.installs).toEqual([]);
    const statuses = states.map((x) => x.status).filter((x, i, a) => x !== a[i - 1]);
    expect(statuses).toEqual(['idle', 'checking', 'available', 'downloading', 'ready']);
    expect(states.some((x) => x.status === 'downloading' && x.percent === 10)).toBe(true);
    // no more checks once an update is waiting
    await service.checkNow();
    expect(fake.checks).toBe(1);

    expect(service.restartNow()).toEqual({ restarting: true });
    expect(fake.installs).toEqual([[true, true]]);
  });

  it('restart-now does nothing unless an update is ready', async () => {
    const { fake, service } = setup({ script: 'none', hasAccount: true });
    await service.start();
    await service.checkNow();
    expect(service.restartNow()).toEqual({ restarting: false });
    expect(fake.installs).toEqual([]);
  });

  it('a failed check is logged once and becomes an error state, never a thrown error', async () => {
    const { fake, sink, service, timers } = setup({ script: 'check-fails', hasAccount: true });
    await service.start();
    const s = await service.checkNow();
    expect(s.status).toBe('error');
    expect(s.message).toBe('Could not reach the update server — check your internet connection. Plexe Desktop keeps working and will try again later.');
    expect(sink.lines.filter((l) => l.level === 'error')).toHaveLength(1);
    expect(sink.text()).toContain('ENOTFOUND');
    // it tries again on the next tick of the schedule, and recovers
    fake.script = 'none';
    timers.fireAll();
    await settle();
    expect(service.getState().status).toBe('idle');
  });

  it('a failed download is an error state with a plain reason', async () => {
    const { service } = setup({ script: 'download-fails', hasAccount: true });
    await service.start();
    const s = await service.checkNow();
    expect(s.status).toBe('error');
    expect(s.message).toMatch(/did not pass its integrity check/);
  });

  it('does nothing in a build that cannot update itself', async () => {
    const { fake, timers, service } = setup({ supported: false, allowed: true, hasAccount: true });
    expect((await service.start()).enabled).toBe(false);
    expect(timers.pending.size).toBe(0);
    expect((await service.checkNow()).message).toMatch(/cannot update itself/);
    expect(fake.checks).toBe(0);
  });

  it('overlapping checks share one request', async () => {
    const { fake, service } = setup({ script: 'none', hasAccount: true });
    await service.start();
    await Promise.all([service.checkNow(), service.checkNow(), service.checkNow()]);
    expect(fake.checks).toBe(1);
  });

  it('stop() cancels the schedule', async () => {
    const { timers, service } = setup({ hasAccount: true });
    await service.start();
    service.stop();
    expect(timers.pending.size).toBe(0);
  });

  it('explains unknown failures in a sentence without secrets', () => {
    expect(explainUpdateError(new Error('Cannot find latest.yml in the latest release artifacts'), 'check')).toMatch(/No update information/);
    expect(explainUpdateError(new Error('weird thing x-api-key: abcdefgh12345'), 'download')).toBe(
      'Could not download the update (weird thing x-api-key: [redacted]). Plexe Desktop keeps working and will try again later.',
    );
  });
});

describe('filePreference', () => {
  it('remembers the choice across instances and treats a damaged file as "not chosen"', () => {
    const dir = mkdtempSync(join(tmpdir(), 'plexe-upd-'));
    try {
      const path = join(dir, 'sub', 'update-preference.json');
      expect(filePreference(path).get()).toBeNull();
      filePreference(path).set(false);
      expect(filePreference(path).get()).toBe(false);
      filePreference(path).set(true);
      expect(filePreference(path).get()).toBe(true);
      writeFileSync(path, '{not json');
      expect(filePreference(path).get()).toBeNull();
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('inertAutoUpdater', () => {
  it('lets the service run where updates are impossible, and refuses plainly if asked to act', async () => {
    const { inertAutoUpdater } = await import('./index');
    const inert = inertAutoUpdater();
    const service = new UpdaterService({
      autoUpdater: inert,
      currentVersion: '0.1.0',
      supported: false,
      hasAccount: () => true,
      preference: memoryPreference(true),
      log: new RedactingLogger({ sinks: [] }),
    });
    expect((await service.start()).enabled).toBe(false);
    expect(service.restartNow()).toEqual({ restarting: false });
    await expect(inert.checkForUpdates()).rejects.toThrow(/cannot update itself/);
    service.stop();
  });
});
