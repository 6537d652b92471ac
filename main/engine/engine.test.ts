import { describe, expect, it } from 'vitest';
import { PlexeClient } from '../plexe/client';
import { MemoryLogger } from '../log';
import { systemClock, VirtualClock, type Clock } from './clock';
import { createEngine, type EngineSettings, type RowOutcome, type ScoreRow } from './index';
import { backoffMs, retryWaitMs } from './retry';
import { fakePlexe, maxInAnyWindow, okInfer, type FakeAnswer, type FakeRequest } from './test-fakes';

const KEY = 'sk-engine-test-KEY-1234';
const model = { kind: 'model' as const, name: 'm', version: '1' };
const profile = (over: Partial<{ id: string; rpm: number; concurrency: number }> = {}) => ({ id: 'p1', baseUrl: 'https://plexe.test', rpm: 600, concurrency: 4, ...over });
const fast: Partial<EngineSettings> = { backoffBaseMs: 100, backoffCapMs: 2000, attempts: 5, timeoutMs: 60_000 };

function setup(clock: Clock, handler: (req: FakeRequest, i: number) => FakeAnswer | Promise<FakeAnswer>, random: () => number = Math.random) {
  const fake = fakePlexe(clock, handler);
  const logger = new MemoryLogger();
  const client = new PlexeClient({ fetch: fake.fetch, logger, now: () => clock.now() });
  const engine = createEngine({ client, clock, random, logger, settings: () => fast });
  return { engine, requests: fake.requests, logger };
}

function rows(n: number, make: (i: number) => Record<string, unknown> = (i) => ({ x: i })): ScoreRow[] {
  return Array.from({ length: n }, (_, i) => ({ id: i, input: make(i) }));
}

async function collect(p: (onOutcome: (o: RowOutcome) => void) => Promise<unknown>): Promise<Map<number, RowOutcome>> {
  const out = new Map<number, RowOutcome>();
  await p((o) => {
    expect(out.has(o.id)).toBe(false);
    out.set(o.id, o);
  });
  return out;
}

const batchOk = (req: FakeRequest): FakeAnswer => ({ body: (req.body as Record<string, unknown>[]).map((r) => ({ prediction: { echo: r.x } })) });

describe('rate limit', () => {
  it('never starts more than rpm requests in any 60 s window, and uses the allowance', async () => {
    const clock = new VirtualClock();
    const t0 = clock.now();
    const { engine, requests } = setup(clock, () => ({ ...okInfer(), latencyMs: 700 }));
    const p = profile({ rpm: 30, concurrency: 6 });
    const out = await collect((onOutcome) => engine.scoreRows(p, KEY, model, rows(150), { batchSize: 1, onOutcome }));
    expect(out.size).toBe(150);
    expect([...out.values()].every((o) => o.ok)).toBe(true);
    const starts = requests.map((r) => r.at);
    expect(maxInAnyWindow(starts, 60_000)).toBeLessThanOrEqual(30);
    // 150 rows at 30/min, one interval (2 s) apart from the first: 149 intervals, plus the 700 ms
    // answer (and 100 ms margin) by which each window's first request outlasts the window.
    const elapsed = Math.max(...starts) - t0;
    expect(elapsed).toBeGreaterThanOrEqual(149 * 2000);
    expect(elapsed).toBeLessThanOrEqual(149 * 2000 + 4 * 800);
  });

  it('shares one window between runs of the same profile, a batch counting as one request', async () => {
    const clock = new VirtualClock();
    const { engine, requests } = setup(clock, (req) => (req.path.endsWith('/predictions') ? { ...batchOk(req), latencyMs: 50 } : { ...okInfer(), latencyMs: 50 }));
    const p = profile({ rpm: 20, concurrency: 3 });
    await Promise.all([
      engine.scoreRows(p, KEY, model, rows(200), { batchSize: 10, onOutcome: () => {} }),
      engine.scoreRows(p, KEY, model, rows(40, (i) => ({ y: i })), { batchSize: 1, onOutcome: () => {} }),
    ]);
    expect(requests.length).toBe(60);
    expect(maxInAnyWindow(requests.map((r) => r.at), 60_000)).toBeLessThanOrEqual(20);
  });

  it('keeps the concurrency cap', async () => {
    const clock = new VirtualClock();
    let inFlight = 0;
    let peak = 0;
    const { engine } = setup(clock, async () => {
      inFlight++;
      peak = Math.max(peak, inFlight);
      await clock.sleep(1000);
      inFlight--;
      return okInfer();
    });
    await engine.scoreRows(profile({ rpm: 10_000, concurrency: 3 }), KEY, model, rows(30), { batchSize: 1, onOutcome: () => {} });
    expect(peak).toBe(3);
  });
});

