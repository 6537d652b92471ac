import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PlexeClient, type FetchLike } from './client';
import { createNodeHttpFetch } from './http-fetch';
import { PlexeError, parseRetryAfter } from './errors';
import { MemoryLogger } from '../log';
import { json, startScriptedServer } from './test-server';

const KEY = 'sk-test-SECRET-9f3a';
const ref = { kind: 'model' as const, name: 'house-prices', version: '1' };

let server: Awaited<ReturnType<typeof startScriptedServer>>;
let next: (path: string, res: import('node:http').ServerResponse, body: string) => void = () => {};

beforeAll(async () => {
  server = await startScriptedServer((req, res) => next(req.path, res, req.body));
});
afterAll(async () => server.close());

const target = () => ({ baseUrl: server.url, apiKey: KEY });
const nodeHttp = createNodeHttpFetch();
afterAll(() => nodeHttp.close());
const fetchImpls: [string, FetchLike][] = [
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

for (const [impl, fetchFn] of fetchImpls) {
  const logger = new MemoryLogger();
  const client = new PlexeClient({ fetch: fetchFn, logger, timeoutMs: 2000 });
  describe(`PlexeClient answers (${impl})`, () => {
    it('sends the key in x-api-key and parses the documented infer answer', async () => {
      next = (_p, res, body) => json(res, 200, { request_id: 'r1', result: { predicted_price: 1, echo: JSON.parse(body) }, model_id: 'm', model_version: '1', processing_time_ms: 4.5 });
      const a = await client.infer(target(), ref, { a: 1 });
      expect(a.result).toEqual({ predicted_price: 1, echo: { a: 1 } });
      expect([a.requestId, a.modelId, a.modelVersion, a.processingTimeMs]).toEqual(['r1', 'm', '1', 4.5]);
      const last = server.requests.at(-1)!;
      expect(last.path).toBe('/models/house-prices/1/infer');
      expect(last.headers['x-api-key']).toBe(KEY);
    });

    it('accepts prediction / model_name / created_at and a request id in the header only', async () => {
      next = (_p, res) => json(res, 200, { prediction: { c: 'churn' }, model_name: 'cc', created_at: '2025-01-01T00:00:00Z' }, { 'x-request-id': 'hdr-7' });
      const a = await client.infer(target(), ref, {});
      expect(a.result).toEqual({ c: 'churn' });
      expect(a.modelId).toBe('cc');
      expect(a.processingTimeMs).toBeNull();
      expect(a.createdAt).toBe('2025-01-01T00:00:00Z');
      expect(a.requestId).toBe('hdr-7');
    });

    it('uses the legacy /predict/{id} for deployment refs', async () => {
      next = (_p, res) => json(res, 200, { result: { y: 2 } });
      await client.infer(target(), { kind: 'deployment', deploymentId: 'dep 1' }, {});
      expect(server.requests.at(-1)!.path).toBe('/predict/dep%201');
    });

    it('parses batch answers in order and checks their length', async () => {
      next = (_p, res) => json(res, 200, [{ prediction: { v: 1 } }, { prediction: { v: 2 } }], { 'x-request-id': 'b1' });
      const a = await client.predictions(target(), ref, [{}, {}]);
      expect(a.items.map((i) => i.result)).toEqual([{ v: 1 }, { v: 2 }]);
      expect(a.requestId).toBe('b1');
      const e = await failure(client.predictions(target(), ref, [{}, {}, {}]));
      expect(e.info.code).toBe('bad_response');
      expect(e.info.retryable).toBe(true);
    });

    it('lists models with pagination, describes and reads status', async () => {
      next = (path, res) => {
        if (path.startsWith('/models?')) json(res, 200, { models: [{ model_name: 'a', model_version: '2', status: 'READY', description: 'd' }], pagination: { has_more: true, total: 9 } });
        else if (path.endsWith('/describe')) json(res, 200, { input_schema: { x: 'int' }, output_schema: { y: 'float' }, performance_metrics: { r2: 0.8 }, training_info: {} });
        else json(res, 200, { status: 'building' });
      };
      const list = await client.listModels(target(), { limit: 1, offset: 0 });
      expect(list).toMatchObject({ models: [{ name: 'a', version: '2', status: 'READY', description: 'd' }], hasMore: true, total: 9 });
      expect(server.requests.at(-1)!.path).toBe('/models?limit=1&offset=0');
      const d = await client.describe(target(), ref);
      expect(d.inputSchema).toEqual({ x: 'int' });
      expect(d.performanceMetrics).toEqual({ r2: 0.8 });
      expect((await client.status(target(), ref)).status).toBe('BUILDING');
    });
  });

  describe(`PlexeClient failures (${impl})`, () => {
    const cases: [number, string, RegExp, boolean][] = [
      [401, 'unauthorized', /API key was rejected/, false],
      [403, 'forbidden', /may not use this model/, false],
      [404, 'not_found', /could not find/, false],
      [422, 'validation_error', /could not use the values/, false],
      [500, 'prediction_error', /could not make a prediction/, false],
      [500, 'internal_error', /internal problem/, false],
      [503, 'deployment_unavailable', /not running right now/, true],
      [418, 'teapot_mode', /refused the request \(HTTP 418, teapot_mode\)/, false],
    ];
    for (const [status, code, message, retryable] of cases) {
      it(`maps ${status} ${code}`, async () => {
        next = (_p, res) => json(res, status, { error: { code, message: `server words with ${KEY}` }, request_id: 'req-x' });
        const e = await failure(client.infer(target(), ref, {}));
        expect(e.info.code).toBe(code);
        expect(e.info.httpStatus).toBe(status);
        expect(e.info.requestId).toBe('req-x');
        expect(e.info.message).toMatch(message);
        expect(e.info.retryable).toBe(retryable);
        expect(e.info.action).toBeTruthy();
        expect(JSON.stringify(e.info)).not.toContain(KEY);
      });
    }

    it('maps 400 field details to fieldErrors', async () => {
      next = (_p, res) => json(res, 400, { error: { code: 'invalid_input', message: 'bad', details: { fields: [{ field: 'bedrooms', rule: 'type', message: 'bedrooms must be a whole number' }] } }, request_id: 'q' });
      const e = await failure(client.infer(target(), ref, {}));
      expect(e.info.fieldErrors).toEqual([{ field: 'bedrooms', message: 'bedrooms must be a whole number' }]);
      expect(e.info.message).toContain('bedrooms: bedrooms must be a whole number');
    });

    it('reads Retry-After in seconds and as an HTTP date', async () => {
      next = (_p, res) => json(res, 429, { error: { code: 'rate_limit_exceeded', message: 'slow' } }, { 'retry-after': '7' });
      const e = await failure(client.infer(target(), ref, {}));
      expect(e.info.retryAfterSeconds).toBe(7);
      expect(e.info.message).toMatch(/wait 7 seconds/);
      expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:30 GMT', Date.parse('Wed, 21 Oct 2015 07:28:00 GMT'))).toBe(30);
      expect(parseRetryAfter('garbage', 0)).toBeNull();
      expect(parseRetryAfter('Wed, 21 Oct 2015 07:28:00 GMT', Date.parse('Wed, 21 Oct 2015 07:29:00 GMT'))).toBe(0);
    });

    it('maps gateway HTML pages (502, 504) as retryable', async () => {
      for (const status of [502, 504]) {
        next = (_p, res) => {
          res.writeHead(status, { 'content-type': 'text/html' });
          res.end(`<html><body><h1>${status} Bad Gateway</h1></body></html>`);
        };
        const e = await failure(client.infer(target(), ref, {}));
        expect(e.info.httpStatus).toBe(status);
        expect(e.info.retryable).toBe(true);
        expect(e.info.message).toMatch(/gateway/);
      }
    });

    it('maps a 200 with an HTML page, an empty body or a cut-off body to bad_response', async () => {
      next = (_p, res) => {
        res.writeHead(200, { 'content-type': 'text/html' });
        res.end('<html>login portal</html>');
      };
      expect((await failure(client.infer(target(), ref, {}))).info.code).toBe('bad_response');
      next = (_p, res) => {
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': '100' });
        res.write('{"result": {"a"');
        setTimeout(() => res.destroy(), 20);
      };
      const cut = await failure(client.infer(target(), ref, {}));
      expect(cut.info.code).toBe('bad_response');
      expect(cut.info.retryable).toBe(true);
      next = (_p, res) => json(res, 200, { something: 'else' });
      expect((await failure(client.infer(target(), ref, {}))).info.code).toBe('bad_response');
    });

    it('times out per request and tells cancellation apart', async () => {
      next = () => {};
      const t0 = Date.now();
      const e = await failure(client.infer(target(), ref, {}, { timeoutMs: 150 }));
      expect(e.info.code).toBe('timeout');
      expect(e.info.retryable).toBe(true);
      expect(Date.now() - t0).toBeLessThan(1500);
      const ac = new AbortController();
      setTimeout(() => ac.abort(), 50);
      const c = await failure(client.infer(target(), ref, {}, { signal: ac.signal, timeoutMs: 5000 }));
      expect(c.info.code).toBe('cancelled');
    });

    it('maps refused connections and unknown hosts', async () => {
      const closed = await startScriptedServer(() => {});
      const deadUrl = closed.url;
      await closed.close();
      const refused = await failure(client.infer({ baseUrl: deadUrl, apiKey: KEY }, ref, {}));
      expect(refused.info.code).toBe('network');
      expect(refused.info.message).toMatch(/refused/);
      const dns = await failure(client.infer({ baseUrl: 'https://no-such-host.invalid', apiKey: KEY }, ref, {}));
      expect(['offline', 'network']).toContain(dns.info.code);
      expect(dns.info.message).toMatch(/no-such-host\.invalid/);
    });

    it('maps Electron net.fetch error strings', async () => {
      const fake = (msg: string) => new PlexeClient({ fetch: () => Promise.reject(new Error(msg)) });
      expect((await failure(fake('net::ERR_NAME_NOT_RESOLVED').infer(target(), ref, {}))).info.code).toBe('offline');
      expect((await failure(fake('net::ERR_INTERNET_DISCONNECTED').infer(target(), ref, {}))).info.code).toBe('offline');
      expect((await failure(fake('net::ERR_CERT_AUTHORITY_INVALID').infer(target(), ref, {}))).info.message).toMatch(/certificate/);
    });

    it('never logs the key', () => {
      expect(logger.lines.length).toBeGreaterThan(5);
      expect(logger.text()).not.toContain(KEY);
      expect(logger.text()).toContain('req-x');
    });
  });

}
