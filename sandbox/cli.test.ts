import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it, type TestContext } from 'vitest';
import { CliError, parseCliArgs } from './cli-args';
import { houseRow } from './test-support';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsxBin = join(root, 'node_modules', '.bin', 'tsx');

function tempDir(t: TestContext): string {
  const dir = mkdtempSync(join(tmpdir(), 'sandbox-cli-'));
  t.onTestFinished(() => rmSync(dir, { recursive: true, force: true }));
  return dir;
}

interface Run {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
  /** Every process writing to the pipes (npx, tsx, the sandbox) has gone. */
  closed: Promise<void>;
}

function run(t: TestContext, command: string, args: string[]): Run {
  const child = spawn(command, args, { cwd: root, stdio: ['ignore', 'pipe', 'pipe'], detached: true });
  t.onTestFinished(() => {
    try {
      // The child leads its own process group (detached), so this reaches npx, tsx and the sandbox.
      process.kill(-child.pid!, 'SIGKILL');
    } catch {
      /* already gone */
    }
  });
  let out = '';
  let err = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (err += d.toString()));
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.on('exit', (code, signal) => resolve({ code, signal })));
  const closed = new Promise<void>((resolve) => child.on('close', () => resolve()));
  return { child, stdout: () => out, stderr: () => err, exited, closed };
}

async function waitForLine(r: Run, timeoutMs = 20000): Promise<{ url: string; port: number; key: string }> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const m = /^SANDBOX (http:\/\/127\.0\.0\.1:(\d+)) key=(\S+)$/m.exec(r.stdout());
    if (m) return { url: m[1]!, port: Number(m[2]), key: m[3]! };
    if (r.child.exitCode !== null) throw new Error(`the sandbox exited early: ${r.stderr()}`);
    await new Promise((res) => setTimeout(res, 25));
  }
  throw new Error(`no SANDBOX line within ${timeoutMs} ms; stdout: ${r.stdout()} stderr: ${r.stderr()}`);
}

const infer = (url: string, key: string) =>
  fetch(`${url}/models/house-prices/1/infer`, { method: 'POST', headers: { 'x-api-key': key, 'content-type': 'application/json' }, body: JSON.stringify(houseRow) });

// Each test spawns its own process; running them side by side keeps the file fast.
describe.concurrent('npm run sandbox (sandbox/cli.ts)', () => {
  it('npx tsx sandbox/cli.ts: prints the SANDBOX line once listening, answers, and stops cleanly on SIGTERM', async (t) => {
    const r = run(t, 'npx', ['tsx', 'sandbox/cli.ts', '--port', '0']);
    const { url, port, key } = await waitForLine(r);
    expect(port).toBeGreaterThan(0);
    expect(key).toBe('demo-key-plexe-sandbox');
    expect(r.stdout()).toBe(`SANDBOX ${url} key=${key}\n`);
    const res = await infer(url, key);
    expect(res.status).toBe(200);
    expect(((await res.json()) as { result: { predicted_price: number } }).result.predicted_price).toBeGreaterThan(0);
    // SIGTERM to the process group, as a terminal or a supervisor does: npm's `sh -c` wrapper
    // does not relay a SIGTERM sent to the npx process alone.
    process.kill(-r.child.pid!, 'SIGTERM');
    await r.closed;
    expect(r.stderr()).toContain('sandbox: SIGTERM received, stopping');
    expect(r.stderr()).toContain('sandbox: stopped');
    await expect(infer(url, key)).rejects.toThrow();
  });

  it('exits with code 0 on SIGTERM sent to the sandbox process itself', async (t) => {
    const r = run(t, process.execPath, ['--import', 'tsx', 'sandbox/cli.ts', '--port', '0']);
    const { url, key } = await waitForLine(r);
    expect((await infer(url, key)).status).toBe(200);
    r.child.kill('SIGTERM');
    expect(await r.exited).toEqual({ code: 0, signal: null });
    expect(r.stderr()).toContain('sandbox: stopped');
  });

  it('takes --config FILE plus flags, and stops on SIGINT', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'sandbox.json');
    writeFileSync(file, JSON.stringify({ keys: [{ key: 'file-key-0001', rpm: 1 }], modelStates: { 'customer-churn/1': 'ERROR' } }));
    const r = run(t, tsxBin, ['sandbox/cli.ts', '--port', '0', '--config', file, '--max-batch', '2']);
    const { url, key } = await waitForLine(r);
    expect(key).toBe('file-key-0001');
    expect((await infer(url, key)).status).toBe(200);
    const limited = await infer(url, key);
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toMatch(/^\d+$/);
    r.child.kill('SIGINT');
    expect((await r.exited).code).toBe(0);
    expect(r.stderr()).toContain('SIGINT received');
  });

  it('refuses a bad config file with a message naming the file and field (exit code 2)', async (t) => {
    const dir = tempDir(t);
    const file = join(dir, 'bad.json');
    writeFileSync(file, JSON.stringify({ keys: [{ key: 'k', rpm: -5 }], faults: { p429: 3 } }));
    const r = run(t, tsxBin, ['sandbox/cli.ts', '--config', file]);
    expect((await r.exited).code).toBe(2);
    expect(r.stderr()).toContain(`${file}.keys.0.rpm`);
    expect(r.stderr()).toContain(`${file}.faults.p429`);
    expect(r.stdout()).not.toContain('SANDBOX');
  });
});

