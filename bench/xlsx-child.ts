/**
 * One .xlsx export in its own process, so its peak memory is its own:
 * `node --import tsx bench/xlsx-child.ts ROWS OUT` writes ROWS generated result rows (9 input columns,
 * 3 result fields, status, error, request_id) and prints one JSON line
 * {seconds, cpuSeconds, rows, sheets, startRssMb, peakRssMb, samples}.
 */
import { seededRandom } from '../shared/seeded-random';
import { writeXlsx, type XlsxColumn } from '../main/sheets/xlsx-writer';

const [rowsArg, outPath] = process.argv.slice(2);
if (!rowsArg || !outPath) throw new Error('usage: xlsx-child.ts ROWS OUT');
const total = Number(rowsArg);

const BENCH_COLUMNS: XlsxColumn[] = [
  { name: 'customer_id', kind: 'text' },
  { name: 'name', kind: 'text' },
  { name: 'tenure_months', kind: 'number' },
  { name: 'monthly_charges', kind: 'number' },
  { name: 'total_charges', kind: 'number' },
  { name: 'contract', kind: 'text' },
  { name: 'signup_date', kind: 'date' },
  { name: 'senior_citizen', kind: 'boolean' },
  { name: 'city', kind: 'text' },
  { name: 'churn_probability', kind: 'auto' },
  { name: 'churn', kind: 'auto' },
  { name: 'segment', kind: 'auto' },
  { name: 'status', kind: 'text' },
  { name: 'error', kind: 'text' },
  { name: 'request_id', kind: 'text' },
];

const FIRST = ['Ana', 'José', 'Zoë', 'Li', 'Fatima', 'Oliver', 'Amélie', 'Søren', 'Priya', 'Mateo'];
const LAST = ['Núñez', 'Okafor', 'Müller', 'Chen', 'Smith', 'García', 'Kowalski', 'Dubois', 'Rossi', 'Tanaka'];
const CITIES = ['Springfield', 'São Paulo', 'Köln', 'Lyon', 'Austin', 'Osaka', 'Kraków', 'Leeds'];
const CONTRACTS = ['Month-to-month', 'One year', 'Two year'];
const SEGMENTS = ['loyal', 'at risk', 'new'];

/** Rows as the bulk export hands them over: input cells as imported text, results as the model's values. */
async function* generate(n: number): AsyncGenerator<unknown[]> {
  const rnd = seededRandom(17);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rnd() * list.length)]!;
  for (let i = 0; i < n; i++) {
    const failed = rnd() < 0.02;
    const tenure = Math.floor(rnd() * 72);
    const monthly = (20 + rnd() * 100).toFixed(2);
    const day = new Date(Date.UTC(2015, 0, 1) + Math.floor(rnd() * 3650) * 86_400_000).toISOString().slice(0, 10);
    const p = rnd();
    yield [
      `C${String(i).padStart(7, '0')}`,
      `${pick(FIRST)} ${pick(LAST)}`,
      String(tenure),
      monthly,
      (tenure * Number(monthly)).toFixed(2),
      pick(CONTRACTS),
      day,
      rnd() < 0.16 ? 'true' : 'false',
      pick(CITIES),
      failed ? null : Math.round(p * 10_000) / 10_000,
      failed ? null : p > 0.5,
      failed ? null : pick(SEGMENTS),
      failed ? 'failed' : 'ok',
      failed ? 'The model could not score this row: tenure_months is out of range (400 invalid_input).' : '',
      `req_${(i * 2654435761 >>> 0).toString(16).padStart(8, '0')}${i.toString(36)}`,
    ];
  }
}

global.gc?.();
const mb = (bytes: number) => Math.round((bytes / 1048576) * 10) / 10;
const startRssMb = mb(process.memoryUsage.rss());
const samples: number[] = [];
const started = performance.now();
const cpuStart = process.cpuUsage();
const summary = await writeXlsx(outPath, BENCH_COLUMNS, generate(total), {
  progressEvery: 100_000,
  onProgress: () => samples.push(mb(process.memoryUsage.rss())),
});
const seconds = (performance.now() - started) / 1000;
const cpu = process.cpuUsage(cpuStart);
console.log(
  JSON.stringify({ seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, rows: summary.rows, sheets: summary.sheets, startRssMb, peakRssMb: mb(process.resourceUsage().maxRSS * 1024), samples }),
);
