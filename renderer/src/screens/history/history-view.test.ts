import { describe, expect, it } from 'vitest';
import type { PredictionRecord } from '../../../../shared/domain/prediction';
import { historyFiltersSchema } from '../../../../shared/ipc/history';
import { answerPreview, emptyFilterForm, filterProblem, inputPreview, jobName, localDayIso, modelKey, originText, rowPreview, statusLabel, toFilters } from './history-view';

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
    const f = toFilters({ model: modelKey('churn', '2'), profileId: 'acme', status: 'status:rate_limit_exceeded', fromDate: '2026-03-01', toDate: '2026-03-31', text: '  alice  ', origin: '' });
    expect(f).toMatchObject({ modelName: 'churn', modelVersion: '2', profileId: 'acme', status: 'rate_limit_exceeded', text: 'alice' });
    expect(historyFiltersSchema.safeParse(f).success).toBe(true);
    // The end date is inclusive: the filter ends at the next local midnight.
    expect(new Date(f.to!).getDate()).toBe(1);
    expect(new Date(f.to!).getMonth()).toBe(3);
    expect(toFilters({ ...emptyFilterForm(), status: 'outcome:failed' })).toEqual({ outcome: 'failed' });
  });

  it('narrows to the form, to any spreadsheet job or to one job', () => {
    expect(toFilters({ ...emptyFilterForm(), origin: 'form' })).toEqual({ origin: 'form' });
    expect(toFilters({ ...emptyFilterForm(), origin: 'job' })).toEqual({ origin: 'job' });
    const one = toFilters({ ...emptyFilterForm(), origin: 'job:12' });
    expect(one).toEqual({ jobId: '12' });
    expect(historyFiltersSchema.safeParse(one).success).toBe(true);
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

  it('names the row by its identifying columns and the job by its file', () => {
    const jobs = [{ jobId: '12', fileName: 'customers.csv', createdAt: null }];
    const row = record({ source: 'bulk', jobId: '12', rowNumber: 78, rowLabel: { customer_id: 'C-1001', name: 'Ana Núñez' } });
    expect(rowPreview(row)).toBe('C-1001 · Ana Núñez');
    expect(rowPreview({ ...row, rowLabel: null })).toBe('row 78');
    expect(rowPreview(record())).toBe('');
    expect(originText(row, jobs)).toBe('customers.csv (job 12), row 78');
    expect(originText({ ...row, jobId: '13' }, jobs)).toBe('job 13, row 78');
    expect(originText(record(), jobs)).toBe('form');
    expect(jobName('12', [])).toBe('job 12');
  });
});
