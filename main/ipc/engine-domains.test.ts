import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { predictFor } from '../../sandbox/models';
import { accountChannels } from '../../shared/ipc/accounts';
import { modelChannels } from '../../shared/ipc/models';
import { predictChannels } from '../../shared/ipc/predict';
import { channels, type ChannelName } from '../../shared/ipc/contract';
import type { IpcResult } from '../../shared/ipc/errors';
import { AccountsService } from '../accounts/service';
import { createEngine } from '../engine';
import { KeyStore, type KeytarLike } from '../keys/keystore';
import { ModelsService } from '../models/service';
import { PlexeClient } from '../plexe/client';
import { MemoryLogger } from '../log';
import { PredictService } from '../predict/service';
import { MemoryHistory, MemoryModels, MemoryProfiles, MemorySettings } from '../store/memory';
import { registerAccountsIpc } from './accounts';
import { toIpcError } from './dispatch';
import { EventBus } from './events';
import { registerModelsIpc } from './models';
import { registerPredictIpc } from './predict';
import { demoModels } from '../../sandbox/models';

/**
 * The accounts, models and predict channels end to end (real services, the sandbox over HTTP),
 * called the way the dispatcher calls them: arguments through the channel's schema, answers
 * checked against theirs. Every answer, every pushed event, every log line and every history row
 * is scanned for the API key.
 */

const KEY = 'sk-LEAK-CANARY-7f3e9a51c2d4-QRST';
const ONLY_CHURN_KEY = 'sk-LEAK-CANARY-churn-only-0000';

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

let sandbox: RunningSandbox;
const logger = new MemoryLogger();
const history = new MemoryHistory();
const bus = new EventBus();
const events: { name: string; payload: unknown }[] = [];
bus.subscribe((name, payload) => events.push({ name, payload }));
const transcript: { channel: string; result: IpcResult<unknown> }[] = [];
let handlers: Record<string, (args: unknown) => unknown>;
let keytar: FakeKeytar;

async function call<C extends ChannelName>(channel: C, args?: unknown): Promise<IpcResult<unknown>> {
  const def = channels[channel];
  const parsed = def.input.safeParse(args);
  let result: IpcResult<unknown>;
  if (!parsed.success) {
    result = { ok: false, error: { code: 'invalid_arguments', message: parsed.error.message } };
  } else {
    try {
      const value = await handlers[channel]!(parsed.data);
      result = { ok: true, value: def.output.parse(value) };
    } catch (e) {
      result = { ok: false, error: toIpcError(channel, e, { onUnexpected: (_c, err) => logger.warn('unexpected', { err: String(err) }) }) };
    }
  }
  transcript.push({ channel, result });
  return result;
}

async function value<T = unknown>(channel: ChannelName, args?: unknown): Promise<T> {
  const r = await call(channel as never, args);
  if (!r.ok) throw new Error(`${channel} failed: ${JSON.stringify(r.error)}`);
  return r.value as T;
}

beforeAll(async () => {
  sandbox = await startSandbox({ port: 0, config: { keys: [{ key: KEY }, { key: ONLY_CHURN_KEY, models: ['customer-churn/1'] }] } });
  keytar = new FakeKeytar();
  const keys = new KeyStore({ keytar, logger });
  const client = new PlexeClient({ fetch: (u, i) => fetch(u, i), logger });
  const engine = createEngine({ client, logger, settings: () => ({ backoffBaseMs: 20, backoffCapMs: 100 }) });
  const profiles = new MemoryProfiles();
  const accounts = new AccountsService({ profiles, settings: new MemorySettings(), keys, client, logger, onChanged: (c) => c.kind === 'deleted' && engine.forgetProfile(c.profileId) });
  const models = new ModelsService({
    accounts,
    models: new MemoryModels(),
    client,
    engine,
    inferSchemaFromFile: async (path) => (path.endsWith('.csv') ? [{ name: 'square_footage', type: 'number', required: true }] : []),
  });
  const predict = new PredictService({ accounts, models, engine, history, events: bus, logger });
  handlers = { ...registerAccountsIpc({ accounts }), ...registerModelsIpc({ models }), ...registerPredictIpc({ predict }) } as unknown as Record<string, (args: unknown) => unknown>;
});

afterAll(async () => {
  await sandbox.close();
});

