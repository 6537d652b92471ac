/**
 * One run of the bulk-job benchmarks in its own process, so its peak memory (maxRSS) is its own.
 *
 *   node --import tsx bench/jobs-child.ts seed DB ROWS   — writes a scored ROWS-row job straight into
 *     a fresh app database (SQL, not the engine: the bench measures the export, not scoring)
 *   node --import tsx bench/jobs-child.ts export DB OUT  — exports that job with the app's exportJob
 *
 * Each prints one JSON line {seconds, cpuSeconds, rows, bytes, startRssMb, peakRssMb}.
 */
import { rmSync, statSync } from 'node:fs';
import { exportJob } from '../main/jobs/export';
import { DEFAULT_JOB_SETTINGS, JobStore, ROW_SPAN } from '../main/jobs/store';
import { closeDatabase, openDatabase } from '../main/store/db';

const [mode, dbPath, arg] = process.argv.slice(2);
if ((mode !== 'seed' && mode !== 'export') || !dbPath || !arg) throw new Error('usage: jobs-child.ts seed DB ROWS | export DB OUT');

const COLUMNS = ['id', 'city', 'sqft', 'bedrooms', 'bathrooms', 'has_garage', 'style', 'year_built', 'notes'];
const mb = (bytes: number): number => Math.round((bytes / 1e6) * 10) / 10;

/**
 * Rows like the import bench's file (a comment with a comma or a quote now and then, so some rows
 * need quoting), stored as the import stores them; ~2% failed rows with an error message, the rest
 * ok with a result and a request id — as a finished job looks.
 */
function seed(file: string, rows: number): { rows: number; bytes: number } {
  for (const f of [file, `${file}-wal`, `${file}-shm`]) rmSync(f, { force: true });
  const { db } = openDatabase(file, { integrityCheck: 'none' });
  const store = new JobStore(db);
  const jobId = store.create({
    source: 'cli',
    resumeKey: null,
    profileId: 'bench',
    profileName: 'Bench',
    modelId: null,
    modelRef: { kind: 'model', name: 'house-prices', version: '1' },
    modelLabel: 'house-prices v1',
    fields: null,
    filePath: 'bench.csv',
    fileName: 'bench.csv',
    sheet: null,
    settings: DEFAULT_JOB_SETTINGS,
  });
  const base = jobId * ROW_SPAN;
  const sep = 'char(31)';
  db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
    INSERT INTO job_rows (key, cells, status, input, result, error_code, error_message, retryable, http_status, request_id, attempts, round_trip_ms, finished_at)
    SELECT ${base} + i,
      ${sep} || i || ${sep} || (CASE i % 7 WHEN 0 THEN 'Springfield' WHEN 1 THEN 'Shelbyville' WHEN 2 THEN 'Ogdenville' WHEN 3 THEN 'North Haverbrook' WHEN 4 THEN 'Capital City' WHEN 5 THEN 'Brockway' ELSE 'Cypress Creek' END)
        || ${sep} || (500 + (i * 7919) % 4000) || ${sep} || (1 + i % 6) || ${sep} || (1 + (i % 6) / 2.0) || ${sep} || (CASE WHEN i % 2 THEN 'Yes' ELSE 'No' END)
        || ${sep} || (CASE i % 5 WHEN 0 THEN 'Ranch' WHEN 1 THEN 'Colonial' WHEN 2 THEN 'Victorian' WHEN 3 THEN 'Cape Cod' ELSE 'Modern' END) || ${sep} || (1900 + i % 124)
        || ${sep} || (CASE i % 8 WHEN 3 THEN 'new roof' WHEN 4 THEN 'needs work, priced to sell' WHEN 5 THEN 'corner lot' WHEN 6 THEN 'pool; "as is"' WHEN 7 THEN 'two-car garage' || char(10) || 'and shed' ELSE '' END),
      CASE WHEN i % 50 = 0 THEN 'failed' ELSE 'ok' END,
      '{"sqft":' || (500 + (i * 7919) % 4000) || ',"bedrooms":' || (1 + i % 6) || '}',
      CASE WHEN i % 50 = 0 THEN NULL ELSE '{"predicted_price":' || (100000 + (i * 104729) % 900000) || '.25,"confidence":' || ((i % 100) / 100.0) || ',"band":"' || (CASE i % 3 WHEN 0 THEN 'low' WHEN 1 THEN 'mid' ELSE 'high' END) || '"}' END,
      CASE WHEN i % 50 = 0 THEN 'invalid_input' END,
      CASE WHEN i % 50 = 0 THEN 'bedrooms must be at most 20 (got 99). Fix the value in row ' || i || ' and retry.' END,
      CASE WHEN i % 50 = 0 THEN 0 END,
      CASE WHEN i % 50 = 0 THEN 400 ELSE 200 END,
      'req_' || lower(hex(randomblob(8))),
      1, 40.5, 1700000000000
    FROM n;
  `);
  const failed = Math.floor(rows / 50);
  db.prepare(`UPDATE jobs SET state = 'done', columns = ?, result_fields = ?, n_pending = 0, n_ok = ?, n_failed = ? WHERE id = ?`).run(
    JSON.stringify(COLUMNS),
    JSON.stringify(['predicted_price', 'confidence', 'band']),
    rows - failed,
    failed,
    jobId,
  );
  closeDatabase(db);
  return { rows, bytes: statSync(file).size };
}

async function exportAll(file: string, out: string): Promise<{ rows: number; bytes: number }> {
  const { db } = openDatabase(file, { integrityCheck: 'none' });
  const store = new JobStore(db);
  const job = store.list()[0];
  if (!job) throw new Error(`no job in ${file}: run the seed step first`);
  const r = await exportJob(store, job, out);
  closeDatabase(db);
  return { rows: r.rows, bytes: r.bytes };
}

global.gc?.();
const startRssMb = mb(process.memoryUsage.rss());
const started = performance.now();
const cpu0 = process.cpuUsage();
const r = mode === 'seed' ? seed(dbPath, Number(arg)) : await exportAll(dbPath, arg);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
if (mode === 'export') rmSync(arg, { force: true });
// maxRSS is in kilobytes (KiB) on Linux and macOS.
process.stdout.write(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, rows: r.rows, bytes: r.bytes, startRssMb, peakRssMb: mb(process.resourceUsage().maxRSS * 1024) }) + '\n');
