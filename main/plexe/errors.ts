import type { PlexeErrorInfo } from '../../shared/domain/plexe-error';
import { AppError } from '../../shared/ipc/errors';
import type { RateLimitInfo } from './rate-limit-headers';

/**
 * Every way a call to Plexe can fail, as one error with plain words for a person. It is an
 * AppError, so over IPC it becomes `{code, message, details: PlexeErrorInfo}`.
 */
export class PlexeError extends AppError {
  readonly info: PlexeErrorInfo;
  /** The refusal's rate-limit headers, if any (set by the client; the engine paces by them). */
  rateLimit: RateLimitInfo | null = null;
  constructor(info: PlexeErrorInfo) {
    super(info.code, info.message, info);
    this.name = 'PlexeError';
    this.info = info;
  }
  get status(): number | null {
    return this.info.httpStatus;
  }
}

export function isPlexeError(e: unknown): e is PlexeError {
  return e instanceof PlexeError;
}

type Base = Partial<PlexeErrorInfo> & Pick<PlexeErrorInfo, 'code' | 'message'>;

export function errorInfo(base: Base): PlexeErrorInfo {
  return {
    code: base.code,
    message: base.message,
    action: base.action ?? null,
    httpStatus: base.httpStatus ?? null,
    requestId: base.requestId ?? null,
    details: base.details ?? null,
    fieldErrors: base.fieldErrors ?? [],
    retryable: base.retryable ?? false,
    retryAfterSeconds: base.retryAfterSeconds ?? null,
  };
}

export function cancelledError(): PlexeError {
  return new PlexeError(errorInfo({ code: 'cancelled', message: 'The request was cancelled.', action: null }));
}

export function timeoutError(timeoutMs: number): PlexeError {
  const seconds = Math.round(timeoutMs / 100) / 10;
  return new PlexeError(
    errorInfo({
      code: 'timeout',
      message: `Plexe did not answer within ${seconds} seconds.`,
      action: 'The model may be busy or starting up. Try again; if it keeps happening, raise the time limit in Settings.',
      retryable: true,
    }),
  );
}

/**
 * Retry-After: delta-seconds or an HTTP date (RFC 9110 §10.2.3). Returns seconds, never negative;
 * null when absent or unreadable.
 */
export function parseRetryAfter(value: string | null | undefined, nowMs: number): number | null {
  if (value === null || value === undefined) return null;
  const v = value.trim();
  if (v === '') return null;
  if (/^\d+(\.\d+)?$/.test(v)) return Number(v);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return null;
  return Math.max(0, (at - nowMs) / 1000);
}

/** Field-level problems the server named, in whichever shape it used. */
export function fieldErrorsFrom(details: unknown): { field: string; message: string }[] {
  const out: { field: string; message: string }[] = [];
  const visit = (d: unknown, prefix: string | null) => {
    if (d === null || d === undefined) return;
    if (Array.isArray(d)) {
      for (const item of d) {
        if (typeof item === 'string') {
          if (prefix) out.push({ field: prefix, message: item });
          continue;
        }
        if (typeof item !== 'object' || item === null) continue;
        const o = item as Record<string, unknown>;
        const loc = Array.isArray(o.loc) ? o.loc.filter((x) => x !== 'body').map(String).join('.') : undefined;
        const field = [o.field, o.name, o.param, o.path, loc].find((x): x is string => typeof x === 'string' && x !== '');
        const message = [o.message, o.msg, o.error, o.detail].find((x): x is string => typeof x === 'string' && x !== '');
        if (field && message) out.push({ field, message });
        else if (message && prefix) out.push({ field: prefix, message });
      }
      return;
    }
    if (typeof d === 'object') {
      const o = d as Record<string, unknown>;
      if (typeof o.field === 'string' && typeof o.message === 'string') {
        out.push({ field: o.field, message: o.message });
        return;
      }
      for (const key of ['errors', 'fields', 'field_errors', 'problems']) {
        if (key in o) {
          visit(o[key], prefix);
          return;
        }
      }
      for (const [k, v] of Object.entries(o)) {
        if (typeof v === 'string') out.push({ field: k, message: v });
        else if (Array.isArray(v) && v.every((x) => typeof x === 'string')) for (const m of v) out.push({ field: k, message: m as string });
        else if (Array.isArray(v) || (typeof v === 'object' && v !== null)) visit(v, k);
      }
    }
  };
  visit(details, null);
  return out;
}

