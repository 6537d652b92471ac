import { Agent as HttpAgent, request as httpRequest, type IncomingMessage } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { FetchLike } from './client';

/**
 * A FetchLike on node:http/https with keep-alive agents, for plain-Node hosts (CLI, harness,
 * benchmarks). It does what PlexeClient needs of a Response (status, ok, headers, text()) at a
 * fraction of undici fetch's CPU cost per request (see bench/engine.bench.ts). Errors look like
 * undici's (`TypeError('fetch failed', {cause})`) so the client maps them the same way. Inside the
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
          const chunks: Buffer[] = [];
          let failure: unknown = null;
          const ended = new Promise<string>((ok, fail) => {
            res.on('data', (c: Buffer) => chunks.push(c));
            res.on('end', () => (res.complete ? ok(Buffer.concat(chunks).toString('utf8')) : fail(new TypeError('terminated'))));
            res.on('aborted', () => fail(new TypeError('terminated')));
            res.on('error', (e) => {
              failure = e;
              fail(new TypeError('terminated', { cause: e }));
            });
          });
          ended.catch(() => {});
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
          resolve({
            status,
            ok: status >= 200 && status < 300,
            headers: h,
            text: () => (failure ? Promise.reject(failure) : ended),
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
