/**
 * One measured run of the import benchmark, in its own process so its peak memory (maxRSS) is
 * its own: `node --import tsx bench/import-child.ts MODE FILE [DIR]` prints one JSON line
 * {seconds, cpuSeconds, openSeconds?, closeSeconds?, settledSeconds, settledCpuSeconds, rows, peakRssMb}
 * (cpuSeconds: all threads of the process, over the timed part; settled…: from its start until
 * everything the run started has finished, e.g. the job import's background checkpoint). MODE is:
 *   papaparse — papaparse alone, its Node stream mode over the file, counting rows (the baseline);
 *   job       — the app's job import: JobService.importFile — file → job rows in SQLite, exactly as
 *               the app and `npm run score` do — in an app built by createCore on a fresh data
 *               folder DIR (database with migrations, WAL), whose start and close are timed separately;
 *   import    — importSheet into a sink that only counts rows (parsing alone, for diagnosis);
 *   sqlite    — importSheet into a bare better-sqlite3 table in DIR, one transaction per batch (diagnosis).
 */
import { createReadStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import { importSheet } from '../main/sheets/import';
import { benchCore, benchJob, removeDataDir } from './bench-job';

const [mode, file, dirPath] = process.argv.slice(2);
if (!mode || !file) throw new Error('usage: import-child.ts papaparse|job|import|sqlite FILE [DIR]');

async function papaparseAlone(path: string): Promise<number> {
  let rows = 0;
  await new Promise<void>((resolve, reject) => {
    Papa.parse(createReadStream(path, { encoding: 'utf8' }), {
      chunk: (results: Papa.ParseResult<string[]>) => {
        rows += results.data.length;
      },
      complete: () => resolve(),
      error: (e: Error) => reject(e),
    });
  });
  return rows - 1; // header
}

async function importNoop(path: string): Promise<number> {
  let rows = 0;
  await importSheet(path, { header() {}, rows: (b) => void (rows += b.length) });
  return rows;
}

async function importSqlite(path: string, dir: string): Promise<number> {
  removeDataDir(dir);
  mkdirSync(dir, { recursive: true });
  const db = join(dir, 'bare.db');
  const sqlite = new Database(db);
  sqlite.pragma('journal_mode = WAL');
  sqlite.pragma('synchronous = NORMAL');
  sqlite.exec('CREATE TABLE job_rows (job_id INTEGER NOT NULL, row_number INTEGER NOT NULL, input_json TEXT NOT NULL, PRIMARY KEY (job_id, row_number)) WITHOUT ROWID');
  const insert = sqlite.prepare('INSERT INTO job_rows (job_id, row_number, input_json) VALUES (1, ?, ?)');
  const insertBatch = sqlite.transaction((batch: { rowNumber: number; values: string[] }[]) => {
    for (const r of batch) insert.run(r.rowNumber, JSON.stringify(r.values));
  });
  let rows = 0;
  await importSheet(path, {
    header() {},
    rows(batch) {
      insertBatch(batch);
      rows += batch.length;
    },
  });
  sqlite.close();
  removeDataDir(dir);
  return rows;
}

interface Timed {
  rows: number;
  /** When the timed part began and ended (performance.now()), and the process's CPU use at its start. */
  from: number;
  to: number;
  cpuFrom: NodeJS.CpuUsage;
  cpuTo: NodeJS.CpuUsage;
  /** Job import only: the app's start (createCore on a fresh folder: migrations, WAL) and close (PRAGMA optimize). */
  openSeconds?: number;
  closeSeconds?: number;
}

async function timed(run: () => Promise<number>): Promise<Timed> {
  const from = performance.now();
  const cpuFrom = process.cpuUsage();
  const rows = await run();
  return { rows, from, to: performance.now(), cpuFrom, cpuTo: process.cpuUsage() };
}

/**
 * The app's own job import, JobService.importFile — from the file chosen to the job ready with its
 * rows in job_rows — in an app built by createCore on a fresh data folder. Only the import is
 * timed: the app's start and quit are measured and reported beside it.
 */
async function importJob(path: string, dir: string): Promise<Timed> {
  removeDataDir(dir);
  const opening = performance.now();
  const core = await benchCore(dir);
  const openSeconds = (performance.now() - opening) / 1000;
  const t = await timed(async () => (await core.jobs.importFile('bench', benchJob(path))).counts.total);
  const closing = performance.now();
  await core.close();
  return { ...t, openSeconds, closeSeconds: (performance.now() - closing) / 1000 };
}

const db = dirPath ?? `${file}.data`;
const t =
  mode === 'papaparse' ? await timed(() => papaparseAlone(file)) : mode === 'import' ? await timed(() => importNoop(file)) : mode === 'job' ? await importJob(file, db) : await timed(() => importSqlite(file, db));
const cpuSeconds = (a: NodeJS.CpuUsage, b: NodeJS.CpuUsage): number => (b.user - a.user + b.system - a.system) / 1e6;
// The job import's writer thread checkpoints after the import is done; nothing else is left running,
// so the event loop empties when it has finished. Measured too, so the figure shows that work.
process.once('beforeExit', () => {
  const settledSeconds = (performance.now() - t.from) / 1000;
  const settledCpuSeconds = cpuSeconds(t.cpuFrom, process.cpuUsage());
  if (mode === 'job') removeDataDir(db);
  // maxRSS is in kilobytes (KiB) on Linux and macOS.
  const peakRssMb = (process.resourceUsage().maxRSS * 1024) / 1e6;
  const seconds = (t.to - t.from) / 1000;
  const around = t.openSeconds === undefined ? {} : { openSeconds: t.openSeconds, closeSeconds: t.closeSeconds };
  process.stdout.write(JSON.stringify({ seconds, cpuSeconds: cpuSeconds(t.cpuFrom, t.cpuTo), ...around, settledSeconds, settledCpuSeconds, rows: t.rows, peakRssMb }) + '\n');
});