describe('Retry-After and back-off', () => {
  it('waits at least Retry-After (seconds), pausing every worker of the profile', async () => {
    const clock = new VirtualClock();
    let first429At = -1;
    const { engine, requests } = setup(clock, (req, i) => {
      if (i === 3) {
        first429At = req.at;
        return { status: 429, body: { error: { code: 'rate_limit_exceeded', message: 'slow down' } }, headers: { 'retry-after': '5' }, latencyMs: 10 };
      }
      return { ...okInfer(), latencyMs: 10 };
    });
    const retries: number[] = [];
    const out = await collect((onOutcome) =>
      engine.scoreRows(profile({ rpm: 6000, concurrency: 4 }), KEY, model, rows(20), { batchSize: 1, onOutcome, onRetry: (n) => retries.push(n.waitMs) }),
    );
    expect([...out.values()].every((o) => o.ok)).toBe(true);
    expect(retries.length).toBe(1);
    expect(retries[0]).toBeGreaterThanOrEqual(5000);
    const after = requests.filter((r) => r.at > first429At + 10);
    expect(after.length).toBeGreaterThan(0);
    // Nothing started between the 429 answer and the end of the pause.
    expect(Math.min(...after.map((r) => r.at))).toBeGreaterThanOrEqual(first429At + 10 + 5000);
    expect(engine.currentRate('p1')!.rpm).toBeLessThan(6000);
  });

  it('reads Retry-After as an HTTP date', async () => {
    const clock = new VirtualClock(Date.parse('2030-01-01T00:00:00Z'));
    const { engine, requests } = setup(clock, (_req, i) =>
      i === 0
        ? { status: 429, body: { error: { code: 'rate_limit_exceeded', message: 'x' } }, headers: { 'retry-after': new Date(clock.now() + 12_000).toUTCString() } }
        : okInfer(),
    );
    const o = await engine.predictOne(profile(), KEY, model, { a: 1 });
    expect(o.ok).toBe(true);
    expect(o.attempts).toBe(2);
    expect(requests[1]!.at - requests[0]!.at).toBeGreaterThanOrEqual(12_000);
  });

  it('bounds the jitter: random(0, min(cap, base·2^n)), never below Retry-After', () => {
    const s = { backoffBaseMs: 200, backoffCapMs: 5000, attempts: 9, timeoutMs: 1 };
    for (let n = 0; n < 8; n++) {
      const ceiling = Math.min(5000, 200 * 2 ** n);
      expect(backoffMs(n, s, () => 0)).toBe(0);
      expect(backoffMs(n, s, () => 0.999999)).toBeCloseTo(ceiling * 0.999999, 3);
      for (let k = 0; k < 200; k++) {
        const w = backoffMs(n, s, Math.random);
        expect(w).toBeGreaterThanOrEqual(0);
        expect(w).toBeLessThan(ceiling);
      }
      expect(retryWaitMs(n, s, () => 0, 3)).toBe(3000);
      expect(retryWaitMs(n, s, () => 0.5, 0.001)).toBe(Math.max(1, ceiling * 0.5));
    }
  });

  it('backs off exponentially between tries and gives up after `attempts`', async () => {
    const clock = new VirtualClock();
    const { engine, requests } = setup(clock, () => ({ status: 502, text: '<html>502 Bad Gateway</html>' }), () => 0.5);
    const waits: number[] = [];
    const o = await engine.predictOne(profile(), KEY, model, {}, { onRetry: (n) => waits.push(n.waitMs), settings: { attempts: 4, backoffBaseMs: 100, backoffCapMs: 300 } });
    expect(o.ok).toBe(false);
    expect(o.error!.httpStatus).toBe(502);
    expect(o.attempts).toBe(4);
    expect(requests.length).toBe(4);
    expect(waits).toEqual([50, 100, 150]);
  });
});

