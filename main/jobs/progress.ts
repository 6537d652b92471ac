/**
 * Rows answered per minute over a sliding few seconds, and the time left at that pace. Fed one
 * count per answered row; bounded memory (one bucket per quarter second).
 */
export class RateMeter {
  private readonly buckets: { at: number; n: number }[] = [];

  constructor(
    private readonly now: () => number,
    private readonly windowMs = 5_000,
    private readonly bucketMs = 250,
  ) {}

  add(n = 1): void {
    const t = this.now();
    const last = this.buckets[this.buckets.length - 1];
    if (last && t - last.at < this.bucketMs) last.n += n;
    else this.buckets.push({ at: t, n });
    this.trim(t);
  }

  /** Rows per minute over the window (0 before anything was counted). */
  perMinute(): number {
    const t = this.now();
    this.trim(t);
    const first = this.buckets[0];
    if (!first) return 0;
    const total = this.buckets.reduce((s, b) => s + b.n, 0);
    // At least one second of span, so the first few rows do not read as a huge rate.
    const span = Math.max(1_000, t - first.at);
    return (total * 60_000) / span;
  }

  /** Seconds to answer `remaining` rows at the current pace; null when there is no pace yet. */
  etaSeconds(remaining: number): number | null {
    if (remaining <= 0) return 0;
    const rpm = this.perMinute();
    if (rpm <= 0) return null;
    return Math.round((remaining / rpm) * 60);
  }

  private trim(t: number): void {
    while (this.buckets.length > 0 && t - this.buckets[0]!.at > this.windowMs) this.buckets.shift();
  }
}

/** Calls `fn` at most once per `intervalMs`; `flush()` forces a last call. */
export class Throttle {
  private last = -Infinity;
  constructor(
    private readonly now: () => number,
    private readonly intervalMs: number,
    private readonly fn: () => void,
  ) {}

  poke(): void {
    const t = this.now();
    if (t - this.last >= this.intervalMs) {
      this.last = t;
      this.fn();
    }
  }

  flush(): void {
    this.last = this.now();
    this.fn();
  }
}
