import { execFile, spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import ExcelJS from 'exceljs';
import iconv from 'iconv-lite';
import Papa from 'papaparse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { runSoak } from '../../bench/soak';
import { predictFor } from '../../sandbox/models';
import { startSandbox, type RunningSandbox } from '../../sandbox/server';
import { churnCsv } from '../compare/test-support';
import { houseCsv } from '../jobs/test-support';
import { mappingFileText } from '../sheets/mapping-memory';
import type { MessyFile } from '../../e2e/fixtures-data/make-messy';
import { importSheet } from '../sheets/import';
import { openLikeExcel } from '../sheets/open-like-excel';
import { ImportError } from '../sheets/types';
import { EXIT, main } from './score';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BAD = join(ROOT, 'e2e/fixtures/bad');

let sandbox: RunningSandbox;
let dir: string;
beforeAll(async () => {
  sandbox = await startSandbox({ port: 0 });
  dir = mkdtempSync(join(tmpdir(), 'plexe-score-'));
});
afterAll(async () => {
  await sandbox.close();
  rmSync(dir, { recursive: true, force: true });
});

async function score(args: string[], env: Record<string, string> = { PLEXE_API_KEY: sandbox.key }) {
  let stdout = '';
  let stderr = '';
  const code = await main(args, env, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), engineSettings: { backoffBaseMs: 5, backoffCapMs: 20 } });
  return { code, stdout, stderr };
}

/** The CLI as its own process (asynchronously: the sandbox answering it lives in this process). */
function run(args: string[]): Promise<{ status: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, ['--import', 'tsx', 'main/cli/score.ts', ...args], { cwd: ROOT, env: { ...process.env, PLEXE_API_KEY: sandbox.key }, encoding: 'utf8' }, (error, stdout, stderr) => {
      resolve({ status: error ? (typeof error.code === 'number' ? error.code : null) : 0, stdout, stderr });
    });
  });
}

const modelArgs = () => ['--base-url', sandbox.url, '--model', 'house-prices/1', '--rpm', '100000'];

