import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { createWriteStream, existsSync, mkdirSync, readFileSync } from 'node:fs';
import { basename, join, resolve } from 'node:path';
import { pipeline } from 'node:stream/promises';
import { build } from 'esbuild';
import { createServices, type Services } from '../../main/services';
import { rendererResponse, securityHeaders } from '../../main/shell/serve-renderer';
import type { HostPorts } from '../../main/host';
import type { Logger } from '../../main/log';
import { createAppLogging } from '../../main/logging';
import { appendFileSync } from 'node:fs';
import { PRELOAD_ONLY_CHANNELS } from '../../shared/ipc/app';

export interface HarnessOptions {
  port: number;
  dataDir: string;
  /** Built renderer folder (out/renderer). */
  rendererDir?: string;
  token?: string;
  log?: Logger;
  /** Append every answer and event sent to the page to this file (the secrets scan reads it). */
  trafficFile?: string;
  /** Spreadsheets handed over as if opened with the app from the file manager. */
  openFiles?: string[];
}

export interface RunningHarness {
  url: string;
  port: number;
  token: string;
  services: Services;
  /** What the harness host recorded: links it was asked to open, notifications shown. */
  recorded: { external: string[]; notifications: { title: string; body: string }[]; opened: string[]; shown: string[] };
  close(): Promise<void>;
}

const ROOT = resolve(import.meta.dirname, '../..');

