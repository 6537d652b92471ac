/**
 * Per-key rolling-window limiter: at most `limit` admitted requests in any window of `windowMs`.
 * Refused requests are not counted, so a client that waits out Retry-After gets through.
 */
export class RollingWindowLimiter {
  private readonly hits = new Map<string, { times: number[]; head: number }>();

  /** Admits the request (and counts it) or answers how many whole seconds to wait. */
  take(key: string, limit: number, windowMs: number, now: number): { ok: true } | { ok: false; retryAfterSeconds: number } {
    if (limit < 1) return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(windowMs / 1000)) };
    let entry = this.hits.get(key);
    if (!entry) {
      entry = { times: [], head: 0 };
      this.hits.set(key, entry);
    }
    const { times } = entry;
    while (entry.head < times.length && times[entry.head]! <= now - windowMs) entry.head++;
    if (entry.head > 1024 && entry.head * 2 > times.length) {
      times.splice(0, entry.head);
      entry.head = 0;
    }
    if (times.length - entry.head >= limit) {
      // The oldest admitted request in the window leaves it at oldest + windowMs.
      const oldest = times[times.length - limit]!;
      const waitMs = Math.max(0, oldest + windowMs - now);
      return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil(waitMs / 1000)) };
    }
    times.push(now);
    return { ok: true };
  }

  reset(): void {
    this.hits.clear();
  }
}
