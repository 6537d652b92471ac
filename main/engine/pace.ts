import type { RateLimitInfo } from '../plexe/rate-limit-headers';

/**
 * How fast one profile's requests may start: the user's setting, or less when the server has
 * shown (by a 429) or said (by rate-limit headers) that it accepts less.
 *
 * - Learn from a 429: the server refused after accepting what it accepted within its window, so
 *   the requests answered within that window before the 429 are its limit, a count per window
 *   (never more than the pace that was refused). The window is the shortest common one at least
 *   as long as the wait it asked for whose count at the 429 is not below what it held before (a
 *   window that held more without a refusal is not the one that refused; see estimate()). Starts
 *   then hold at that count per window (`windowBound()`, enforced by the limiter) at its even
 *   pace; a rate without a window (remembered, headers) is held just below (`hold`, 98 %). A 429
 *   soon after another whose counts only repeat the pace (a token bucket drains at any pace above
 *   its rate) cuts by a tenth instead.
 * - Probe: after a quiet spell without a 429 the pace steps up multiplicatively toward the
 *   setting until the next 429; the step before the refused one held, so it is the new limit.
 *   Each 429 that finds the limit where it was doubles the quiet spell, so a confirmed limit costs
 *   ever fewer refusals. A refusal at the held pace only nudges the limit down (by `hold`); one
 *   set by the half-floor (a token bucket's burst early in a run) is probed after one step.
 * - Headers: a `RateLimit-Policy` (quota per window) is the limit, no 429 needed; without one, the
 *   limit over the longest reset seen approximates it, and on long windows the remaining
 *   allowance over the time to its reset caps the pace until then.
 * - A remembered limit (from an earlier job with the same account) is where a new limiter starts.
 */

export interface PaceOptions {
  /** Fraction of a learned limit to pace at. */
  hold?: number;
  /** Quiet time after a 429 before probing upward (doubles while probes confirm the limit). */
  probeAfterMs?: number;
  /** Longest quiet time. */
  maxProbeAfterMs?: number;
  /** Probe: multiply the pace by `probeFactor` every `probeStepMs` (or the server's window, if longer). */
  probeStepMs?: number;
  probeFactor?: number;
  /** A second 429 this soon after the last one whose counts say nothing new cuts by `repeatCut`. */
  repeatWithinMs?: number;
  repeatCut?: number;
  /** Windows a server's limiter commonly counts over. */
  windowsMs?: readonly number[];
}

export type PaceSource = '429' | 'headers' | 'remembered';

export interface LearnedPace {
  /** Requests per second the server accepts. */
  perSecond: number;
  source: PaceSource;
}

const HISTORY_MS = 60_000;
/** Fewer accepted requests than this in a window say nothing about a limit. */
const MIN_COUNT = 3;
const NOT_WORTH_PROBING = 0.97;
/** A window whose count at a 429 is below this share of its earlier high did not refuse. */
const BELOW_HIGH = 0.95;
/** A limit is held as a count per window only when one request is at most this share of it. */
const COUNT_GRAIN = 0.05;

/** A limit learned from a 429: `count` requests in any `windowMs`. */
export interface WindowLimit {
  count: number;
  windowMs: number;
}

export class Pace {
  private target: number;
  private ceiling: number | null = null;
  /** The ceiling as a count per window, when a 429 taught it (null: a bare rate, held at `hold`). */
  private ceilingWindow: WindowLimit | null = null;
  private source: PaceSource | null = null;
  private headerCeiling: number | null = null;
  private readonly hold: number;
  private readonly probeAfterMs: number;
  private readonly maxProbeAfterMs: number;
  private readonly probeStepMs: number;
  private readonly probeFactor: number;
  private readonly repeatWithinMs: number;
  private readonly repeatCut: number;
  private readonly windowsMs: readonly number[];

  /** Answer times of accepted requests over the last minute (in order). */
  private accepted: number[] = [];
  private head = 0;
  /** Per common window: the most accepted requests it held at any answer since `highsSince`. */
  private highs: number[];
  private highsSince: number | null = null;
  private historyStart: number | null = null;
  private lastCutAt = Number.NEGATIVE_INFINITY;
  private quietMs: number;
  private maxResetSeen = 0;
  /** The server's window as last guessed (later waits are short once traffic is steady). */
  private serverWindowMs = 0;
  /** The last estimate counted over a window that held one of our pauses (a token bucket's rate looks lower then). */
  private uncertain = false;
  private pausedUntil = 0;
  private budget: { rate: number; until: number } | null = null;

