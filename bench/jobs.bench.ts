/**
 * Bulk-job export benchmark (floor ≥ 100,000 rows/s, as for the history export):
 * a finished, scored job of ROWS rows (9 input columns as the import stores them, 3 result fields,
 * ~2% failed rows) is written into a fresh app database (rows by SQL, answers through writeOutcomes), then exported to CSV with the
 * app's exportJob in fresh child processes (bench/jobs-child.ts), so each run's peak memory is its own.
 *
 *   npx tsx bench/jobs.bench.ts [--rows N] [--repeats N] [--dir DIR]
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { rowsLabel } from './import.bench';
import { sizeArgs } from './bench-job';
import { median, round, type BenchFigure } from './types';

interface ChildRun {
  seconds: number;
  cpuSeconds: number;
  rows: number;
  bytes: number;
  startRssMb: number;
  peakRssMb: number;
}

const CHILD = fileURLToPath(new URL('./jobs-child.ts', import.meta.url));
const REPO = fileURLToPath(new URL('..', import.meta.url));
const TARGET_ROWS_PER_S = 100_000;

function runChild(args: string[]): ChildRun {
  const r = spawnSync(process.execPath, ['--import', 'tsx', CHILD, ...args], { cwd: REPO, encoding: 'utf8', maxBuffer: 1024 * 1024 });
  if (r.status !== 0) throw new Error(`jobs bench child (${args[0]}) failed: ${r.stderr || r.stdout}`);
  return JSON.parse(r.stdout.trim().split('\n').at(-1) ?? '') as ChildRun;
}

export async function runJobsBench(opts: { rows: number; dir: string; repeats?: number }): Promise<BenchFigure[]> {
  const repeats = Math.max(1, opts.repeats ?? 3);
  mkdirSync(opts.dir, { recursive: true });
  const db = join(opts.dir, `jobs-export-${opts.rows}-app`);
  const out = join(opts.dir, `jobs-export-${opts.rows}.csv`);
  try {
    const seeded = runChild(['seed', db, String(opts.rows)]);
    const runs: ChildRun[] = [];
    for (let i = 0; i < repeats; i++) runs.push(runChild(['export', db, out]));
    for (const r of runs) if (r.rows !== opts.rows) throw new Error(`expected ${opts.rows} exported rows, a run wrote ${r.rows}`);
    const seconds = median(runs.map((r) => r.seconds));
    const cpu = median(runs.map((r) => r.cpuSeconds));
    const rate = opts.rows / seconds;
    const peak = Math.max(...runs.map((r) => r.peakRssMb));
    const start = median(runs.map((r) => r.startRssMb));
    const name = `jobs ${rowsLabel(opts.rows)}`;
    return [
      {
        bench: 'bulk.export_rows_per_s',
        value: Math.round(rate),
        unit: 'rows/s',
        baseline: TARGET_ROWS_PER_S,
        ratio: round(rate / TARGET_ROWS_PER_S),
        notes:
          `exportJob of a scored ${opts.rows.toLocaleString('en-US')}-row job (9 input columns, 3 result fields, 2% failed; ${(runs[0]!.bytes / 1e6).toFixed(1)} MB of CSV) from a ${(seeded.bytes / 1e6).toFixed(0)} MB app database; ` +
          `${repeats} runs in fresh processes, median (seconds: ${runs.map((r) => r.seconds.toFixed(2)).join(', ')}; CPU seconds median ${cpu.toFixed(2)}, i.e. ${Math.round(opts.rows / cpu).toLocaleString('en-US')} rows per CPU-second); ` +
          `baseline = the floor (≥ ${TARGET_ROWS_PER_S.toLocaleString('en-US')} rows/s, ${rate >= TARGET_ROWS_PER_S ? 'met' : 'NOT met'}), ratio = value ÷ floor; ${name} seeded (rows by SQL, answers through JobStore.writeOutcomes as a run writes them) in ${seeded.seconds.toFixed(1)} s`,
      },
      {
        bench: 'bulk.export_peak_rss_mb',
        value: round(peak, 1),
        unit: 'MB',
        baseline: round(start, 1),
        ratio: round(peak / start),
        notes: `peak RSS (maxRSS) of the exporting process, worst of ${repeats}; baseline = its RSS just before the export began (database open, code loaded): the export holds one 2,000-row page of rows and one 64 KB chunk of CSV at a time; SQLite's page cache is 4 MB while it reads (useScanCache)`,
      },
    ];
  } finally {
    for (const f of [db, out]) rmSync(f, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const figures = await runJobsBench(sizeArgs());
  for (const f of figures) console.log(JSON.stringify(f));
}
