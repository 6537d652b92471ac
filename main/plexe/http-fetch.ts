import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { FetchLike } from './client';

interface ChunkReader {
  read(): Promise<{ done: true; value?: undefined } | { done: false; value: Uint8Array }>;
  cancel(): Promise<void>;
}

/**
 * The answer's body as the part of a web ReadableStream the client uses (getReader: read, cancel),
 * pulled from the socket as it arrives, so the client can count bytes and stop early. Cancelling
 * destroys the socket: the rest of an oversized answer is never read.
 */
function bodyReader(res: IncomingMessage): { getReader(): ChunkReader } {
  const queue: Buffer[] = [];
  let ended = false;
  let failure: unknown = null;
  let waiting: { ok: () => void } | null = null;
  const wake = () => {
    const w = waiting;
    waiting = null;
    w?.ok();
  };
  res.on('data', (c: Buffer) => {
    queue.push(c);
    wake();
  });
  res.on('end', () => {
    if (!res.complete) failure ??= new TypeError('terminated');
    ended = true;
    wake();
  });
  res.on('aborted', () => {
    failure ??= new TypeError('terminated');
    wake();
  });
  res.on('error', (e) => {
    failure ??= new TypeError('terminated', { cause: e });
    wake();
  });
  res.on('close', () => {
    if (!ended) failure ??= new TypeError('terminated');
    wake();
  });
  const reader: ChunkReader = {
    async read() {
      for (;;) {
        const c = queue.shift();
        if (c) return { done: false, value: c };
        if (failure) throw failure;
        if (ended) return { done: true };
        await new Promise<void>((ok) => (waiting = { ok }));
      }
    },
    cancel() {
      queue.length = 0;
      ended = true;
      res.destroy();
      return Promise.resolve();
    },
  };
  return { getReader: () => reader };
}

async function readAll(body: { getReader(): ChunkReader }): Promise<string> {
  const reader = body.getReader();
  const chunks: Uint8Array[] = [];
  for (;;) {
    const r = await reader.read();
    if (r.done) break;
    chunks.push(r.value);
  }
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * A FetchLike on node:http/https with keep-alive agents, for plain-Node hosts (CLI, harness,
 * benchmarks). It does what PlexeClient needs of a Response (status, ok, headers, text()) at a
 * fraction of undici fetch's CPU cost per request (see bench/engine.bench.ts). It never follows a
 * redirect, and the body is handed over chunk by chunk so the client's size cap applies while
 * reading. Errors look like undici's (`TypeError('fetch failed', {cause})`) so the client maps them the same way. Inside the
 * app, Electron's net.fetch is used instead (system proxy and certificates).
 */
export function createNodeHttpFetch(opts: { maxSockets?: number } = {}): FetchLike & { close(): void } {
  const agentOpts = { keepAlive: true, maxSockets: opts.maxSockets ?? 64, scheduling: 'lifo' as const };
  const http = new HttpAgent(agentOpts);
  const https = new HttpsAgent(agentOpts);

  const fetchLike = (url: string, init: RequestInit): Promise<Response> =>
    new Promise<Response>((resolve, reject) => {
      const u = new URL(url);
      const isHttps = u.protocol === 'https:';
      // PlexeClient passes a plain object; anything else goes through Headers.
      const given = init.headers;
      const headers: Record<string, string> =
        given && typeof given === 'object' && !Array.isArray(given) && !(given instanceof Headers) ? { ...(given as Record<string, string>) } : {};
      if (given instanceof Headers || Array.isArray(given)) new Headers(given).forEach((v, k) => (headers[k] = v));
      const body = typeof init.body === 'string' ? init.body : undefined;
      if (body !== undefined) headers['content-length'] = String(Buffer.byteLength(body));
      const signal = init.signal ?? undefined;
      if (signal?.aborted) {
        reject(signal.reason);
        return;
      }
      const req = (isHttps ? httpsRequest : httpRequest)(
        { protocol: u.protocol, hostname: u.hostname.replace(/^\[|\]$/g, ''), port: u.port, path: u.pathname + u.search, method: init.method ?? 'GET', headers, agent: isHttps ? https : http },
        (res: IncomingMessage) => {
          // Only get() is needed; a full Headers object costs more than the rest of the answer.
          const raw = res.headers;
          const h = {
            get(name: string): string | null {
              const v = raw[name.toLowerCase()];
              return v === undefined ? null : Array.isArray(v) ? v.join(', ') : String(v);
            },
            has(name: string): boolean {
              return raw[name.toLowerCase()] !== undefined;
            },
          };
          const status = res.statusCode ?? 0;
          const body = bodyReader(res);
          resolve({
            status,
            ok: status >= 200 && status < 300,
            // node:http never follows a redirect: a 3xx comes back as it is.
            redirected: false,
            type: 'basic',
            url,
            headers: h,
            body,
            text: () => readAll(body),
          } as unknown as Response);
        },
      );
      const onAbort = () => req.destroy(signal?.reason instanceof Error ? signal.reason : new Error('aborted'));
      signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => signal?.removeEventListener('abort', onAbort));
      req.on('error', (e) => reject(signal?.aborted ? signal.reason : new TypeError('fetch failed', { cause: e })));
      req.end(body);
    });

  return Object.assign(fetchLike, {
    close() {
      http.destroy();
      https.destroy();
    },
  });
}
