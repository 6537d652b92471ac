/** Small helpers shared by the sandbox tests (not used by the server). */
import type { RunningSandbox } from './server';

export interface JsonAnswer {
  status: number;
  headers: Headers;
  text: string;
  json: unknown;
}

export async function call(sandbox: RunningSandbox, path: string, init: { method?: string; key?: string | null; bearer?: string; body?: unknown; rawBody?: string } = {}): Promise<JsonAnswer> {
  const headers: Record<string, string> = { 'content-type': 'application/json' };
  const key = init.key === undefined ? sandbox.key : init.key;
  if (key !== null) headers['x-api-key'] = key;
  if (init.bearer) {
    delete headers['x-api-key'];
    headers.authorization = `Bearer ${init.bearer}`;
  }
  const method = init.method ?? (init.body !== undefined || init.rawBody !== undefined ? 'POST' : 'GET');
  const res = await fetch(`${sandbox.url}${path}`, {
    method,
    headers,
    body: init.rawBody ?? (init.body === undefined ? undefined : JSON.stringify(init.body)),
  });
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json };
}

export const houseRow = { square_footage: 1500, bedrooms: 3, bathrooms: 2, location: 'suburban' };
export const churnRow = { tenure_months: 3, monthly_charges: 89.5, contract: 'month-to-month', support_calls: 4, paperless_billing: true };

/** The documented error body: {error: {code, message, details?}, request_id?}. */
export function expectErrorShape(json: unknown, code: string): { code: string; message: string; details?: unknown } {
  if (typeof json !== 'object' || json === null) throw new Error(`expected an error body, got ${String(json)}`);
  const body = json as { error?: { code?: unknown; message?: unknown; details?: unknown }; request_id?: unknown };
  const keys = Object.keys(body).sort();
  if (keys.join(',') !== 'error,request_id') throw new Error(`unexpected top-level keys ${keys.join(',')}`);
  if (typeof body.request_id !== 'string' || body.request_id.length === 0) throw new Error('request_id missing');
  const err = body.error;
  if (!err || typeof err.message !== 'string' || err.message.length < 10) throw new Error('error.message missing or too short');
  if (err.code !== code) throw new Error(`expected code ${code}, got ${String(err.code)}`);
  const errKeys = Object.keys(err).filter((k) => !['code', 'message', 'details'].includes(k));
  if (errKeys.length > 0) throw new Error(`unexpected keys in error: ${errKeys.join(',')}`);
  return err as { code: string; message: string; details?: unknown };
}
