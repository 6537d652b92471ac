import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { channels } from '../../shared/ipc/contract';
import type { IpcResult } from '../../shared/ipc/errors';
import type { Account } from '../../shared/ipc/accounts';
import type { JobDetail } from '../../shared/ipc/jobs';
import type { SavedModel } from '../../shared/domain/model';
import type { HostPorts } from '../host';
import { houseCsv } from '../jobs/test-support';
import { MemoryLogger } from '../log';
import { buildPlexeApi } from '../preload/build-api';
import { createServices, type Services } from '../services';

// The channels that touch files, over the real services: only files the person chose this run.

let dir: string;
let services: Services;
let opened: string[] = [];
let saveTo: string;
let openedPaths: string[] = [];
const host: HostPorts = {
  kind: 'test',
  chooseSavePath: async () => saveTo,
  showInFolder: async () => true,
  openPath: async (path) => {
    openedPaths.push(path);
    return null;
  },
  openExternal: async () => true,
  notify: () => {},
  takeOpenedFiles: () => opened.splice(0),
};

async function call(channel: string, arg?: unknown): Promise<IpcResult<unknown>> {
  return (await services.dispatch(channel, arg)) as IpcResult<unknown>;
}

let profileId: string;
let modelId: string;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plexe-grants-'));
  services = await createServices({ dataDir: join(dir, 'data'), host, version: '0.0.0-test', fetch: globalThis.fetch, log: new MemoryLogger(), keytar: null, demo: true });
  const accounts = (await call('accounts:list-accounts')) as { ok: true; value: { accounts: Account[] } };
  profileId = accounts.value.accounts.find((a) => a.isDemo)!.id;
  const models = (await call('models:list-saved', { profileId })) as { ok: true; value: SavedModel[] };
  modelId = models.value.find((m) => m.ref.kind === 'model' && m.ref.name === 'house-prices')!.id;
}, 30_000);
afterAll(async () => {
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

const refused = (r: IpcResult<unknown>) => {
  expect(r.ok).toBe(false);
  if (!r.ok) {
    expect(r.error.code).toBe('file_not_granted');
    return r.error.message;
  }
  return '';
};

describe('file channels take only files the person chose', () => {
  it('refuses to read a path the page made up (/etc/passwd, a file in the data folder)', async () => {
    for (const path of ['/etc/passwd', join(dir, 'data', 'plexe.db'), '../../etc/passwd']) {
      expect(refused(await call('jobs:preview-file', { path }))).toMatch(/only opens files you chose yourself in this session.*Choose the file again/);
      refused(await call('jobs:list-sheets', { path }));
      refused(await call('jobs:create-job', { importId: 'x', path, profileId, modelId }));
    }
  });

  it('refuses to write where the page says (history export, job export) and creates nothing there', async () => {
    const target = join(dir, 'overwritten.csv');
    writeFileSync(target, 'precious');
    expect(refused(await call('history:export-csv', { filters: {}, path: target }))).toMatch(/only saves to a place you chose in its save dialog/);
    refused(await call('history:export-csv', { filters: {}, path: join(dir, 'new.csv') }));
    expect(existsSync(join(dir, 'new.csv'))).toBe(false);
    refused(await call('jobs:export-results', { jobId: 1, path: target }));
    expect((await import('node:fs')).readFileSync(target, 'utf8')).toBe('precious');
    expect(await call('app:show-in-folder', { path: '/etc/passwd' })).toEqual({ ok: true, value: { shown: false } });
  });

  it('reads a file handed over by "Open with" and one picked or dropped (registered by the preload)', async () => {
    const a = join(dir, 'opened.csv');
    const b = join(dir, 'dropped.csv');
    writeFileSync(a, houseCsv(3));
    writeFileSync(b, houseCsv(4));
    opened = [a];
    expect(await call('app:take-opened-files')).toEqual({ ok: true, value: [a] });
    expect((await call('jobs:preview-file', { path: a })).ok).toBe(true);
    refused(await call('jobs:preview-file', { path: b }));
    expect(await call('app:register-file', { path: b })).toEqual({ ok: true, value: { path: b, name: 'dropped.csv', size: houseCsv(4).length } });
    const created = (await call('jobs:create-job', { importId: 'dropped', path: b, profileId, modelId })) as { ok: true; value: JobDetail };
    expect(created.ok).toBe(true);
    // Registering needs a real file: a made-up or relative path, or a folder, is not granted.
    for (const path of [join(dir, 'missing.csv'), dir, 'relative.csv']) expect(((await call('app:register-file', { path })) as { ok: boolean }).ok).toBe(false);
  });

  it('writes where the save dialog said, and only there', async () => {
    saveTo = join(dir, 'chosen.csv');
    const chosen = (await call('app:choose-save-path', { suggestedName: 'x.csv', kind: 'csv' })) as { ok: true; value: { path: string } };
    expect(chosen.value.path).toBe(saveTo);
    expect((await call('history:export-csv', { filters: {}, path: saveTo })).ok).toBe(true);
    expect(existsSync(saveTo)).toBe(true);
    expect(await call('app:show-in-folder', { path: saveTo })).toEqual({ ok: true, value: { shown: true } });
    // A save grant does not make the file readable as a spreadsheet, nor its neighbours writable.
    refused(await call('jobs:preview-file', { path: saveTo }));
    refused(await call('history:export-csv', { filters: {}, path: join(dir, 'chosen2.csv') }));
  });

  it('opens only a file this session saved, of a kind an export writes (app:open-path)', async () => {
    openedPaths = [];
    const input = join(dir, 'input.csv');
    writeFileSync(input, houseCsv(2));
    expect(await call('app:register-file', { path: input })).toMatchObject({ ok: true });
    // Made up, only read (the person's own input), or granted but not a kind the export writes: not opened.
    for (const path of ['/etc/passwd', input, join(dir, 'data', 'plexe.db')]) {
      expect(await call('app:open-path', { path })).toEqual({ ok: true, value: { opened: false, message: expect.stringContaining('only opens files it saved for you') } });
    }
    saveTo = join(dir, 'run.sh');
    await call('app:choose-save-path', { suggestedName: 'run.sh', kind: 'csv' });
    writeFileSync(saveTo, 'echo hi');
    expect(((await call('app:open-path', { path: saveTo })) as { value: { opened: boolean } }).value.opened).toBe(false);
    // Granted but not written yet (the export failed or was cancelled): says so.
    saveTo = join(dir, 'later.xlsx');
    await call('app:choose-save-path', { suggestedName: 'later.xlsx', kind: 'xlsx' });
    expect(await call('app:open-path', { path: saveTo })).toEqual({ ok: true, value: { opened: false, message: expect.stringContaining('no longer there') } });
    expect(openedPaths).toEqual([]);
    // A saved export opens, through the host.
    saveTo = join(dir, 'export.csv');
    await call('app:choose-save-path', { suggestedName: 'export.csv', kind: 'csv' });
    expect((await call('history:export-csv', { filters: {}, path: saveTo })).ok).toBe(true);
    expect(await call('app:open-path', { path: saveTo })).toEqual({ ok: true, value: { opened: true, message: null } });
    expect(openedPaths).toEqual([saveTo]);
  });

  it('keeps the grant channel away from the page: window.plexe has no registerFile', () => {
    expect('app:register-file' in channels).toBe(true);
    const api = buildPlexeApi({ invoke: async () => null, subscribe: () => () => {} }, { register: async () => ({ ok: false, error: { code: 'x', message: 'x' } }) });
    expect(Object.keys(api.app)).not.toContain('registerFile');
    expect(Object.keys(api.app)).toContain('chooseSavePath');
  });
});
