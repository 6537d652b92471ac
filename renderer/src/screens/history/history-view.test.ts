import { describe, expect, it } from 'vitest';
import type { PredictionRecord } from '../../../../shared/domain/prediction';
import { historyFiltersSchema } from '../../../../shared/ipc/history';
import { answerPreview, emptyFilterForm, filterProblem, inputPreview, localDayIso, modelKey, statusLabel, toFilters } from './history-view';

const record = (over: Partial<PredictionRecord> = {}): PredictionRecord => ({
  id: 1,
  createdAt: '2026-01-01T00:00:00.000Z',
  profileId: 'p',
  profileName: 'Main',
  modelName: 'churn',
  modelVersion: '1',
  source: 'form',
  input: { customer: 'Alice', age: 42, plan: 'pro', owner: true, extra: 1 },
  result: { prediction: 'stay', probability: 0.25 },
  status: 'ok',
  errorMessage: null,
  errorDetails: null,
  httpStatus: 200,
  requestId: 'r',
  roundTripMs: 10,
  processingTimeMs: 5,
  attempts: 1,
  jobId: null,
  rowNumber: null,
  ...over,
});

describe('history filter form', () => {
  it('sends only what is set, in the shape the channel accepts', () => {
    expect(toFilters(emptyFilterForm())).toEqual({});
    const f = toFilters({ model: modelKey('churn', '2'), profileId: 'acme', status: 'status:rate_limit_exceeded', fromDate: '2026-03-01', toDate: '2026-03-31', text: '  alice  ' });
    expect(f).toMatchObject({ modelName: 'churn', modelVersion: '2', profileId: 'acme', status: 'rate_limit_exceeded', text: 'alice' });
    expect(historyFiltersSchema.safeParse(f).success).toBe(true);
    // The end date is inclusive: the filter ends at the next local midnight.
    expect(new Date(f.to!).getDate()).toBe(1);
    expect(new Date(f.to!).getMonth()).toBe(3);
    expect(toFilters({ ...emptyFilterForm(), status: 'outcome:failed' })).toEqual({ outcome: 'failed' });
  });

  it('spots an end date before the start date', () => {
    expect(filterProblem({ ...emptyFilterForm(), fromDate: '2026-03-02', toDate: '2026-03-01' })).toMatch(/before/);
    expect(filterProblem({ ...emptyFilterForm(), fromDate: '2026-03-01', toDate: '2026-03-01' })).toBeNull();
    expect(localDayIso('not a date')).toBeUndefined();
  });
});

describe('history row text', () => {
  it('previews the answer or the error, and the first inputs', () => {
    expect(answerPreview(record())).toBe('prediction: stay · probability: 25%');
    expect(answerPreview(record({ status: 'timeout', result: null, errorMessage: 'No answer in 30 s.' }))).toBe('No answer in 30 s.');
    expect(inputPreview(record())).toBe('customer=Alice, age=42, plan=pro, owner=yes');
    expect(statusLabel('rate_limit_exceeded')).toBe('rate limit exceeded');
    expect(statusLabel('ok')).toBe('OK');
  });
});
