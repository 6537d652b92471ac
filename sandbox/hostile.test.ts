import { request } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseCliArgs } from './cli-args';
import { resolveConfig } from './config';
import { DEEP_NESTING_LEVELS, FAR_RETRY_AFTER_DATE, HUGE_RETRY_AFTER_SECONDS, checkFaultSettings } from './faults';
import { startSandbox, type RunningSandbox } from './server';

// The sandbox's hostile modes: what each one answers a prediction request.

let s: RunningSandbox;
beforeAll(async () => {
  s = await startSandbox({ config: {} });
});
afterAll(async () => s.close());

/** A raw request (no redirect following, body read in full with its byte count). */
function post(path: string): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; bytes: number; text: string }> {
  return new Promise((resolve, reject) => {
    const req = request(`${s.url}${path}`, { method: 'POST', headers: { 'x-api-key': s.key, 'content-type': 'application/json' } }, (res) => {
      let bytes = 0;
      const keep: Buffer[] = [];
      res.on('data', (c: Buffer) => {
        bytes += c.length;
        if (bytes < 2_000_000) keep.push(c);
      });
      res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, bytes, text: Buffer.concat(keep).toString('utf8') }));
    });
    req.on('error', reject);
    req.end('{"square_footage":1500,"bedrooms":3,"bathrooms":2,"location":"urban"}');
  });
}

describe('sandbox hostile modes', () => {
  it('redirect-port: 307 to the same host on the next port; redirect-http: 308 to an http:// address', async () => {
    s.setFaults({ hostile: 'redirect-port' });
    const a = await post('/models/house-prices/1/infer');
    expect(a.status).toBe(307);
    expect(a.headers.location).toBe(`http://127.0.0.1:${s.port + 1}/models/house-prices/1/infer`);
    s.setFaults({ hostile: 'redirect-http' });
    const b = await post('/models/house-prices/1/predictions');
    expect(b.status).toBe(308);
    expect(b.headers.location).toBe('http://plexe-downgrade.invalid/models/house-prices/1/predictions');
  });

  it('huge-body and huge-body-chunked: valid JSON of exactly hugeBodyBytes, with and without Content-Length', async () => {
    s.setFaults({ hostile: 'huge-body', hugeBodyBytes: 5_000_000 });
    const a = await post('/models/house-prices/1/infer');
    expect([a.status, a.bytes, a.headers['content-length']]).toEqual([200, 5_000_000, '5000000']);
    s.setFaults({ hostile: 'huge-body-chunked' });
    const b = await post('/models/house-prices/1/infer');
    expect([b.status, b.bytes, b.headers['content-length'], b.headers['transfer-encoding']]).toEqual([200, 5_000_000, undefined, 'chunked']);
    s.setFaults({ hugeBodyBytes: 1000 });
    expect(JSON.parse((await post('/models/house-prices/1/infer')).text)).toMatchObject({ result: { pad: expect.any(String) } });
  });

  it('retry-after-seconds / retry-after-date: 429 with a Retry-After of 1e9 seconds or year 9999', async () => {
    s.setFaults({ hostile: 'retry-after-seconds' });
    const a = await post('/models/house-prices/1/infer');
    expect([a.status, a.headers['retry-after']]).toEqual([429, String(HUGE_RETRY_AFTER_SECONDS)]);
    s.setFaults({ hostile: 'retry-after-date' });
    const b = await post('/models/house-prices/1/infer');
    expect([b.status, b.headers['retry-after']]).toEqual([429, FAR_RETRY_AFTER_DATE]);
  });

  it('echo-key: the key comes back in the message and the details', async () => {
    s.setFaults({ hostile: 'echo-key' });
    const a = await post('/models/house-prices/1/infer');
    expect(a.status).toBe(400);
    const body = JSON.parse(a.text) as { error: { message: string; details: unknown } };
    expect(body.error.message).toContain(s.key);
    expect(JSON.stringify(body.error.details)).toContain(s.key);
  });

  it('deep-nesting: a result nested 100,000 levels', async () => {
    s.setFaults({ hostile: 'deep-nesting' });
    const a = await post('/models/house-prices/1/infer');
    expect(a.status).toBe(200);
    expect(a.text.split('[').length - 1).toBe(DEEP_NESTING_LEVELS);
  });

  it('leaves model lists and describe alone, and stops when the mode is cleared', async () => {
    s.setFaults({ hostile: 'echo-key' });
    const list = await fetch(`${s.url}/models`, { headers: { 'x-api-key': s.key } });
    expect(list.status).toBe(200);
    s.setFaults({ hostile: null });
    expect((await post('/models/house-prices/1/infer')).status).toBe(200);
  });

  it('checks the settings and the command line', () => {
    expect(checkFaultSettings({ hostile: 'nope' as never })).toEqual([expect.stringMatching(/^faults\.hostile must be one of redirect-port, /)]);
    expect(() => resolveConfig({ faults: { hostile: 'nope' as never } })).toThrow(/hostile/);
    expect(parseCliArgs(['--hostile', 'deep-nesting', '--huge-body-bytes', '1000']).faults).toMatchObject({ hostile: 'deep-nesting', hugeBodyBytes: 1000 });
    expect(() => parseCliArgs(['--hostile', 'evil'])).toThrow(/--hostile must be one of/);
  });
});