  /** `targetPerSecond`: the user's setting. */
  constructor(targetPerSecond: number, opts: PaceOptions = {}, remembered?: number) {
    this.target = targetPerSecond;
    this.hold = opts.hold ?? 0.98;
    this.probeAfterMs = opts.probeAfterMs ?? 60_000;
    this.maxProbeAfterMs = opts.maxProbeAfterMs ?? 600_000;
    this.probeStepMs = opts.probeStepMs ?? 2_000;
    this.probeFactor = opts.probeFactor ?? 1.1;
    this.repeatWithinMs = opts.repeatWithinMs ?? 5_000;
    this.repeatCut = opts.repeatCut ?? 0.9;
    this.windowsMs = opts.windowsMs ?? [1_000, 10_000, 60_000];
    this.quietMs = this.probeAfterMs;
    this.highs = this.windowsMs.map(() => 0);
    if (remembered !== undefined && remembered > 0) {
      // Start at the remembered limit; the quiet spell before probing starts with the first request.
      this.ceiling = remembered;
      this.source = 'remembered';
    }
  }

  setTarget(perSecond: number): void {
    this.target = perSecond;
  }

  /** Requests per second to pace starts at, now. */
  rate(now: number): number {
    let r = this.target;
    if (this.headerCeiling !== null) r = Math.min(r, this.hold * this.headerCeiling);
    if (this.budget && this.budget.rate > 0 && now < this.budget.until) r = Math.min(r, this.budget.rate);
    if (this.ceiling === null) return r;
    return Math.min(r, this.held() * this.probeFactor ** this.probeStep(now));
  }

  /** The pace a learned limit is held at: a count per window at its own rate, a bare rate a little below. */
  private held(): number {
    if (this.ceiling === null) return this.target;
    return this.ceilingWindow ? this.ceiling : this.hold * this.ceiling;
  }

  /**
   * The count per window starts hold at (besides the pace), while a learned limit keeps the pace
   * below the setting: the count that was accepted, raised by the probe's steps.
   */
  windowBound(now: number): WindowLimit | null {
    const w = this.ceilingWindow;
    if (w === null) return null;
    return { count: Math.max(1, Math.floor(w.count * this.probeFactor ** this.probeStep(now) + 1e-9)), windowMs: w.windowMs };
  }

  /** How many probing steps up the pace is at `at` (0 = holding). */
  private probeStep(at: number): number {
    const sinceCut = at - this.lastCutAt;
    // A limit within a few per cent of the setting leaves nothing worth a refusal to find.
    if (this.ceiling === null || sinceCut < this.quietMs || this.ceiling >= this.target * NOT_WORTH_PROBING) return 0;
    // A step lasts at least the server's window: only then has it shown the pace holds.
    return Math.min(200, Math.floor((sinceCut - this.quietMs) / Math.max(this.probeStepMs, this.serverWindowMs)) + 1);
  }

  /** What this server has been seen to accept, for the progress view and the next job; null = nothing below the setting. */
  learned(now: number): LearnedPace | null {
    const told = this.headerCeiling;
    const limit = told !== null && (this.ceiling === null || told <= this.ceiling) ? told : this.ceiling;
    if (limit === null || limit >= this.target || this.rate(now) >= this.target) return null;
    return { perSecond: limit, source: limit === told ? 'headers' : (this.source ?? '429') };
  }

  /** A request was granted (starts the history the estimates look back on). */
  started(now: number): void {
    if (this.source === 'remembered' && this.lastCutAt === Number.NEGATIVE_INFINITY) this.lastCutAt = now;
    if (this.historyStart === null || (this.accepted.length === this.head && now - this.lastAcceptedAt() > HISTORY_MS)) this.historyStart = now;
  }

  /** The server took a request (any answer but a 429). */
  acceptedAt(now: number): void {
    this.accepted.push(now);
    this.prune(now);
    if (this.highsSince === null) this.highsSince = now;
    for (let k = 0; k < this.windowsMs.length; k++) this.highs[k] = Math.max(this.highs[k]!, this.countWithin(now, this.windowsMs[k]!));
  }

