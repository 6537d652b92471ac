/**
 * Comparison benchmark (floor: figures for 1,000,000 scored rows in under 5 s): a finished
 * comparison of ROWS rows is written into the app built by createCore (both models' answers by SQL:
 * the bench measures the figures, not the run), then CompareService.summary computes them — the
 * change matrix for a class answer, and for a number answer the differences' statistics, histogram
 * and the rows that moved most — and the first page of changed rows is read.
 *
 *   npx tsx bench/compare.bench.ts [--rows N] [--repeats N] [--dir DIR]
 */
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ROW_SPAN } from '../main/jobs/store';
import { benchCore, benchJob, removeDataDir, sizeArgs } from './bench-job';
import { rowsLabel } from './import.bench';
import { median, round, type BenchFigure } from './types';

const TARGET_SECONDS = 5;

export async function runCompareBench(opts: { rows: number; dir: string; repeats?: number }): Promise<BenchFigure[]> {
  const repeats = Math.max(1, opts.repeats ?? 3);
  const dir = join(opts.dir, `compare-${opts.rows}-app`);
  removeDataDir(dir);
  const core = await benchCore(dir);
  try {
    const store = core.jobs.store;
    const jobId = store.create(benchJob('compare.csv'));
    const base = jobId * ROW_SPAN;
    // Three columns as the import stores them; about 2% failed with the first model. The second
    // model changes the class of about 7% of rows and moves every price by a spread of amounts.
    core.db.exec(`
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${opts.rows})
      INSERT INTO job_rows (key, cells, status, result, finished_at)
      SELECT ${base} + i, char(31) || 'C-' || i || char(31) || (i % 72) || char(31) || (CASE i % 3 WHEN 0 THEN 'month-to-month' WHEN 1 THEN 'one-year' ELSE 'two-year' END),
        CASE WHEN i % 50 = 11 THEN 'failed' ELSE 'ok' END,
        CASE WHEN i % 50 = 11 THEN NULL ELSE json_object('predicted_class', CASE WHEN (i * 31) % 10 < 4 THEN 'churn' ELSE 'stay' END, 'predicted_price', 200000 + (i * 104729) % 500000) END,
        1
      FROM n;
      INSERT INTO comparisons (job_id, profile_id, profile_name, model_id, model_ref, model_label, result_fields, n_ok, created_at, updated_at)
      VALUES (${jobId}, 'bench', 'Bench', NULL, '{"kind":"model","name":"bench-model","version":"2"}', 'bench-model v2', '["predicted_class","predicted_price"]', ${opts.rows}, 0, 0);
      WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < ${opts.rows})
      INSERT INTO compare_rows (key, status, result, finished_at)
      SELECT ${base} + i, 'ok',
        json_object('predicted_class', CASE WHEN ((i * 31) % 10 < 4) <> ((i * 13) % 100 < 7) THEN 'churn' ELSE 'stay' END,
          'predicted_price', 200000 + (i * 104729) % 500000 + ((i * 7) % 20001) - 10000),
        1
      FROM n;
    `);
    core.db
      .prepare(`UPDATE jobs SET columns = ?, n_ok = ?, n_failed = ?, state = 'done', result_fields = ?, model_ref = ?, model_label = ? WHERE id = ?`)
      .run(
        JSON.stringify(['customer_id', 'tenure_months', 'contract']),
        opts.rows - Math.floor((opts.rows + 39) / 50),
        Math.floor((opts.rows + 39) / 50),
        JSON.stringify(['predicted_class', 'predicted_price']),
        '{"kind":"model","name":"bench-model","version":"1"}',
        'bench-model v1',
        jobId,
      );

    const time = (field: string) => {
      const seconds: number[] = [];
      const cpu: number[] = [];
      let compared = 0;
      for (let i = 0; i < repeats; i++) {
        const t0 = performance.now();
        const c0 = process.cpuUsage();
        const s = core.compare.summary(jobId, field);
        core.compare.rows(jobId, null, 200, 'changed', field);
        const c = process.cpuUsage(c0);
        seconds.push((performance.now() - t0) / 1000);
        cpu.push((c.user + c.system) / 1e6);
        compared = s.rows.both;
      }
      return { seconds: median(seconds), cpuSeconds: median(cpu), compared };
    };
    const cls = time('predicted_class');
    const num = time('predicted_price');
    const name = rowsLabel(opts.rows);
    const notes = (kind: string, r: { compared: number; cpuSeconds: number }) =>
      `CompareService.summary and the first page of changed rows over a ${opts.rows.toLocaleString('en-US')}-row comparison (${r.compared.toLocaleString('en-US')} rows answered by both), ${kind}; median of ${repeats}, ${round(r.cpuSeconds, 2)} s of CPU; ratio is value ÷ the 5 s target (${name})`;
    return [
      { bench: 'compare.summary_classes_1m_s', value: round(cls.seconds), unit: 's', baseline: TARGET_SECONDS, ratio: round(cls.seconds / TARGET_SECONDS), notes: notes('class answer: change matrix', cls) },
      { bench: 'compare.summary_numbers_1m_s', value: round(num.seconds), unit: 's', baseline: TARGET_SECONDS, ratio: round(num.seconds / TARGET_SECONDS), notes: notes('number answer: differences, histogram, rows that moved most', num) },
    ];
  } finally {
    await core.close();
    removeDataDir(dir);
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  const args = sizeArgs();
  for (const f of await runCompareBench(args)) console.log(JSON.stringify(f));
}