describe('npm run score', () => {
  it('refuses bad usage with exit 2 and says what is wrong', async () => {
    expect(await score([])).toMatchObject({ code: EXIT.usage, stderr: expect.stringContaining('--in FILE is required') });
    expect(await score(['--in', 'a.csv', '--out', 'b.csv'])).toMatchObject({ code: EXIT.usage, stderr: expect.stringContaining('Say which model to use') });
    expect(await score(['--in', 'a.csv', '--out', 'b.csv', '--model', 'nope'])).toMatchObject({ code: EXIT.usage, stderr: expect.stringContaining('--model must be NAME/VERSION') });
    expect(await score(['--in', 'a.csv', '--out', 'b.csv', '--model', 'a/1', '--rpm', 'many'])).toMatchObject({ code: EXIT.usage, stderr: expect.stringContaining('--rpm must be a whole number') });
    expect(await score(['--in', join(dir, 'missing.csv'), '--out', 'b.csv', ...modelArgs(), '--data-dir', join(dir, 'd0')])).toMatchObject({ code: EXIT.usage, stderr: expect.stringContaining('does not exist') });
    const noKey = await score(['--in', join(BAD, 'empty.csv'), '--out', join(dir, 'x.csv'), ...modelArgs(), '--data-dir', join(dir, 'd0')], {});
    expect(noKey).toMatchObject({ code: EXIT.usage, stderr: expect.stringContaining('PLEXE_API_KEY') });
  });

  it('scores a file: export format, summary line, exit 1 when some rows fail; the same command resumes without resending', async () => {
    const input = join(dir, 'houses.csv');
    writeFileSync(input, houseCsv(120, { serverInvalidEvery: 30, localInvalidEvery: 50 }));
    const out = join(dir, 'houses-out.csv');
    const data = join(dir, 'd1');
    const args = ['--in', input, '--out', out, ...modelArgs(), '--data-dir', data, '--batch', '10'];
    const first = await score(args);
    expect(first.code).toBe(EXIT.someFailed);
    expect(first.stdout).toMatch(/^Scored 120 rows with house-prices v1: 114 ok, 4 failed, 2 invalid, in .* → .*houses-out\.csv\n$/);
    const rows = Papa.parse<string[]>(readFileSync(out, 'utf8').trimEnd()).data;
    expect(rows[0]).toEqual(['listing_id', 'square_footage', 'bedrooms', 'bathrooms', 'location', 'predicted_price', 'status', 'error', 'request_id']);
    const ok = rows.slice(1).filter((r) => r[6] === 'ok');
    expect(ok).toHaveLength(114);
    for (const r of ok) expect(Number(r[5])).toBe(predictFor('house-prices', '1', { square_footage: Number(r[1]), bedrooms: Number(r[2]), bathrooms: Number(r[3]), location: r[4]! }).predicted_price);
    expect(rows[30]![6]).toBe('invalid_input');
    expect(rows[50]![7]).toMatch(/expected a whole number, found 'three'/);

    sandbox.clearRequestLog();
    const again = await score(args);
    expect(again.code).toBe(EXIT.someFailed);
    expect(again.stderr).toMatch(/Resuming job \d+ .*114 rows already scored/);
    // Nothing finished is sent again (the invalid rows are not transient failures).
    expect(sandbox.requestLog().filter((e) => e.path.endsWith('/infer') || e.path.endsWith('/predictions'))).toEqual([]);
  });

  it('writes CSV for Excel by default, CSV like the input with --csv like-input, and a workbook for --out results.xlsx', async () => {
    const input = join(dir, 'europe.csv');
    const lines = ['listing_id;owner;square_footage;bedrooms;bathrooms;location', ...Array.from({ length: 12 }, (_, i) => `L-${i + 1};Núñez ${i + 1};${700 + i};${1 + (i % 3)};2;urban`)];
    writeFileSync(input, iconv.encode(lines.join('\r\n') + '\r\n', 'windows-1252'));
    const data = join(dir, 'd-formats');
    const common = ['--in', input, ...modelArgs(), '--data-dir', data];

    const plain = join(dir, 'europe-out.csv');
    expect((await score([...common, '--out', plain])).code).toBe(EXIT.ok);
    const bytes = readFileSync(plain);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const cells = openLikeExcel(bytes, { listSeparator: ',' });
    expect(cells[0]).toEqual(['listing_id', 'owner', 'square_footage', 'bedrooms', 'bathrooms', 'location', 'predicted_price', 'status', 'error', 'request_id']);
    expect(cells[1]!.slice(0, 2)).toEqual(['L-1', 'Núñez 1']);

    const like = join(dir, 'europe-like.csv');
    expect((await score([...common, '--out', like, '--csv', 'like-input'])).code).toBe(EXIT.ok);
    const likeBytes = readFileSync(like);
    expect(likeBytes[0]).toBe('l'.charCodeAt(0));
    expect(openLikeExcel(likeBytes, { listSeparator: ';', ansiCodePage: 'windows-1252' })[1]!.slice(0, 2)).toEqual(['L-1', 'Núñez 1']);
    expect((await score([...common, '--out', like, '--csv', 'ansi'])).stderr).toContain('--csv must be excel or like-input');

    const book = join(dir, 'europe-out.xlsx');
    expect((await score([...common, '--out', book, '--csv', 'like-input'])).code).toBe(EXIT.ok);
    const wb = new ExcelJS.Workbook();
    await wb.xlsx.readFile(book);
    const sheet = wb.worksheets[0]!;
    expect(sheet.getRow(1).getCell(7).text).toBe('predicted_price');
    expect(sheet.getRow(2).getCell(2).text).toBe('Núñez 1');
    expect(sheet.getRow(2).getCell(3).value).toBe(700);
    expect(typeof sheet.getRow(2).getCell(7).value).toBe('number');
    expect(sheet.getRow(2).getCell(8).text).toBe('ok');
    expect(sheet.rowCount).toBe(13);
  });

  it('retries rows that failed for a passing reason when the command is run again', async () => {
    const input = join(dir, 'outage.csv');
    writeFileSync(input, houseCsv(20));
    const data = join(dir, 'd2');
    const args = ['--in', input, '--out', join(dir, 'outage-out.csv'), ...modelArgs(), '--data-dir', data, '--batch', '5', '--retries', '0'];
    sandbox.setFaults({ p502: 1 });
    const first = await score(args);
    sandbox.setFaults({ p502: 0 });
    expect(first.code).toBe(EXIT.someFailed);
    expect(readFileSync(join(dir, 'outage-out.csv'), 'utf8')).toMatch(/,502,|bad_gateway|server_error|,http_502,/);
    const second = await score(args);
    expect(second.stderr).toMatch(/20 rows that failed for a passing reason will be tried again/);
    expect(second.code).toBe(EXIT.ok);
  });

  it('exits 3 and keeps the job when the API refuses it', async () => {
    const input = join(dir, 'refused.csv');
    writeFileSync(input, houseCsv(5));
    const r = await score(['--in', input, '--out', join(dir, 'refused-out.csv'), ...modelArgs(), '--data-dir', join(dir, 'd3')], { PLEXE_API_KEY: 'wrong-key-1234' });
    expect(r.code).toBe(EXIT.refused);
    expect(r.stderr).toMatch(/key/i);
    sandbox.setModelState('house-prices/1', 'BUILDING');
    const building = await score(['--in', input, '--out', join(dir, 'refused-out.csv'), ...modelArgs(), '--data-dir', join(dir, 'd3'), '--retries', '1']);
    sandbox.setModelState('house-prices/1', 'READY');
    expect(building.code).toBe(EXIT.refused);
    expect(building.stderr).toMatch(/The job is kept in .*d3; run the same command again/);
    expect(existsSync(join(dir, 'refused-out.csv'))).toBe(false);
  });

  it('gives every file of the bad-input corpus a clear message (exit 2), or scores it, without touching earlier jobs', async () => {
    const data = join(dir, 'corpus');
    const earlierIn = join(dir, 'earlier.csv');
    writeFileSync(earlierIn, houseCsv(10));
    expect((await score(['--in', earlierIn, '--out', join(dir, 'earlier-out.csv'), ...modelArgs(), '--data-dir', data])).code).toBe(EXIT.ok);
    const files = readdirSync(BAD).sort();
    expect(files.length).toBeGreaterThanOrEqual(30);
    for (const name of files) {
      let expected: ImportError | null = null;
      try {
        await importSheet(join(BAD, name), { header() {}, rows() {} });
      } catch (e) {
        if (!(e instanceof ImportError)) throw e;
        expected = e;
      }
      const r = await score(['--in', join(BAD, name), '--out', join(dir, `corpus-${name}.csv`), ...modelArgs(), '--data-dir', data]);
      if (expected) {
        expect({ name, code: r.code }).toEqual({ name, code: EXIT.usage });
        expect(r.stderr, name).toContain(expected.message);
      } else {
        // Readable but awkward: scored (no column matches the model, so every row is reported, not sent).
        expect({ name, code: r.code }).toEqual({ name, code: EXIT.someFailed });
        expect(existsSync(join(dir, `corpus-${name}.csv`)), name).toBe(true);
        expect(r.stderr, name).toMatch(/rows cannot be sent as they are/);
      }
    }
    const db = new Database(join(data, 'plexe.db'), { readonly: true });
    const earlier = db.prepare(`SELECT id, n_ok FROM jobs WHERE file_name = 'earlier.csv'`).get() as { id: number; n_ok: number };
    expect(earlier.n_ok).toBe(10);
    expect((db.prepare('SELECT count(*) AS n FROM predictions WHERE job_id = ?').get(String(earlier.id)) as { n: number }).n).toBe(10);
    expect((db.prepare(`SELECT count(*) AS n FROM jobs WHERE state = 'importing'`).get() as { n: number }).n).toBe(0);
    db.close();
  }, 60_000);

  it('runs as a real process: a clear message and exit 2 for a broken file, exit 0 and a summary for a good one', async () => {
    const bad = await run(['--in', join(BAD, 'ragged-rows.csv'), '--out', join(dir, 'r.csv'), ...modelArgs(), '--data-dir', join(dir, 'd4')]);
    expect(bad.status).toBe(2);
    expect(bad.stderr).toMatch(/^Row 4 has 4 values but the header \(row 1\) has 3 columns/m);
    const input = join(dir, 'spawned.csv');
    writeFileSync(input, houseCsv(30));
    const good = await run(['--in', input, '--out', join(dir, 'spawned-out.csv'), ...modelArgs(), '--data-dir', join(dir, 'd4')]);
    expect(good.status).toBe(0);
    expect(good.stdout).toMatch(/^Scored 30 rows with house-prices v1: 30 ok, 0 failed, 0 invalid/);
    expect(good.stderr).toMatch(/scored 30 of 30 rows/);
  }, 30_000);

  it('killed with SIGKILL mid-run and run again: every row exactly once, and the request log shows no finished row resent', async () => {
    const r = await runSoak({ rows: 400, seed: 11, faultRate: 0, latencyMs: 15, batch: 5, concurrency: 2, invalidEvery: 1_000_000, timeoutMs: 5_000, backoff: [5, 20] });
    expect(r.violations).toEqual([]);
    expect(r.exitCodes).toEqual([-9, 0]);
    expect(r.killedAt!.rowsSaved).toBeGreaterThan(0);
    expect(r.killedAt!.rowsSaved).toBeLessThan(400);
  }, 60_000);
});

