import { afterEach, describe, expect, it } from 'vitest';
import { FaultPicker } from './faults';
import { predictFor } from './models';
import { startSandbox, type FaultConfig, type RunningSandbox } from './server';
import { call, expectErrorShape, houseRow } from './test-support';

const started: RunningSandbox[] = [];
async function sandbox(faults: Partial<FaultConfig>): Promise<RunningSandbox> {
  const s = await startSandbox({ config: { faults } });
  started.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

const infer = (s: RunningSandbox, init: RequestInit = {}) =>
  fetch(`${s.url}/models/house-prices/1/infer`, {
    method: 'POST',
    headers: { 'x-api-key': s.key, 'content-type': 'application/json' },
    body: JSON.stringify(houseRow),
    ...init,
  });

/** Status of each of n sequential requests; 0 when the connection was dropped. */
async function statusSequence(s: RunningSandbox, n: number): Promise<number[]> {
  const out: number[] = [];
  for (let i = 0; i < n; i++) {
    try {
      const res = await infer(s);
      await res.arrayBuffer();
      out.push(res.status);
    } catch {
      out.push(0);
    }
  }
  return out;
}

describe('injected faults', () => {
  it('429 with Retry-After in seconds and the documented body', async () => {
    const s = await sandbox({ p429: 1, retryAfterSeconds: 7 });
    const a = await call(s, '/models/house-prices/1/infer', { body: houseRow });
    expect(a.status).toBe(429);
    expect(a.headers.get('retry-after')).toBe('7');
    expect(expectErrorShape(a.json, 'rate_limit_exceeded').details).toEqual({ retry_after_seconds: 7 });
    expect(s.requestLog()[0]).toMatchObject({ status: 429, fault: '429', rows: 1, model: 'house-prices/1' });
    await call(s, '/models/house-prices/v1/predictions', { body: [houseRow, houseRow, houseRow] });
    expect(s.requestLog()[1]).toMatchObject({ status: 429, fault: '429', rows: 3, model: 'house-prices/1' });
  });

  it('can send the injected Retry-After as an HTTP date', async () => {
    const s = await sandbox({ p429: 1, retryAfterSeconds: 3, retryAfterAsDate: true });
    const a = await call(s, '/models/house-prices/1/infer', { body: houseRow });
    const header = a.headers.get('retry-after')!;
    expect(header).toMatch(/GMT$/);
    const wait = Date.parse(header) - Date.now();
    expect(wait).toBeGreaterThanOrEqual(2000);
    expect(wait).toBeLessThanOrEqual(4500);
  });

  it('500 prediction_error and 503 service_unavailable as JSON', async () => {
    const s = await sandbox({ p500: 1 });
    const a = await call(s, '/models/house-prices/1/infer', { body: houseRow });
    expect(a.status).toBe(500);
    expectErrorShape(a.json, 'prediction_error');
    s.setFaults({ p500: 0, p503: 1 });
    const b = await call(s, '/models/house-prices/1/predictions', { body: [houseRow] });
    expect(b.status).toBe(503);
    expectErrorShape(b.json, 'service_unavailable');
  });

  it('502 and 504 with an HTML body, as gateways send', async () => {
    const s = await sandbox({ p502: 1 });
    const a = await call(s, '/models/house-prices/1/infer', { body: houseRow });
    expect(a.status).toBe(502);
    expect(a.headers.get('content-type')).toBe('text/html');
    expect(a.text).toContain('<html>');
    expect(a.json).toBeUndefined();
    s.setFaults({ p502: 0, p504: 1 });
    const b = await call(s, '/models/house-prices/1/infer', { body: houseRow });
    expect(b.status).toBe(504);
    expect(b.text).toMatch(/<title>504 Gateway Time-out<\/title>/);
    expect(b.json).toBeUndefined();
  });

  it('drops the connection without answering', async () => {
    const s = await sandbox({ pDrop: 1 });
    await expect(infer(s)).rejects.toThrow(/fetch failed/);
    expect(s.requestLog()[0]).toMatchObject({ status: 0, fault: 'drop', rows: 1, model: 'house-prices/1' });
    s.setFaults({ pDrop: 0 });
    expect((await infer(s)).status).toBe(200);
  });

  it('truncates a 200 answer so its JSON cannot be read', async () => {
    const s = await sandbox({ pTruncate: 1 });
    const res = await infer(s);
    expect(res.status).toBe(200);
    const text = await res.text();
    expect(() => JSON.parse(text) as unknown).toThrow();
    expect(text.startsWith('{"request_id":"req_')).toBe(true);
    expect(s.requestLog()[0]).toMatchObject({ status: 200, fault: 'truncate', rows: 1 });
  });

  it('answers slower than the client’s timeout, and close() does not wait for it', async () => {
    const s = await sandbox({ pSlow: 1, slowMs: 5000 });
    const t = performance.now();
    await expect(infer(s, { signal: AbortSignal.timeout(150) })).rejects.toThrow(/timeout|aborted/i);
    expect(performance.now() - t).toBeLessThan(2000);
    s.setFaults({ pSlow: 0 });
    expect((await infer(s)).status).toBe(200);
    s.setFaults({ pSlow: 1 });
    void infer(s).catch(() => undefined);
    await new Promise((r) => setTimeout(r, 50));
    const closing = performance.now();
    await s.close();
    expect(performance.now() - closing).toBeLessThan(1000);
  });

  it('adds fixed latency and random jitter to every answer', async () => {
    const s = await sandbox({ latencyMs: 120 });
    let t = performance.now();
    expect((await call(s, '/models/house-prices/1/describe')).status).toBe(200);
    expect(performance.now() - t).toBeGreaterThanOrEqual(110);
    s.setFaults({ latencyMs: 0, latencyJitterMs: 200 });
    const times: number[] = [];
    for (let i = 0; i < 8; i++) {
      t = performance.now();
      await (await infer(s)).arrayBuffer();
      times.push(performance.now() - t);
    }
    expect(Math.max(...times)).toBeLessThan(400);
    expect(Math.max(...times) - Math.min(...times)).toBeGreaterThan(20);
  });

  it('is reproducible: the same seed gives the same faults, another seed others', async () => {
    const faults = { seed: 42, p429: 0.2, p500: 0.15, p503: 0.1, p504: 0.1, pDrop: 0.1 };
    const a = await statusSequence(await sandbox(faults), 40);
    const b = await statusSequence(await sandbox(faults), 40);
    const c = await statusSequence(await sandbox({ ...faults, seed: 43 }), 40);
    expect(a).toEqual(b);
    expect(a).not.toEqual(c);
    expect(new Set(a)).toEqual(new Set([200, 429, 500, 503, 504, 0]));
    const again = await sandbox({ ...faults, seed: 7 });
    await statusSequence(again, 5);
    again.setFaults({ seed: 42 });
    expect(await statusSequence(again, 40)).toEqual(a);
  });

  it('leaves unknown routes and /health alone, and answers normally when all probabilities are 0', async () => {
    const s = await sandbox({ p500: 1 });
    expect((await call(s, '/no/such/route')).status).toBe(404);
    expect((await call(s, '/health', { key: null })).status).toBe(200);
    s.setFaults({ p500: 0 });
    const ok = await call(s, '/models/house-prices/1/infer', { body: houseRow });
    expect((ok.json as { result: unknown }).result).toEqual(predictFor('house-prices', '1', houseRow));
    expect(() => s.setFaults({ pDrop: 1.5 })).toThrow(/pDrop/);
  });
});

describe('FaultPicker', () => {
  it('draws each fault with about its probability', () => {
    const picker = new FaultPicker({ seed: 9, p429: 0.1, p500: 0.05, p502: 0.05, p503: 0.05, p504: 0.05, pDrop: 0.02, pTruncate: 0.03, pSlow: 0.1, slowMs: 1000, latencyMs: 5, latencyJitterMs: 10 });
    const counts: Record<string, number> = {};
    let slow = 0;
    let minDelay = Infinity;
    let maxDelay = 0;
    const n = 20000;
    for (let i = 0; i < n; i++) {
      const d = picker.next();
      const k = d.kind ?? 'none';
      counts[k] = (counts[k] ?? 0) + 1;
      if (d.slow) slow++;
      else {
        minDelay = Math.min(minDelay, d.delayMs);
        maxDelay = Math.max(maxDelay, d.delayMs);
      }
    }
    const share = (k: string) => (counts[k] ?? 0) / n;
    const near = (actual: number, expected: number) => expect(Math.abs(actual - expected)).toBeLessThan(0.01);
    near(share('429'), 0.1);
    near(share('500'), 0.05);
    near(share('502'), 0.05);
    near(share('503'), 0.05);
    near(share('504'), 0.05);
    near(share('drop'), 0.02);
    near(share('truncate'), 0.03);
    near(share('none'), 0.65);
    near(slow / n, 0.1);
    expect(minDelay).toBeGreaterThanOrEqual(5);
    expect(maxDelay).toBeLessThanOrEqual(15);
  });
});
