import { mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import type { BenchFigure } from './types';

// `npm run bench [-- --quick] [-- --only engine,import,history]`: every figure as one JSON line on
// stdout, all of them in bench/results/latest.json, and a readable table on stderr.
const { values } = parseArgs({ options: { quick: { type: 'boolean', default: false }, only: { type: 'string' } } });
const quick = values.quick ?? false;
const only = values.only ? new Set(values.only.split(',')) : null;

interface Suite {
  name: string;
  run: () => Promise<BenchFigure[]>;
}

const dataDir = join(tmpdir(), 'plexe-bench');
mkdirSync(dataDir, { recursive: true });

const suites: Suite[] = [
  { name: 'engine', run: async () => (await import('./engine.bench')).runEngineBench({ quick }) },
  { name: 'import', run: async () => (await import('./import.bench')).runImportBench({ rows: quick ? 100_000 : 1_000_000, dir: dataDir, repeats: quick ? 3 : 5 }) },
  { name: 'jobs', run: async () => (await import('./jobs.bench')).runJobsBench({ rows: quick ? 100_000 : 1_000_000, dir: dataDir }) },
  { name: 'history', run: async () => (await import('./history.bench')).runHistoryBench({ rows: quick ? 100_000 : 1_000_000 }) },
  { name: 'xlsx', run: async () => (await import('./xlsx.bench')).runXlsxBench({ rows: quick ? 100_000 : 1_000_000 }) },
  { name: 'evaluate', run: async () => (await import('./evaluate.bench')).runEvaluateBench({ rows: quick ? 100_000 : 1_000_000, dir: dataDir, repeats: 3 }) },
  { name: 'compare', run: async () => (await import('./compare.bench')).runCompareBench({ rows: quick ? 100_000 : 1_000_000, dir: dataDir, repeats: 3 }) },
];

const figures: BenchFigure[] = [];
const started = Date.now();
let failed = false;
for (const suite of suites) {
  if (only && !only.has(suite.name)) continue;
  process.stderr.write(`▶ ${suite.name}${quick ? ' (quick)' : ''}…\n`);
  try {
    for (const figure of await suite.run()) {
      figures.push(figure);
      console.log(JSON.stringify(figure));
    }
  } catch (error) {
    failed = true;
    process.stderr.write(`✗ ${suite.name} failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  }
}

mkdirSync(join(import.meta.dirname, 'results'), { recursive: true });
writeFileSync(
  join(import.meta.dirname, 'results', 'latest.json'),
  JSON.stringify({ when: new Date().toISOString(), quick, node: process.version, seconds: Math.round((Date.now() - started) / 1000), figures }, null, 2),
);

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));
process.stderr.write(`\n${pad('bench', 36)}${pad('value', 14)}${pad('unit', 12)}${pad('baseline', 12)}ratio\n`);
for (const f of figures) {
  process.stderr.write(`${pad(f.bench, 36)}${pad(String(f.value), 14)}${pad(f.unit, 12)}${pad(String(f.baseline ?? '—'), 12)}${f.ratio ?? '—'}\n`);
}
process.stderr.write(`\n${figures.length} figures in ${Math.round((Date.now() - started) / 1000)} s → bench/results/latest.json\n`);
process.exit(failed ? 1 : 0);
