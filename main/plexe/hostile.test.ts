import type { ServerResponse } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createEngine, VirtualClock } from '../engine';
import { SecretRegistry } from '../logging/redact';
import { PlexeClient, type FetchLike } from './client';
import { PlexeError } from './errors';
import { createNodeHttpFetch } from './http-fetch';
import { json, startScriptedServer } from './test-server';

// The client against servers that misbehave on purpose: redirects, huge and deep answers, echoed keys.

const KEY = 'sk-live-HOSTILE-7c21e9';
const ref = { kind: 'model' as const, name: 'house-prices', version: '1' };

type Handler = (path: string, res: ServerResponse, body: string) => void;
let next: Handler = () => {};
let server: Awaited<ReturnType<typeof startScriptedServer>>;
let elsewhere: Awaited<ReturnType<typeof startScriptedServer>>;
/** Bytes the server managed to hand to the socket before the client hung up, per streamed answer. */
const streamed: { written: number; closedEarly: boolean }[] = [];

beforeAll(async () => {
  server = await startScriptedServer((req, res) => next(req.path, res, req.body));
  elsewhere = await startScriptedServer((_req, res) => json(res, 200, { result: { stolen: true } }));
});
afterAll(async () => {
  await server.close();
  await elsewhere.close();
});

const nodeHttp = createNodeHttpFetch();
afterAll(() => nodeHttp.close());
const transports: [string, FetchLike][] = [
  ["Node's fetch", (u, i) => fetch(u, i)],
  ['node:http keep-alive fetch', nodeHttp],
];

async function failure(p: Promise<unknown>): Promise<PlexeError> {
  try {
    await p;
  } catch (e) {
    expect(e).toBeInstanceOf(PlexeError);
    return e as PlexeError;
  }
  throw new Error('expected a failure');
}

/** Writes `total` bytes of a JSON string in 64 KB chunks, honouring back-pressure, and notes how far it got. */
function streamHuge(res: ServerResponse, total: number, declare: boolean): void {
  const note = { written: 0, closedEarly: false };
  streamed.push(note);
  res.writeHead(200, { 'content-type': 'application/json', ...(declare ? { 'content-length': String(total) } : {}) });
  const chunk = Buffer.alloc(64 * 1024, 'a');
  res.on('close', () => (note.closedEarly = note.written < total));
  const pump = () => {
    while (note.written < total && !res.destroyed) {
      const n = Math.min(chunk.length, total - note.written);
      note.written += n;
      if (!res.write(n === chunk.length ? chunk : chunk.subarray(0, n))) {
        res.once('drain', pump);
        return;
      }
    }
    if (!res.destroyed) res.end();
  };
  pump();
}