describe('which failures are retried', () => {
  const err = (status: number, code: string): FakeAnswer => ({ status, body: { error: { code, message: `${code} happened` }, request_id: 'rq' } });
  const retryable: [string, FakeAnswer][] = [
    ['429', { ...err(429, 'rate_limit_exceeded'), headers: { 'retry-after': '1' } }],
    ['502 html', { status: 502, text: '<html><h1>502</h1></html>' }],
    ['503', err(503, 'service_unavailable')],
    ['504 html', { status: 504, text: '<html>Gateway Time-out</html>' }],
    ['dropped connection', { drop: true }],
    ['truncated 200', { ...okInfer(), truncate: true }],
    ['200 with garbage', { text: '{"res' }],
  ];
  for (const [name, fault] of retryable) {
    it(`retries ${name}`, async () => {
      const clock = new VirtualClock();
      const { engine, requests } = setup(clock, (_r, i) => (i === 0 ? fault : okInfer({ v: 1 })));
      const o = await engine.predictOne(profile(), KEY, model, {});
      expect(o.ok).toBe(true);
      expect(o.attempts).toBe(2);
      expect(requests.length).toBe(2);
    });
  }

  it('retries a timeout', async () => {
    const { engine, requests } = setup(systemClock, (_r, i) => (i === 0 ? { hang: true } : okInfer()));
    const o = await engine.predictOne(profile(), KEY, model, {}, { settings: { timeoutMs: 80, backoffBaseMs: 1, backoffCapMs: 5 } });
    expect(o.ok).toBe(true);
    expect(o.attempts).toBe(2);
    expect(requests.length).toBe(2);
  });

  const final: [string, FakeAnswer, string][] = [
    ['400', err(400, 'invalid_input'), 'invalid_input'],
    ['401', err(401, 'unauthorized'), 'unauthorized'],
    ['403', err(403, 'forbidden'), 'forbidden'],
    ['404', err(404, 'not_found'), 'not_found'],
    ['422', err(422, 'validation_error'), 'validation_error'],
    ['500 prediction_error', err(500, 'prediction_error'), 'prediction_error'],
  ];
  for (const [name, fault, code] of final) {
    it(`does not retry ${name}`, async () => {
      const clock = new VirtualClock();
      const { engine, requests } = setup(clock, () => fault);
      const o = await engine.predictOne(profile(), KEY, model, {});
      expect(o.ok).toBe(false);
      expect(o.error!.code).toBe(code);
      expect(o.error!.requestId).toBe('rq');
      expect(o.attempts).toBe(1);
      expect(requests.length).toBe(1);
    });
  }
});

