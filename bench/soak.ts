/**
 * Fault soak (issue 9 point 2): N rows scored by the real `npm run score` process against the
 * sandbox injecting transient faults (429 with Retry-After, 502/503/504, timeouts, dropped
 * connections, truncated bodies) plus rows the server rejects with 400; the scoring process is
 * killed with SIGKILL at a random moment and the same command resumes the job. Then:
 *   - every valid row is `ok` with exactly the prediction `predictFor` gives;
 *   - every invalid row is `invalid_input` with the server's details naming the field;
 *   - no row appears twice (output file, history) and every row appears once;
 *   - no row that had an answer saved at the kill was sent again: the sandbox's request log shows,
 *     after the kill, exactly as many successfully answered rows as were still unanswered.
 *
 *   npm run soak -- [--rows 20000] [--seed N] [--fault-rate 0.25] [--no-kill]
 * Exits 1 on any violation; prints one summary line (and a JSON line for the bench tables).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import { predictFor } from '../sandbox/models';
import { startSandbox, type FaultConfig, type RunningSandbox } from '../sandbox/server';
import { seededRandom as createRng } from '../shared/seeded-random';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const LOCATIONS = ['urban', 'suburban', 'rural'] as const;

export interface SoakOptions {
  rows: number;
  seed: number;
  /** Share of requests that meet a transient fault (429, 502, 503, 504, drop, truncate, slow → timeout). */
  faultRate: number;
  /** Every n-th row carries a value the server refuses (400 invalid_input). */
  invalidEvery: number;
  kill: boolean;
  retryAfterSeconds: number;
  latencyMs: number;
  batch: number;
  concurrency: number;
  timeoutMs: number;
  /** Back-off base and cap for the scoring process (short in the test form). */
  backoff: [number, number];
  log?: (line: string) => void;
}

export const DEFAULT_SOAK: SoakOptions = {
  rows: 20_000,
  seed: 1,
  faultRate: 0.25,
  invalidEvery: 97,
  kill: true,
  retryAfterSeconds: 1,
  latencyMs: 2,
  batch: 25,
  concurrency: 4,
  timeoutMs: 3_000,
  backoff: [100, 2_000],
};

export interface SoakResult {
  rows: number;
  valid: number;
  invalid: number;
  requests: number;
  faultsInjected: number;
  killedAt: { requests: number; rowsSaved: number } | null;
  secondsTotal: number;
  exitCodes: number[];
  violations: string[];
}

interface RowSpec {
  id: string;
  input: { square_footage: number; bedrooms: number; bathrooms: number; location: string };
  valid: boolean;
}

function makeRows(n: number, invalidEvery: number, seed: number): RowSpec[] {
  const rng = createRng(seed);
  const rows: RowSpec[] = [];
  for (let i = 1; i <= n; i++) {
    const valid = i % invalidEvery !== 0;
    rows.push({
      id: `L-${i}`,
      // Distinct square footage per row (within the model's 100–20,000): no two rows are identical, so nothing is deduplicated away.
      input: { square_footage: 100 + (i % 19_900) + Math.floor(i / 19_900) / 4, bedrooms: valid ? 1 + Math.floor(rng() * 6) : 40 + Math.floor(rng() * 10), bathrooms: 1 + Math.floor(rng() * 3), location: LOCATIONS[Math.floor(rng() * 3)]! },
      valid,
    });
  }
  return rows;
}

function faultsFor(rate: number, seed: number, retryAfterSeconds: number, timeoutMs: number, latencyMs: number): Partial<FaultConfig> {
  // The transient mix; "slow" answers arrive after the client's time limit (a timeout).
  const share = rate / 7;
  return {
    seed,
    p429: share,
    p502: share,
    p503: share,
    p504: share,
    pDrop: share,
    pTruncate: share,
    pSlow: share,
    slowMs: timeoutMs * 2,
    latencyMs,
    latencyJitterMs: latencyMs,
    retryAfterSeconds,
  };
}