describe('accounts, models and predict over their channels', () => {
  let profileId = '';
  let houseId = '';
  let loanId = '';

  it('registers exactly the channels of the three contracts', () => {
    const expected = [...Object.keys(accountChannels), ...Object.keys(modelChannels), ...Object.keys(predictChannels)].sort();
    expect(Object.keys(handlers).sort()).toEqual(expected);
  });

  it('manages accounts and keys', async () => {
    expect(await value('accounts:list-accounts')).toEqual({ accounts: [], activeId: null });
    const bad = await call('accounts:save-account', { name: 'Work', baseUrl: 'http://plexe.example.com', rpm: 100 });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.error.message).toMatch(/unencrypted/);
    const acc = await value<{ id: string; key: { saved: boolean } }>('accounts:save-account', { name: 'Work', baseUrl: `${sandbox.url}/`, rpm: 600 });
    profileId = acc.id;
    expect(acc).toMatchObject({ name: 'Work', baseUrl: sandbox.url, rpm: 600, concurrency: 4, isDemo: false, key: { saved: false } });
    const noKey = await value<{ ok: boolean; error: { code: string } }>('accounts:test-connection', { profileId });
    expect(noKey).toMatchObject({ ok: false, error: { code: 'no_key' } });
    const status = await value('accounts:save-key', { profileId, key: ONLY_CHURN_KEY });
    expect(status).toMatchObject({ saved: true, lastFour: '0000', storage: 'keychain' });
    expect(await value('accounts:save-key', { profileId, key: KEY })).toMatchObject({ saved: true, lastFour: 'QRST' });
    expect(await value('accounts:test-connection', { profileId })).toMatchObject({ ok: true, modelCount: demoModels.length, error: null });
    expect(await value('accounts:set-active', { id: profileId })).toEqual({ activeId: profileId });
    const list = await value<{ accounts: { key: { lastFour: string } }[]; activeId: string }>('accounts:list-accounts');
    expect(list.activeId).toBe(profileId);
    expect(list.accounts[0]!.key.lastFour).toBe('QRST');
    expect(await value('accounts:keychain-status')).toEqual({ available: true, message: null });
    const refused = await value('accounts:connect-account', { account: { name: 'Wrong', baseUrl: sandbox.url, rpm: 100 }, key: 'sk-LEAK-CANARY-revoked-9999' });
    expect(refused).toMatchObject({ saved: false, account: null, test: { ok: false, error: { code: 'unauthorized' } } });
    expect(await value('accounts:set-key-reminder', { days: 60 })).toEqual({ days: 60 });
    expect(await value('accounts:get-key-reminder')).toEqual({ days: 60 });
  });

  it('tells a rejected key apart', async () => {
    const other = await value<{ id: string }>('accounts:save-account', { name: 'Old', baseUrl: sandbox.url, rpm: 100 });
    await value('accounts:save-key', { profileId: other.id, key: 'sk-LEAK-CANARY-revoked-9999', sessionOnly: true });
    const t = await value<{ ok: boolean; error: { code: string; message: string; httpStatus: number } }>('accounts:test-connection', { profileId: other.id });
    expect(t.ok).toBe(false);
    expect(t.error).toMatchObject({ code: 'unauthorized', httpStatus: 401, message: 'Your API key was rejected.' });
    expect(await value('accounts:delete-key', { profileId: other.id })).toMatchObject({ saved: false });
    expect(await value('accounts:delete-account', { id: other.id })).toEqual({ deleted: true });
    expect(await value('accounts:delete-account', { id: other.id })).toEqual({ deleted: false });
  });

  it('finds, describes and saves models', async () => {
    const remote = await value<{ models: { name: string }[]; hasMore: boolean }>('models:list-remote', { profileId, limit: 2 });
    expect(remote.models.length).toBe(2);
    expect(remote.hasMore).toBe(true);
    const ref = { kind: 'model', name: 'house-prices', version: '1' };
    const d = await value<{ schema: { fields: { name: string; type: string }[] }; outputSchema: Record<string, string> }>('models:describe-model', { profileId, ref });
    expect(d.schema.fields.map((f) => `${f.name}:${f.type}`)).toEqual(['square_footage:number', 'bedrooms:integer', 'bathrooms:number', 'location:text']);
    expect(d.outputSchema).toEqual({ predicted_price: 'float' });
    const loanRef = { kind: 'model', name: 'loan-approval', version: '1' };
    const loanDescribe = await value<{ schema: { fields: { name: string; type: string; min?: number }[] } }>('models:describe-model', { profileId, ref: loanRef });
    expect(loanDescribe.schema.fields.find((f) => f.name === 'credit_score')).toMatchObject({ type: 'integer', min: 300, max: 850 });
    expect(await value('models:get-status', { profileId, ref: loanRef })).toMatchObject({ status: 'BUILDING', ready: false, message: expect.stringMatching(/still being built/) });
    expect(await value('models:get-status', { profileId, ref })).toEqual({ status: 'READY', ready: true, message: null });
    const missing = await call('models:describe-model', { profileId, ref: { kind: 'model', name: 'nope', version: '1' } });
    expect(missing.ok).toBe(false);
    if (!missing.ok) expect(missing.error.code).toBe('not_found');

    const schema = { ...d.schema, fields: d.schema.fields.map((f) => (f.name === 'location' ? { ...f, type: 'choice', choices: ['urban', 'suburban', 'rural'] } : f)) };
    const saved = await value<{ id: string }>('models:save-model', { profileId, ref, displayName: 'Houses', schema, outputSchema: d.outputSchema });
    houseId = saved.id;
    loanId = (await value<{ id: string }>('models:save-model', { profileId, ref: loanRef, displayName: 'Loans', schema: loanDescribe.schema })).id;
    expect((await value<unknown[]>('models:list-saved', { profileId })).length).toBe(2);
    expect(await value('models:parse-endpoint', { url: `${sandbox.url}/models/house-prices/1/infer` })).toEqual({ baseUrl: sandbox.url, ref });
    expect(await value('models:parse-schema', { text: '{"a":"int","b":"string"}' })).toMatchObject({ source: 'file', fields: [{ name: 'a', type: 'integer' }, { name: 'b', type: 'text' }] });
    const badSchema = await call('models:parse-schema', { text: 'nope' });
    expect(badSchema.ok || badSchema.error.code).toBe('invalid_schema');
    expect(await value('models:infer-schema', { path: '/tmp/houses.csv' })).toEqual({ fields: [{ name: 'square_footage', type: 'number', required: true }] });
    expect((await call('models:infer-schema', { path: '/tmp/empty.xlsx' })).ok).toBe(false);
  });

  it('runs a prediction, records it, and refuses bad input and unready models without sending', async () => {
    const input = { square_footage: '1500', bedrooms: 3, bathrooms: 2, location: 'suburban' };
    const o = await value<{ ok: true; result: unknown; historyId: number; requestId: string; attempts: number; raw: unknown }>('predict:run-prediction', { callId: 'c1', modelId: houseId, input });
    expect(o.ok).toBe(true);
    expect(o.result).toEqual(predictFor('house-prices', '1', { ...input, square_footage: 1500 }));
    expect(o.attempts).toBe(1);
    expect(o.raw).toMatchObject({ request_id: o.requestId, model_id: 'mdl_house_prices_v1' });
    const rec = history.rows.find((r) => r.id === o.historyId)!;
    expect(rec).toMatchObject({ profileId, profileName: 'Work', modelName: 'house-prices', modelVersion: '1', source: 'form', status: 'ok', httpStatus: 200, requestId: o.requestId, attempts: 1, jobId: null, rowNumber: null, errorMessage: null });
    expect(rec.input).toEqual({ ...input, square_footage: 1500 });
    expect(typeof rec.roundTripMs).toBe('number');
    expect(typeof rec.processingTimeMs).toBe('number');

    const before = sandbox.requestLog().length;
    const invalid = await value<{ ok: false; error: { code: string; fieldErrors: { field: string }[] } }>('predict:run-prediction', { callId: 'c2', modelId: houseId, input: { ...input, location: 'moon', bedrooms: 2.5 } });
    expect(invalid.ok).toBe(false);
    expect(invalid.error.fieldErrors.map((f) => f.field)).toEqual(['bedrooms', 'location']);
    const notReady = await value<{ ok: false; error: { code: string; message: string } }>('predict:run-prediction', {
      callId: 'c3',
      modelId: loanId,
      input: { annual_income: 50000, loan_amount: 5000, credit_score: 700, employment_years: 3 },
    });
    expect(notReady.error).toMatchObject({ code: 'model_not_ready', message: expect.stringMatching(/still being built/) });
    expect(sandbox.requestLog().slice(before).every((e) => e.path.endsWith('/status'))).toBe(true);
  });

  it('records a failed call with its error and request id', async () => {
    sandbox.setFaults({ p500: 1 });
    try {
      const o = await value<{ ok: false; historyId: number; error: { code: string; requestId: string } }>('predict:run-prediction', {
        callId: 'c4',
        modelId: houseId,
        input: { square_footage: 900, bedrooms: 1, bathrooms: 1, location: 'rural' },
      });
      expect(o.ok).toBe(false);
      const rec = history.rows.find((r) => r.id === o.historyId)!;
      expect(rec).toMatchObject({ status: o.error.code, httpStatus: 500, requestId: o.error.requestId, attempts: 1, result: null });
      expect(rec.errorMessage).toBeTruthy();
    } finally {
      sandbox.setFaults({ p500: 0 });
    }
  });

  it('runs a what-if sweep through the engine, with progress events', async () => {
    const baseInput = { square_footage: 1200, bedrooms: 2, bathrooms: 1, location: 'urban' };
    const values = [800, 1000, 1200, 1200, 99999, 2000];
    const r = await value<{ points: { value: number; outcome: { ok: boolean; result?: Record<string, unknown>; error?: { fieldErrors: unknown[] } } }[] }>('predict:run-sweep', {
      callId: 's1',
      modelId: houseId,
      baseInput,
      field: 'square_footage',
      values,
    });
    expect(r.points.map((p) => p.value)).toEqual(values);
    r.points.forEach((p, i) => {
      if (values[i] === 99999) expect(p.outcome.ok).toBe(false);
      else expect(p.outcome.result).toEqual(predictFor('house-prices', '1', { ...baseInput, square_footage: values[i] }));
    });
    const progress = events.filter((e) => e.name === 'event:sweep-progress' && (e.payload as { callId: string }).callId === 's1');
    expect(progress.at(-1)!.payload).toEqual({ callId: 's1', done: 6, total: 6 });
    // 99999 is past what the model accepts: the server said so for that point only.
    expect(r.points[4]!.outcome.error!.fieldErrors).toEqual([{ field: 'square_footage', message: expect.stringContaining('at most') }]);
    // One history row per point sent (the repeated 1200 was answered once and reused).
    expect(history.rows.filter((h) => h.source === 'whatif').length).toBe(6);
    const unknown = await call('predict:run-sweep', { callId: 's2', modelId: houseId, baseInput, field: 'garden', values: [1] });
    expect(unknown.ok).toBe(false);
  });

  it('emits retry events while waiting and can cancel a call', async () => {
    sandbox.setFaults({ p429: 1, retryAfterSeconds: 30 });
    const input = { square_footage: 1000, bedrooms: 2, bathrooms: 1, location: 'rural' };
    const pending = call('predict:run-prediction', { callId: 'c5', modelId: houseId, input });
    for (let i = 0; i < 100 && !events.some((e) => e.name === 'event:call-retry'); i++) await new Promise((r) => setTimeout(r, 20));
    const retry = events.find((e) => e.name === 'event:call-retry')!.payload as { callId: string; attempt: number; waitMs: number; reason: { code: string } };
    expect(retry).toMatchObject({ callId: 'c5', attempt: 2, reason: { code: 'rate_limit_exceeded', retryAfterSeconds: 30 } });
    expect(retry.waitMs).toBeGreaterThanOrEqual(30_000);
    const t0 = Date.now();
    expect(await value('predict:cancel-call', { callId: 'c5' })).toEqual({ cancelled: true });
    const r = await pending;
    expect(Date.now() - t0).toBeLessThan(1000);
    expect(r.ok && (r.value as { ok: boolean; error: { code: string } })).toMatchObject({ ok: false, error: { code: 'cancelled' } });
    expect(await value('predict:cancel-call', { callId: 'c5' })).toEqual({ cancelled: false });
    sandbox.setFaults({ p429: 0, retryAfterSeconds: 1 });
  });

  it('deletes models', async () => {
    expect(await value('models:delete-model', { id: loanId })).toEqual({ deleted: true });
    expect(await value('models:delete-model', { id: loanId })).toEqual({ deleted: false });
  });

  it('called every channel, and the key appears in no answer, event, log line or history row', () => {
    const called = new Set(transcript.map((t) => t.channel));
    for (const c of Object.keys(handlers)) expect(called.has(c), `${c} was not exercised`).toBe(true);
    const haystacks = [JSON.stringify(transcript), JSON.stringify(events), logger.text(), JSON.stringify(history.rows)];
    for (const secret of [KEY, ONLY_CHURN_KEY, 'sk-LEAK-CANARY-revoked-9999']) {
      for (const h of haystacks) expect(h.includes(secret)).toBe(false);
    }
    expect(logger.lines.length).toBeGreaterThan(10);
    // The keychain is where it lives.
    expect([...keytar.items.values()].some((v) => v.includes(KEY))).toBe(true);
  });
});

describe('demo workspace', () => {
  it('creates the demo profile once, updates its address, and keeps its key in memory only', async () => {
    const keytar2 = new FakeKeytar();
    const keys = new KeyStore({ keytar: keytar2 });
    const profiles = new MemoryProfiles();
    const settings = new MemorySettings();
    const accounts = new AccountsService({ profiles, settings, keys, client: new PlexeClient({ fetch: (u, i) => fetch(u, i) }) });
    const first = await accounts.ensureDemoProfile('http://127.0.0.1:4100', 'demo-key-plexe-sandbox');
    expect(first).toMatchObject({ isDemo: true, baseUrl: 'http://127.0.0.1:4100', name: 'Demo workspace' });
    const second = await accounts.ensureDemoProfile('http://127.0.0.1:4200/', 'demo-key-plexe-sandbox');
    expect(second.id).toBe(first.id);
    expect(profiles.list().length).toBe(1);
    expect(second.baseUrl).toBe('http://127.0.0.1:4200');
    expect(await keys.status(first.id)).toMatchObject({ saved: true, storage: 'session', lastFour: 'dbox' });
    expect(keytar2.items.size).toBe(0);
    expect(accounts.activeId()).toBe(first.id);
  });
});