function seconds(n: number): string {
  const s = Math.ceil(n);
  return s === 1 ? '1 second' : `${s} seconds`;
}

const VALIDATION_CODES = new Set(['invalid_input', 'invalid_request', 'validation_error', 'bad_request']);

export interface HttpFailure {
  status: number;
  /** The API's error code, if the body had one. */
  apiCode: string | null;
  apiMessage: string | null;
  details: unknown;
  requestId: string | null;
  retryAfterSeconds: number | null;
  /** The body was an HTML page (a gateway or proxy answered, not Plexe). */
  html: boolean;
}

/** An HTTP error answer → the plain-language error, by status first and the API code second. */
export function mapHttpFailure(f: HttpFailure): PlexeError {
  const common = { httpStatus: f.status, requestId: f.requestId, details: f.details ?? null, retryAfterSeconds: f.retryAfterSeconds };
  const code = f.apiCode ?? '';
  const server = f.apiMessage ? ` Plexe said: "${f.apiMessage.slice(0, 300)}"` : '';
  const make = (b: Base) => new PlexeError(errorInfo({ ...common, ...b }));

  if (f.status === 400 || f.status === 422 || VALIDATION_CODES.has(code)) {
    const fieldErrors = fieldErrorsFrom(f.details);
    const named = fieldErrors.length > 0 ? ` Problems: ${fieldErrors.slice(0, 5).map((e) => `${e.field}: ${e.message}`).join('; ')}${fieldErrors.length > 5 ? '; …' : ''}.` : server;
    return make({
      code: code || (f.status === 422 ? 'validation_error' : 'invalid_input'),
      message: `Plexe could not use the values that were sent.${named}`,
      action: 'Correct the values named here and try again.',
      fieldErrors,
      retryable: false,
    });
  }
  switch (f.status) {
    case 401:
      return make({ code: code || 'unauthorized', message: 'Your API key was rejected.', action: 'Replace it in Accounts (keys can be revoked or expire).', retryable: false });
    case 403:
      return make({
        code: code || 'forbidden',
        message: 'This key may not use this model.',
        action: 'Check that the model belongs to the same Plexe account as the key, or use a key that has access to it.',
        retryable: false,
      });
    case 404:
      return make({
        code: code || 'not_found',
        message: `Plexe could not find this model or address.${server}`,
        action: "Check the model's name and version, and the account's base URL.",
        retryable: false,
      });
    case 405:
      return make({ code: code || 'method_not_allowed', message: 'This deployment does not offer this kind of request.', action: 'Check the base URL; older deployments only accept one row at a time.', retryable: false });
    case 408:
      return make({ code: code || 'timeout', message: 'Plexe gave up waiting for the request.', action: 'Try again.', retryable: true });
    case 413:
      return make({ code: code || 'payload_too_large', message: 'The request was too large for Plexe.', action: 'Send fewer rows per request.', retryable: false });
    case 429: {
      const wait = f.retryAfterSeconds !== null ? `Plexe asked us to wait ${seconds(f.retryAfterSeconds)}.` : 'Plexe asked us to slow down.';
      return make({
        code: code || 'rate_limit_exceeded',
        message: `Too many requests for this key. ${wait}`,
        action: `Retrying after ${f.retryAfterSeconds !== null ? seconds(f.retryAfterSeconds) : 'a short wait'}. If this keeps happening, lower the requests per minute of this account to match its Plexe plan.`,
        retryable: true,
      });
    }
    case 500:
      if (code === 'prediction_error') {
        return make({
          code,
          message: `The model could not make a prediction from these values.${server}`,
          action: "Check the values. If they look right, send the request ID to the model's owner.",
          retryable: false,
        });
      }
      return make({
        code: code || 'internal_error',
        message: `Plexe had an internal problem (HTTP 500).${server}`,
        action: 'Try again later; if it persists, contact Plexe support with the request ID.',
        retryable: false,
      });
    case 502:
    case 504:
      return make({
        code: code || (f.status === 502 ? 'bad_gateway' : 'gateway_timeout'),
        message:
          f.status === 504
            ? 'Plexe’s gateway timed out waiting for the model (HTTP 504).'
            : 'Plexe’s gateway could not reach the model (HTTP 502).',
        action: 'This is usually brief. Try again in a moment.',
        retryable: true,
      });
    case 503:
      return make({
        code: code || 'deployment_unavailable',
        message: 'The model is not running right now.',
        action: 'It may be starting, paused or being updated. Try again in a few minutes, or check it in the Plexe console.',
        retryable: true,
      });
  }
  if (f.status >= 500) {
    return make({
      code: code || 'server_error',
      message: `Plexe answered with an error (HTTP ${f.status}${code ? `, ${code}` : ''}).${server}`,
      action: 'Try again later; if it persists, contact Plexe support with the request ID.',
      retryable: false,
    });
  }
  return make({
    code: code || 'http_error',
    message: `Plexe refused the request (HTTP ${f.status}${code ? `, ${code}` : ''}).${server}`,
    action: 'Check the account settings and the model, then try again.',
    retryable: false,
  });
}

