/**
 * One run of the bulk-job benchmarks in its own process, so its peak memory (maxRSS) is its own.
 *
 *   node --import tsx bench/jobs-child.ts seed DIR ROWS   — writes a scored ROWS-row job into the
 *     app built by createCore on a fresh data folder DIR (rows by SQL, answers through
 *     JobStore.writeOutcomes as the runner writes them; not the engine: the bench measures the export)
 *   node --import tsx bench/jobs-child.ts export DIR OUT  — exports that job as the app does (JobService.exportResults)
 *
 * Each prints one JSON line {seconds, cpuSeconds, rows, bytes, startRssMb, peakRssMb}.
 */
import { rmSync, statSync } from 'node:fs';
import { randomBytes } from 'node:crypto';
import { ROW_SPAN, type RowOutcomeWrite } from '../main/jobs/store';
import { benchCore, benchDatabase, benchJob, removeDataDir } from './bench-job';

const [mode, dirPath, arg] = process.argv.slice(2);
if ((mode !== 'seed' && mode !== 'export') || !dirPath || !arg) throw new Error('usage: jobs-child.ts seed DIR ROWS | export DIR OUT');

const COLUMNS = ['id', 'city', 'sqft', 'bedrooms', 'bathrooms', 'has_garage', 'style', 'year_built', 'notes'];
const mb = (bytes: number): number => Math.round((bytes / 1e6) * 10) / 10;

/**
 * Rows like the import bench's file (a comment with a comma or a quote now and then, so some rows
 * need quoting), stored as the import stores them, then answered as the runner records answers;
 * ~2% failed rows with an error message, the rest ok with a result and a request id — as a finished
 * job looks.
 */
async function seed(dir: string, rows: number): Promise<{ rows: number; bytes: number }> {
  removeDataDir(dir);
  const core = await benchCore(dir);
  const { db } = core;
  const store = core.jobs.store;
  const jobId = store.create(benchJob('bench.csv'));
  const base = jobId * ROW_SPAN;
  const sep = 'char(31)';
  // The rows as the import stores them (cells only, pending)…
  db.exec(`
    WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${rows})
    INSERT INTO job_rows (key, cells)
    SELECT ${base} + i,
      ${sep} || i || ${sep} || (CASE i % 7 WHEN 0 THEN 'Springfield' WHEN 1 THEN 'Shelbyville' WHEN 2 THEN 'Ogdenville' WHEN 3 THEN 'North Haverbrook' WHEN 4 THEN 'Capital City' WHEN 5 THEN 'Brockway' ELSE 'Cypress Creek' END)
        || ${sep} || (500 + (i * 7919) % 4000) || ${sep} || (1 + i % 6) || ${sep} || (1 + (i % 6) / 2.0) || ${sep} || (CASE WHEN i % 2 THEN 'Yes' ELSE 'No' END)
        || ${sep} || (CASE i % 5 WHEN 0 THEN 'Ranch' WHEN 1 THEN 'Colonial' WHEN 2 THEN 'Victorian' WHEN 3 THEN 'Cape Cod' ELSE 'Modern' END) || ${sep} || (1900 + i % 124)
        || ${sep} || (CASE i % 8 WHEN 3 THEN 'new roof' WHEN 4 THEN 'needs work, priced to sell' WHEN 5 THEN 'corner lot' WHEN 6 THEN 'pool; "as is"' WHEN 7 THEN 'two-car garage' || char(10) || 'and shed' ELSE '' END)
    FROM n;
  `);
  db.prepare('UPDATE jobs SET columns = ?, n_pending = ? WHERE id = ?').run(JSON.stringify(COLUMNS), rows, jobId);
  // …then every answer written the way the runner writes them (writeOutcomes, 500 per transaction):
  // ~2% failed with an error message.
  const resultFields = ['predicted_price', 'confidence', 'band'];
  let after = 0;
  let first = true;
  for (;;) {
    const page = store.pendingRows(jobId, after, 500);
    if (page.length === 0) break;
    after = page[page.length - 1]!.rowNumber;
    const outcomes: RowOutcomeWrite[] = page.map(({ rowNumber: i, cells }) => {
      const failed = i % 50 === 0;
      return {
        rowNumber: i,
        input: { sqft: Number(cells[2]), bedrooms: Number(cells[3]) },
        ok: !failed,
        status: failed ? 'failed' : 'ok',
        result: failed ? null : { predicted_price: 100000 + ((i * 104729) % 900000) + 0.25, confidence: (i % 100) / 100, band: ['low', 'mid', 'high'][i % 3]! },
        errorCode: failed ? 'invalid_input' : null,
        errorMessage: failed ? `bedrooms must be at most 20 (got 99). Fix the value in row ${i} and retry.` : null,
        errorDetails: null,
        retryable: false,
        httpStatus: failed ? 400 : 200,
        requestId: `req_${randomBytes(8).toString('hex')}`,
        attempts: 1,
        roundTripMs: 40.5,
        processingTimeMs: null,
      };
    });
    store.writeOutcomes(jobId, outcomes, { newResultFields: first ? resultFields : null });
    first = false;
  }
  db.prepare(`UPDATE jobs SET state = 'done' WHERE id = ?`).run(jobId);
  await core.close();
  return { rows, bytes: statSync(benchDatabase(dir)).size };
}

async function exportAll(dir: string, out: string): Promise<{ rows: number; bytes: number }> {
  const core = await benchCore(dir);
  const job = core.jobs.listJobs()[0];
  if (!job) throw new Error(`no job in ${dir}: run the seed step first`);
  const r = await core.jobs.exportResults(job.id, out);
  await core.close();
  return { rows: r.rows, bytes: r.bytes };
}

global.gc?.();
const startRssMb = mb(process.memoryUsage.rss());
const started = performance.now();
const cpu0 = process.cpuUsage();
const r = mode === 'seed' ? await seed(dirPath, Number(arg)) : await exportAll(dirPath, arg);
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpu0);
if (mode === 'export') rmSync(arg, { force: true });
// maxRSS is in kilobytes (KiB) on Linux and macOS.
process.stdout.write(JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, rows: r.rows, bytes: r.bytes, startRssMb, peakRssMb: mb(process.resourceUsage().maxRSS * 1024) }) + '\n');
