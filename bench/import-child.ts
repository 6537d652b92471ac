/**
 * One measured run of the import benchmark, in its own process so its peak memory (maxRSS) is
 * its own: `node --import tsx bench/import-child.ts MODE FILE [DB]` prints one JSON line
 * {seconds, cpuSeconds, rows, peakRssMb} (cpuSeconds: all threads of the process). MODE is:
 *   papaparse — papaparse alone, its Node stream mode over the file, counting rows (the baseline);
 *   job       — the app's job import: a fresh app database (openDatabase: migrations, WAL), then
 *               importIntoJob — file → job rows in SQLite, exactly as the app and `npm run score` do;
 *   import    — importSheet into a sink that only counts rows (parsing alone, for diagnosis);
 *   sqlite    — importSheet into a bare better-sqlite3 table, one transaction per batch (diagnosis).
 */
import { createReadStream, rmSync } from 'node:fs';
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import { importIntoJob } from '../main/jobs/import-job';
import { JobStore } from '../main/jobs/store';
import { importSheet } from '../main/sheets/import';
import { closeDatabase, openDatabase } from '../main/store/db';
import { benchJob, removeDb } from './bench-job';

const [mode, file, dbPath] = process.argv.slice(2);
if (!mode || !file) throw new Error('usage: import-child.ts papaparse|job|import|sqlite FILE [DB]');

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

async function importSqlite(path: string, db: string): Promise<number> {
  rmSync(db, { force: true });
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
  rmSync(db, { force: true });
  rmSync(`${db}-wal`, { force: true });
  rmSync(`${db}-shm`, { force: true });
  return rows;
}

/** The app's own job import: a fresh app database (migrations, WAL), importIntoJob, rows in job_rows. */
async function importJob(path: string, db: string): Promise<number> {
  removeDb(db);
  const { db: sqlite } = openDatabase(db, { integrityCheck: 'none' });
  const store = new JobStore(sqlite);
  const job = await importIntoJob(store, benchJob(path));
  closeDatabase(sqlite);
  return job.counts.total;
}


const started = performance.now();
const cpu0 = process.cpuUsage();
const rows =
  mode === 'papaparse' ? await papaparseAlone(file) : mode === 'import' ? await importNoop(file) : mode === 'job' ? await importJob(file, dbPath ?? `${file}.db`) : await importSqlite(file, dbPath ?? `${file}.db`);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
if (mode === 'job') removeDb(dbPath ?? `${file}.db`);
// maxRSS is in kilobytes (KiB) on Linux and macOS.
const peakRssMb = (process.resourceUsage().maxRSS * 1024) / 1e6;
process.stdout.write(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, rows, peakRssMb }) + '\n');
