/**
 * Per-key rate limiters of the kinds real servers use, so clients can be tested against each:
 *
 * - `rolling`: at most `limit` admitted requests in any window of `windowMs` (a sliding log).
 * - `fixed`: at most `limit` per window aligned to the clock (`windowMs` 60000 = per calendar minute).
 * - `token-bucket`: a bucket of `burst` tokens refilled at `limit` per `windowMs`; a request takes one.
 *
 * Refused requests are not counted, so a client that waits out Retry-After gets through. Every
 * verdict also says what a server would put in rate-limit headers (limit, remaining, reset).
 */

export const LIMITER_KINDS = ['rolling', 'fixed', 'token-bucket'] as const;

export type LimiterKind = (typeof LIMITER_KINDS)[number];

export const RATE_HEADER_STYLES = ['none', 'ietf', 'x', 'both'] as const;

export interface RateRule {
  kind: LimiterKind;
  /** Requests per window (for a token bucket: its refill per window). */
  limit: number;
  windowMs: number;
  /** Token bucket only: how many tokens it holds (the burst it allows). Default 3 (at least 1). */
  burst?: number;
}

export interface RateVerdict {
  ok: boolean;
  /** Whole seconds to wait (refusals only). */
  retryAfterSeconds: number;
  limit: number;
  /** Requests still allowed now, after this one. */
  remaining: number;
  /** Whole seconds until the allowance grows again (a slot frees, the window turns, a token arrives). */
  resetSeconds: number;
}

interface KeyState {
  times: number[];
  head: number;
  windowStart: number;
  count: number;
  tokens: number;
  refilledAt: number;
}

const seconds = (ms: number) => Math.max(0, Math.ceil(ms / 1000));

export class KeyRateLimiter {
  private readonly state = new Map<string, KeyState>();

  /** Admits the request (and counts it) or refuses it; `key` should include the rule so a rule change starts afresh. */
  take(key: string, rule: RateRule, now: number): RateVerdict {
    const limit = Math.max(0, Math.floor(rule.limit));
    let s = this.state.get(key);
    if (!s) {
      s = { times: [], head: 0, windowStart: Number.NEGATIVE_INFINITY, count: 0, tokens: this.burstOf(rule), refilledAt: now };
      this.state.set(key, s);
    }
    if (limit < 1) return { ok: false, retryAfterSeconds: Math.max(1, seconds(rule.windowMs)), limit, remaining: 0, resetSeconds: seconds(rule.windowMs) };
    switch (rule.kind) {
      case 'rolling':
        return this.rolling(s, limit, rule.windowMs, now);
      case 'fixed':
        return this.fixed(s, limit, rule.windowMs, now);
      case 'token-bucket':
        return this.bucket(s, limit, rule, now);
    }
  }

  reset(): void {
    this.state.clear();
  }

  private burstOf(rule: RateRule): number {
    return Math.max(1, Math.floor(rule.burst ?? 3));
  }

  private rolling(s: KeyState, limit: number, windowMs: number, now: number): RateVerdict {
    const { times } = s;
    while (s.head < times.length && times[s.head]! <= now - windowMs) s.head++;
    if (s.head > 1024 && s.head * 2 > times.length) {
      times.splice(0, s.head);
      s.head = 0;
    }
    const count = times.length - s.head;
    if (count >= limit) {
      // The oldest admitted request that must leave before one more fits.
      const waitMs = times[times.length - limit]! + windowMs - now;
      return { ok: false, retryAfterSeconds: Math.max(1, seconds(waitMs)), limit, remaining: 0, resetSeconds: seconds(waitMs) };
    }
    times.push(now);
    return { ok: true, retryAfterSeconds: 0, limit, remaining: limit - count - 1, resetSeconds: seconds(times[s.head]! + windowMs - now) };
  }

  private fixed(s: KeyState, limit: number, windowMs: number, now: number): RateVerdict {
    const start = Math.floor(now / windowMs) * windowMs;
    if (start !== s.windowStart) {
      s.windowStart = start;
      s.count = 0;
    }
    const resetMs = start + windowMs - now;
    if (s.count >= limit) return { ok: false, retryAfterSeconds: Math.max(1, seconds(resetMs)), limit, remaining: 0, resetSeconds: seconds(resetMs) };
    s.count++;
    return { ok: true, retryAfterSeconds: 0, limit, remaining: limit - s.count, resetSeconds: seconds(resetMs) };
  }

  private bucket(s: KeyState, limit: number, rule: RateRule, now: number): RateVerdict {
    const burst = this.burstOf(rule);
    const perMs = limit / rule.windowMs;
    s.tokens = Math.min(burst, s.tokens + (now - s.refilledAt) * perMs);
    s.refilledAt = now;
    if (s.tokens < 1) {
      const waitMs = (1 - s.tokens) / perMs;
      return { ok: false, retryAfterSeconds: Math.max(1, seconds(waitMs)), limit, remaining: 0, resetSeconds: seconds(waitMs) };
    }
    s.tokens -= 1;
    return { ok: true, retryAfterSeconds: 0, limit, remaining: Math.floor(s.tokens), resetSeconds: seconds((burst - s.tokens) / perMs) };
  }
}

/** `RateLimit-Policy` value of a rule: quota and window in seconds (plus the burst of a bucket). */
export function policyOf(rule: RateRule): string {
  const w = Math.max(1, Math.round(rule.windowMs / 1000));
  return `${Math.floor(rule.limit)};w=${w}${rule.kind === 'token-bucket' ? `;burst=${Math.max(1, Math.floor(rule.burst ?? 3))}` : ''}`;
}

export type RateHeaderStyle = (typeof RATE_HEADER_STYLES)[number];

/** The rate-limit headers a server of `style` sends with every answer of a limited key. */
export function rateHeaders(style: RateHeaderStyle, rule: RateRule, v: RateVerdict): Record<string, string> {
  const out: Record<string, string> = {};
  if (style === 'ietf' || style === 'both') {
    out['ratelimit-limit'] = String(v.limit);
    out['ratelimit-remaining'] = String(v.remaining);
    out['ratelimit-reset'] = String(v.resetSeconds);
    out['ratelimit-policy'] = policyOf(rule);
  }
  if (style === 'x' || style === 'both') {
    out['x-ratelimit-limit'] = String(v.limit);
    out['x-ratelimit-remaining'] = String(v.remaining);
    out['x-ratelimit-reset'] = String(v.resetSeconds);
  }
  return out;
}
