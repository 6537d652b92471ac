import { mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BAD_EXPECTATIONS } from '../../e2e/fixtures/bad-expectations';
import { GENERATED_BAD, generateBadFixtures } from '../../e2e/fixtures/generate-bad';
import type { Account } from '../../shared/ipc/accounts';
import type { IpcResult } from '../../shared/ipc/errors';
import type { HistoryPage } from '../../shared/ipc/history';
import type { JobDetail, JobSummary } from '../../shared/ipc/jobs';
import type { SavedModel } from '../../shared/domain/model';
import type { HostPorts } from '../host';
import { MemoryLogger } from '../log';
import { createServices, type Services } from '../services';
import { houseCsv } from './test-support';

// Issue 9, point 3, the app's side: every file of the bad-input corpus goes through the calls the
// Spreadsheet screen makes (list sheets → preview → create the job), over the real services and
// the validated channel table. Each broken file gets a clear message naming the problem from
// every step; readable-but-awkward files import with notices saying what was done; nothing
// throws past the IPC boundary, and the history and an earlier job are exactly as they were.

const BAD = fileURLToPath(new URL('../../e2e/fixtures/bad/', import.meta.url));

type Expected = { error: string; message: RegExp } | { notices: string[]; notice?: RegExp; columns?: string[]; rows?: number };

/**
 * The same expectations as the importer's own corpus test (e2e/fixtures/bad-expectations.ts), as the
 * app shows them: a job's row count instead of its rows. The screen picks the sheet from list-sheets,
 * so the "first of N sheets was imported" notice of a sheet-less import does not apply here.
 */
const TABLE: Record<string, Expected> = {
  ...Object.fromEntries(
    Object.entries(BAD_EXPECTATIONS).map(([name, exp]): [string, Expected] => [
      name,
      'error' in exp
        ? { error: exp.error, message: exp.message }
        : {
            notices: exp.notices.filter((k) => k !== 'sheet'),
            ...(exp.notice ? { notice: exp.notice } : {}),
            ...(exp.columns ? { columns: exp.columns } : {}),
            ...(exp.rows ? { rows: exp.rows.length } : {}),
          },
    ]),
  ),
  // Generated at test time (too big to commit).
  '50mb-single-line.csv': { error: 'cell_too_long', message: /^Row 1, column 1 \(A\) holds a value of more than [\d,]+ characters; a cell can hold at most 1,000,000\./ },
  'single-line-many-values.csv': { error: 'too_many_columns', message: /^Row 1 has more than [\d,]+ columns; the most that can be imported is 5,000/ },
  'very-long-cell.csv': { error: 'cell_too_long', message: /^Row 3, column 2 \("notes"\) holds a value of more than/ },
  'unclosed-quote-early.csv': { error: 'unclosed_quote', message: /^Row 7, column 3 \("comment"\) starts with a quote \("\) that is not closed for more than 1,000,000 characters/ },
  'row-too-long.csv': { error: 'row_too_long', message: /^Row 2 is longer than 16,000,000 characters and has not ended yet/ },
  'windows-1252-late-accent.csv': { notices: ['encoding'], notice: /Windows-1252/, columns: ['id', 'name', 'city'] },
};

const host: HostPorts = {
  kind: 'test',
  chooseSavePath: async () => null,
  showInFolder: async () => true,
  openPath: async () => null,
  openExternal: async () => true,
  notify: () => {},
  takeOpenedFiles: () => [],
};

let dir: string;
let services: Services;
const log = new MemoryLogger();
const files: Record<string, string> = {};

async function call<T>(channel: string, arg?: unknown): Promise<T> {
  const r = (await services.dispatch(channel, arg)) as IpcResult<T>;
  if (!r.ok) throw new Error(`${channel} failed: ${r.error.code}: ${r.error.message}`);
  return r.value;
}

async function waitForJob(jobId: number, done: (j: JobDetail) => boolean): Promise<JobDetail> {
  for (let i = 0; i < 500; i++) {
    const j = await call<JobDetail>('jobs:get-job', { jobId });
    if (done(j)) return j;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`job ${jobId} did not finish`);
}

/** Everything the person could see of the history and of a job, to compare before and after. */
async function snapshot(jobId: number) {
  const history: HistoryPage['rows'] = [];
  let cursor: string | null = null;
  do {
    const page: HistoryPage = await call<HistoryPage>('history:list-page', { limit: 1000, ...(cursor ? { cursor } : {}) });
    history.push(...page.rows);
    cursor = page.nextCursor;
  } while (cursor);
  const { count } = await call<{ count: number }>('history:count-entries', { filters: {} });
  const job = await call<JobDetail>('jobs:get-job', { jobId });
  const results = await call<{ rows: unknown[] }>('jobs:list-results', { jobId, limit: 1000 });
  return { history, count, job, results: results.rows };
}

let profileId: string;
let modelId: string;
let earlierJobId: number;
let before: Awaited<ReturnType<typeof snapshot>>;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'plexe-app-corpus-'));
  for (const name of readdirSync(BAD)) files[name] = join(BAD, name);
  Object.assign(files, generateBadFixtures(join(dir, 'generated')));
  services = await createServices({ dataDir: join(dir, 'data'), host, version: '0.0.0-test', fetch: globalThis.fetch, log, keytar: null, demo: true });
  const { accounts } = await call<{ accounts: Account[] }>('accounts:list-accounts');
  profileId = accounts.find((a) => a.isDemo)!.id;
  modelId = (await call<SavedModel[]>('models:list-saved', { profileId })).find((m) => m.ref.kind === 'model' && m.ref.name === 'house-prices')!.id;

  // A prediction in the history, and an earlier job that has run to the end.
  const predicted = await call<{ ok: boolean }>('predict:run-prediction', { callId: 'c1', modelId, input: { square_footage: 1500, bedrooms: 3, bathrooms: 2, location: 'urban' } });
  expect(predicted.ok).toBe(true);
  const earlier = join(dir, 'earlier.csv');
  writeFileSync(earlier, houseCsv(12));
  services.grants.grantRead(earlier);
  const job = await call<JobDetail>('jobs:create-job', { importId: 'earlier', path: earlier, profileId, modelId });
  earlierJobId = job.id;
  await call('jobs:check-job', { jobId: job.id });
  await call('jobs:start-job', { jobId: job.id });
  await waitForJob(job.id, (j) => j.state === 'done');
  before = await snapshot(earlierJobId);
  expect(before.count).toBe(13);
  expect(before.job.counts.ok).toBe(12);
}, 30_000);

