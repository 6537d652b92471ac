import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { HostileMode } from '../../sandbox/faults';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { houseCsv } from '../jobs/test-support';
import { EXIT, main } from './score';

// `npm run score` against the sandbox's hostile modes, end to end.

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

let sandbox: RunningSandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'plexe-hostile-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

const modelArgs = () => ['--base-url', sandbox.url, '--model', 'house-prices/1', '--rpm', '100000'];

async function score(args: string[]) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, { PLEXE_API_KEY: sandbox.key }, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), engineSettings: { backoffBaseMs: 5, backoffCapMs: 20 } });
  return { code, stdout, stderr };
}

/** The CLI as its own process, reporting its peak resident memory (KB) on exit. */
function runChild(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string; maxRssMb: number }> {
  const report = 'data:text/javascript,process.on("exit",()=>process.stderr.write("MAXRSS_KB "+process.resourceUsage().maxRSS+"\\n"))';
  return new Promise((resolve) => {
    execFile(
      process.execPath,
      ['--import', 'tsx', '--import', report, 'main/cli/score.ts', ...args],
      { cwd: ROOT, env: { ...process.env, PLEXE_API_KEY: sandbox.key }, encoding: 'utf8', maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        const kb = Number(/MAXRSS_KB (\d+)/.exec(stderr)?.[1] ?? NaN);
        resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr, maxRssMb: kb / 1024 });
      },
    );
  });
}

function job(data: string, name: string) {
  const input = join(dir, `${name}.csv`);
  writeFileSync(input, houseCsv(6));
  const out = join(dir, `${name}-out.csv`);
  return { input, out, args: ['--in', input, '--out', out, ...modelArgs(), '--data-dir', join(dir, data)] };
}

/** The output file's rows as {column: cell}. */
function outputRows(out: string): Record<string, string>[] {
  return Papa.parse<Record<string, string>>(readFileSync(out, 'utf8').trimEnd(), { header: true }).data;
}

function hostile(mode: HostileMode | null, hugeBodyBytes?: number): void {
  sandbox.setFaults({ hostile: mode, ...(hugeBodyBytes ? { hugeBodyBytes } : {}) });
  sandbox.clearRequestLog();
}

/** Every byte the CLI left behind: its data folder (database, WAL, logs) and its output file. */
function everythingWritten(data: string, out: string): Buffer {
  const parts: Buffer[] = [];
  const walk = (d: string) => {
    for (const e of readdirSync(d, { withFileTypes: true })) {
      if (e.isDirectory()) walk(join(d, e.name));
      else parts.push(readFileSync(join(d, e.name)));
    }
  };
  walk(join(dir, data));
  if (existsSync(out)) parts.push(readFileSync(out));
  return Buffer.concat(parts);
}