function scoreArgs(sandbox: RunningSandbox, inPath: string, outPath: string, dataDir: string, o: SoakOptions): string[] {
  return [
    '--in', inPath, '--out', outPath, '--base-url', sandbox.url, '--model', 'house-prices/1', '--data-dir', dataDir,
    '--rpm', '100000', '--concurrency', String(o.concurrency), '--batch', String(o.batch), '--timeout-ms', String(o.timeoutMs), '--retries', '12',
  ];
}

function spawnScore(args: string[], env: NodeJS.ProcessEnv): { child: ChildProcess; done: Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }> } {
  // `node --import tsx` runs the CLI in this one process, so SIGKILL kills the scorer itself.
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'main/cli/score.ts'), ...args], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr!.on('data', (d: Buffer) => {
    stderr += d.toString('utf8');
    if (stderr.length > 200_000) stderr = stderr.slice(-100_000);
  });
  child.stdout!.resume();
  const done = new Promise<{ code: number | null; signal: NodeJS.Signals | null; stderr: string }>((res) => child.on('exit', (code, signal) => res({ code, signal, stderr })));
  return { child, done };
}

const successRows = (entries: ReturnType<RunningSandbox['requestLog']>) => entries.filter((e) => e.status === 200 && e.fault === undefined && e.model === 'house-prices/1').reduce((s, e) => s + e.rows, 0);

