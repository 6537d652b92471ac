import { describe, expect, it } from 'vitest';
import { MemoryLogger } from '../log';
import { KEYCHAIN_SERVICE, KeyStore, isKeychainUnavailableError, loadKeytar, type KeytarLike } from './keystore';

class FakeKeytar implements KeytarLike {
  readonly items = new Map<string, string>();
  failWith: Error | null = null;
  async getPassword(service: string, account: string) {
    if (this.failWith) throw this.failWith;
    return this.items.get(`${service}/${account}`) ?? null;
  }
  async setPassword(service: string, account: string, password: string) {
    if (this.failWith) throw this.failWith;
    this.items.set(`${service}/${account}`, password);
  }
  async deletePassword(service: string, account: string) {
    if (this.failWith) throw this.failWith;
    return this.items.delete(`${service}/${account}`);
  }
}

const KEY = 'plx_live_4b7c1e9d0a2f_WXYZ';
const now = () => new Date('2026-01-02T03:04:05.000Z');

describe('KeyStore with a keychain', () => {
  it('saves the key with its date, tells only the last four characters, and deletes it', async () => {
    const keytar = new FakeKeytar();
    const store = new KeyStore({ keytar, now });
    expect(await store.status('p1')).toEqual({ saved: false, lastFour: null, savedAt: null, storage: null });
    const status = await store.save('p1', `  ${KEY}\n`);
    expect(status).toEqual({ saved: true, lastFour: 'WXYZ', savedAt: '2026-01-02T03:04:05.000Z', storage: 'keychain' });
    expect(JSON.parse(keytar.items.get(`${KEYCHAIN_SERVICE}/p1`)!)).toEqual({ key: KEY, savedAt: '2026-01-02T03:04:05.000Z' });
    expect(await store.get('p1')).toBe(KEY);
    // A fresh store (next app start) reads it back from the keychain.
    const again = new KeyStore({ keytar, now });
    expect(await again.status('p1')).toEqual(status);
    expect(await again.delete('p1')).toMatchObject({ saved: false });
    expect(keytar.items.size).toBe(0);
    expect(await again.get('p1')).toBeNull();
  });

  it('accepts a key stored as plain text (age unknown)', async () => {
    const keytar = new FakeKeytar();
    keytar.items.set(`${KEYCHAIN_SERVICE}/p2`, 'plainkey1234');
    const store = new KeyStore({ keytar });
    expect(await store.status('p2')).toEqual({ saved: true, lastFour: '1234', savedAt: null, storage: 'keychain' });
  });
});

describe('KeyStore without a keychain', () => {
  it('recognises the errors keytar gives when no Secret Service exists', () => {
    for (const m of ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'No such interface “org.freedesktop.Secret.Collection”', 'libsecret-1.so.0: cannot open shared object file']) {
      expect(isKeychainUnavailableError(new Error(m))).toBe(true);
    }
    expect(isKeychainUnavailableError(new Error('something else'))).toBe(false);
  });

  it('says so in plain words and keeps a key for the session only, in memory', async () => {
    const keytar = new FakeKeytar();
    keytar.failWith = new Error('Cannot autolaunch D-Bus without X11 $DISPLAY');
    const logger = new MemoryLogger();
    const store = new KeyStore({ keytar, now, logger });
    expect(await store.availability()).toEqual({ available: false, message: expect.stringMatching(/password store isn't available/) });
    await expect(store.save('p1', KEY)).rejects.toMatchObject({ code: 'keychain_unavailable' });
    expect(await store.save('p1', KEY, { sessionOnly: true })).toEqual({ saved: true, lastFour: 'WXYZ', savedAt: '2026-01-02T03:04:05.000Z', storage: 'session' });
    expect(await store.get('p1')).toBe(KEY);
    expect(keytar.items.size).toBe(0);
    expect(logger.text()).not.toContain(KEY);
    // A new store (the next run of the app) has forgotten it.
    expect(await new KeyStore({ keytar, now }).get('p1')).toBeNull();
  });

  it('works when keytar itself could not load', async () => {
    const store = new KeyStore({ keytar: null, loadError: 'libsecret-1.so.0: cannot open shared object file' });
    expect((await store.availability()).available).toBe(false);
    await expect(store.save('p', KEY)).rejects.toThrow(/session only/);
    await store.save('p', KEY, { sessionOnly: true });
    expect(await store.status('p')).toMatchObject({ saved: true, storage: 'session' });
  });
});

const hasDbus = Boolean(process.env.DBUS_SESSION_BUS_ADDRESS) && process.env.DBUS_SESSION_BUS_ADDRESS!.includes('=');
if (!hasDbus) {
  console.warn(
    'keystore.test: skipping the real-keychain test: no D-Bus session (DBUS_SESSION_BUS_ADDRESS unset). Run it under dbus-run-session with gnome-keyring-daemon --unlock, as CI does.',
  );
}

describe('KeyStore with the real keytar and gnome-keyring', () => {
  it.skipIf(!hasDbus)('round-trips a key through the OS keychain', async () => {
    const { keytar, reason } = await loadKeytar();
    expect(reason).toBeNull();
    const store = new KeyStore({ keytar });
    const avail = await store.availability();
    if (!avail.available) throw new Error('the keychain is unavailable inside the D-Bus session: is gnome-keyring-daemon unlocked?');
    const profileId = `test-${process.pid}-${Date.now()}`;
    try {
      await store.save(profileId, KEY);
      const fresh = new KeyStore({ keytar });
      expect(await fresh.get(profileId)).toBe(KEY);
      expect(await fresh.status(profileId)).toMatchObject({ saved: true, lastFour: 'WXYZ', storage: 'keychain' });
      const raw = await keytar!.getPassword(KEYCHAIN_SERVICE, profileId);
      expect(JSON.parse(raw!).key).toBe(KEY);
    } finally {
      await store.delete(profileId);
    }
    expect(await keytar!.getPassword(KEYCHAIN_SERVICE, profileId)).toBeNull();
  });
});

describe('loadKeytar', () => {
  it('returns the whole keytar module (the CommonJS exports, not a partial namespace)', async () => {
    const { loadKeytar } = await import('./keystore');
    const { keytar, reason } = await loadKeytar();
    expect(reason).toBeNull();
    expect(typeof keytar?.getPassword).toBe('function');
    expect(typeof keytar?.setPassword).toBe('function');
    expect(typeof keytar?.deletePassword).toBe('function');
  });
});
