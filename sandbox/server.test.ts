import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { Agent, request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { predictFor } from './models';
import { DEFAULT_SANDBOX_KEY, startSandbox, type RunningSandbox } from './server';
import { call, churnRow, expectErrorShape, houseRow } from './test-support';

const started: RunningSandbox[] = [];
async function sandbox(config?: Parameters<typeof startSandbox>[0]): Promise<RunningSandbox> {
  const s = await startSandbox(config);
  started.push(s);
  return s;
}
afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.close()));
});

describe('endpoints', () => {
  let s: RunningSandbox;
  beforeAll(async () => {
    s = await startSandbox();
  });
  afterAll(() => s.close());

  it('listens on 127.0.0.1 with the demo key by default', () => {
    expect(s.url).toBe(`http://127.0.0.1:${s.port}`);
    expect(s.key).toBe(DEFAULT_SANDBOX_KEY);
    expect(DEFAULT_SANDBOX_KEY).toMatch(/demo/);
  });

  it('POST /models/{name}/{version}/infer answers the documented shape with the model’s prediction', async () => {
    const a = await call(s, '/models/house-prices/1/infer', { body: houseRow });
    expect(a.status).toBe(200);
    expect(a.headers.get('content-type')).toBe('application/json');
    const body = a.json as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['model_id', 'model_version', 'processing_time_ms', 'request_id', 'result']);
    expect(body.result).toEqual(predictFor('house-prices', '1', houseRow));
    expect(body.model_id).toBe('mdl_house_prices_v1');
    expect(body.model_version).toBe('1');
    expect(typeof body.processing_time_ms).toBe('number');
    expect(body.processing_time_ms).toBeGreaterThanOrEqual(0);
    expect(body.request_id).toMatch(/^req_/);
    expect(a.headers.get('x-request-id')).toBe(body.request_id);
  });

  it('gives every answer a fresh request_id, and accepts "v1" for version "1"', async () => {
    const [a, b] = await Promise.all([
      call(s, '/models/customer-churn/1/infer', { body: churnRow }),
      call(s, '/models/customer-churn/v1/infer', { body: churnRow }),
    ]);
    const ja = a.json as { request_id: string; result: unknown; model_version: string };
    const jb = b.json as { request_id: string; result: unknown; model_version: string };
    expect(ja.request_id).not.toBe(jb.request_id);
    expect(ja.result).toEqual(jb.result);
    expect(jb.model_version).toBe('v1');
    expect(ja.result).toEqual(predictFor('customer-churn', '1', churnRow));
  });

  it('POST …/predictions answers an array of {prediction} in input order', async () => {
    const rows = [
      { ...houseRow, square_footage: 900, location: 'rural' },
      { ...houseRow, square_footage: 3200, location: 'urban' },
      houseRow,
    ];
    const a = await call(s, '/models/house-prices/1/predictions', { body: rows });
    expect(a.status).toBe(200);
    expect(a.json).toEqual(rows.map((r) => ({ prediction: predictFor('house-prices', '1', r) })));
    expect(a.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('POST /predict/{deployment_id} answers like infer', async () => {
    const a = await call(s, '/predict/dep_customer_churn_01', { body: churnRow });
    expect(a.status).toBe(200);
    const body = a.json as Record<string, unknown>;
    expect(body.result).toEqual(predictFor('customer-churn', '1', churnRow));
    expect(body.model_id).toBe('mdl_customer_churn_v1');
    expect(body.model_version).toBe('1');
    expect(typeof body.processing_time_ms).toBe('number');
    const missing = await call(s, '/predict/dep_nope', { body: churnRow });
    expect(missing.status).toBe(404);
    expectErrorShape(missing.json, 'not_found');
  });

  it('GET /models is paginated with limit/offset and has_more, and filters by status', async () => {
    const all = (await call(s, '/models')).json as { models: { model_name: string; status: string }[]; pagination: Record<string, unknown> };
    expect(all.pagination).toEqual({ total: 4, limit: 20, offset: 0, has_more: false });
    expect(all.models.map((m) => m.model_name).sort()).toEqual(['customer-churn', 'customer-churn', 'house-prices', 'loan-approval']);
    const first = (await call(s, '/models?limit=3&offset=0&sort_by=name&sort_dir=asc')).json as typeof all;
    expect(first.models.map((m) => m.model_name)).toEqual(['customer-churn', 'customer-churn', 'house-prices']);
    expect(first.pagination).toEqual({ total: 4, limit: 3, offset: 0, has_more: true });
    const second = (await call(s, '/models?limit=3&offset=3&sort_by=name&sort_dir=asc')).json as typeof all;
    expect(second.models.map((m) => m.model_name)).toEqual(['loan-approval']);
    expect(second.pagination.has_more).toBe(false);
    const building = (await call(s, '/models?status=BUILDING')).json as typeof all;
    expect(building.models.map((m) => m.model_name)).toEqual(['loan-approval']);
    const bad = await call(s, '/models?limit=500');
    expect(bad.status).toBe(400);
    expect(expectErrorShape(bad.json, 'invalid_request').message).toMatch(/limit must be a whole number from 1 to 100/);
  });

  it('GET /models/{name}/{version} gives the model’s details', async () => {
    const a = await call(s, '/models/house-prices/1');
    expect(a.status).toBe(200);
    expect(a.json).toMatchObject({
      model_name: 'house-prices',
      model_version: '1',
      status: 'READY',
      deployment_status: 'DEPLOYED',
      deployment_id: 'dep_house_prices_01',
      endpoint: `http://127.0.0.1:${s.port}/models/house-prices/1/infer`,
      input_schema: { square_footage: 'float', bedrooms: 'int', bathrooms: 'float', location: 'string' },
    });
    expect(((await call(s, '/models/customer-churn')).json as { model_version: string }).model_version).toBe('2');
    expect((await call(s, '/models/nothing-here')).status).toBe(404);
  });

  it('describe answers flat input/output schemas, performance metrics and feature importance', async () => {
    const a = await call(s, '/models/customer-churn/1/describe');
    expect(a.status).toBe(200);
    const body = a.json as Record<string, unknown>;
    expect(body).toMatchObject({
      name: 'customer-churn',
      version: '1',
      input_schema: { tenure_months: 'int', monthly_charges: 'float', contract: 'string', support_calls: 'int', paperless_billing: 'bool' },
      output_schema: { predicted_class: 'string', confidence: 'float' },
      performance_metrics: { accuracy: 0.84 },
    });
    const importance = (body.training_info as { feature_importance: Record<string, number> }).feature_importance;
    expect(Object.keys(importance).sort()).toEqual(['contract', 'monthly_charges', 'paperless_billing', 'support_calls', 'tenure_months']);
    expect(Object.values(importance).reduce((x, y) => x + y, 0)).toBeCloseTo(1, 5);
  });

  it('describe of the JSON-Schema model answers {type:"object", properties, required}', async () => {
    const body = (await call(s, '/models/loan-approval/1/describe')).json as { input_schema: { type: string; properties: Record<string, { type: string; minimum?: number }>; required: string[] } };
    expect(body.input_schema.type).toBe('object');
    expect(body.input_schema.properties.credit_score).toMatchObject({ type: 'integer', minimum: 300, maximum: 850 });
    expect(body.input_schema.required).toEqual(['annual_income', 'loan_amount', 'credit_score', 'employment_years']);
  });

  it('status answers {status}', async () => {
    expect(((await call(s, '/models/house-prices/1/status')).json as { status: string }).status).toBe('READY');
    expect(((await call(s, '/models/loan-approval/1/status')).json as { status: string }).status).toBe('BUILDING');
  });

  it('unknown routes, models and methods get JSON errors', async () => {
    const route = await call(s, '/nothing/here');
    expect(route.status).toBe(404);
    expectErrorShape(route.json, 'not_found');
    const model = await call(s, '/models/no-such-model/1/infer', { body: houseRow });
    expect(model.status).toBe(404);
    expect(expectErrorShape(model.json, 'not_found').message).toContain('no-such-model');
    const method = await call(s, '/models/house-prices/1/infer', { method: 'GET' });
    expect(method.status).toBe(405);
    expect(method.headers.get('allow')).toBe('POST');
    expectErrorShape(method.json, 'method_not_allowed');
  });
});

describe('auth', () => {
  it('accepts x-api-key and Authorization: Bearer; 401 for a missing or unknown key, naming neither key', async () => {
    const s = await sandbox({ config: { keys: [{ key: 'sk-live-abcdef123456' }] } });
    expect((await call(s, '/models/house-prices/1/infer', { body: houseRow })).status).toBe(200);
    expect((await call(s, '/models/house-prices/1/infer', { bearer: 'sk-live-abcdef123456', body: houseRow })).status).toBe(200);
    const missing = await call(s, '/models/house-prices/1/infer', { key: null, body: houseRow });
    expect(missing.status).toBe(401);
    expect(expectErrorShape(missing.json, 'unauthorized').message).toMatch(/x-api-key/);
    const unknown = await call(s, '/models/house-prices/1/infer', { key: 'sk-wrong-999999', body: houseRow });
    expect(unknown.status).toBe(401);
    expectErrorShape(unknown.json, 'unauthorized');
    expect(unknown.text).not.toContain('sk-wrong');
    expect(unknown.text).not.toContain('999999');
    expect((await call(s, '/models', { key: null })).status).toBe(401);
    expect((await call(s, '/models/house-prices/1/describe', { key: 'nope' })).status).toBe(401);
  });

  it('403 for a key without permission for the model; the model list shows only permitted models', async () => {
    const s = await sandbox({ config: { keys: [{ key: 'all-models-key' }, { key: 'house-only-key', models: ['house-prices/v1'] }] } });
    expect((await call(s, '/models/house-prices/1/infer', { key: 'house-only-key', body: houseRow })).status).toBe(200);
    const denied = await call(s, '/models/customer-churn/1/infer', { key: 'house-only-key', body: churnRow });
    expect(denied.status).toBe(403);
    expect(expectErrorShape(denied.json, 'forbidden').message).toContain('customer-churn');
    expect((await call(s, '/predict/dep_customer_churn_01', { key: 'house-only-key', body: churnRow })).status).toBe(403);
    expect((await call(s, '/models/customer-churn/1/describe', { key: 'house-only-key' })).status).toBe(403);
    const list = (await call(s, '/models', { key: 'house-only-key' })).json as { models: { model_name: string }[] };
    expect(list.models.map((m) => m.model_name)).toEqual(['house-prices']);
    expect((await call(s, '/models/customer-churn/1/infer', { key: 'all-models-key', body: churnRow })).status).toBe(200);
  });
});

describe('validation', () => {
  let s: RunningSandbox;
  beforeAll(async () => {
    s = await startSandbox({ config: { maxBodyBytes: 2000, maxBatch: 5 } });
  });
  afterAll(() => s.close());

  it('400 invalid_input names each bad field and the rule it breaks', async () => {
    const a = await call(s, '/models/house-prices/1/infer', { body: { square_footage: 50, bedrooms: '3 bed', location: 'Downtown' } });
    expect(a.status).toBe(400);
    const err = expectErrorShape(a.json, 'invalid_input');
    expect(err.details).toEqual({
      fields: [
        { field: 'square_footage', rule: 'min', message: 'square_footage must be at least 100 (got 50)' },
        { field: 'bedrooms', rule: 'type', message: 'bedrooms must be a whole number (got "3 bed")' },
        { field: 'bathrooms', rule: 'required', message: 'bathrooms is required but was missing or empty' },
        { field: 'location', rule: 'allowed', message: 'location must be one of urban, suburban, rural (got "Downtown")' },
      ],
    });
    expect(err.message).toContain('bedrooms must be a whole number');
  });

  it('checks ints, bools and maxima strictly', async () => {
    const a = await call(s, '/models/customer-churn/1/infer', { body: { ...churnRow, tenure_months: 2.5, paperless_billing: 'Yes', support_calls: 5000 } });
    const details = expectErrorShape(a.json, 'invalid_input').details as { fields: { field: string; rule: string }[] };
    expect(details.fields.map((f) => [f.field, f.rule])).toEqual([
      ['tenure_months', 'type'],
      ['support_calls', 'max'],
      ['paperless_billing', 'type'],
    ]);
  });

  it('a batch with bad rows gets 400 invalid_input with details keyed by row index', async () => {
    const rows = [houseRow, { ...houseRow, bedrooms: -1 }, houseRow, { ...houseRow, location: null }, houseRow];
    const a = await call(s, '/models/house-prices/1/predictions', { body: rows });
    expect(a.status).toBe(400);
    const err = expectErrorShape(a.json, 'invalid_input');
    expect(err.details).toEqual({
      rows: {
        '1': [{ field: 'bedrooms', rule: 'min', message: 'bedrooms must be at least 0 (got -1)' }],
        '3': [{ field: 'location', rule: 'required', message: 'location is required but was missing or empty' }],
      },
      invalid_rows: 2,
      total_rows: 5,
    });
    expect(err.message).toMatch(/2 of 5 rows are invalid/);
    expect(err.message).toContain('row 1: bedrooms must be at least 0');
    const notObject = await call(s, '/models/house-prices/1/predictions', { body: [houseRow, 'text'] });
    expect((expectErrorShape(notObject.json, 'invalid_input').details as { rows: Record<string, unknown> }).rows['1']).toEqual([
      { field: '(row)', rule: 'type', message: 'Each row must be a JSON object of field values (got "text")' },
    ]);
  });

  it('non-JSON, empty and wrongly shaped bodies get 400 invalid_request', async () => {
    const bad = await call(s, '/models/house-prices/1/infer', { rawBody: '{"square_footage": 12' });
    expect(bad.status).toBe(400);
    expect(expectErrorShape(bad.json, 'invalid_request').message).toMatch(/not valid JSON/);
    const empty = await call(s, '/models/house-prices/1/infer', { rawBody: '' });
    expect(empty.status).toBe(400);
    expect(expectErrorShape(empty.json, 'invalid_request').message).toMatch(/empty/);
    const array = await call(s, '/models/house-prices/1/infer', { body: [houseRow] });
    expect(expectErrorShape(array.json, 'invalid_request').message).toMatch(/\/predictions/);
    const object = await call(s, '/models/house-prices/1/predictions', { body: houseRow });
    expect(expectErrorShape(object.json, 'invalid_request').message).toMatch(/JSON array/);
    const none = await call(s, '/models/house-prices/1/predictions', { body: [] });
    expect(expectErrorShape(none.json, 'invalid_request').message).toMatch(/empty/);
  });

  it('413 for a body over maxBodyBytes and for a batch over maxBatch', async () => {
    const big = await call(s, '/models/house-prices/1/infer', { body: { ...houseRow, notes: 'x'.repeat(3000) } });
    expect(big.status).toBe(413);
    expect(expectErrorShape(big.json, 'payload_too_large').details).toEqual({ max_body_bytes: 2000 });
    const many = await call(s, '/models/house-prices/1/predictions', { body: Array.from({ length: 6 }, () => houseRow) });
    expect(many.status).toBe(413);
    const err = expectErrorShape(many.json, 'batch_too_large');
    expect(err.details).toEqual({ max_batch: 5, rows: 6 });
    expect(err.message).toMatch(/at most 5/);
    expect((await call(s, '/models/house-prices/1/predictions', { body: Array.from({ length: 5 }, () => houseRow) })).status).toBe(200);
    // The connection is still usable after a 413.
    expect((await call(s, '/models/house-prices/1/infer', { body: houseRow })).status).toBe(200);
  });

  it('413 also for a chunked body that grows past the limit', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${s.url}/models/house-prices/1/infer`, { method: 'POST', headers: { 'x-api-key': s.key, 'content-type': 'application/json' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(500));
      req.end();
    });
    expect(status).toBe(413);
  });
});

describe('states and limits', () => {
  it('503 deployment_unavailable when the model is not READY, following setModelState', async () => {
    const s = await sandbox({ config: { modelStates: { 'customer-churn/v1': 'ERROR' } } });
    const err = await call(s, '/models/customer-churn/1/infer', { body: churnRow });
    expect(err.status).toBe(503);
    expect(expectErrorShape(err.json, 'deployment_unavailable').details).toEqual({ status: 'ERROR' });
    for (const state of ['BUILDING', 'DRAFT', 'ERROR'] as const) {
      s.setModelState('house-prices/1', state);
      const a = await call(s, '/models/house-prices/1/infer', { body: houseRow });
      expect(a.status).toBe(503);
      expect(expectErrorShape(a.json, 'deployment_unavailable').message).toContain(state);
      expect((await call(s, '/models/house-prices/1/predictions', { body: [houseRow] })).status).toBe(503);
      expect((await call(s, '/predict/dep_house_prices_01', { body: houseRow })).status).toBe(503);
      expect(((await call(s, '/models/house-prices/1/status')).json as { status: string }).status).toBe(state);
    }
    s.setModelState('house-prices/1', 'READY');
    expect((await call(s, '/models/house-prices/1/infer', { body: houseRow })).status).toBe(200);
    expect(() => s.setModelState('house-prices/1', 'GONE' as 'READY')).toThrow(/READY/);
  });

  it('the BUILDING demo model answers 503 until set READY, then predicts', async () => {
    const s = await sandbox();
    const row = { annual_income: 62000, loan_amount: 8000, credit_score: 710, employment_years: 4 };
    expect((await call(s, '/models/loan-approval/1/infer', { body: row })).status).toBe(503);
    s.setModelState('loan-approval/1', 'READY');
    const a = await call(s, '/models/loan-approval/1/infer', { body: row });
    expect(a.status).toBe(200);
    expect((a.json as { result: unknown }).result).toEqual(predictFor('loan-approval', '1', row));
  });

  it('a key can have its own limiter kind, and answers carry rate-limit headers when asked', async () => {
    const s = await sandbox({ config: { keys: [{ key: 'bucket-key', rpm: 1, limiter: 'token-bucket', windowMs: 60_000, burst: 2 }, { key: 'free-key' }], rateHeaders: 'both' } });
    const first = await call(s, '/models/house-prices/1/infer', { key: 'bucket-key', body: houseRow });
    expect(first.status).toBe(200);
    expect(first.headers.get('ratelimit-policy')).toBe('1;w=60;burst=2');
    expect(first.headers.get('ratelimit-remaining')).toBe('1');
    expect(first.headers.get('x-ratelimit-limit')).toBe('1');
    expect((await call(s, '/models/house-prices/1/infer', { key: 'bucket-key', body: houseRow })).status).toBe(200);
    const refused = await call(s, '/models/house-prices/1/infer', { key: 'bucket-key', body: houseRow });
    expect(refused.status).toBe(429);
    // The next token is most of a minute away.
    expect(Number(refused.headers.get('retry-after'))).toBeGreaterThan(50);
    expect(refused.headers.get('ratelimit-remaining')).toBe('0');
    expect(expectErrorShape(refused.json, 'rate_limit_exceeded').message).toContain('1 requests per 60 seconds (bursts of 2)');
    // A key without a limit gets no headers.
    expect((await call(s, '/models/house-prices/1/infer', { key: 'free-key', body: houseRow })).headers.get('ratelimit-limit')).toBeNull();
  });

  it('a per-key rolling window answers 429 rate_limit_exceeded with Retry-After, then lets requests through again', async () => {
    const s = await sandbox({ config: { keys: [{ key: 'limited-key', rpm: 3 }, { key: 'free-key' }], rateWindowMs: 600 } });
    for (let i = 0; i < 3; i++) expect((await call(s, '/models/house-prices/1/infer', { body: houseRow })).status).toBe(200);
    const limited = await call(s, '/models/house-prices/1/infer', { body: houseRow });
    expect(limited.status).toBe(429);
    expect(limited.headers.get('retry-after')).toBe('1');
    expect(expectErrorShape(limited.json, 'rate_limit_exceeded').details).toMatchObject({ retry_after_seconds: 1, limit: 3 });
    // Other keys have their own window.
    expect((await call(s, '/models/house-prices/1/infer', { key: 'free-key', body: houseRow })).status).toBe(200);
    await new Promise((r) => setTimeout(r, 650));
    // A batch counts as one request however many rows it carries.
    expect((await call(s, '/models/house-prices/1/predictions', { body: Array.from({ length: 10 }, () => houseRow) })).status).toBe(200);
    expect((await call(s, '/models/house-prices/1/infer', { body: houseRow })).status).toBe(200);
    expect((await call(s, '/models/house-prices/1/infer', { body: houseRow })).status).toBe(200);
    expect((await call(s, '/models/house-prices/1/infer', { body: houseRow })).status).toBe(429);
    s.resetRateLimits();
    expect((await call(s, '/models/house-prices/1/infer', { body: houseRow })).status).toBe(200);
  });

  it('Retry-After counts whole seconds until the oldest request leaves a 60 s window', async () => {
    const s = await sandbox({ config: { keys: [{ key: 'k', rpm: 1 }] } });
    expect((await call(s, '/models', {})).status).toBe(200);
    const limited = await call(s, '/models', {});
    expect(limited.status).toBe(429);
    const seconds = Number(limited.headers.get('retry-after'));
    expect(seconds).toBeGreaterThanOrEqual(59);
    expect(seconds).toBeLessThanOrEqual(60);
  });

  it('batchEndpoint false makes /predictions answer 404 like older deployments', async () => {
    const s = await sandbox({ config: { batchEndpoint: false } });
    const a = await call(s, '/models/house-prices/1/predictions', { body: [houseRow] });
    expect(a.status).toBe(404);
    expectErrorShape(a.json, 'not_found');
    expect((await call(s, '/models/house-prices/1/infer', { body: houseRow })).status).toBe(200);
    s.setConfig({ batchEndpoint: true });
    expect((await call(s, '/models/house-prices/1/predictions', { body: [houseRow] })).status).toBe(200);
  });

  it('answerStyle "legacy" answers like older deployments: prediction, model_name, created_at', async () => {
    const s = await sandbox({ config: { answerStyle: 'legacy' } });
    const a = await call(s, '/models/house-prices/1/infer', { body: houseRow });
    const body = a.json as Record<string, unknown>;
    expect(Object.keys(body).sort()).toEqual(['created_at', 'model_name', 'model_version', 'prediction', 'request_id']);
    expect(body.prediction).toEqual(predictFor('house-prices', '1', houseRow));
    expect(body.model_name).toBe('house-prices');
    expect(Date.parse(body.created_at as string)).toBeGreaterThan(0);
    s.setConfig({ answerStyle: 'standard' });
    expect(Object.keys((await call(s, '/predict/dep_house_prices_01', { body: houseRow })).json as object)).toContain('result');
  });

  it('setConfig replaces keys and limits while running', async () => {
    const s = await sandbox();
    s.setConfig({ keys: [{ key: 'new-key-0001' }], maxBatch: 2 });
    expect((await call(s, '/models/house-prices/1/infer', { body: houseRow })).status).toBe(401);
    expect((await call(s, '/models/house-prices/1/predictions', { key: 'new-key-0001', body: [houseRow, houseRow, houseRow] })).status).toBe(413);
    expect(s.config().maxBatch).toBe(2);
    expect(() => s.setConfig({ maxBatch: 0 })).toThrow(/maxBatch/);
  });

  it('rejects a bad configuration with a message naming the field', async () => {
    await expect(startSandbox({ config: { keys: [] } })).rejects.toThrow(/config\.keys: give at least one key/);
    await expect(startSandbox({ config: { faults: { p429: 2 } } })).rejects.toThrow(/faults\.p429/);
    await expect(startSandbox({ config: { faults: { p500: 0.6, p503: 0.6 } } })).rejects.toThrow(/add up to 1\.2/);
  });
});

describe('request log and stats', () => {
  it('logs time, last 4 key characters, model, status, rows and path, in memory and as JSON lines', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'sandbox-log-'));
    try {
      const file = join(dir, 'requests.jsonl');
      const s = await startSandbox({ config: { keys: [{ key: 'secret-key-WXYZ' }], requestLogFile: file } });
      await call(s, '/models/house-prices/1/infer', { body: houseRow });
      await call(s, '/models/house-prices/v1/predictions', { body: [houseRow, houseRow, houseRow] });
      await call(s, '/models/house-prices/1/infer', { key: 'other-key-1234', body: houseRow });
      await call(s, '/models', { key: null });
      const log = s.requestLog();
      expect(log.map((e) => [e.key, e.model, e.status, e.rows, e.path])).toEqual([
        ['WXYZ', 'house-prices/1', 200, 1, '/models/house-prices/1/infer'],
        ['WXYZ', 'house-prices/1', 200, 3, '/models/house-prices/v1/predictions'],
        ['1234', null, 401, 0, '/models/house-prices/1/infer'],
        [null, null, 401, 0, '/models'],
      ]);
      expect(Date.parse(log[0]!.time)).toBeGreaterThan(Date.now() - 60_000);
      expect(s.stats()).toMatchObject({ requests: 4, byStatus: { 200: 2, 401: 2 } });
      await s.close();
      const text = readFileSync(file, 'utf8');
      const lines = text.trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
      expect(lines).toHaveLength(4);
      expect(lines[1]).toMatchObject({ key: 'WXYZ', model: 'house-prices/1', status: 200, rows: 3, path: '/models/house-prices/v1/predictions' });
      expect(text).not.toContain('secret-key');
      expect(text).not.toContain('other-key');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('keeps connections alive: many requests, few connections', async () => {
    const s = await sandbox();
    const agent = new Agent({ keepAlive: true, maxSockets: 4 });
    const body = JSON.stringify(houseRow);
    const one = () =>
      new Promise<number>((resolve, reject) => {
        const req = request(
          `${s.url}/models/house-prices/1/infer`,
          { method: 'POST', agent, headers: { 'x-api-key': s.key, 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) } },
          (res) => {
            res.resume();
            res.on('end', () => resolve(res.statusCode ?? 0));
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    const statuses: number[] = [];
    await Promise.all(
      Array.from({ length: 4 }, async () => {
        for (let i = 0; i < 50; i++) statuses.push(await one());
      }),
    );
    agent.destroy();
    expect(statuses.filter((x) => x === 200)).toHaveLength(200);
    expect(s.stats().requests).toBe(200);
    expect(s.stats().connections).toBeLessThanOrEqual(4);
  });
});