describe('npm run score against hostile servers', () => {
  afterAll(() => hostile(null));

  for (const [mode, target] of [
    ['redirect-port', () => `http://127.0.0.1:${sandbox.port + 1}/models/house-prices/1/predictions`],
    ['redirect-http', () => 'http://plexe-downgrade.invalid/models/house-prices/1/predictions'],
  ] as const) {
    it(`${mode}: stops at the first redirect, names where it pointed, does not retry, keeps the job`, async () => {
      hostile(mode);
      const j = job(`redirect-${mode}`, mode);
      const r = await score([...j.args, '--batch', '100']);
      expect(r.code).toBe(EXIT.refused);
      expect(r.stderr).toContain(`The server answered with a redirect to ${target()}; Plexe Desktop never follows a redirect with your key.`);
      expect(r.stderr).toMatch(/The job is kept in/);
      expect(sandbox.requestLog().filter((e) => e.path.endsWith('/predictions'))).toHaveLength(1);
      expect(existsSync(j.out)).toBe(false);
    });
  }

  for (const mode of ['huge-body', 'huge-body-chunked'] as const) {
    it(`${mode}: a 300 MB answer fails its rows with a plain message, is not retried, and the process stays under 400 MB`, async () => {
      hostile(mode, 300 * 1024 * 1024);
      const j = job(`huge-${mode}`, mode);
      const r = await runChild([...j.args, '--batch', '2']);
      expect(r.stderr).not.toMatch(/too big|string or blob/i);
      expect(r.status).toBe(EXIT.someFailed);
      expect(r.maxRssMb).toBeGreaterThan(0);
      expect(r.maxRssMb).toBeLessThan(400);
      const rows = outputRows(j.out);
      expect(rows.map((row) => row.status)).toEqual(Array(6).fill('answer_too_large'));
      expect(rows[0]!.error).toMatch(/^The answer was larger than 16 MB, so Plexe Desktop stopped reading it\./);
      // Three batches, one request each: never retried.
      expect(sandbox.requestLog().filter((e) => e.path.endsWith('/predictions'))).toHaveLength(3);
      const db = new Database(join(dir, `huge-${mode}`, 'plexe.db'), { readonly: true });
      const biggest = db.prepare('SELECT max(length(result)) AS n FROM job_rows').get() as { n: number | null } | undefined;
      db.close();
      expect(biggest?.n ?? 0).toBeLessThan(1000);
    }, 120_000);
  }

  for (const [mode, when] of [
    ['retry-after-date', '9999-12-31 23:59 UTC'],
    ['retry-after-seconds', null],
  ] as const) {
    it(`${mode}: pauses the job at once, says when to come back, exits with "job kept"; the same command later finishes it`, async () => {
      hostile(mode);
      const j = job(`later-${mode}`, mode);
      const started = Date.now();
      const r = await score(j.args);
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(r.code).toBe(EXIT.refused);
      expect(r.stderr).toMatch(/Plexe asked us to wait until \d{4,}-\d\d-\d\d \d\d:\d\d UTC before sending more requests\./);
      if (when) expect(r.stderr).toContain(when);
      expect(r.stderr).toMatch(/Come back after .* and try again/);
      expect(r.stderr).toMatch(/The job is kept in .*; run the same command again then/);
      const db = new Database(join(dir, `later-${mode}`, 'plexe.db'), { readonly: true });
      const state = db.prepare('SELECT state, error FROM jobs').get() as { state: string; error: string };
      db.close();
      expect(state.state).toBe('paused');
      expect(JSON.parse(state.error)).toMatchObject({ code: 'come_back_later' });
      hostile(null);
      const again = await score(j.args);
      expect(again.code).toBe(EXIT.ok);
    });
  }

  it('echo-key: the key the server echoes reaches neither the output file, the database, nor the terminal', async () => {
    hostile('echo-key');
    const j = job('echo', 'echo');
    const r = await score([...j.args, '--batch', '3']);
    expect(r.code).toBe(EXIT.someFailed);
    const rows = outputRows(j.out);
    expect(rows.map((row) => row.status)).toEqual(Array(6).fill('invalid_input'));
    expect(rows[0]!.error).toContain('[redacted]');
    expect(r.stdout + r.stderr).not.toContain(sandbox.key);
    expect(everythingWritten('echo', j.out).includes(sandbox.key)).toBe(false);
  });

  it('deep-nesting: a 100,000-level answer fails its rows as "nested too deeply"; no stack overflow', async () => {
    hostile('deep-nesting');
    const j = job('deep', 'deep');
    const r = await score([...j.args, '--batch', '3']);
    expect(r.stderr).not.toMatch(/call stack/i);
    expect(r.code).toBe(EXIT.someFailed);
    const rows = outputRows(j.out);
    expect(rows.map((row) => row.status)).toEqual(Array(6).fill('answer_too_deep'));
    expect(rows[0]!.error).toMatch(/^The answer could not be read \(nested too deeply\)\./);
  });

  it('formula guard: cells with leading Unicode spaces before = + - @ (or fullwidth signs) are neutralised in the output; negative numbers are not', async () => {
    hostile(null);
    const cells = [' =1+1', '\u00a0=HYPERLINK("http://x")', '\u3000@cmd', '   +SUM(A1:A2)', '\uff1dcmd', '-5'];
    const lines = ['listing_id,square_footage,bedrooms,bathrooms,location,note', ...cells.map((c, i) => `L-${i},1500,3,2,urban,"${c.replace(/"/g, '""')}"`)];
    const input = join(dir, 'formulas.csv');
    writeFileSync(input, `${lines.join('\n')}\n`);
    const out = join(dir, 'formulas-out.csv');
    const r = await score(['--in', input, '--out', out, ...modelArgs(), '--data-dir', join(dir, 'formulas')]);
    expect(r.code).toBe(EXIT.ok);
    const notes = outputRows(out).map((row) => row.note);
    expect(notes).toEqual([...cells.slice(0, 5).map((c) => `'${c}`), '-5']);
  });
});
