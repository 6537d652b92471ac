import type { FetchLike } from '../plexe/client';
import type { Clock } from './clock';

/** An in-process stand-in for a Plexe deployment, timed by the test's clock (tests only). */
export interface FakeRequest {
  at: number;
  method: string;
  path: string;
  body: unknown;
  key: string | null;
}

export interface FakeAnswer {
  status?: number;
  body?: unknown;
  headers?: Record<string, string>;
  latencyMs?: number;
  /** Raw text instead of JSON. */
  text?: string;
  /** Hang until the request is aborted. */
  hang?: boolean;
  /** Reject like a dropped connection. */
  drop?: boolean;
  /** A 200 whose body breaks off half-way. */
  truncate?: boolean;
}

export function fakePlexe(clock: Clock, handler: (req: FakeRequest, index: number) => FakeAnswer | Promise<FakeAnswer>) {
  const requests: FakeRequest[] = [];
  const fetch: FetchLike = async (url, init) => {
    const u = new URL(url);
    const headers = new Headers(init.headers);
    const req: FakeRequest = {
      at: clock.now(),
      method: init.method ?? 'GET',
      path: u.pathname + u.search,
      body: typeof init.body === 'string' ? JSON.parse(init.body) : undefined,
      key: headers.get('x-api-key'),
    };
    requests.push(req);
    const signal = init.signal ?? undefined;
    const answer = await handler(req, requests.length - 1);
    if (answer.latencyMs) await clock.sleep(answer.latencyMs, signal);
    if (answer.hang) {
      await new Promise((_resolve, reject) => {
        if (signal?.aborted) reject(signal.reason);
        signal?.addEventListener('abort', () => reject(signal.reason), { once: true });
      });
    }
    if (answer.drop) throw new TypeError('fetch failed', { cause: Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' }) });
    const status = answer.status ?? 200;
    const text = answer.text ?? JSON.stringify(answer.body ?? {});
    if (answer.truncate) {
      const stream = new ReadableStream<Uint8Array>({
        start(controller) {
          controller.enqueue(new TextEncoder().encode(text.slice(0, Math.floor(text.length / 2))));
          controller.error(new TypeError('terminated'));
        },
      });
      return new Response(stream, { status, headers: { 'content-type': 'application/json', ...answer.headers } });
    }
    // A plain object with the parts of Response the client reads: undici's Response takes a
    // macrotask per body read, which would let the virtual clock run ahead of the "network".
    const h = new Headers({ 'content-type': answer.text ? 'text/html' : 'application/json', ...answer.headers });
    return { status, ok: status >= 200 && status < 300, headers: h, text: async () => text } as unknown as Response;
  };
  return { fetch, requests };
}

/** Every window [t, t+windowMs) holds at most `limit` of these times. */
export function maxInAnyWindow(times: readonly number[], windowMs: number): number {
  const sorted = [...times].sort((a, b) => a - b);
  let max = 0;
  let j = 0;
  for (let i = 0; i < sorted.length; i++) {
    while (sorted[j]! <= sorted[i]! - windowMs) j++;
    max = Math.max(max, i - j + 1);
  }
  return max;
}

export function okInfer(result: Record<string, unknown> = { y: 1 }): FakeAnswer {
  return { body: { request_id: 'r', result, model_id: 'm', model_version: '1', processing_time_ms: 1 } };
}