describe('batching', () => {
  it('falls back to single rows on 404/405 and remembers it for the model', async () => {
    for (const status of [404, 405]) {
      const clock = new VirtualClock();
      const { engine, requests } = setup(clock, (req) =>
        req.path.endsWith('/predictions') ? { status, body: { error: { code: 'not_found', message: 'no route' } } } : okInfer({ v: (req.body as { x: number }).x }),
      );
      const out = await collect((onOutcome) => engine.scoreRows(profile(), KEY, model, rows(25), { batchSize: 10, onOutcome }));
      expect([...out.values()].map((o) => o.result!.v)).toEqual(expect.arrayContaining(Array.from({ length: 25 }, (_, i) => i)));
      expect(requests.filter((r) => r.path.endsWith('/predictions')).length).toBeLessThanOrEqual(3);
      const before = requests.length;
      await engine.scoreRows(profile(), KEY, model, rows(10, (i) => ({ x: 100 + i })), { batchSize: 10, onOutcome: () => {} });
      expect(requests.slice(before).every((r) => r.path.endsWith('/infer'))).toBe(true);
      expect(requests.length - before).toBe(10);
    }
  });

  it('halves the batch on 413 and keeps the smaller size', async () => {
    const clock = new VirtualClock();
    const sizes: number[] = [];
    const { engine } = setup(clock, (req) => {
      if (!req.path.endsWith('/predictions')) return okInfer();
      const n = (req.body as unknown[]).length;
      sizes.push(n);
      return n > 8 ? { status: 413, body: { error: { code: 'batch_too_large', message: 'too big' } } } : batchOk(req);
    });
    const out = await collect((onOutcome) => engine.scoreRows(profile({ concurrency: 1 }), KEY, model, rows(64), { batchSize: 32, onOutcome }));
    expect(out.size).toBe(64);
    expect([...out.values()].every((o) => o.ok)).toBe(true);
    expect(sizes[0]).toBe(32);
    expect(sizes).toContain(16);
    const firstFit = sizes.indexOf(8);
    expect(firstFit).toBeGreaterThan(0);
    // Once 8 rows went through, nothing larger is tried again.
    expect(sizes.slice(firstFit).every((n) => n <= 8)).toBe(true);
    expect(sizes.filter((n) => n > 8).length).toBeLessThanOrEqual(5);
  });

  it('fails only the rows a 400 names and resends the rest', async () => {
    const clock = new VirtualClock();
    const bad = new Set([3, 7]);
    const { engine, requests } = setup(clock, (req) => {
      const body = req.body as { x: number }[];
      const named: Record<string, unknown> = {};
      body.forEach((r, i) => {
        if (bad.has(r.x)) named[String(i)] = [{ field: 'x', rule: 'max', message: `x must be at most 2 (got ${r.x})` }];
      });
      if (Object.keys(named).length > 0) return { status: 400, body: { error: { code: 'invalid_input', message: 'rows invalid', details: { rows: named, invalid_rows: 2 } }, request_id: 'b' } };
      return batchOk(req);
    });
    const out = await collect((onOutcome) => engine.scoreRows(profile(), KEY, model, rows(10), { batchSize: 10, onOutcome }));
    for (let i = 0; i < 10; i++) expect(out.get(i)!.ok).toBe(!bad.has(i));
    expect(out.get(3)!.error!.fieldErrors).toEqual([{ field: 'x', message: 'x must be at most 2 (got 3)' }]);
    expect(out.get(3)!.error!.message).toMatch(/x must be at most 2/);
    expect(requests.length).toBe(2);
    expect((requests[1]!.body as unknown[]).length).toBe(8);
  });

  for (const [name, answer] of [
    ['a 400 without row numbers', { status: 400, body: { error: { code: 'invalid_input', message: 'something in there is wrong' } } }],
    ['a 500 prediction_error', { status: 500, body: { error: { code: 'prediction_error', message: 'model blew up' } } }],
  ] as [string, FakeAnswer][]) {
    it(`bisects ${name} down to the bad rows`, async () => {
      const clock = new VirtualClock();
      const bad = new Set([5, 6, 29]);
      const { engine, requests } = setup(clock, (req) => {
        const list = Array.isArray(req.body) ? (req.body as { x: number }[]) : [req.body as { x: number }];
        if (list.some((r) => bad.has(r.x))) return answer;
        return Array.isArray(req.body) ? batchOk(req) : okInfer({ echo: list[0]!.x });
      });
      const out = await collect((onOutcome) => engine.scoreRows(profile(), KEY, model, rows(32), { batchSize: 16, onOutcome }));
      for (let i = 0; i < 32; i++) expect(out.get(i)!.ok, `row ${i}`).toBe(!bad.has(i));
      expect(out.get(5)!.error!.code).toBe(answer.body && (answer.body as { error: { code: string } }).error.code);
      expect(requests.length).toBeLessThan(32);
    });
  }
});

describe('identical inputs', () => {
  it('are sent once per run, whatever the key order', async () => {
    const clock = new VirtualClock();
    const { engine, requests } = setup(clock, (req) => ({ ...okInfer({ v: (req.body as { x: number }).x }), latencyMs: 20 }));
    const input = (i: number) => (i % 2 ? { x: i % 10, y: 'a' } : { y: 'a', x: i % 10 });
    const out = await collect((onOutcome) => engine.scoreRows(profile(), KEY, model, rows(100, input), { batchSize: 1, onOutcome }));
    expect(out.size).toBe(100);
    expect(requests.length).toBe(10);
    for (const [id, o] of out) expect(o.result).toEqual({ v: id % 10 });
    expect([...out.values()].filter((o) => o.reused).length).toBe(90);
  });
});