/**
 * The messy-sheet set (e2e/fixtures-data/messy, made by make-messy.ts) scored end to end through the
 * CLI against a sandbox that describes its models with allowed values (JSON Schema): the rows whose
 * values can be recovered come out ok, the mapping used is printed with its reasons, and the values
 * no rule may guess come out ok too once a --values file maps them.
 */
describe('npm run score on messy sheets', () => {
  const MESSY = join(ROOT, 'e2e/fixtures-data/messy');
  const EXPECTED = JSON.parse(readFileSync(join(MESSY, 'expected.json'), 'utf8')) as Record<string, MessyFile>;
  /** An allowed value for each value no rule may guess. */
  const FIX: Record<string, Record<string, string>> = { contract: { '2 yr': 'two-year' }, location: { downtown: 'urban' } };
  let described: RunningSandbox;
  let work: string;
  beforeAll(async () => {
    described = await startSandbox({ port: 0, config: { describeStyle: 'json-schema' } });
    work = mkdtempSync(join(tmpdir(), 'plexe-messy-'));
  });
  afterAll(async () => {
    await described.close();
    rmSync(work, { recursive: true, force: true });
  });

  async function scoreMessy(args: string[]) {
    let stdout = '';
    let stderr = '';
    const code = await main(args, { PLEXE_API_KEY: described.key }, { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), engineSettings: { backoffBaseMs: 5, backoffCapMs: 20 } });
    return { code, stdout, stderr };
  }

  const statuses = (path: string): string[] => {
    const rows = Papa.parse<string[]>(readFileSync(path, 'utf8').trimEnd()).data;
    const at = rows[0]!.indexOf('status');
    return rows.slice(1).map((r) => r[at]!);
  };

  it.each(Object.entries(EXPECTED))('%s: recoverable rows ok, the rest ok after --values', async (name, exp) => {
    const base = ['--in', join(MESSY, name), '--base-url', described.url, '--model', `${exp.model.name}/${exp.model.version}`, '--rpm', '100000', '--data-dir', join(work, name)];
    const out = join(work, `${name}.out.csv`);
    const first = await scoreMessy([...base, '--out', out]);
    const bad = exp.rows - exp.recoverable;
    expect(first.code, first.stderr).toBe(bad > 0 ? EXIT.someFailed : EXIT.ok);
    expect(first.stdout).toContain(`: ${exp.recoverable} ok, 0 failed, ${bad} invalid`);
    expect(statuses(out).filter((s) => s === 'ok')).toHaveLength(exp.recoverable);
    // The mapping used, with reasons; what was done to numbers; problems by cause.
    expect(first.stderr).toContain('Mapping used (model field ← sheet column):');
    expect(first.stderr).not.toMatch(/: no column \(/);
    if (exp.headerRow > 1) expect(first.stderr).toContain(`taken from row ${exp.headerRow}`);
    for (const [field, values] of Object.entries(exp.unrecoverable)) {
      const [value, count] = Object.entries(values)[0]!;
      expect(first.stderr).toMatch(new RegExp(`  ${count} rows: .*\\(field ${field}\\) has values the model does not accept — '${value}' \\(${count}\\)`));
    }

    const fix = Object.fromEntries(Object.keys(exp.unrecoverable).map((f) => [f, FIX[f]!]));
    const valuesFile = join(work, `${name}.values.json`);
    writeFileSync(valuesFile, JSON.stringify(fix));
    const out2 = join(work, `${name}.fixed.csv`);
    const second = await scoreMessy([...base, '--out', out2, '--values', valuesFile]);
    expect(second.code, second.stderr).toBe(EXIT.ok);
    expect(second.stdout).toContain(`: ${exp.rows} ok, 0 failed, 0 invalid`);
    expect(statuses(out2).every((s) => s === 'ok')).toBe(true);
  }, 60_000);

  it('prints how numbers were read and the reason of each match', async () => {
    const r = await scoreMessy(['--in', join(MESSY, 'churn-titled-units.csv'), '--out', join(work, 'reasons.csv'), '--base-url', described.url, '--model', 'customer-churn/1', '--data-dir', join(work, 'reasons')]);
    expect(r.stderr).toMatch(/monthly_charges ← "Monthly charges \(\$\)" \(.+\)/);
    expect(r.stderr).toMatch(/contract ← "Contract Type" \(.+\)/);
    expect(r.stderr).toContain('note: Column "Monthly charges ($)": the unit "usd" after the numbers was removed.');
  }, 60_000);

  it('--header-row, repeated --map and a mapping file saved from the app', async () => {
    const input = join(work, 'plain.csv');
    writeFileSync(input, ['Exported 2026-03-01', 'Area,Rooms,Baths,Zone', ...Array.from({ length: 12 }, (_, i) => `${800 + i},${1 + (i % 4)},1,${['urban', 'rural'][i % 2]}`)].join('\n'));
    const base = ['--in', input, '--base-url', described.url, '--model', 'house-prices/1', '--rpm', '100000'];
    // Row 1 as the header: the title is a header of one column, and the rows below do not fit it.
    const wrong = await scoreMessy([...base, '--out', join(work, 'p0.csv'), '--data-dir', join(work, 'p0'), '--header-row', '1']);
    expect(wrong).toMatchObject({ code: EXIT.usage, stderr: expect.stringContaining('the header (row 1) has 1 columns. Row 1 is probably not the row with the column names: choose another header row.') });
    const mapped = await scoreMessy([...base, '--out', join(work, 'p1.csv'), '--data-dir', join(work, 'p1'), '--header-row', '2', '--map', 'Area=square_footage', '--map', 'Rooms=bedrooms', '--map', 'Zone=location']);
    expect(mapped.code, mapped.stderr).toBe(EXIT.ok);
    expect(mapped.stderr).toContain('square_footage ← "Area" (given with --map "Area=square_footage")');
    expect(mapped.stdout).toContain('12 ok, 0 failed, 0 invalid');

    const file = join(work, 'saved-mapping.json');
    writeFileSync(file, mappingFileText({ columns: { square_footage: 'Area', bedrooms: 'Rooms', bathrooms: 'Baths', location: 'Zone' }, values: {} }));
    const fromFile = await scoreMessy([...base, '--out', join(work, 'p2.csv'), '--data-dir', join(work, 'p2'), '--mapping', file]);
    expect(fromFile.code, fromFile.stderr).toBe(EXIT.ok);
    expect(fromFile.stderr).toContain('bedrooms ← "Rooms" (the mapping file matches "Rooms" to bedrooms)');

    const badMap = await scoreMessy([...base, '--out', join(work, 'p3.csv'), '--data-dir', join(work, 'p3'), '--map', 'Rooms=bedroom']);
    expect(badMap.code).toBe(EXIT.usage);
    expect(badMap.stderr).toContain('the model has no field "bedroom"; did you mean "bedrooms"?');
    const notAFile = await scoreMessy([...base, '--out', join(work, 'p4.csv'), '--data-dir', join(work, 'p4'), '--map', 'Rooms']);
    expect(notAFile).toMatchObject({ code: EXIT.usage, stderr: expect.stringContaining('--map "Rooms" is not COLUMN=FIELD') });
  }, 60_000);
});