async function bundleShim(): Promise<string> {
  const result = await build({
    entryPoints: [join(ROOT, 'e2e/harness/shim.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: 'es2022',
    logLevel: 'silent',
  });
  const file = result.outputFiles[0];
  if (!file) throw new Error('shim bundle is empty');
  return file.text;
}

function sameToken(given: string | null | undefined, expected: string): boolean {
  if (!given) return false;
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}

async function readBody(req: IncomingMessage, limit: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req) {
    size += (chunk as Buffer).length;
    if (size > limit) throw new Error('too large');
    chunks.push(chunk as Buffer);
  }
  return Buffer.concat(chunks);
}

function json(res: ServerResponse, status: number, body: unknown, record?: (text: string) => void): void {
  const text = JSON.stringify(body);
  record?.(text);
  res.writeHead(status, { ...securityHeaders('application/json'), 'cache-control': 'no-store' });
  res.end(text);
}

/**
 * The renderer in an ordinary browser page, backed by the real main-process services over the same
 * validated channel table. Static app files are public; every call needs the start-up token.
 */
export async function startHarness(options: HarnessOptions): Promise<RunningHarness> {
  const rendererDir = options.rendererDir ?? join(ROOT, 'out/renderer');
  if (!existsSync(join(rendererDir, 'index.html'))) {
    throw new Error(`The renderer is not built (${rendererDir}). Run "npm run build" first.`);
  }
  const token = options.token ?? randomBytes(24).toString('base64url');
  const dataDir = resolve(options.dataDir);
  const downloads = join(dataDir, 'downloads');
  const uploads = join(dataDir, 'uploads');
  mkdirSync(downloads, { recursive: true });
  mkdirSync(uploads, { recursive: true });
  const recorded: RunningHarness['recorded'] = { external: [], notifications: [], opened: [], shown: [] };
  const pendingOpen = (options.openFiles ?? []).map((f) => resolve(f));

  const host: HostPorts = {
    kind: 'harness',
    chooseSavePath: async (suggestedName) => join(downloads, `${Date.now().toString(36)}-${basename(suggestedName)}`),
    showInFolder: async (path) => {
      recorded.shown.push(path);
      return true;
    },
    openPath: async (path) => {
      recorded.opened.push(path);
      return null;
    },
    openExternal: async (url) => {
      recorded.external.push(url);
      return true;
    },
    notify: (title, body) => {
      recorded.notifications.push({ title, body });
    },
    takeOpenedFiles: () => pendingOpen.splice(0),
  };
  const version = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
  // Logs go where the app's would: a rotating, redacted file (here inside the data folder).
  const logging = options.log ? null : createAppLogging({ dir: join(dataDir, 'logs') });
  const services = await createServices({
    dataDir,
    host,
    version,
    fetch: globalThis.fetch,
    log: options.log ?? logging!.logger,
    ...(logging ? { errors: logging.errors, logFile: logging.file.path } : {}),
  });
  const record = (text: string) => {
    if (options.trafficFile) appendFileSync(options.trafficFile, `${text}\n`);
  };
  const shim = await bundleShim();
  const indexHtml = readFileSync(join(rendererDir, 'index.html'), 'utf8').replace(
    '<script type="module"',
    '<script src="/__harness/shim.js"></script>\n    <script type="module"',
  );
  const eventClients = new Set<ServerResponse>();
  const unsubscribe = services.events.subscribe((name, payload) => {
    const line = `data: ${JSON.stringify({ name, payload })}\n\n`;
    record(line);
    for (const client of eventClients) client.write(line);
  });

  let port = 0;
  const server = createServer((req, res) => {
    void handle(req, res).catch(() => {
      if (!res.headersSent) json(res, 500, { ok: false, error: { code: 'harness_error', message: 'The harness failed to answer.' } });
      else res.end();
    });
  });

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    // Loopback only, and only under its own host name (no DNS rebinding).
    if (req.headers.host !== `127.0.0.1:${port}`) return json(res, 421, { error: 'wrong host' });
    const url = new URL(req.url ?? '/', `http://127.0.0.1:${port}`);
    if (url.pathname.startsWith('/__harness/')) {
      if (url.pathname === '/__harness/shim.js') {
        res.writeHead(200, securityHeaders('text/javascript; charset=utf-8'));
        res.end(shim);
        return;
      }
      const given = (req.headers['x-harness-token'] as string | undefined) ?? url.searchParams.get('token');
      if (!sameToken(given, token)) return json(res, 403, { ok: false, error: { code: 'forbidden', message: 'Missing or wrong harness token.' } });
      if (url.pathname.startsWith('/__harness/ipc/') && req.method === 'POST') {
        const channel = decodeURIComponent(url.pathname.slice('/__harness/ipc/'.length));
        // As in the app, the page cannot reach the preload's own channels (granting a file is the upload's job).
        if ((PRELOAD_ONLY_CHANNELS as readonly string[]).includes(channel)) return json(res, 403, { ok: false, error: { code: 'forbidden', message: 'This channel is not open to the page.' } });
        let arg: unknown;
        try {
          const body = JSON.parse((await readBody(req, 10_000_000)).toString('utf8')) as { arg: unknown; undef?: boolean };
          arg = body.undef ? undefined : body.arg;
        } catch {
          return json(res, 400, { ok: false, error: { code: 'bad_request', message: 'The call could not be read.' } });
        }
        return json(res, 200, await services.dispatch(channel, arg), record);
      }
      if (url.pathname === '/__harness/events' && req.method === 'GET') {
        res.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store', connection: 'keep-alive' });
        res.write(': connected\n\n');
        eventClients.add(res);
        req.on('close', () => eventClients.delete(res));
        return;
      }
      // What the host was asked to do (links, files opened or shown, notifications), for the browser tests.
      if (url.pathname === '/__harness/recorded' && req.method === 'GET') return json(res, 200, recorded);
      if (url.pathname === '/__harness/upload' && req.method === 'POST') {
        const name = basename(url.searchParams.get('name') ?? 'upload.bin').replace(/[^\w.\- ]/g, '_') || 'upload.bin';
        const dir = join(uploads, randomBytes(6).toString('hex'));
        mkdirSync(dir, { recursive: true });
        const path = join(dir, name);
        await pipeline(req, createWriteStream(path));
        // The upload stands in for a picked or dropped file: granted like one.
        return json(res, 200, { ok: true, value: services.grants.registerChosenFile(path) }, record);
      }
      return json(res, 404, { ok: false, error: { code: 'not_found', message: 'No such harness route.' } });
    }
    if (req.method !== 'GET') return json(res, 405, { error: 'method not allowed' });
    if (url.pathname === '/' || url.pathname === '/index.html') {
      res.writeHead(200, securityHeaders('text/html; charset=utf-8'));
      res.end(indexHtml);
      return;
    }
    const answer = await rendererResponse(rendererDir, url.pathname);
    res.writeHead(answer.status, answer.headers);
    res.end(answer.body);
  }

  await new Promise<void>((ok, fail) => {
    server.once('error', fail);
    server.listen(options.port, '127.0.0.1', () => ok());
  });
  const address = server.address();
  port = typeof address === 'object' && address ? address.port : options.port;
  return {
    url: `http://127.0.0.1:${port}/`,
    port,
    token,
    services,
    recorded,
    close: async () => {
      unsubscribe();
      for (const c of eventClients) c.end();
      server.closeAllConnections();
      await new Promise<void>((ok) => server.close(() => ok()));
      await services.close();
    },
  };
}