describe('streaming and stopping', () => {
  it('reads rows lazily (back-pressure through onOutcome)', async () => {
    const clock = new VirtualClock();
    const { engine } = setup(clock, (req) => ({ ...batchOk(req), latencyMs: 5 }));
    let pulled = 0;
    let delivered = 0;
    let maxAhead = 0;
    async function* source() {
      for (let i = 0; i < 2000; i++) {
        pulled++;
        maxAhead = Math.max(maxAhead, pulled - delivered);
        yield { id: i, input: { x: i } };
      }
    }
    await engine.scoreRows(profile({ rpm: 100_000, concurrency: 4 }), KEY, model, source(), {
      batchSize: 20,
      onOutcome: async () => {
        await clock.sleep(1);
        delivered++;
      },
    });
    expect(delivered).toBe(2000);
    expect(maxAhead).toBeLessThanOrEqual(2 * 4 * 20 + 20 + 1);
  });

  it('stops the run on a rejected key instead of failing every row', async () => {
    const clock = new VirtualClock();
    const { engine, requests } = setup(clock, () => ({ status: 401, body: { error: { code: 'unauthorized', message: 'bad key' } } }));
    const seen: RowOutcome[] = [];
    await expect(engine.scoreRows(profile(), KEY, model, rows(500), { batchSize: 1, onOutcome: (o) => void seen.push(o) })).rejects.toMatchObject({ code: 'unauthorized' });
    expect(seen.length).toBe(0);
    expect(requests.length).toBeLessThanOrEqual(8);
  });

  const cancelCases: [string, (clock: Clock) => FakeAnswer, Partial<{ rpm: number }>][] = [
    ['in flight', () => ({ hang: true }), {}],
    ['waiting for the rate limit', () => okInfer(), { rpm: 1 }],
    ['waiting to retry', () => ({ status: 503, body: { error: { code: 'service_unavailable', message: 'x' } }, headers: { 'retry-after': '60' } }), {}],
  ];
  for (const [name, answer, over] of cancelCases) {
    it(`cancels promptly while ${name}`, async () => {
      const { engine } = setup(systemClock, () => answer(systemClock));
      const ac = new AbortController();
      const started = Date.now();
      setTimeout(() => ac.abort(), 100);
      await expect(
        engine.scoreRows(profile({ id: `c-${name}`, ...over }), KEY, model, rows(50), { batchSize: 1, signal: ac.signal, onOutcome: () => {} }),
      ).rejects.toMatchObject({ code: 'cancelled' });
      expect(Date.now() - started).toBeLessThan(600);
      expect(engine.currentRate(`c-${name}`)!.inFlight).toBe(0);
    });
  }
});

describe('adaptive rate (limit known only to the server)', () => {
  for (const windowMs of [60_000, 10_000]) {
    it(`keeps 429s under 5% and throughput at 80% or more of the server limit (server window ${windowMs / 1000} s)`, async () => {
      const clock = new VirtualClock();
      const limit = windowMs === 60_000 ? 120 : 20; // 2 requests/s either way
      const admitted: number[] = [];
      let refused = 0;
      const { engine } = setup(clock, (req) => {
        const now = req.at;
        const inWindow = admitted.filter((t) => t > now - windowMs);
        if (inWindow.length >= limit) {
          refused++;
          const wait = Math.max(1, Math.ceil((inWindow[inWindow.length - limit]! + windowMs - now) / 1000));
          return { status: 429, body: { error: { code: 'rate_limit_exceeded', message: 'slow' } }, headers: { 'retry-after': String(wait) }, latencyMs: 50 };
        }
        admitted.push(now);
        return { ...okInfer(), latencyMs: 50 };
      });
      const t0 = clock.now();
      const done: number[] = [];
      const n = 1200;
      // The client is told 4 requests/s; the server allows 2.
      await engine.scoreRows(profile({ id: `w${windowMs}`, rpm: 240, concurrency: 8 }), KEY, model, rows(n), {
        batchSize: 1,
        onOutcome: (o) => {
          expect(o.ok).toBe(true);
          done.push(clock.now());
        },
        settings: { attempts: 20 },
      });
      const share = refused / (refused + admitted.length);
      // Throughput after the server's first window (which starts empty and lets a burst through).
      const steady = done.filter((t) => t >= t0 + windowMs);
      const perSecond = steady.length / ((Math.max(...done) - (t0 + windowMs)) / 1000);
      expect(share).toBeLessThan(0.05);
      expect(perSecond / 2).toBeGreaterThanOrEqual(0.8);
    });
  }
});

describe('LruMap', () => {
  it('keeps at most max entries and the recently used ones', async () => {
    const { LruMap } = await import('./canonical');
    const m = new LruMap<number, number>(100);
    for (let i = 0; i < 1000; i++) {
      m.set(i, i);
      expect(m.get(0)).toBe(0); // kept alive by use
    }
    expect(m.size).toBeLessThanOrEqual(100);
    expect(m.get(999)).toBe(999);
    expect(m.get(500)).toBeUndefined();
  });
});