export async function runSoak(options: Partial<SoakOptions> = {}): Promise<SoakResult> {
  const o: SoakOptions = { ...DEFAULT_SOAK, ...options };
  const log = o.log ?? (() => {});
  const started = performance.now();
  const dir = mkdtempSync(join(tmpdir(), 'plexe-soak-'));
  const violations: string[] = [];
  const exitCodes: number[] = [];
  const rows = makeRows(o.rows, o.invalidEvery, o.seed);
  const inPath = join(dir, 'houses.csv');
  const outPath = join(dir, 'scored.csv');
  const dataDir = join(dir, 'data');
  writeFileSync(inPath, ['listing_id,square_footage,bedrooms,bathrooms,location', ...rows.map((r) => `${r.id},${r.input.square_footage},${r.input.bedrooms},${r.input.bathrooms},${r.input.location}`)].join('\n') + '\n');
  const sandbox = await startSandbox({ port: 0, config: { maxBatch: 100, faults: faultsFor(o.faultRate, o.seed, o.retryAfterSeconds, o.timeoutMs, o.latencyMs), requestLogFile: join(dir, 'requests.jsonl') } });
  const env = { ...process.env, PLEXE_API_KEY: sandbox.key, PLEXE_SCORE_BACKOFF_MS: `${o.backoff[0]},${o.backoff[1]}` };
  const args = scoreArgs(sandbox, inPath, outPath, dataDir, o);
  let killedAt: SoakResult['killedAt'] = null;
  let afterKillFrom = 0;
  let unansweredAtKill = 0;
  try {
    const validRows = rows.filter((r) => r.valid).length;
    const expectedRequests = Math.ceil(o.rows / o.batch);
    // The process's own answered requests are the clock: kill after a random share (15%–60%) of them, plus up to 0.3 s.
    const rng = createRng(o.seed * 7919 + 1);
    const killAfter = Math.max(2, Math.floor(expectedRequests * (0.15 + 0.45 * rng())));
    const first = spawnScore(args, env);
    if (o.kill) {
      const extraDelayMs = Math.floor(rng() * 300);
      let armed = false;
      const poll = setInterval(() => {
        if (armed) return;
        const answered = sandbox.requestLog().filter((e) => e.path.endsWith('/predictions') && e.status === 200 && e.fault === undefined).length;
        if (answered >= killAfter) {
          armed = true;
          setTimeout(() => first.child.kill('SIGKILL'), extraDelayMs);
        }
      }, 5);
      const end = await first.done;
      clearInterval(poll);
      if (end.signal !== 'SIGKILL') violations.push(`the first run ended (exit ${end.code}) before it could be killed; use more rows`);
      // Answers to requests in flight at the kill still reach the log; let them land before counting.
      // (Slow answers are held for twice the time limit; without faults only the latency matters.)
      await new Promise((r) => setTimeout(r, o.faultRate > 0 ? o.timeoutMs * 2 + 200 : o.latencyMs * 4 + 300));
      const db = new Database(join(dataDir, 'plexe.db'), { readonly: true });
      const saved = db.prepare(`SELECT count(*) AS n FROM job_rows WHERE status = 'ok'`).get() as { n: number };
      db.close();
      unansweredAtKill = validRows - saved.n;
      afterKillFrom = sandbox.requestLog().length;
      killedAt = { requests: killAfter, rowsSaved: saved.n };
      log(`killed the scorer (SIGKILL) after ${killAfter} answered batch requests and ${extraDelayMs} ms more; ${saved.n} answers were saved`);
      exitCodes.push(-9);
    }
    const second = o.kill ? spawnScore(args, env) : first;
    const end = await second.done;
    exitCodes.push(end.code ?? -1);
    const wantExit = validRows < o.rows ? 1 : 0;
    if (end.code !== wantExit) violations.push(`the ${o.kill ? 'resumed ' : ''}run should exit ${wantExit}, not ${end.code}: ${end.stderr.slice(-500)}`);

    // The output: every row once, in order, with the right prediction or the right error.
    const text = readFileSync(outPath, 'utf8');
    const parsed = Papa.parse<string[]>(text.trimEnd(), { skipEmptyLines: true }).data;
    const header = parsed[0] ?? [];
    const col = (name: string) => header.indexOf(name);
    const [cId, cPrice, cStatus, cError, cReq] = [col('listing_id'), col('predicted_price'), col('status'), col('error'), col('request_id')];
    if ([cId, cPrice, cStatus, cError, cReq].some((c) => c < 0)) violations.push(`output header is missing columns: ${header.join(',')}`);
    const body = parsed.slice(1);
    if (body.length !== o.rows) violations.push(`output has ${body.length} rows, expected ${o.rows}`);
    const seen = new Set<string>();
    body.forEach((cells, i) => {
      const id = cells[cId]!;
      if (seen.has(id)) violations.push(`row ${id} appears twice in the output`);
      seen.add(id);
      const spec = rows[i];
      if (!spec || spec.id !== id) {
        violations.push(`output row ${i + 2} is ${id}, expected ${spec?.id}`);
        return;
      }
      if (spec.valid) {
        const want = predictFor('house-prices', '1', spec.input).predicted_price;
        if (cells[cStatus] !== 'ok') violations.push(`${id}: status ${cells[cStatus]} (${cells[cError]}), expected ok`);
        else if (Number(cells[cPrice]) !== want) violations.push(`${id}: predicted_price ${cells[cPrice]}, expected ${String(want)}`);
        if (!cells[cReq]) violations.push(`${id}: no request_id`);
      } else if (cells[cStatus] !== 'invalid_input' || !/bedrooms/.test(cells[cError] ?? '')) {
        violations.push(`${id}: status ${cells[cStatus]} "${cells[cError]}", expected invalid_input naming bedrooms`);
      }
    });

    // The database: details kept for invalid rows; one history entry per row.
    const db = new Database(join(dataDir, 'plexe.db'), { readonly: true });
    const noDetails = db.prepare(`SELECT count(*) AS n FROM job_rows WHERE error_code = 'invalid_input' AND (error_details IS NULL OR error_details NOT LIKE '%bedrooms%')`).get() as { n: number };
    if (noDetails.n > 0) violations.push(`${noDetails.n} invalid rows lack the server's details`);
    const hist = db.prepare(`SELECT count(*) AS n, count(DISTINCT job_id || ':' || row_number) AS distinct_rows FROM predictions`).get() as { n: number; distinct_rows: number };
    if (hist.n !== hist.distinct_rows) violations.push(`the history holds ${hist.n - hist.distinct_rows} duplicate entries`);
    if (hist.distinct_rows !== o.rows) violations.push(`the history holds ${hist.distinct_rows} rows, expected ${o.rows}`);
    db.close();

    // The request log: after the kill, exactly the unanswered valid rows were answered once more.
    const entries = sandbox.requestLog();
    if (o.kill) {
      const resent = successRows(entries.slice(afterKillFrom));
      if (resent !== unansweredAtKill) violations.push(`after the kill the server answered ${resent} rows, but only ${unansweredAtKill} were still unanswered: ${resent > unansweredAtKill ? 'finished rows were sent again' : 'rows are missing'}`);
    }
    const answered = successRows(entries);
    if (answered < validRows) violations.push(`the server answered ${answered} valid rows in all, fewer than ${validRows}`);
    const result: SoakResult = {
      rows: o.rows,
      valid: validRows,
      invalid: o.rows - validRows,
      requests: sandbox.stats().requests,
      faultsInjected: entries.filter((e) => e.fault !== undefined).length,
      killedAt,
      secondsTotal: Math.round((performance.now() - started) / 100) / 10,
      exitCodes,
      violations,
    };
    return result;
  } finally {
    await sandbox.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

function parseSoakArgs(argv: string[]): Partial<SoakOptions> {
  const out: Partial<SoakOptions> = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const next = () => {
      const v = argv[++i];
      if (v === undefined) throw new Error(`${a} needs a value`);
      return v;
    };
    if (a === '--rows') out.rows = Number(next());
    else if (a === '--seed') out.seed = Number(next());
    else if (a === '--fault-rate') out.faultRate = Number(next());
    else if (a === '--no-kill') out.kill = false;
    else throw new Error(`Unknown option ${a}. Usage: npm run soak -- [--rows N] [--seed N] [--fault-rate 0.25] [--no-kill]`);
  }
  if (out.rows !== undefined && !(Number.isInteger(out.rows) && out.rows >= 200)) throw new Error('--rows must be a whole number of at least 200');
  return out;
}

const isEntry = process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
if (isEntry) {
  let opts: Partial<SoakOptions>;
  try {
    opts = parseSoakArgs(process.argv.slice(2));
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n`);
    process.exit(2);
  }
  runSoak({ ...opts, log: (l) => process.stderr.write(`${l}\n`) }).then(
    (r) => {
      for (const v of r.violations.slice(0, 50)) process.stderr.write(`VIOLATION: ${v}\n`);
      if (r.violations.length > 50) process.stderr.write(`… and ${r.violations.length - 50} more violations\n`);
      process.stdout.write(
        `SOAK ${r.violations.length === 0 ? 'PASS' : 'FAIL'}: ${r.rows} rows (${r.valid} valid, ${r.invalid} invalid), ${r.requests} requests, ${r.faultsInjected} faults injected, ` +
          `${r.killedAt ? `killed after ${r.killedAt.requests} batch requests with ${r.killedAt.rowsSaved} answers saved, ` : ''}${r.violations.length} violations, ${r.secondsTotal} s\n`,
      );
      process.stdout.write(`${JSON.stringify({ bench: 'soak.violations', value: r.violations.length, unit: 'count', baseline: null, ratio: null, notes: `${r.rows} rows, ${r.faultsInjected} faults, SIGKILL + resume` })}\n`);
      process.exitCode = r.violations.length === 0 ? 0 : 1;
    },
    (e: unknown) => {
      process.stderr.write(`The soak could not run: ${e instanceof Error ? e.stack : String(e)}\n`);
      process.exitCode = 1;
    },
  );
}
