import { describe, expect, it } from 'vitest';
import type { PlexeErrorInfo } from '../../../shared/domain/plexe-error';
import { errorKind, errorTitle, serverFieldProblems } from './error-view';

const info = (code: string, httpStatus: number | null, extra: Partial<PlexeErrorInfo> = {}): PlexeErrorInfo => ({
  code, message: 'm', action: null, httpStatus, requestId: null, details: null, fieldErrors: [], retryable: false, retryAfterSeconds: null, ...extra,
});

describe('error panels', () => {
  it('picks a panel per documented code and our own network codes', () => {
    expect(errorKind(info('invalid_input', 400))).toBe('invalid');
    expect(errorKind(info('validation_error', 422))).toBe('invalid');
    expect(errorTitle(info('unauthorized', 401))).toBe('Your API key was rejected');
    expect(errorTitle(info('forbidden', 403))).toBe('This key may not use this model');
    expect(errorKind(info('not_found', 404))).toBe('not_found');
    expect(errorTitle(info('rate_limit_exceeded', 429))).toBe('Plexe asked us to slow down');
    expect(errorKind(info('prediction_error', 500))).toBe('model_error');
    expect(errorKind(info('internal_error', 500))).toBe('server');
    expect(errorTitle(info('deployment_unavailable', 503))).toBe('The model is not running right now');
    expect(errorKind(info('bad_gateway', 502))).toBe('gateway');
    expect(errorKind(info('timeout', null))).toBe('timeout');
    expect(errorKind(info('offline', null))).toBe('offline');
    expect(errorKind(info('network', null))).toBe('network');
    expect(errorKind(info('something_new', 418))).toBe('other');
    expect(errorTitle(info('model_not_ready', null))).toBe('This model is not ready yet');
  });
  it('places server field errors next to known fields', () => {
    const e = info('invalid_input', 400, { fieldErrors: [{ field: 'age', message: 'too old' }, { field: 'zz', message: 'what' }] });
    const { byField, other } = serverFieldProblems(e, ['age']);
    expect(byField.get('age')).toBe('Age: too old');
    expect(other).toEqual(['Zz: what']);
    const named = info('invalid_input', 400, { fieldErrors: [{ field: 'square_footage', message: 'square_footage must be at least 100' }] });
    expect(serverFieldProblems(named, ['square_footage']).byField.get('square_footage')).toBe('Square footage must be at least 100.');
  });
});