function causeCode(e: unknown): string | null {
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur && typeof cur === 'object'; depth++) {
    const c = (cur as { code?: unknown }).code;
    if (typeof c === 'string' && c !== '') return c;
    cur = (cur as { cause?: unknown }).cause;
  }
  return null;
}

function messages(e: unknown): string {
  const parts: string[] = [];
  let cur: unknown = e;
  for (let depth = 0; depth < 5 && cur && typeof cur === 'object'; depth++) {
    const m = (cur as { message?: unknown }).message;
    if (typeof m === 'string') parts.push(m);
    cur = (cur as { cause?: unknown }).cause;
  }
  return parts.join(' | ');
}

/** A failure below HTTP (Node's fetch / undici, or Electron's net.fetch) → plain words. */
export function mapTransportFailure(e: unknown, host: string): PlexeError {
  const code = causeCode(e) ?? '';
  const text = messages(e);
  const has = (...needles: string[]) => needles.some((n) => code === n || text.includes(n));
  if (has('ENOTFOUND', 'EAI_AGAIN', 'ERR_NAME_NOT_RESOLVED', 'ERR_NAME_RESOLUTION_FAILED')) {
    return new PlexeError(
      errorInfo({
        code: 'offline',
        message: `Could not find the server ${host}.`,
        action: "Check your internet connection and the account's base URL.",
        retryable: true,
      }),
    );
  }
  if (has('ERR_INTERNET_DISCONNECTED', 'ENETUNREACH', 'ERR_NETWORK_CHANGED', 'EHOSTUNREACH', 'ERR_ADDRESS_UNREACHABLE')) {
    return new PlexeError(errorInfo({ code: 'offline', message: `Could not reach ${host}: this computer seems to be offline.`, action: 'Check your internet connection, then try again.', retryable: true }));
  }
  if (has('CERT', 'certificate', 'SSL', 'TLS', 'self-signed', 'self signed')) {
    return new PlexeError(
      errorInfo({
        code: 'network',
        message: `The secure connection to ${host} could not be checked (certificate problem).`,
        action: 'Check the base URL. On a company network, ask IT whether a proxy certificate must be installed.',
        retryable: false,
      }),
    );
  }
  if (has('ECONNREFUSED', 'ERR_CONNECTION_REFUSED')) {
    return new PlexeError(errorInfo({ code: 'network', message: `${host} refused the connection.`, action: "Check the account's base URL and port; the server may be down.", retryable: true }));
  }
  if (has('ERR_PROXY', 'ERR_TUNNEL_CONNECTION_FAILED')) {
    return new PlexeError(errorInfo({ code: 'network', message: `The proxy server did not let the request through to ${host}.`, action: 'Check the proxy settings of this computer.', retryable: true }));
  }
  return new PlexeError(
    errorInfo({
      code: 'network',
      message: `The connection to ${host} failed before Plexe answered${code ? ` (${code})` : ''}.`,
      action: 'Check your internet connection and try again.',
      retryable: true,
    }),
  );
}

