import { describe, expect, it } from 'vitest';
import { ERROR_TEXTS, errorText } from './error-texts';

describe('plain-words error texts', () => {
  it('has one entry for every documented Plexe code and every network failure', () => {
    const codes = ERROR_TEXTS.flatMap((t) => t.codes);
    for (const c of ['invalid_input', 'unauthorized', 'forbidden', 'not_found', 'rate_limit_exceeded', 'prediction_error', 'deployment_unavailable', 'invalid_request', 'validation_error', 'internal_error', 'service_unavailable', 'timeout', 'offline', 'network', 'bad_response', 'redirect_refused', 'answer_too_large', 'answer_too_deep', 'come_back_later', 'file_not_granted']) {
      expect(codes).toContain(c);
    }
    expect(new Set(codes).size).toBe(codes.length);
    // The Help screen lists them by title: no two alike.
    expect(new Set(ERROR_TEXTS.map((t) => t.title)).size).toBe(ERROR_TEXTS.length);
    for (const t of ERROR_TEXTS) for (const s of [t.title, t.means, t.todo]) expect(s).not.toMatch(/_/);
  });
  it('finds a text by code, then by HTTP status, and never leaves an unknown error without one', () => {
    expect(errorText({ code: 'unauthorized', httpStatus: 401 }).title).toBe('Your API key was rejected');
    expect(errorText({ code: 'http_error', httpStatus: 401 }).title).toBe('Your API key was rejected');
    expect(errorText({ code: 'prediction_error', httpStatus: 500 }).title).toBe('The model could not make a prediction');
    expect(errorText({ code: 'weird', httpStatus: 500 }).title).toBe('Plexe had a problem');
    expect(errorText({ code: 'weird', httpStatus: 504 }).title).toBe('Plexe\u2019s gateway did not answer');
    expect(errorText({ code: 'weird', httpStatus: 418 }).title).toBe('The request failed');
  });
});
