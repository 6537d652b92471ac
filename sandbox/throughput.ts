/**
 * Quick throughput check of the sandbox: single-row /infer requests over keep-alive, no latency.
 *   npx tsx sandbox/throughput.ts [--seconds 5] [--concurrency 32] [--client http|fetch] [--same-process] [--url URL --key KEY]
 * By default the sandbox runs in a child process so client and server each get a core, as in the
 * benchmarks. Prints one JSON line: {"bench":"sandbox-infer-throughput","value":N,"unit":"req/s",...}.
 */
import { fork, type ChildProcess } from 'node:child_process';
import { Agent, request } from 'node:http';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import { startSandbox } from './server';

const ROW = JSON.stringify({ square_footage: 1850, bedrooms: 3, bathrooms: 2, location: 'suburban' });

async function serveChild(): Promise<void> {
  const sandbox = await startSandbox({ port: 0 });
  let mark = process.cpuUsage();
  let requestsAtMark = 0;
  process.on('message', (m) => {
    if (m === 'mark') {
      mark = process.cpuUsage();
      requestsAtMark = sandbox.stats().requests;
    } else if (m === 'cpu') {
      const used = process.cpuUsage(mark);
      process.send?.({ cpuMicros: used.user + used.system, requests: sandbox.stats().requests - requestsAtMark });
    }
  });
  process.send?.({ url: sandbox.url, key: sandbox.key });
  process.on('disconnect', () => void sandbox.close().then(() => process.exit(0)));
}

function httpClient(url: string, key: string, concurrency: number) {
  const target = new URL(`${url}/models/house-prices/1/infer`);
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const headers = { 'content-type': 'application/json', 'x-api-key': key, 'content-length': Buffer.byteLength(ROW) };
  return () =>
    new Promise<number>((resolve, reject) => {
      const req = request({ hostname: target.hostname, port: target.port, path: target.pathname, method: 'POST', agent, headers }, (res) => {
        res.resume();
        res.on('end', () => resolve(res.statusCode ?? 0));
      });
      req.on('error', reject);
      req.end(ROW);
    });
}

function fetchClient(url: string, key: string) {
  const target = `${url}/models/house-prices/1/infer`;
  return async () => {
    const res = await fetch(target, { method: 'POST', headers: { 'content-type': 'application/json', 'x-api-key': key }, body: ROW });
    await res.arrayBuffer();
    return res.status;
  };
}

export async function measure(opts: { url: string; key: string; seconds: number; concurrency: number; client: 'http' | 'fetch'; onStart?: () => void }) {
  const once = opts.client === 'fetch' ? fetchClient(opts.url, opts.key) : httpClient(opts.url, opts.key, opts.concurrency);
  // Warm up connections and JIT before timing.
  for (let i = 0; i < 5; i++) await Promise.all(Array.from({ length: opts.concurrency }, () => once()));
  opts.onStart?.();
  let ok = 0;
  let failed = 0;
  const latencies: number[] = [];
  const end = performance.now() + opts.seconds * 1000;
  const started = performance.now();
  await Promise.all(
    Array.from({ length: opts.concurrency }, async () => {
      while (performance.now() < end) {
        const t = performance.now();
        const status = await once();
        latencies.push(performance.now() - t);
        if (status === 200) ok++;
        else failed++;
      }
    }),
  );
  const elapsed = (performance.now() - started) / 1000;
  latencies.sort((a, b) => a - b);
  const pct = (p: number) => Math.round((latencies[Math.min(latencies.length - 1, Math.floor(latencies.length * p))] ?? 0) * 100) / 100;
  return { rps: Math.round(ok / elapsed), ok, failed, p50: pct(0.5), p99: pct(0.99) };
}

async function main(): Promise<void> {
  const { values } = parseArgs({
    options: {
      serve: { type: 'boolean' },
      seconds: { type: 'string', default: '5' },
      concurrency: { type: 'string', default: '32' },
      client: { type: 'string', default: 'http' },
      'same-process': { type: 'boolean' },
      url: { type: 'string' },
      key: { type: 'string' },
    },
  });
  if (values.serve) {
    await serveChild();
    return;
  }
  const client = values.client === 'fetch' ? 'fetch' : 'http';
  let child: ChildProcess | undefined;
  let close: (() => Promise<void>) | undefined;
  let url = values.url;
  let key = values.key ?? 'demo-key-plexe-sandbox';
  if (!url) {
    if (values['same-process']) {
      const sandbox = await startSandbox({ port: 0 });
      url = sandbox.url;
      key = sandbox.key;
      close = () => sandbox.close();
    } else {
      child = fork(fileURLToPath(import.meta.url), ['--serve'], { execArgv: process.execArgv });
      const ready = await new Promise<{ url: string; key: string }>((resolve, reject) => {
        child!.once('message', (m) => resolve(m as { url: string; key: string }));
        child!.once('exit', (code) => reject(new Error(`the sandbox child exited early (code ${code})`)));
      });
      url = ready.url;
      key = ready.key;
    }
  }
  const seconds = Number(values.seconds);
  const concurrency = Number(values.concurrency);
  const r = await measure({ url, key, seconds, concurrency, client, onStart: () => child?.send('mark') });
  // Server CPU per request: a figure that holds even when other work shares the machine's cores.
  let serverCpu: { cpuMicros: number; requests: number } | undefined;
  if (child) {
    child.send('cpu');
    serverCpu = await new Promise((resolve) => child!.once('message', (m) => resolve(m as { cpuMicros: number; requests: number })));
  }
  const cpuPerRequest = serverCpu && serverCpu.requests > 0 ? serverCpu.cpuMicros / serverCpu.requests : undefined;
  process.stdout.write(
    JSON.stringify({
      bench: 'sandbox-infer-throughput',
      value: r.rps,
      unit: 'req/s',
      client,
      concurrency,
      seconds,
      sameProcess: Boolean(values['same-process']),
      failed: r.failed,
      p50_ms: r.p50,
      p99_ms: r.p99,
      ...(cpuPerRequest === undefined
        ? {}
        : { server_cpu_us_per_request: Math.round(cpuPerRequest), server_capacity_one_core_rps: Math.round(1e6 / cpuPerRequest) }),
    }) + '\n',
  );
  await close?.();
  child?.disconnect();
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  main().catch((e: unknown) => {
    process.stderr.write(`throughput: ${(e as Error).message}\n`);
    process.exit(1);
  });
}