for (const [name, fetchFn] of transports) {
  const client = new PlexeClient({ fetch: fetchFn, timeoutMs: 10_000, secrets: new SecretRegistry() });
  const target = () => ({ baseUrl: server.url, apiKey: KEY });

  describe(`hostile servers (${name})`, () => {
    it('never follows a redirect to another port with the key, names the target and is not retried', async () => {
      const before = elsewhere.requests.length;
      let asked = 0;
      next = (_p, res) => {
        asked++;
        res.writeHead(307, { location: `${elsewhere.url}/models/house-prices/1/infer` });
        res.end();
      };
      const engine = createEngine({ client, clock: new VirtualClock(), random: () => 0 });
      const out = await engine.predictOne({ id: 'p', baseUrl: server.url, rpm: 6000, concurrency: 2 }, KEY, ref, { a: 1 });
      expect(out.ok).toBe(false);
      expect(out.error!.code).toBe('redirect_refused');
      expect(out.error!.message).toBe(`The server answered with a redirect to ${elsewhere.url}/models/house-prices/1/infer; Plexe Desktop never follows a redirect with your key.`);
      expect(out.error!.action).toMatch(/base URL of this account/);
      expect(asked).toBe(1);
      expect(out.attempts).toBe(1);
      expect(elsewhere.requests.length).toBe(before);
    });

    it('refuses an https → http style redirect (and any 3xx) the same way', async () => {
      for (const status of [301, 302, 303, 308]) {
        next = (_p, res) => {
          res.writeHead(status, { location: 'http://api.plexe.example/models/house-prices/1/infer' });
          res.end();
        };
        const e = await failure(client.infer(target(), ref, {}));
        expect(e.info.code).toBe('redirect_refused');
        expect(e.info.httpStatus).toBe(status);
        expect(e.info.message).toContain('a redirect to http://api.plexe.example/models/house-prices/1/infer');
        expect(e.info.retryable).toBe(false);
      }
    });

    it('refuses an answer whose Content-Length is past the cap without reading it, and drops the connection', async () => {
      next = (_p, res) => streamHuge(res, 40 * 1024 * 1024, true);
      const e = await failure(client.infer(target(), ref, {}, { maxAnswerBytes: 1024 * 1024 }));
      expect(e.info.code).toBe('answer_too_large');
      expect(e.info.message).toBe('The answer was larger than 1 MB, so Plexe Desktop stopped reading it.');
      expect(e.info.retryable).toBe(false);
      await expect.poll(() => streamed.at(-1)!.closedEarly).toBe(true);
      expect(streamed.at(-1)!.written).toBeLessThan(40 * 1024 * 1024);
    });

    it('counts a chunked answer (no Content-Length) while reading and hangs up past the cap', async () => {
      next = (_p, res) => streamHuge(res, 40 * 1024 * 1024, false);
      const e = await failure(client.infer(target(), ref, {}, { maxAnswerBytes: 1024 * 1024 }));
      expect(e.info.code).toBe('answer_too_large');
      await expect.poll(() => streamed.at(-1)!.closedEarly).toBe(true);
      expect(streamed.at(-1)!.written).toBeLessThan(40 * 1024 * 1024);
    });

    it('caps at 16 MB by default', async () => {
      next = (_p, res) => streamHuge(res, 17 * 1024 * 1024, false);
      const e = await failure(client.infer(target(), ref, {}));
      expect(e.info.message).toBe('The answer was larger than 16 MB, so Plexe Desktop stopped reading it.');
    });

    it('still reads an answer just under the cap', async () => {
      const text = JSON.stringify({ result: { pad: 'x'.repeat(1024 * 1024 - 40) } });
      next = (_p, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(text);
      };
      const a = await client.infer(target(), ref, {}, { maxAnswerBytes: 1024 * 1024 });
      expect((a.result.pad as string).length).toBe(1024 * 1024 - 40);
    });

    it('refuses an answer nested 100,000 levels deep with a plain message, no stack overflow', async () => {
      const deep = `{"result":${'['.repeat(100_000)}1${']'.repeat(100_000)}}`;
      next = (_p, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(deep);
      };
      const e = await failure(client.infer(target(), ref, {}));
      expect(e.info.code).toBe('answer_too_deep');
      expect(e.info.message).toBe('The answer could not be read (nested too deeply).');
    });

    it('takes 64 levels; brackets inside strings do not count', async () => {
      const ok = `{"result":{"v":${'['.repeat(62)}"[[[[{{{{"${']'.repeat(62)}}}`;
      next = (_p, res) => {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(ok);
      };
      const a = await client.infer(target(), ref, {});
      expect(a.result.v).toBeDefined();
    });

    it('scrubs an echoed key from the message, the details and the raw answer', async () => {
      next = (_p, res) =>
        json(res, 400, { error: { code: 'invalid_input', message: `bad key ${KEY}`, details: { sent_headers: { 'x-api-key': KEY }, note: [`echo:${KEY}`] } } });
      const e = await failure(client.infer(target(), ref, {}));
      expect(JSON.stringify(e.info)).not.toContain(KEY);
      expect(JSON.stringify(e.info.details)).toContain('[redacted]');
      next = (_p, res) => json(res, 200, { result: { price: 1, echo: KEY }, debug: { key: KEY } });
      const a = await client.infer(target(), ref, {});
      expect(JSON.stringify(a)).not.toContain(KEY);
      expect(a.result.echo).toBe('[redacted]');
    });

    it('scrubs every registered secret, not only the key of the call', async () => {
      const other = 'sk-other-account-4242';
      const registry = new SecretRegistry();
      registry.add(other);
      const c = new PlexeClient({ fetch: fetchFn, secrets: registry });
      next = (_p, res) => json(res, 500, { error: { code: 'internal_error', message: `leaked ${other}`, details: [other] } });
      const e = await failure(c.infer(target(), ref, {}));
      expect(JSON.stringify(e.info)).not.toContain(other);
    });
  });
}

