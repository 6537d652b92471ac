import type { Database } from 'better-sqlite3';
import type { NewPrediction } from '../../shared/domain/prediction';
import { HistoryStore } from './store';
import { seededRandom } from '../../shared/seeded-random';

export interface GenerateOptions {
  /** The newest entry's time; entries spread back over `days` before it. Default: now. */
  end?: Date;
  days?: number;
  /** Rows per transaction. */
  chunkRows?: number;
  /** Fill the text index too (default true), as the app's background catch-up would have. */
  catchUp?: boolean;
}

export interface GeneratedHistory {
  rows: number;
  from: string;
  to: string;
  models: { profileId: string; modelName: string; modelVersion: string }[];
}

export { seededRandom };

const FIRST = ['Alice', 'Bruno', 'Chen', 'Dara', 'Emeka', 'Fatima', 'Greta', 'Hiro', 'Ines', 'José', 'Kalani', 'Lena', 'Mateo', 'Noor', 'Olu', 'Priya'];
const LAST = ['Smith', 'García', 'Nguyen', 'Okafor', 'Müller', 'Rossi', 'Kowalski', 'Tanaka', 'Silva', 'Haddad'];
const CITIES = ['Springfield', 'Riverton', 'Lakeside', 'Fairview', 'Greenville', 'Oakridge'];
const PLANS = ['basic', 'plus', 'pro'];
const PHRASES = ['great service, fast delivery', 'the app keeps crashing', 'okay but pricey', 'support solved it quickly', 'would not recommend', 'love the new features'];
const ERRORS: { status: string; http: number; message: string }[] = [
  { status: 'rate_limit_exceeded', http: 429, message: 'Too many requests: the account allows 100 per minute.' },
  { status: 'invalid_input', http: 400, message: 'Field "sqft" must be a number.' },
  { status: 'deployment_unavailable', http: 503, message: 'The model deployment is not available right now.' },
  { status: 'prediction_error', http: 500, message: 'The model could not make a prediction for this row.' },
  { status: 'timeout', http: 0, message: 'The service did not answer within 30 seconds.' },
];

type Pick = <T>(list: readonly T[]) => T;

const MODELS = [
  {
    profileId: 'demo',
    profileName: 'Demo workspace',
    modelName: 'house-prices',
    modelVersion: '3',
    make(r: () => number, pick: Pick) {
      const sqft = Math.round(600 + r() * 3400);
      const input = { bedrooms: 1 + Math.floor(r() * 5), bathrooms: 1 + Math.floor(r() * 3), sqft, city: pick(CITIES), year_built: 1950 + Math.floor(r() * 74) };
      return { input, result: { prediction: Math.round(sqft * (150 + r() * 200)) } };
    },
  },
  {
    profileId: 'acme',
    profileName: 'Acme production',
    modelName: 'customer-churn',
    modelVersion: '1',
    make(r: () => number, pick: Pick) {
      const p = Math.round(r() * 1000) / 1000;
      const input = { customer_id: `C-${100000 + Math.floor(r() * 900000)}`, customer_name: `${pick(FIRST)} ${pick(LAST)}`, tenure_months: Math.floor(r() * 72), plan: pick(PLANS), monthly_charges: Math.round((20 + r() * 100) * 100) / 100, address: { city: pick(CITIES), country: 'US' } };
      return { input, result: { prediction: p > 0.5 ? 'churn' : 'stay', probability: p } };
    },
  },
  {
    profileId: 'acme',
    profileName: 'Acme production',
    modelName: 'review-sentiment',
    modelVersion: '2',
    make(r: () => number, pick: Pick) {
      const label = pick(['positive', 'negative', 'neutral']);
      return { input: { review: pick(PHRASES), stars: 1 + Math.floor(r() * 5) }, result: { label, score: Math.round(r() * 1000) / 1000 } };
    },
  },
];

/**
 * Fills `db` (already migrated) with `n` realistic history rows — three models over two accounts, form and
 * bulk entries, ~3% failures of several kinds, skewed latencies — fast, in large transactions. The same
 * seed gives the same rows. Used by the benchmark and by the browser suite's million-row check.
 */
export function generateHistory(db: Database, n: number, seed: number, options: GenerateOptions = {}): GeneratedHistory {
  const store = new HistoryStore(db);
  const r = seededRandom(seed);
  const pick: Pick = (list) => list[Math.floor(r() * list.length)] as (typeof list)[number];
  const end = (options.end ?? new Date()).getTime();
  const span = (options.days ?? 90) * 86_400_000;
  const start = end - span;
  const chunkRows = options.chunkRows ?? 10_000;
  const step = n > 1 ? span / (n - 1) : 0;
  let jobId = 'job-0';
  let rowNumber = 0;
  let batch: NewPrediction[] = [];
  for (let i = 0; i < n; i++) {
    const model = MODELS[i % 7 === 0 ? 2 : i % 3 === 0 ? 0 : 1] as (typeof MODELS)[number];
    const bulk = r() < 0.7;
    if (bulk && (rowNumber === 0 || r() < 0.0005)) {
      jobId = `job-${seed}-${i}`;
      rowNumber = 0;
    }
    const { input, result } = model.make(r, pick);
    const failed = r() < 0.03 ? pick(ERRORS) : null;
    const roundTrip = Math.round((40 + -Math.log(1 - r()) * 120) * 10) / 10;
    batch.push({
      createdAt: new Date(Math.round(start + i * step)).toISOString(),
      profileId: model.profileId,
      profileName: model.profileName,
      modelName: model.modelName,
      modelVersion: model.modelVersion,
      source: bulk ? 'bulk' : 'form',
      input,
      result: failed ? null : result,
      status: failed ? failed.status : 'ok',
      errorMessage: failed ? failed.message : null,
      errorDetails: failed && failed.status === 'invalid_input' ? { field: 'sqft' } : null,
      httpStatus: failed ? (failed.http === 0 ? null : failed.http) : 200,
      requestId: failed?.status === 'timeout' ? null : `req_${(seed * 1_000_003 + i).toString(36)}`,
      roundTripMs: roundTrip,
      processingTimeMs: failed ? null : Math.round(roundTrip * 0.6 * 10) / 10,
      attempts: failed?.status === 'rate_limit_exceeded' ? 3 : 1,
      jobId: bulk ? jobId : null,
      rowNumber: bulk ? ++rowNumber : null,
    });
    if (batch.length === chunkRows) {
      store.addMany(batch);
      batch = [];
    }
  }
  if (batch.length > 0) store.addMany(batch);
  if (options.catchUp ?? true) {
    while (store.indexPendingText(50_000) > 0);
  }
  return {
    rows: n,
    from: new Date(start).toISOString(),
    to: new Date(end).toISOString(),
    models: MODELS.map((m) => ({ profileId: m.profileId, modelName: m.modelName, modelVersion: m.modelVersion })),
  };
}