export function badResponseError(what: string, status: number, requestId: string | null): PlexeError {
  return new PlexeError(
    errorInfo({
      code: 'bad_response',
      message: `Plexe's answer could not be read (${what}).`,
      action: 'This is usually a dropped connection. Try again.',
      httpStatus: status,
      requestId,
      retryable: true,
    }),
  );
}

/** Takes anything thrown and returns a PlexeError (unknown throwables become a generic network failure). */
export function asPlexeError(e: unknown, host = 'the server'): PlexeError {
  return e instanceof PlexeError ? e : mapTransportFailure(e, host);
}

function megabytes(bytes: number): string {
  const mb = bytes / (1024 * 1024);
  return `${Number.isInteger(mb) ? mb : mb.toFixed(1)} MB`;
}

/** A 3xx: never followed, since the request carries the key. */
export function redirectError(status: number | null, location: string | null, requestId: string | null): PlexeError {
  const where = location ? `a redirect to ${location.slice(0, 300)}` : 'a redirect';
  return new PlexeError(
    errorInfo({
      code: 'redirect_refused',
      message: `The server answered with ${where}; Plexe Desktop never follows a redirect with your key.`,
      action: 'Check the base URL of this account (the address, http or https, and the port).',
      httpStatus: status,
      requestId,
      retryable: false,
    }),
  );
}

/**
 * Electron's net.fetch does not hand back a 3xx under redirect: 'manual': it rejects with "Redirect
 * was cancelled" (the request is dropped before it goes anywhere else).
 */
export function isCancelledRedirect(e: unknown): boolean {
  return /redirect was cancelled|ERR_TOO_MANY_REDIRECTS|unexpected redirect/i.test(messages(e));
}

/** An answer past the size cap: the connection was dropped and nothing of it is kept. */
export function answerTooLargeError(limitBytes: number, status: number, requestId: string | null): PlexeError {
  return new PlexeError(
    errorInfo({
      code: 'answer_too_large',
      message: `The answer was larger than ${megabytes(limitBytes)}, so Plexe Desktop stopped reading it.`,
      action: "Ask the model's owner why its answers are this large, or raise the answer size limit in Settings.",
      httpStatus: status,
      requestId,
      retryable: false,
    }),
  );
}

/** An answer nested past the depth cap. */
export function answerTooDeepError(status: number, requestId: string | null): PlexeError {
  return new PlexeError(
    errorInfo({
      code: 'answer_too_deep',
      message: 'The answer could not be read (nested too deeply).',
      action: "Ask the model's owner to check what the model returns.",
      httpStatus: status,
      requestId,
      retryable: false,
    }),
  );
}

/** A Retry-After past the cap: the wait is not taken; the person is told when to come back. */
export function comeBackLaterError(info: PlexeErrorInfo, retryAt: number, capMs: number): PlexeError {
  const when = new Date(Math.min(retryAt, 8.64e15)).toISOString().replace('T', ' ').replace(/:\d\d\.\d{3}Z$/, ' UTC');
  const cap = capMs >= 3_600_000 && capMs % 3_600_000 === 0 ? `${capMs / 3_600_000} hour${capMs === 3_600_000 ? '' : 's'}` : `${Math.round(capMs / 60_000)} minutes`;
  return new PlexeError(
    errorInfo({
      ...info,
      code: 'come_back_later',
      message: `Plexe asked us to wait until ${when} before sending more requests.`,
      action: `Plexe Desktop does not wait longer than ${cap} on its own. Come back after ${when} and try again (a bulk job resumes where it stopped).`,
      retryable: false,
    }),
  );
}
