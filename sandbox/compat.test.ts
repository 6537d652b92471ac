/**
 * Compatibility proof: a client written the way Plexe's documentation ("Use Deployed Models")
 * shows — constants for base URL, model name and version, fetch POST to
 * {BASE_URL}/models/{MODEL_NAME}/{MODEL_VERSION}/infer with x-api-key and a JSON body, then reading
 * result, request_id and processing_time_ms — works against the sandbox unchanged apart from
 * BASE_URL and the key; and every error code in the documented table can be produced, with the
 * documented body {error: {code, message, details?}, request_id?}.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { predictFor } from './models';
import { startSandbox, type RunningSandbox } from './server';
import { expectErrorShape, houseRow } from './test-support';

let sandbox: RunningSandbox;
let BASE_URL: string;
let API_KEY: string;
const MODEL_NAME = 'house-prices';
const MODEL_VERSION = '1'; // Typically "1" for the first version

beforeAll(async () => {
  sandbox = await startSandbox({
    config: {
      keys: [{ key: 'docs-example-key' }, { key: 'churn-only-key', models: ['customer-churn/1'] }, { key: 'one-per-minute-key', rpm: 1 }],
      modelStates: { 'customer-churn/1': 'BUILDING' },
    },
  });
  BASE_URL = sandbox.url;
  API_KEY = 'docs-example-key';
});
afterAll(() => sandbox.close());

// --- The documentation's JavaScript client, as a user would paste it. ---
async function getPrediction(inputData: Record<string, unknown>) {
  const response = await fetch(`${BASE_URL}/models/${MODEL_NAME}/${MODEL_VERSION}/infer`, {
    method: 'POST',
    headers: {
      'x-api-key': API_KEY,
      'Content-Type': 'application/json',
    },
    body: JSON.stringify(inputData),
  });
  if (!response.ok) {
    const error = (await response.json()) as { error: { code: string; message: string } };
    throw new Error(`API error ${response.status} (${error.error.code}): ${error.error.message}`);
  }
  return (await response.json()) as { request_id: string; result: Record<string, unknown>; model_id: string; model_version: string; processing_time_ms: number };
}
// --- end of the documentation's client ---

describe('the documentation’s JavaScript client', () => {
  it('gets a prediction and reads result, request_id and processing_time_ms', async () => {
    const prediction = await getPrediction({ square_footage: 1850, bedrooms: 3, bathrooms: 2.5, location: 'urban' });
    expect(prediction.result).toEqual(predictFor('house-prices', '1', { square_footage: 1850, bedrooms: 3, bathrooms: 2.5, location: 'urban' }));
    expect(typeof prediction.result.predicted_price).toBe('number');
    expect(prediction.request_id).toMatch(/^req_\S+$/);
    expect(typeof prediction.processing_time_ms).toBe('number');
    expect(prediction.model_version).toBe('1');
    expect(typeof prediction.model_id).toBe('string');
  });

  it('reports the documented error message for a bad input', async () => {
    await expect(getPrediction({ square_footage: 'big', bedrooms: 3, bathrooms: 2, location: 'urban' })).rejects.toThrow(
      'API error 400 (invalid_input): The input is invalid: square_footage must be a number (got "big").',
    );
  });
});

describe('every documented error code', () => {
  const post = (path: string, key: string | undefined, body: unknown) =>
    fetch(`${BASE_URL}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...(key ? { 'x-api-key': key } : {}) },
      body: JSON.stringify(body),
    });

  async function expectDocumented(res: Response, status: number, code: string) {
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toBe('application/json');
    return expectErrorShape(await res.json(), code);
  }

  it('400 invalid_input', async () => {
    const err = await expectDocumented(await post('/models/house-prices/1/infer', API_KEY, { ...houseRow, bedrooms: 'three' }), 400, 'invalid_input');
    expect(err.details).toEqual({ fields: [{ field: 'bedrooms', rule: 'type', message: 'bedrooms must be a whole number (got "three")' }] });
  });

  it('401 unauthorized', async () => {
    await expectDocumented(await post('/models/house-prices/1/infer', undefined, houseRow), 401, 'unauthorized');
    await expectDocumented(await post('/models/house-prices/1/infer', 'not-a-key', houseRow), 401, 'unauthorized');
  });

  it('403 forbidden', async () => {
    await expectDocumented(await post('/models/house-prices/1/infer', 'churn-only-key', houseRow), 403, 'forbidden');
  });

  it('404 not_found', async () => {
    await expectDocumented(await post('/models/house-prices/9/infer', API_KEY, houseRow), 404, 'not_found');
  });

  it('429 rate_limit_exceeded with Retry-After in seconds', async () => {
    expect((await post('/models/house-prices/1/infer', 'one-per-minute-key', houseRow)).status).toBe(200);
    const res = await post('/models/house-prices/1/infer', 'one-per-minute-key', houseRow);
    expect(res.headers.get('retry-after')).toMatch(/^\d+$/);
    await expectDocumented(res, 429, 'rate_limit_exceeded');
  });

  it('500 prediction_error', async () => {
    sandbox.setFaults({ p500: 1 });
    try {
      await expectDocumented(await post('/models/house-prices/1/infer', API_KEY, houseRow), 500, 'prediction_error');
    } finally {
      sandbox.setFaults({ p500: 0 });
    }
  });

  it('503 deployment_unavailable', async () => {
    const err = await expectDocumented(await post('/models/customer-churn/1/infer', 'churn-only-key', {}), 503, 'deployment_unavailable');
    expect(err.details).toEqual({ status: 'BUILDING' });
  });
});

describe('the documented listing and describe shapes', () => {
  it('GET /models answers models with the documented fields and pagination', async () => {
    const res = await fetch(`${BASE_URL}/models?limit=20&offset=0`, { headers: { Authorization: `Bearer ${API_KEY}` } });
    const body = (await res.json()) as { models: Record<string, unknown>[]; pagination: Record<string, unknown> };
    for (const m of body.models) {
      for (const field of ['model_name', 'model_version', 'name', 'intent', 'status', 'deployment_status', 'created_at', 'updated_at']) expect(m).toHaveProperty(field);
    }
    expect(Object.keys(body.pagination).sort()).toEqual(['has_more', 'limit', 'offset', 'total']);
  });
});
