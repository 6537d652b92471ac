import { createServer, type Server } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { demoModels } from '../../sandbox/models';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { KeyStore, type KeytarLike } from '../keys/keystore';
import { PlexeClient } from '../plexe/client';
import { MemoryModels, MemoryProfiles, MemorySettings } from '../store/memory';
import { AccountsService, ACTIVE_PROFILE_SETTING } from './service';

class FakeKeytar implements KeytarLike {
  readonly items = new Map<string, string>();
  async getPassword(s: string, a: string) {
    return this.items.get(`${s}/${a}`) ?? null;
  }
  async setPassword(s: string, a: string, p: string) {
    this.items.set(`${s}/${a}`, p);
  }
  async deletePassword(s: string, a: string) {
    return this.items.delete(`${s}/${a}`);
  }
}

const KEY = 'connect-key-3c1f9a0b77e2';
let sandbox: RunningSandbox;
/** A port nothing listens on: bound, then closed. */
let deadUrl = '';

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, config: { keys: [{ key: KEY }] } });
  const probe: Server = createServer();
  await new Promise<void>((ok) => probe.listen(0, '127.0.0.1', ok));
  const port = (probe.address() as { port: number }).port;
  await new Promise<void>((ok) => probe.close(() => ok()));
  deadUrl = `http://127.0.0.1:${port}`;
});
afterAll(async () => {
  await sandbox.close();
});

function setUp() {
  const profiles = new MemoryProfiles();
  const settings = new MemorySettings();
  const keytar = new FakeKeytar();
  const keys = new KeyStore({ keytar });
  const accounts = new AccountsService({ profiles, settings, keys, client: new PlexeClient({ fetch: (u, i) => fetch(u, i) }), testTimeoutMs: 3000 });
  return { profiles, settings, keytar, keys, accounts };
}

describe('connecting an account', () => {
  it('saves nothing and switches nothing when the key is wrong or the server unreachable', async () => {
    const { accounts, profiles, keytar, settings } = setUp();
    settings.set(ACTIVE_PROFILE_SETTING, 'demo');
    const wrong = await accounts.connect({ account: { name: 'Team', baseUrl: sandbox.url, rpm: 100 }, key: 'wrong-key-000000000' });
    expect(wrong).toMatchObject({ saved: false, account: null, test: { ok: false, error: { code: 'unauthorized' } } });
    const down = await accounts.connect({ account: { name: 'Team', baseUrl: deadUrl, rpm: 100 }, key: KEY });
    expect(down).toMatchObject({ saved: false, test: { ok: false, error: { code: 'network' } } });
    expect(profiles.list()).toEqual([]);
    expect(keytar.items.size).toBe(0);
    expect(settings.get(ACTIVE_PROFILE_SETTING)).toBe('demo');
  });

  it('"Save anyway" keeps the account as not verified, without making it active; a passing test verifies it', async () => {
    const { accounts, settings } = setUp();
    settings.set(ACTIVE_PROFILE_SETTING, 'demo');
    const r = await accounts.connect({ account: { name: 'Offline', baseUrl: deadUrl, rpm: 100 }, key: KEY, saveUnverified: true });
    expect(r.saved).toBe(true);
    expect(r.account).toMatchObject({ name: 'Offline', verified: false, key: { saved: true, lastFour: '77e2' } });
    expect(settings.get(ACTIVE_PROFILE_SETTING)).toBe('demo');
    // The server is back (here: the account now points at it); a passing test marks it verified.
    await accounts.save({ id: r.account!.id, name: 'Offline', baseUrl: sandbox.url, rpm: 100 });
    expect((await accounts.list()).accounts[0]!.verified).toBe(false);
    expect((await accounts.testConnection(r.account!.id)).ok).toBe(true);
    expect((await accounts.list()).accounts[0]!.verified).toBe(true);
  });

  it('a passing test saves the account and its key, verified', async () => {
    const { accounts } = setUp();
    const r = await accounts.connect({ account: { name: 'Team', baseUrl: sandbox.url, rpm: 100 }, key: KEY });
    expect(r).toMatchObject({ saved: true, account: { name: 'Team', verified: true, key: { saved: true } }, test: { ok: true, modelCount: demoModels.length } });
  });

  it('replacing a key keeps the account id (so its models and history), and a wrong new key leaves the old one', async () => {
    const { accounts, keys } = setUp();
    const models = new MemoryModels();
    const first = await accounts.connect({ account: { name: 'Team', baseUrl: sandbox.url, rpm: 100 }, key: KEY });
    const id = first.account!.id;
    models.save({ id: 'm1', profileId: id, ref: { kind: 'model', name: 'house-prices', version: '1' }, displayName: 'House', schema: { fields: [], source: 'manual' }, outputSchema: null, createdAt: '2026-01-01T00:00:00Z' });
    const bad = await accounts.connect({ account: { id, name: 'Team', baseUrl: sandbox.url, rpm: 100 }, key: 'revoked-key-11111111' });
    expect(bad.saved).toBe(false);
    expect(await keys.get(id)).toBe(KEY);
    const again = await accounts.connect({ account: { id, name: 'Team', baseUrl: sandbox.url, rpm: 100 }, key: KEY });
    expect(again.account!.id).toBe(id);
    expect(models.listForProfile(id).map((m) => m.id)).toEqual(['m1']);
  });

  it('keeps the key-age reminder setting', () => {
    const { accounts } = setUp();
    expect(accounts.keyReminder()).toEqual({ days: 90 });
    expect(accounts.setKeyReminder(30)).toEqual({ days: 30 });
    expect(accounts.keyReminder()).toEqual({ days: 30 });
  });
});
