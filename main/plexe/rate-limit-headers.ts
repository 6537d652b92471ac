/**
 * What a server's rate-limit headers say, in the forms deployments use:
 * - IETF drafts, older: `RateLimit-Limit: 10`, `RateLimit-Remaining: 4`, `RateLimit-Reset: 1`
 *   (delta seconds), `RateLimit-Policy: 10;w=1` (several policies comma-separated; the limit
 *   header may carry them too: `RateLimit-Limit: 10, 10;w=1`).
 * - IETF drafts, newer: `RateLimit-Policy: "default";q=100;w=10`, `RateLimit: "default";r=50;t=30`.
 * - Common: `X-RateLimit-Limit`, `X-RateLimit-Remaining`, `X-RateLimit-Reset` (delta seconds, or
 *   epoch seconds when it is that large), `X-RateLimit-Reset-After`.
 */

export interface RateLimitPolicy {
  /** Requests allowed per window. */
  quota: number;
  windowSeconds: number;
}

export interface RateLimitInfo {
  limit: number | null;
  remaining: number | null;
  /** Seconds until the allowance grows again. */
  resetSeconds: number | null;
  /** The most restrictive policy the server named (lowest quota ÷ window), if any. */
  policy: RateLimitPolicy | null;
}

interface HeaderSource {
  get(name: string): string | null;
}

const EPOCH_SECONDS = 1_000_000_000;

function nonNegative(raw: string | null | undefined): number | null {
  if (raw === null || raw === undefined) return null;
  const t = raw.trim();
  if (!/^\d+(\.\d+)?$/.test(t)) return null;
  const n = Number(t);
  return Number.isFinite(n) ? n : null;
}

/** Parameters of one list member: `10;w=1` or `"default";q=10;w=1` → {head, params}. */
function member(text: string): { head: string; params: Map<string, string> } {
  const parts = text.split(';').map((p) => p.trim());
  const params = new Map<string, string>();
  for (const p of parts.slice(1)) {
    const eq = p.indexOf('=');
    if (eq > 0) params.set(p.slice(0, eq).trim().toLowerCase(), p.slice(eq + 1).trim().replace(/^"|"$/g, ''));
  }
  return { head: parts[0] ?? '', params };
}

function policiesIn(value: string | null): RateLimitPolicy[] {
  if (!value) return [];
  const out: RateLimitPolicy[] = [];
  for (const raw of value.split(',')) {
    const { head, params } = member(raw);
    const quota = nonNegative(params.get('q') ?? head);
    const windowSeconds = nonNegative(params.get('w') ?? null);
    if (quota !== null && windowSeconds !== null && windowSeconds > 0) out.push({ quota, windowSeconds });
  }
  return out;
}

function strictest(policies: RateLimitPolicy[]): RateLimitPolicy | null {
  let best: RateLimitPolicy | null = null;
  for (const p of policies) if (!best || p.quota / p.windowSeconds < best.quota / best.windowSeconds) best = p;
  return best;
}

function resetOf(raw: string | null, nowMs: number): number | null {
  const n = nonNegative(raw);
  if (n === null) return null;
  return n >= EPOCH_SECONDS ? Math.max(0, n - nowMs / 1000) : n;
}

/** null when the answer carries no rate-limit header this understands. */
export function parseRateLimitHeaders(headers: HeaderSource, nowMs: number): RateLimitInfo | null {
  const limitRaw = headers.get('ratelimit-limit') ?? headers.get('x-ratelimit-limit');
  const policy = strictest([...policiesIn(headers.get('ratelimit-policy')), ...policiesIn(headers.get('x-ratelimit-policy')), ...policiesIn(limitRaw && limitRaw.includes(';') ? limitRaw : null)]);
  let limit = nonNegative(limitRaw?.split(',')[0]?.split(';')[0]);
  let remaining = nonNegative(headers.get('ratelimit-remaining') ?? headers.get('x-ratelimit-remaining'));
  let resetSeconds = resetOf(headers.get('ratelimit-reset') ?? headers.get('x-ratelimit-reset-after') ?? headers.get('x-ratelimit-reset'), nowMs);
  const combined = headers.get('ratelimit');
  if (combined) {
    const { params } = member(combined.split(',')[0] ?? '');
    remaining ??= nonNegative(params.get('r'));
    resetSeconds ??= nonNegative(params.get('t'));
  }
  limit ??= policy?.quota ?? null;
  if (limit === null && remaining === null && resetSeconds === null && policy === null) return null;
  return { limit, remaining, resetSeconds, policy };
}

/** The `rateLimit` an answer of the client carries (InferAnswer, BatchAnswer, PlexeError), if any. */
export function rateLimitOf(value: unknown): RateLimitInfo | null {
  if (typeof value !== 'object' || value === null || !('rateLimit' in value)) return null;
  const r = (value as { rateLimit: unknown }).rateLimit;
  return typeof r === 'object' && r !== null ? (r as RateLimitInfo) : null;
}