afterAll(async () => {
  await services?.close();
  rmSync(dir, { recursive: true, force: true });
});

describe("the app's import of the bad-input corpus (the Spreadsheet screen's calls over the real services)", () => {
  it('has an expectation for every committed and every generated file', () => {
    expect(Object.keys(files).sort()).toEqual(Object.keys(TABLE).sort());
    expect(readdirSync(BAD).length + GENERATED_BAD.length).toBeGreaterThanOrEqual(36);
  });

  const imported: number[] = [];

  it.each(Object.entries(TABLE))('%s', async (name, exp) => {
    // The person picks the file (the preload registers it with main), then the screen's steps, in
    // its order: sheet names, preview, then the import proper.
    const path = services.grants.grantRead(files[name]!);
    const sheets = await services.dispatch('jobs:list-sheets', { path });
    const sheet = sheets.ok ? (sheets.value as { sheets: string[] }).sheets[0] : undefined;
    const preview = sheets.ok ? await services.dispatch('jobs:preview-file', { path, rows: 50, ...(sheet ? { sheet } : {}) }) : null;
    const created = await services.dispatch('jobs:create-job', { importId: `corpus-${name}`, path, profileId, modelId, ...(sheet ? { sheet } : {}) });

    if ('error' in exp) {
      // Whichever step meets the problem first says it; the import says the same.
      const first = !sheets.ok ? sheets : preview!;
      for (const [step, answer] of [['the first step that fails', first], ['jobs:create-job', created]] as const) {
        expect(answer.ok, `${name}: ${step} should refuse the file`).toBe(false);
        if (answer.ok) continue;
        expect({ name, step, code: answer.error.code }).toEqual({ name, step, code: exp.error });
        expect(answer.error.message, `${name}: ${step}`).toMatch(exp.message);
        expect(answer.error.message).not.toMatch(/\n\s+at |internal|undefined|\[object/i);
        expect(answer.error.message.length).toBeLessThan(600);
      }
      return;
    }

    expect(sheets.ok && preview?.ok, `${name}: listed and previewed`).toBe(true);
    if (!created.ok) throw new Error(`${name} should import but was refused: ${created.error.code}: ${created.error.message}`);
    const job = created.value as JobDetail;
    imported.push(job.id);
    expect(job.state).toBe('ready');
    expect(job.counts.total).toBeGreaterThan(0);
    if (exp.rows !== undefined) expect(job.counts.total).toBe(exp.rows);
    if (exp.columns) expect(job.columns).toEqual(exp.columns);
    expect(job.notices.map((n) => n.kind).sort()).toEqual([...exp.notices].sort());
    if (exp.notice) expect(job.notices.map((n) => n.message).join('\n')).toMatch(exp.notice);
    // The preview told the same story before the import.
    const p = (preview as { ok: true; value: { columns: string[]; notices: { kind: string }[] } }).value;
    expect(p.columns).toEqual(job.columns);
    // None of these columns feeds house-prices: the check says what is missing rather than failing.
    const check = await call<{ needAttention: number; ready: number }>('jobs:check-job', { jobId: job.id });
    expect(check.ready + check.needAttention).toBe(job.counts.total);
  }, 20_000);

  it('leaves the history and the earlier job exactly as they were, and no half-imported job behind', async () => {
    const after = await snapshot(earlierJobId);
    expect(after.count).toBe(before.count);
    expect(after.history).toEqual(before.history);
    expect(after.job).toEqual(before.job);
    expect(after.results).toEqual(before.results);
    const jobs = await call<JobSummary[]>('jobs:list-jobs');
    expect(jobs.map((j) => j.id).sort((a, b) => a - b)).toEqual([earlierJobId, ...imported].sort((a, b) => a - b));
    expect(jobs.filter((j) => j.state === 'importing')).toEqual([]);
    expect(await call<JobSummary[]>('jobs:list-resumable')).toEqual([]);
    // Every refusal was an expected, explained error: nothing escaped as an internal failure.
    expect(log.lines.filter((l) => l.level === 'error')).toEqual([]);
    // The services still work: another prediction goes through and lands in the history.
    const again = await call<{ ok: boolean }>('predict:run-prediction', { callId: 'c2', modelId, input: { square_footage: 900, bedrooms: 2, bathrooms: 1, location: 'rural' } });
    expect(again.ok).toBe(true);
    expect((await call<{ count: number }>('history:count-entries', { filters: {} })).count).toBe(before.count + 1);
  });
});
