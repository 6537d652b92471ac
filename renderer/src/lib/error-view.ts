import type { PlexeErrorInfo } from '../../../shared/domain/plexe-error';
import { errorText } from '../../../shared/domain/error-texts';
import { fieldLabel, sentence } from '../../../shared/domain/labels';

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

/** The panel's heading: the plain-words title shared with the Help screen. */
export function errorTitle(e: Pick<PlexeErrorInfo, 'code' | 'httpStatus'>): string {
  return errorText(e).title;
}

/** A server message about a field, with the field's raw name replaced by its label. */
export function withLabel(field: string, message: string): string {
  const label = fieldLabel(field);
  const named = message.split(field).join(label);
  return named === message && !message.startsWith(label) ? `${label}: ${message}` : sentence(named.charAt(0).toUpperCase() + named.slice(1));
}

/** Field problems the server named, keyed by field, for showing next to the form's controls; every message names the field by its label. */
export function serverFieldProblems(e: PlexeErrorInfo, fieldNames: readonly string[]): { byField: Map<string, string>; other: string[] } {
  const byField = new Map<string, string>();
  const other: string[] = [];
  const names = new Set(fieldNames);
  for (const fe of e.fieldErrors) {
    if (names.has(fe.field) && !byField.has(fe.field)) byField.set(fe.field, withLabel(fe.field, fe.message));
    else other.push(withLabel(fe.field, fe.message));
  }
  return { byField, other };
}
