import type { PlexeErrorInfo } from '../../../shared/domain/plexe-error';

export type ErrorKind = 'not_ready' | 'invalid' | 'auth' | 'forbidden' | 'not_found' | 'rate' | 'model_error' | 'server' | 'unavailable' | 'gateway' | 'timeout' | 'offline' | 'network' | 'bad_response' | 'cancelled' | 'other';

/** Which panel a failed call gets: by HTTP status first, then by the code. */
export function errorKind(e: Pick<PlexeErrorInfo, 'code' | 'httpStatus'>): ErrorKind {
  const s = e.httpStatus;
  if (e.code === 'model_not_ready') return 'not_ready';
  if (s === 400 || s === 422 || e.code === 'invalid_input' || e.code === 'validation_error' || e.code === 'invalid_request') return 'invalid';
  if (s === 401 || e.code === 'unauthorized' || e.code === 'no_key' || e.code === 'missing_key') return 'auth';
  if (s === 403 || e.code === 'forbidden') return 'forbidden';
  if (s === 404 || e.code === 'not_found') return 'not_found';
  if (s === 429 || e.code === 'rate_limit_exceeded') return 'rate';
  if (s === 500 && e.code === 'prediction_error') return 'model_error';
  if (s === 503 || e.code === 'deployment_unavailable' || e.code === 'service_unavailable' || e.code === 'not_ready') return 'unavailable';
  if (s === 502 || s === 504) return 'gateway';
  if (s !== null && s >= 500) return 'server';
  switch (e.code) {
    case 'timeout':
      return 'timeout';
    case 'offline':
      return 'offline';
    case 'network':
      return 'network';
    case 'bad_response':
      return 'bad_response';
    case 'cancelled':
      return 'cancelled';
  }
  return 'other';
}

const TITLES: Record<ErrorKind, string> = {
  not_ready: 'This model is not ready yet',
  invalid: 'Some values were not accepted',
  auth: 'Your API key was rejected',
  forbidden: 'This key may not use this model',
  not_found: 'Model not found',
  rate: 'Plexe asked us to slow down',
  model_error: 'The model could not make a prediction',
  server: 'Plexe had a problem',
  unavailable: 'The model is not running right now',
  gateway: 'Plexe’s gateway did not answer',
  timeout: 'No answer in time',
  offline: 'No connection to Plexe',
  network: 'Could not reach Plexe',
  bad_response: 'The answer could not be read',
  cancelled: 'Cancelled',
  other: 'The prediction failed',
};

export function errorTitle(e: Pick<PlexeErrorInfo, 'code' | 'httpStatus'>): string {
  return TITLES[errorKind(e)];
}

/** Field problems the server named, keyed by field, for showing next to the form's controls. */
export function serverFieldProblems(e: PlexeErrorInfo, fieldNames: readonly string[]): { byField: Map<string, string>; other: string[] } {
  const byField = new Map<string, string>();
  const other: string[] = [];
  const names = new Set(fieldNames);
  for (const fe of e.fieldErrors) {
    if (names.has(fe.field) && !byField.has(fe.field)) byField.set(fe.field, fe.message);
    else other.push(`${fe.field}: ${fe.message}`);
  }
  return { byField, other };
}