describe("Electron's net.fetch under redirect: 'manual'", () => {
  it('is asked not to follow, and its "Redirect was cancelled" becomes the redirect error, not retried', async () => {
    const seen: RequestInit[] = [];
    const netFetchLike: FetchLike = async (_url, init) => {
      seen.push(init);
      throw new Error('Redirect was cancelled');
    };
    const engine = createEngine({ client: new PlexeClient({ fetch: netFetchLike }), clock: new VirtualClock(), random: () => 0 });
    const out = await engine.predictOne({ id: 'e', baseUrl: 'https://api.plexe.example', rpm: 6000, concurrency: 2 }, KEY, ref, {});
    expect(out.error).toMatchObject({ code: 'redirect_refused', retryable: false });
    expect(out.error!.message).toBe('The server answered with a redirect; Plexe Desktop never follows a redirect with your key.');
    expect(seen).toHaveLength(1);
    expect(seen[0]!.redirect).toBe('manual');
  });

  it('treats an opaque redirect answer (status 0, no headers) the same way', async () => {
    const opaque: FetchLike = async () => ({ status: 0, ok: false, type: 'opaqueredirect', redirected: false, headers: new Headers(), body: null, text: async () => '' }) as unknown as Response;
    const e = await failure(new PlexeClient({ fetch: opaque }).infer({ baseUrl: 'https://api.plexe.example', apiKey: KEY }, ref, {}));
    expect(e.info).toMatchObject({ code: 'redirect_refused', retryable: false });
  });
});

describe('a Retry-After beyond the cap (virtual clock)', () => {
  const transport = createNodeHttpFetch();
  afterAll(() => transport.close());
  const clientOn = (clock: VirtualClock) => new PlexeClient({ fetch: transport, secrets: new SecretRegistry(), now: () => clock.now() });
  for (const [label, header, when] of [
    ['1,000,000,000 seconds', '1000000000', new Date(1_700_000_000_000 + 1e12).toISOString().slice(0, 16).replace('T', ' ')],
    ['an HTTP date in year 9999', 'Fri, 31 Dec 9999 23:59:59 GMT', '9999-12-31 23:59'],
  ] as const) {
    it(`is not waited out (${label}): the call says when to come back, no timer overflows`, async () => {
      let asked = 0;
      next = (_p, res) => {
        asked++;
        json(res, 429, { error: { code: 'rate_limit_exceeded', message: 'slow down' } }, { 'retry-after': header });
      };
      const clock = new VirtualClock();
      const warnings: string[] = [];
      const onWarning = (w: Error) => warnings.push(w.name);
      process.on('warning', onWarning);
      const engine = createEngine({ client: clientOn(clock), clock, random: () => 0 });
      const out = await engine.predictOne({ id: 'ra', baseUrl: server.url, rpm: 6000, concurrency: 2 }, KEY, ref, {});
      process.off('warning', onWarning);
      expect(out.ok).toBe(false);
      expect(out.error!.code).toBe('come_back_later');
      expect(out.error!.message).toBe(`Plexe asked us to wait until ${when} UTC before sending more requests.`);
      expect(out.error!.action).toMatch(/does not wait longer than 1 hour/);
      expect(asked).toBe(1);
      expect(clock.pendingTimers).toBe(0);
      expect(warnings).not.toContain('TimeoutOverflowWarning');
      // The profile is not left paused for ages: the next call goes out at once.
      next = (_p, res) => json(res, 200, { result: { ok: 1 } });
      const again = await engine.predictOne({ id: 'ra', baseUrl: server.url, rpm: 6000, concurrency: 2 }, KEY, ref, {});
      expect(again.ok).toBe(true);
    });
  }

  it('waits out a Retry-After under the cap as before', async () => {
    let asked = 0;
    next = (_p, res) => {
      asked++;
      if (asked === 1) json(res, 429, { error: { code: 'rate_limit_exceeded' } }, { 'retry-after': '1800' });
      else json(res, 200, { result: { ok: 1 } });
    };
    const clock = new VirtualClock();
    const engine = createEngine({ client: clientOn(clock), clock, random: () => 0 });
    const t0 = clock.now();
    const out = await engine.predictOne({ id: 'ra2', baseUrl: server.url, rpm: 6000, concurrency: 2 }, KEY, ref, {});
    expect(out.ok).toBe(true);
    expect(clock.now() - t0).toBeGreaterThanOrEqual(1_800_000);
    // The cap is a setting: at 10 minutes the same answer is not waited out.
    asked = 0;
    const capped = await engine.predictOne({ id: 'ra2', baseUrl: server.url, rpm: 6000, concurrency: 2 }, KEY, ref, {}, { settings: { retryAfterCapMs: 600_000 } });
    expect(capped.error).toMatchObject({ code: 'come_back_later' });
    expect(capped.error!.action).toMatch(/does not wait longer than 10 minutes/);
  });
});