describe('npm run score -- --compare', () => {
  const churnInput = (r: string[]) => ({ tenure_months: Number(r[1]), monthly_charges: Number(r[2]), contract: r[3], support_calls: Number(r[4]), paperless_billing: r[5] === 'true' });
  const churnArgs = () => ['--base-url', sandbox.url, '--model', 'customer-churn/1', '--compare', 'customer-churn/2', '--rpm', '100000'];

  /** Every row of a comparison export against the two demo versions computed here. */
  function checkBothAnswers(out: string, rows: number): number {
    const csv = Papa.parse<string[]>(readFileSync(out, 'utf8').trimEnd()).data;
    expect(csv[0]!.slice(6)).toEqual(['v1.predicted_class', 'v1.confidence', 'v2.predicted_class', 'v2.confidence', 'changed', 'v1.status', 'v1.error', 'v2.status', 'v2.error']);
    expect(csv).toHaveLength(rows + 1);
    let changed = 0;
    for (const r of csv.slice(1)) {
      const a = predictFor('customer-churn', '1', churnInput(r));
      const b = predictFor('customer-churn', '2', churnInput(r));
      expect(r.slice(6)).toEqual([a.predicted_class, String(a.confidence), b.predicted_class, String(b.confidence), a.predicted_class === b.predicted_class ? 'no' : 'yes', 'ok', '', 'ok', '']);
      if (a.predicted_class !== b.predicted_class) changed++;
    }
    return changed;
  }

  it('scores with both versions in one run, writes both result sets and prints the change matrix', async () => {
    const input = join(dir, 'churn.csv');
    writeFileSync(input, churnCsv(90));
    const out = join(dir, 'churn-compared.csv');
    const r = await score(['--in', input, '--out', out, ...churnArgs(), '--data-dir', join(dir, 'c1'), '--batch', '8']);
    expect(r.stderr).not.toMatch(/error/i);
    expect(r.code).toBe(EXIT.ok);
    const changed = checkBothAnswers(out, 90);
    expect(changed).toBeGreaterThan(0);
    const lines = r.stdout.split('\n');
    expect(lines[0]).toMatch(/^Scored 90 rows with customer-churn v1: 90 ok, 0 failed, 0 invalid/);
    expect(lines[1]).toBe(`Comparison of customer-churn v1 and v2 on churn.csv, 90 rows, ${changed} changed class.`);
    expect(lines[2]).toBe('Rows by predicted_class (v1 down, v2 across):');
    // The matrix's cells add up to the rows, and its off-diagonal to the rows that changed.
    const cells = lines.slice(4, 6).map((l) => l.trim().split(/\s{2,}/).slice(1).map((n) => Number(n.replace(/,/g, ''))));
    expect(cells.flat().reduce((t, n) => t + n, 0)).toBe(90);
    expect(cells[0]![1]! + cells[1]![0]!).toBe(changed);

    // An unknown second model: the run stops and says which model could not answer.
    const bad = await score(['--in', input, '--out', join(dir, 'x.csv'), '--base-url', sandbox.url, '--model', 'customer-churn/1', '--compare', 'customer-churn/7', '--data-dir', join(dir, 'c1b')]);
    expect(bad.code).toBe(EXIT.refused);
    expect(bad.stderr).toMatch(/customer-churn v7 \(the model compared with\)/);
    expect(await score(['--in', input, '--out', 'x.csv', '--model', 'a/1', '--compare', 'b'])).toMatchObject({ code: EXIT.usage, stderr: expect.stringContaining('--compare must be NAME/VERSION') });
    expect(await score(['--in', input, '--out', 'x.csv', ...churnArgs(), '--compare-key-env', 'NO_SUCH_VAR_19', '--data-dir', join(dir, 'c1c')])).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringContaining('NO_SUCH_VAR_19'),
    });
  }, 30_000);

  it('killed with SIGKILL mid-run and run again: every row has both answers, none counted or sent twice', async () => {
    const input = join(dir, 'churn-kill.csv');
    writeFileSync(input, churnCsv(400));
    const out = join(dir, 'churn-kill-out.csv');
    const data = join(dir, 'c2');
    const args = ['--in', input, '--out', out, ...churnArgs(), '--data-dir', data, '--batch', '4', '--concurrency', '2'];
    sandbox.setFaults({ latencyMs: 15 });
    sandbox.clearRequestLog();
    const child = spawn(process.execPath, ['--import', 'tsx', 'main/cli/score.ts', ...args], { cwd: ROOT, env: { ...process.env, PLEXE_API_KEY: sandbox.key }, stdio: 'ignore' });
    const exited = new Promise<NodeJS.Signals | null>((res) => child.on('exit', (_code, signal) => res(signal)));
    const saved = () => {
      try {
        const db = new Database(join(data, 'plexe.db'), { readonly: true });
        try {
          const a = db.prepare('SELECT coalesce(sum(n_ok), 0) FROM jobs').pluck().get() as number;
          const b = db.prepare('SELECT coalesce(sum(n_ok), 0) FROM comparisons').pluck().get() as number;
          return { a, b };
        } finally {
          db.close();
        }
      } catch {
        return { a: 0, b: 0 };
      }
    };
    for (let i = 0; i < 600; i++) {
      const s = saved();
      if (s.a >= 40 && s.b >= 40) break;
      await new Promise((r) => setTimeout(r, 50));
    }
    child.kill('SIGKILL');
    expect(await exited).toBe('SIGKILL');
    sandbox.setFaults({ latencyMs: 0 });
    const before = saved();
    expect(before.a).toBeGreaterThan(0);
    expect(before.b).toBeGreaterThan(0);
    expect(Math.min(before.a, before.b)).toBeLessThan(400);
    sandbox.clearRequestLog();

    const again = await score(args);
    expect(again.code).toBe(EXIT.ok);
    expect(again.stderr).toMatch(/Resuming job \d+/);
    checkBothAnswers(out, 400);
    const db = new Database(join(data, 'plexe.db'), { readonly: true });
    try {
      expect(db.prepare('SELECT n_ok, n_pending FROM jobs').get()).toEqual({ n_ok: 400, n_pending: 0 });
      expect(db.prepare('SELECT n_ok, n_failed FROM comparisons').get()).toEqual({ n_ok: 400, n_failed: 0 });
      expect(db.prepare('SELECT count(*) FROM compare_rows').pluck().get()).toBe(400);
      // One history entry per row and model: nothing recorded twice.
      const perRow = db.prepare(`SELECT row_number, count(*) AS n, count(DISTINCT series_id) AS models FROM predictions GROUP BY row_number`).all() as { n: number; models: number }[];
      expect(perRow).toHaveLength(400);
      expect(perRow.every((r) => r.n === 2 && r.models === 2)).toBe(true);
    } finally {
      db.close();
    }
    // Rows saved before the kill were not sent again to either model.
    const sent = (model: string) => sandbox.requestLog().filter((e) => e.status === 200 && e.model === model).reduce((t, e) => t + e.rows, 0);
    expect(sent('customer-churn/1')).toBeLessThanOrEqual(400 - before.a);
    expect(sent('customer-churn/2')).toBeLessThanOrEqual(400 - before.b);
  }, 90_000);
});

