/**
 * Removes secrets from anything before it is written to a log, copied into a diagnostics report
 * or shown in an error. Pure apart from the registry of known secret strings, which the key store
 * fills (`registerSecret`) so that a key is caught even where it appears in free text.
 */

export const REDACTED = '[redacted]';

/** Strings shorter than this are not treated as secrets: replacing them would shred ordinary text. */
export const MIN_SECRET_LENGTH = 6;

const MAX_DEPTH = 8;

/** Field names whose value is always a secret (compared without case, `-`, `_` or spaces). */
const SECRET_FIELDS = new Set([
  'key',
  'apikey',
  'xapikey',
  'authorization',
  'proxyauthorization',
  'password',
  'passwd',
  'passphrase',
  'token',
  'accesstoken',
  'refreshtoken',
  'idtoken',
  'secret',
  'clientsecret',
  'cookie',
  'setcookie',
]);

export function isSecretField(name: string): boolean {
  return SECRET_FIELDS.has(name.toLowerCase().replace(/[-_\s]/g, ''));
}

/** Known secret strings (API keys the key store holds), longest first so overlaps redact fully. */
export class SecretRegistry {
  private readonly secrets = new Set<string>();
  private sorted: string[] = [];

  add(secret: string): void {
    const s = secret.trim();
    if (s.length < MIN_SECRET_LENGTH || this.secrets.has(s)) return;
    this.secrets.add(s);
    this.sorted = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  remove(secret: string): void {
    if (this.secrets.delete(secret.trim())) this.sorted = [...this.secrets].sort((a, b) => b.length - a.length);
  }

  clear(): void {
    this.secrets.clear();
    this.sorted = [];
  }

  get size(): number {
    return this.secrets.size;
  }

  scrub(text: string): string {
    let out = text;
    for (const s of this.sorted) if (out.includes(s)) out = out.split(s).join(REDACTED);
    return out;
  }
}

/** The process-wide registry the key store feeds; `redact` consults it unless given another. */
export const knownSecrets = new SecretRegistry();

/** Called by the key store whenever it saves or reads a key, so the key is scrubbed everywhere. */
export function registerSecret(secret: string): void {
  knownSecrets.add(secret);
}

/** Called when a key is deleted (it can no longer be used, but scrubbing it does no harm either). */
export function forgetSecret(secret: string): void {
  knownSecrets.remove(secret);
}

// `name: value`, `name=value`, `"name":"value"` for secret-bearing names inside free text
// (request dumps, URLs with query strings, the sandbox's `key=…` line). The value may carry an
// auth scheme (`Authorization: Bearer abc`), which is swallowed with it.
const NAMED_VALUE =
  /(\b(?:x-api-key|api[-_]?key|proxy-authorization|authorization|password|passwd|passphrase|client[-_]?secret|access[-_]?token|refresh[-_]?token|id[-_]?token|token|secret|key)\b)(\\?["']?\s*[:=]\s*\\?["']?)((?:(?:Bearer|Basic|Token|Digest)\s+)?[^\s"'&,;}\]\\]+)/gi;
const AUTH_SCHEME = /\b(Bearer|Basic)(\s+)[A-Za-z0-9\-._~+/]+=*/gi;
const URL_PASSWORD = /(\b[a-z][a-z0-9+.-]*:\/\/[^\s:/@]+:)([^\s@/]+)(@)/gi;

export function redactString(text: string, registry: SecretRegistry = knownSecrets): string {
  let out = registry.scrub(text);
  out = out.replace(NAMED_VALUE, (whole, name: string, sep: string, value: string) =>
    value === REDACTED || value.startsWith('[redacted') ? whole : `${name}${sep}${REDACTED}`,
  );
  out = out.replace(AUTH_SCHEME, (whole, scheme: string, space: string) => {
    // Whatever follows "Bearer" is a credential; after "Basic" a short word ("Basic
    // plan") is ordinary text.
    const value = whole.slice(scheme.length + space.length);
    return scheme.toLowerCase() !== 'bearer' && value.length < 8 ? whole : `${scheme}${space}${REDACTED}`;
  });
  out = out.replace(URL_PASSWORD, `$1${REDACTED}$3`);
  return out;
}

/**
 * A copy of `value` safe to log: secret-named fields blanked, strings scrubbed, errors flattened to
 * `{name, message, code, …}` (their stacks scrubbed too), cycles and depth bounded. Never throws.
 */
export function redact(value: unknown, registry: SecretRegistry = knownSecrets): unknown {
  return walk(value, registry, 0, new WeakSet());
}

function walk(value: unknown, registry: SecretRegistry, depth: number, seen: WeakSet<object>): unknown {
  if (typeof value === 'string') return redactString(value, registry);
  if (value === null || value === undefined || typeof value === 'number' || typeof value === 'boolean') return value;
  if (typeof value === 'bigint') return value.toString();
  if (typeof value === 'symbol') return value.toString();
  if (typeof value === 'function') return '[function]';
  if (typeof value !== 'object') return String(value);
  if (seen.has(value)) return '[circular]';
  if (depth >= MAX_DEPTH) return '[too deep]';
  seen.add(value);
  try {
    if (value instanceof Date) return Number.isNaN(value.getTime()) ? 'Invalid Date' : value.toISOString();
    if (ArrayBuffer.isView(value) || value instanceof ArrayBuffer) return `[binary ${value.byteLength} bytes]`;
    if (value instanceof Error) return walkError(value, registry, depth, seen);
    if (typeof Headers !== 'undefined' && value instanceof Headers) {
      return walkEntries([...value.entries()], registry, depth, seen);
    }
    if (value instanceof Map) return walkEntries([...value.entries()].map(([k, v]) => [String(k), v]), registry, depth, seen);
    if (value instanceof Set) return [...value].map((v) => walk(v, registry, depth + 1, seen));
    if (Array.isArray(value)) {
      // A header pair such as ['x-api-key', 'abc'] (fetch's init.headers may be a list of pairs).
      if (value.length === 2 && typeof value[0] === 'string' && isSecretField(value[0])) return [value[0], REDACTED];
      return value.map((v) => walk(v, registry, depth + 1, seen));
    }
    return walkEntries(Object.entries(value), registry, depth, seen);
  } catch {
    return '[unreadable]';
  } finally {
    seen.delete(value);
  }
}

function walkEntries(entries: [string, unknown][], registry: SecretRegistry, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) {
    const name = redactString(k, registry);
    out[name] = isSecretField(k) && v !== null && v !== undefined && v !== '' ? REDACTED : walk(v, registry, depth + 1, seen);
  }
  return out;
}

function walkError(error: Error, registry: SecretRegistry, depth: number, seen: WeakSet<object>): Record<string, unknown> {
  const out: Record<string, unknown> = { name: error.name, message: redactString(error.message, registry) };
  const extra = walkEntries(
    Object.entries(error).filter(([k]) => k !== 'name' && k !== 'message' && k !== 'stack' && k !== 'cause'),
    registry,
    depth,
    seen,
  );
  Object.assign(out, extra);
  if (error.cause !== undefined) out['cause'] = walk(error.cause, registry, depth + 1, seen);
  if (typeof error.stack === 'string') out['stack'] = redactString(error.stack, registry);
  return out;
}