describe('parseCliArgs', () => {
  it('reads the limiter kind, burst and rate-limit header style, and names bad values', () => {
    expect(parseCliArgs(['--limiter', 'token-bucket', '--burst', '5', '--rate-headers', 'ietf', '--window-ms', '1000']).overrides).toEqual({ rateLimiter: 'token-bucket', rateBurst: 5, rateHeaders: 'ietf', rateWindowMs: 1000 });
    expect(() => parseCliArgs(['--limiter', 'leaky'])).toThrow('--limiter must be one of rolling, fixed, token-bucket (got "leaky")');
    expect(() => parseCliArgs(['--rate-headers', 'yes'])).toThrow('--rate-headers must be one of none, ietf, x, both (got "yes")');
    expect(() => parseCliArgs(['--burst', '0'])).toThrow(CliError);
  });

  it('maps flags onto config and faults', () => {
    const o = parseCliArgs(['--port', '8123', '--key', 'abc', '--rpm', '100', '--no-batch', '--max-batch', '50', '--state', 'house-prices/1=BUILDING', '--seed', '5', '--p429', '0.1', '--p-drop', '0.05', '--latency-ms', '20', '--jitter-ms', '5', '--log', '/tmp/x.jsonl', '--retry-after-date', '--legacy']);
    expect(o.port).toBe(8123);
    expect(o.key).toBe('abc');
    expect(o.rpm).toBe(100);
    expect(o.overrides).toEqual({ batchEndpoint: false, maxBatch: 50, modelStates: { 'house-prices/1': 'BUILDING' }, requestLogFile: '/tmp/x.jsonl', answerStyle: 'legacy' });
    expect(o.faults).toEqual({ seed: 5, p429: 0.1, pDrop: 0.05, latencyMs: 20, latencyJitterMs: 5, retryAfterAsDate: true });
  });

  it('explains bad flags in plain words', () => {
    expect(() => parseCliArgs(['--port', 'abc'])).toThrow(new CliError('--port must be a whole number from 0 to 65535 (got "abc")'));
    expect(() => parseCliArgs(['--p429', '1.5'])).toThrow('--p429 must be a number from 0 to 1 (got "1.5")');
    expect(() => parseCliArgs(['--state', 'house-prices=READY'])).toThrow(/name\/version=STATE/);
    expect(() => parseCliArgs(['--bogus'])).toThrow(/--help/);
  });
});
