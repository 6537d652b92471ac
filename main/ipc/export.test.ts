import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ExcelJS from 'exceljs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { IpcResult } from '../../shared/ipc/errors';
import type { Account } from '../../shared/ipc/accounts';
import type { JobDetail } from '../../shared/ipc/jobs';
import type { SavedModel } from '../../shared/domain/model';
import type { HostPorts } from '../host';
import { houseCsv } from '../jobs/test-support';
import { MemoryLogger } from '../log';
import { createServices, type Services } from '../services';

// The export channels over the real services: the format offered and remembered, progress events, the file written.

let dir: string;
let services: Services;
let saveTo = '';
const progress: { exportId: string; rows: number; total: number | null }[] = [];
const host: HostPorts = {
  kind: 'test',
  chooseSavePath: async () => saveTo,
  showInFolder: async () => true,
  openPath: async () => null,
  openExternal: async () => true,
  notify: () => {},
  takeOpenedFiles: () => [],
};

async function ok<T>(channel: string, arg?: unknown): Promise<T> {
  const r = (await services.dispatch(channel, arg)) as IpcResult<T>;
  if (!r.ok) throw new Error(`${channel}: ${r.error.message}`);
  return r.value;
}

async function saveAs(name: string): Promise<string> {
  saveTo = join(dir, name);
  return (await ok<{ path: string }>('app:choose-save-path', { suggestedName: name, kind: name.endsWith('.xlsx') ? 'xlsx' : 'csv' })).path;
}

let jobId: number;
beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plexe-export-ipc-'));
  services = await createServices({ dataDir: join(dir, 'data'), host, version: '0.0.0-test', fetch: globalThis.fetch, log: new MemoryLogger(), keytar: null, demo: true });
  services.events.subscribe((name, payload) => {
    if (name === 'event:export-progress') progress.push(payload as (typeof progress)[number]);
  });
  const profileId = (await ok<{ accounts: Account[] }>('accounts:list-accounts')).accounts.find((a) => a.isDemo)!.id;
  const modelId = (await ok<SavedModel[]>('models:list-saved', { profileId })).find((m) => m.ref.kind === 'model' && m.ref.name === 'house-prices')!.id;
  const input = join(dir, 'houses.csv');
  writeFileSync(input, houseCsv(30));
  await ok('app:register-file', { path: input });
  const job = await ok<JobDetail>('jobs:create-job', { importId: 'x', path: input, profileId, modelId });
  await ok('jobs:start-job', { jobId: job.id });
  await services.core.jobs.settle(job.id);
  jobId = job.id;
}, 60_000);
afterAll(async () => {
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('export channels', () => {
  it('offers CSV for a CSV job, writes the chosen format with progress, and offers that choice next time', async () => {
    expect(await ok('jobs:export-options', { jobId })).toMatchObject({ offered: 'csv', options: [{ choice: 'xlsx' }, { choice: 'csv' }, { choice: 'like-input' }] });

    const csvPath = await saveAs('out.csv');
    const csv = await ok<{ rows: number; notices: string[] }>('jobs:export-results', { jobId, path: csvPath, format: 'csv', exportId: 'e1' });
    expect(csv).toMatchObject({ rows: 30, notices: [] });
    expect([...readFileSync(csvPath).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    expect(progress.filter((p) => p.exportId === 'e1').at(-1)).toEqual({ exportId: 'e1', rows: 30, total: 30 });

    const xlsxPath = await saveAs('out.xlsx');
    await ok('jobs:export-results', { jobId, path: xlsxPath, format: 'xlsx', exportId: 'e2' });
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(xlsxPath);
    expect(book.worksheets[0]!.rowCount).toBe(31);
    expect(progress.filter((p) => p.exportId === 'e2').at(-1)).toMatchObject({ rows: 30 });
    expect(await ok('jobs:export-options', { jobId })).toMatchObject({ offered: 'xlsx' });
  });

  it('exports the history as a workbook or CSV and remembers which', async () => {
    expect(await ok('history:export-format')).toEqual({ format: 'csv' });
    const path = await saveAs('history.xlsx');
    const written = await ok<{ rows: number; path: string }>('history:export-csv', { filters: {}, path, format: 'xlsx', exportId: 'h1' });
    expect(written.rows).toBeGreaterThanOrEqual(30);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(path);
    expect(book.worksheets[0]!.rowCount).toBe(written.rows + 1);
    expect(progress.filter((p) => p.exportId === 'h1').at(-1)).toEqual({ exportId: 'h1', rows: written.rows, total: written.rows });
    expect(await ok('history:export-format')).toEqual({ format: 'xlsx' });
    // Without a format: CSV with the mark, as before.
    const csvPath = await saveAs('history.csv');
    await ok('history:export-csv', { filters: {}, path: csvPath });
    expect([...readFileSync(csvPath).subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
  });
});