  /** Accepted requests answered within (now - windowMs, now]. */
  private countWithin(now: number, windowMs: number): number {
    const edge = now - windowMs;
    let lo = this.head;
    let hi = this.accepted.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.accepted[mid]! > edge) hi = mid;
      else lo = mid + 1;
    }
    return this.accepted.length - lo;
  }

  /**
   * A 429 for a request started at `startedAt`; `pace` was the rate it was sent at; the server
   * asked to wait `retryAfterMs`. Returns whether it taught anything (a cut).
   */
  throttled(now: number, startedAt: number, pace: number, retryAfterMs: number): boolean {
    if (startedAt < this.lastCutAt) return false;
    const counted = this.estimate(now, retryAfterMs);
    const estimate = counted ? (counted.count * 1000) / counted.windowMs : null;
    const prior = this.ceiling;
    const aboveHeld = prior === null || pace > this.held() * 1.01;
    // A refusal at the held pace only nudges the limit, in the window it was learned in (the
    // counts of a busy moment say little about which window refused).
    const nudge = prior !== null && !aboveHeld;
    if (counted && !(nudge && this.serverWindowMs > 0)) this.serverWindowMs = counted.windowMs;
    const windowMs = this.serverWindowMs;
    // A count per window is held at its own rate when one request is a small share of it; a
    // coarser one (or a bare rate) at `hold` of it.
    const byCount = windowMs > 0 && ((pace * windowMs) / 1000) * COUNT_GRAIN >= 1;
    let limit = Math.min(estimate ?? pace, pace);
    // Refused again soon above the held pace, and the counts only repeat the pace: the limit is
    // well below it. At the held pace a refusal only nudges it down (a count that held one of our
    // pauses or a slow climb is low).
    if (aboveHeld && now - this.lastCutAt < this.repeatWithinMs && limit >= this.hold * pace) limit = pace * this.repeatCut;
    if (nudge) limit = Math.max(limit, prior * this.hold);
    // Refused while probing: the limit was held for the whole quiet spell, and the step before held
    // too, so it is the step before (counts over a climb say less: the longer windows hold its
    // slower steps, and a bucket's burst lets a step above its rate through for a while).
    const step = prior === null ? 0 : this.probeStep(startedAt);
    if (prior !== null && step > 0 && !this.uncertain) limit = Math.max(prior, pace / this.probeFactor / (byCount ? 1 : this.hold));
    // One refusal never takes more than half: sparse counts (after a pause, a stalled network, a
    // token bucket's burst early in a run) say little, so a limit set by this floor is probed soon.
    const sparse = limit <= pace * 0.5;
    limit = Math.max(limit, pace * 0.5);
    const confirms = prior !== null && this.source !== 'remembered' && Math.abs(limit - prior) <= prior * 0.05;
    this.quietMs = confirms ? Math.min(this.maxProbeAfterMs, this.quietMs * 2) : sparse ? this.probeStepMs : this.uncertain ? this.probeAfterMs / 6 : this.probeAfterMs;
    this.pausedUntil = now + retryAfterMs;
    this.ceiling = limit;
    const count = Math.floor((limit * windowMs) / 1000 + 1e-9);
    this.ceilingWindow = byCount && count >= MIN_COUNT ? { count, windowMs } : null;
    if (this.ceilingWindow) this.ceiling = (count * 1000) / windowMs;
    this.source = '429';
    this.lastCutAt = now;
    // Highs start afresh at the new pace.
    this.highs.fill(0);
    this.highsSince = null;
    return true;
  }

  /** Rate-limit headers on an answer. */
  headers(now: number, info: RateLimitInfo): void {
    if (info.policy) {
      this.headerCeiling = info.policy.quota / info.policy.windowSeconds;
    } else if (info.limit !== null && info.resetSeconds !== null) {
      this.maxResetSeen = Math.max(this.maxResetSeen, info.resetSeconds, 1);
      this.headerCeiling = info.limit / this.maxResetSeen;
    }
    // On a long window the allowance left over the time to its reset is the pace that spends it
    // evenly (on short ones whole-second resets are too coarse to say more than the limit).
    if (info.remaining !== null && info.resetSeconds !== null && info.resetSeconds >= 2) {
      this.budget = { rate: info.remaining / info.resetSeconds, until: now + info.resetSeconds * 1000 };
    }
  }

  /** Until when the headers said nothing is left (long windows only); 0 = not blocked. */
  blockedUntil(now: number): number {
    return this.budget && this.budget.rate === 0 && now < this.budget.until ? this.budget.until : 0;
  }

  private lastAcceptedAt(): number {
    return this.accepted.length > this.head ? this.accepted[this.accepted.length - 1]! : Number.NEGATIVE_INFINITY;
  }

  private prune(now: number): void {
    const edge = now - HISTORY_MS;
    while (this.head < this.accepted.length && this.accepted[this.head]! <= edge) this.head++;
    if (this.head > 1024 && this.head * 2 > this.accepted.length) {
      this.accepted = this.accepted.slice(this.head);
      this.head = 0;
    }
  }

  /**
   * What the server accepted within its window before now: a count per window. The window is the
   * shortest common one at least as long as the wait it asked for (a rolling or fixed window frees
   * room within one window, so Retry-After says little once traffic is steady) whose count now is
   * not below its earlier high: a window that held more before without a refusal did not refuse.
   * A history shorter than the window counts all of it (the server's window holds all of it).
   */
  private estimate(now: number, retryAfterMs: number): WindowLimit | null {
    this.prune(now);
    if (this.historyStart === null || now <= this.historyStart) return null;
    const floor = Math.max(retryAfterMs, this.serverWindowMs);
    const tracked = this.highsSince === null ? 0 : now - this.highsSince;
    let chosen = -1;
    for (let k = 0; k < this.windowsMs.length; k++) {
      const w = this.windowsMs[k]!;
      if (w < floor) continue;
      chosen = k;
      // Judged only once it has a full window of history before the current one.
      const fresh = tracked < 2 * w || this.countWithin(now, w) >= BELOW_HIGH * this.highs[k]!;
      if (fresh) break;
    }
    if (chosen < 0) chosen = this.windowsMs.length - 1;
    const w = this.windowsMs[chosen]!;
    // Our own pause inside a one-second window makes a token bucket's rate look lower than it is.
    this.uncertain = w <= 1000 && this.pausedUntil > now - w;
    const count = this.countWithin(now, w);
    if (count < MIN_COUNT) return null;
    return { count, windowMs: w };
  }
}
