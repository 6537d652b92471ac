import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { loadavg, tmpdir } from 'node:os';
import { join } from 'node:path';
import { round, type BenchFigure } from './types';

const RATE_TARGET = 25_000;
const RSS_TARGET_MB = 300;

/**
 * The .xlsx export of an n-row bulk job (default 1,000,000 rows of 9 input columns, 3 result fields,
 * status, error and request_id), generated in the exporting process and written by the streaming
 * writer in a child process, so its peak memory is the export's own.
 */
export function runXlsxBench(opts: { rows: number }): BenchFigure[] {
  const dir = mkdtempSync(join(tmpdir(), 'plexe-xlsx-bench-'));
  const out = join(dir, 'results.xlsx');
  try {
    const child = JSON.parse(
      execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', join(import.meta.dirname, 'xlsx-child.ts'), String(opts.rows), out], { encoding: 'utf8', maxBuffer: 1 << 20 })
        .trim()
        .split('\n')
        .pop() as string,
    ) as { seconds: number; cpuSeconds: number; rows: number; sheets: number; startRssMb: number; peakRssMb: number; samples: number[] };
    const rate = child.rows / child.seconds;
    const outMb = Math.round(statSync(out).size / 1048576);
    const load = loadavg()
      .map((l) => l.toFixed(1))
      .join('/');
    return [
      {
        bench: 'bulk.export_xlsx_rows_per_s',
        value: Math.round(rate),
        unit: 'rows/s',
        baseline: RATE_TARGET,
        ratio: round(rate / RATE_TARGET, 3),
        notes: `${child.rows.toLocaleString('en')} rows × 15 columns, ${outMb} MB .xlsx on ${child.sheets} sheet(s) in ${round(child.seconds, 2)} s wall (${Math.round(child.rows / child.cpuSeconds).toLocaleString('en')} rows per CPU-second; load average ${load}); baseline = ${RATE_TARGET.toLocaleString('en')} rows/s target`,
      },
      {
        bench: 'bulk.export_xlsx_peak_rss_mb',
        value: child.peakRssMb,
        unit: 'MB',
        baseline: RSS_TARGET_MB,
        ratio: round(child.peakRssMb / RSS_TARGET_MB, 3),
        notes: `exporting process: ${child.startRssMb} MB before the export, peak ${child.peakRssMb} MB; RSS every 100k rows: ${child.samples.join(', ')}; baseline = ${RSS_TARGET_MB} MB target`,
      },
    ];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  const rows = Number(process.argv[2] ?? 1_000_000);
  for (const f of runXlsxBench({ rows })) console.log(JSON.stringify(f));
}