describe('npm run score --outcome', () => {
  const DEMO = join(ROOT, 'sandbox/demo');
  const demoRows = (file: string) => Papa.parse<Record<string, string>>(readFileSync(join(DEMO, file), 'utf8'), { header: true, skipEmptyLines: true }).data;

  it('evaluates customer-churn on churn-outcomes.csv: a table on stdout, the figures in OUT.evaluation.json, the outcome never sent', async () => {
    const out = join(dir, 'churn-results.csv');
    const data = join(dir, 'd-outcome');
    const r = await score(['--in', join(DEMO, 'churn-outcomes.csv'), '--out', out, '--base-url', sandbox.url, '--model', 'customer-churn/1', '--rpm', '100000', '--data-dir', data, '--outcome', 'churned']);
    expect(r.stderr).not.toMatch(/"churned" is not sent/);
    expect(r.code).toBe(EXIT.ok);
    // The slow count, from the file and the sandbox's formula.
    let known = 0;
    let right = 0;
    for (const row of demoRows('churn-outcomes.csv')) {
      if (row.churned === '') continue;
      known++;
      const input = { tenure_months: Number(row.tenure_months), monthly_charges: Number(row.monthly_charges), contract: row.contract, support_calls: Number(row.support_calls), paperless_billing: row.paperless_billing === 'Yes' };
      if ((predictFor('customer-churn', '1', input).predicted_class === 'churn') === (row.churned === 'Yes')) right++;
    }
    const pct = `${Math.round((100 * right) / known)}%`;
    expect(r.stdout).toContain(`Evaluation of customer-churn v1 on churn-outcomes.csv, ${known} rows, accuracy ${pct}`);
    expect(r.stdout).toMatch(new RegExp(`Accuracy\\s+${pct}\\s+84%\\s+The model's answer matched`));
    expect(r.stdout).toMatch(/Confusion matrix/);
    expect(r.stdout).toContain(`Left out: ${600 - known} without a known outcome, 0 failed`);
    const json = JSON.parse(readFileSync(join(dir, 'churn-results.evaluation.json'), 'utf8')) as { figures: { kind: string; rows: number; accuracy: number }; outcome: { column: string; valueMap: Record<string, string> } };
    expect(json.figures).toMatchObject({ kind: 'classification', rows: known });
    expect(json.figures.accuracy).toBeCloseTo(right / known, 12);
    expect(json.outcome).toMatchObject({ column: 'churned', valueMap: { yes: 'churn', no: 'stay' } });
    // What was sent is recorded per row: never the outcome.
    const db = new Database(join(data, 'plexe.db'), { readonly: true });
    const inputs = db.prepare("SELECT input FROM job_rows WHERE input IS NOT NULL").pluck().all() as string[];
    db.close();
    expect(inputs).toHaveLength(600);
    for (const i of inputs) expect(Object.keys(JSON.parse(i) as object).sort()).toEqual(['contract', 'monthly_charges', 'paperless_billing', 'support_calls', 'tenure_months']);
  });

  it('evaluates house-prices on house-sales.csv (MAE, RMSE, R² beside the model card) and refuses an unknown or input column', async () => {
    const out = join(dir, 'sales.csv');
    const r = await score(['--in', join(DEMO, 'house-sales.csv'), '--out', out, ...modelArgs(), '--data-dir', join(dir, 'd-sales'), '--outcome', 'sale_price']);
    expect(r.code).toBe(EXIT.ok);
    expect(r.stdout).toMatch(/Typical error \(MAE\)\s+\$[\d,]+\s+\$28,940/);
    expect(r.stdout).toMatch(/RMSE\s+\$[\d,]+\s+\$41,250/);
    expect(r.stdout).toMatch(/R²\s+0\.\d\d\s+0\.87/);
    const json = JSON.parse(readFileSync(join(dir, 'sales.evaluation.json'), 'utf8')) as { figures: { kind: string; r2: number } };
    expect(json.figures.kind).toBe('regression');
    const missing = await score(['--in', join(DEMO, 'house-sales.csv'), '--out', join(dir, 'x.csv'), ...modelArgs(), '--data-dir', join(dir, 'd-sales2'), '--outcome', 'price']);
    expect(missing).toMatchObject({ code: EXIT.usage, stderr: expect.stringContaining('--outcome: the file has no column called "price". Its columns are "listing_id"') });
    const input = await score(['--in', join(DEMO, 'house-sales.csv'), '--out', join(dir, 'y.csv'), ...modelArgs(), '--data-dir', join(dir, 'd-sales3'), '--outcome', 'bedrooms']);
    expect(input).toMatchObject({ code: EXIT.usage, stderr: expect.stringContaining('is sent to the model as its field "bedrooms"') });
  });
});
