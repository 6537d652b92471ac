import { abortReason, type Clock } from './clock';

import type { RateLimitInfo } from '../plexe/rate-limit-headers';
import { Pace, type LearnedPace, type PaceOptions } from './pace';

/**
 * One profile's share of Plexe: every request start for that profile (form, what-if, bulk) passes
 * through here.
 *
 * - Hard bound: never more than floor(setting) requests in any rolling window of `windowMs`. A
 *   request counts from its start until `windowMs` after its answer came back: the server saw it
 *   somewhere in between (a fresh connection's handshake can delay it by hundreds of ms), so
 *   counting from the answer keeps the server's own window from ever seeing N+1.
 * - Pacing: starts go one interval (1 ÷ pace) apart from the very first, so a run never opens with
 *   a burst. A start made late (a busy machine's timer, the hard bound) by up to two intervals
 *   (at most `catchUpMs`; at rates above 500/s, up to a timer's grain of 4 ms) keeps the next ones
 *   on the old schedule, so lateness loses no time and at most two requests ever go out early
 *   (three within one interval; a timer's grain worth above 500/s), and never more than ⌈pace⌉
 *   within a second.
 * - The pace is the setting until the server shows or says it accepts less (see ./pace.ts). A
 *   limit learned as a count per window is held like the hard bound: never more than that count
 *   in any such window, counted from start until the window after the answer.
 * - Concurrency cap: at most `concurrency` requests in flight.
 * - A 429 pauses every start until Retry-After has passed.
 */

/**
 * A timer fires a millisecond or more late, so at rates above a few hundred a second lateness of up
 * to this much is made up too; otherwise every start would wait for a timer of its own.
 */
const TIMER_GRAIN_MS = 4;

/** The short bound on catching up counts starts over a second. */
const SHORT_WINDOW_MS = 1000;

export interface LimiterOptions {
  /** The user's setting: requests per window (per minute by default). */
  rpm: number;
  concurrency: number;
  windowMs?: number;
  /** Extra time a request stays counted after its answer (timer and clock granularity). Default 0.5% of the window, at most 100 ms. */
  marginMs?: number;
  /** Longest lateness of a start that the next ones make up. Default 1 s (never more than two intervals). */
  catchUpMs?: number;
  /** How the pace learns the server's limit. */
  pace?: PaceOptions;
  /** Requests per second the server accepted in an earlier job (start there). */
  remembered?: number;
}

export interface Ticket {
  startedAt: number;
  /** The pace (requests/s) when it started. */
  pace: number;
}

interface Waiter {
  resolve: (t: Ticket) => void;
  reject: (e: unknown) => void;
  signal: AbortSignal | undefined;
  onAbort: () => void;
}

export interface LimiterSnapshot {
  /** The rate starts are paced at now, per window (below the setting after a 429). */
  rate: number;
  /** What the server has been seen or told to accept, below the setting; null = nothing learned. */
  learned: LearnedPace | null;
  target: number;
  inFlight: number;
  waiting: number;
  pausedUntil: number | null;
  /** Requests in flight plus those answered within the last window. */
  countInWindow: number;
}

export class ProfileLimiter {
  private target: number;
  private concurrency: number;
  readonly windowMs: number;
  private readonly marginMs: number;
  private readonly catchUpMs: number;
  private readonly pace: Pace;

  /** When answers came back, in order (completion order is time order). */
  private ends: number[] = [];
  private head = 0;
  /** Earliest start of the next request on the pacing schedule, set at `scheduledPace`. */
  private nextAt = Number.NEGATIVE_INFINITY;
  private scheduledPace = Number.POSITIVE_INFINITY;
  private lastGrantAt = Number.NEGATIVE_INFINITY;
  /** Starts of the last second or so, for the short bound on catching up. */
  private recentStarts: number[] = [];
  private pausedUntil = 0;
  private inFlightCount = 0;
  private readonly queue: Waiter[] = [];
  private timer: AbortController | null = null;
  private timerAt = Number.POSITIVE_INFINITY;

  constructor(
    private readonly clock: Clock,
    opts: LimiterOptions,
  ) {
    this.target = Math.max(1, opts.rpm);
    this.concurrency = Math.max(1, Math.floor(opts.concurrency));
    this.windowMs = opts.windowMs ?? 60_000;
    this.marginMs = opts.marginMs ?? Math.min(100, this.windowMs * 0.005);
    this.catchUpMs = opts.catchUpMs ?? 1000;
    this.pace = new Pace(this.perSecond(this.target), opts.pace, opts.remembered);
  }

  private perSecond(perWindow: number): number {
    return (perWindow * 1000) / this.windowMs;
  }

  /** The user changed the account's settings. */
  configure(rpm: number, concurrency: number): void {
    this.target = Math.max(1, rpm);
    this.pace.setTarget(this.perSecond(this.target));
    this.concurrency = Math.max(1, Math.floor(concurrency));
    this.pump();
  }

  get inFlight(): number {
    return this.inFlightCount;
  }

  snapshot(): LimiterSnapshot {
    const now = this.clock.now();
    this.prune(now);
    return {
      rate: (this.pace.rate(now) * this.windowMs) / 1000,
      learned: this.pace.learned(now),
      target: this.target,
      inFlight: this.inFlightCount,
      waiting: this.queue.length,
      pausedUntil: this.pausedUntil > now ? this.pausedUntil : null,
      countInWindow: this.inFlightCount + this.ends.length - this.head,
    };
  }

  /** Waits for permission to start one request. Rejects with the signal's reason on abort. */
  acquire(signal?: AbortSignal): Promise<Ticket> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    if (this.queue.length === 0 && this.inFlightCount < this.concurrency) {
      const now = this.clock.now();
      if (this.waitMs(now) === 0) return Promise.resolve(this.grant(now));
    }
    return new Promise<Ticket>((resolve, reject) => {
      const waiter: Waiter = {
        resolve,
        reject,
        signal,
        onAbort: () => {
          const i = this.queue.indexOf(waiter);
          if (i >= 0) this.queue.splice(i, 1);
          reject(abortReason(signal!));
          this.pump();
        },
      };
      signal?.addEventListener('abort', waiter.onAbort, { once: true });
      this.queue.push(waiter);
      this.pump();
    });
  }

  /** The request that held a ticket has finished (in any way). */
  release(): void {
    this.inFlightCount = Math.max(0, this.inFlightCount - 1);
    this.ends.push(this.clock.now());
    // Not at once: a 429 is reported right after its release, and its pause must come first.
    queueMicrotask(() => this.pump());
  }

  /** A 429: pause everyone for `pauseMs` and learn the server's limit from what it accepted before. */
  throttled(ticket: Ticket, pauseMs: number, rateLimit: RateLimitInfo | null = null): void {
    const now = this.clock.now();
    this.pausedUntil = Math.max(this.pausedUntil, now + Math.max(0, pauseMs));
    if (rateLimit) this.pace.headers(now, rateLimit);
    // After the pause the new pace starts afresh, one interval at a time.
    if (this.pace.throttled(now, ticket.startedAt, ticket.pace, pauseMs)) this.nextAt = Math.min(this.nextAt, this.pausedUntil);
    this.pump();
  }

  /** The server accepted a request (its headers, if any, say how much more it will take). */
  succeeded(rateLimit: RateLimitInfo | null = null): void {
    const now = this.clock.now();
    this.pace.acceptedAt(now);
    if (rateLimit) this.pace.headers(now, rateLimit);
  }

  private prune(now: number): void {
    const edge = now - this.windowMs - this.marginMs;
    while (this.head < this.ends.length && this.ends[this.head]! <= edge) this.head++;
    if (this.head > 4096 && this.head * 2 > this.ends.length) {
      this.ends = this.ends.slice(this.head);
      this.head = 0;
    }
  }

  /** Milliseconds until a start is allowed by time (pause, rolling window, pacing); 0 = now; Infinity = when a request ends. */
  private waitMs(now: number): number {
    let wait = Math.max(this.pausedUntil, this.pace.blockedUntil(now)) - now;
    this.prune(now);
    const limit = Math.max(1, Math.floor(this.target));
    const answered = this.ends.length - this.head;
    if (this.inFlightCount + answered >= limit) {
      // In-flight requests leave the count only after they end (release() pumps again then).
      const mustExpire = this.inFlightCount + answered - limit + 1;
      if (mustExpire <= answered) wait = Math.max(wait, this.ends[this.head + mustExpire - 1]! + this.windowMs + this.marginMs - now);
      else return Number.POSITIVE_INFINITY;
    }
    const learned = this.pace.windowBound(now);
    if (learned && learned.windowMs <= this.windowMs) {
      const margin = Math.min(100, learned.windowMs * 0.005);
      const first = this.firstEndAfter(now - learned.windowMs - margin);
      const within = this.ends.length - first;
      if (this.inFlightCount + within >= learned.count) {
        const mustExpire = this.inFlightCount + within - learned.count + 1;
        if (mustExpire <= within) wait = Math.max(wait, this.ends[first + mustExpire - 1]! + learned.windowMs + margin - now);
        else return Number.POSITIVE_INFINITY;
      }
    }
    // The pace fell since the last start (a 429, headers): the next start keeps the new interval.
    const pace = this.pace.rate(now);
    if (pace < this.scheduledPace) {
      this.nextAt = Math.max(this.nextAt, this.lastGrantAt + 1000 / pace);
      this.scheduledPace = pace;
    }
    wait = Math.max(wait, this.nextAt - now);
    // Catching up never puts more than ⌈pace⌉ starts in any second (a server counting per second
    // would refuse the extra ones).
    const perSecond = Math.max(1, Math.ceil(pace - 1e-9));
    while (this.recentStarts.length > 0 && this.recentStarts[0]! <= now - SHORT_WINDOW_MS) this.recentStarts.shift();
    if (this.recentStarts.length >= perSecond) wait = Math.max(wait, this.recentStarts[this.recentStarts.length - perSecond]! + SHORT_WINDOW_MS - now);
    return Math.max(0, wait);
  }

  /** Index of the first answer after `edge` (answers are in time order). */
  private firstEndAfter(edge: number): number {
    let lo = this.head;
    let hi = this.ends.length;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if (this.ends[mid]! > edge) hi = mid;
      else lo = mid + 1;
    }
    return lo;
  }

  private pump(): void {
    while (this.queue.length > 0) {
      if (this.inFlightCount >= this.concurrency) return;
      const now = this.clock.now();
      const wait = this.waitMs(now);
      if (wait === Number.POSITIVE_INFINITY) return;
      if (wait > 0) {
        this.wakeAt(now + wait);
        return;
      }
      const waiter = this.queue.shift()!;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      waiter.resolve(this.grant(now));
    }
  }

  private grant(now: number): Ticket {
    const pace = this.pace.rate(now);
    const interval = 1000 / pace;
    // On schedule (or a little late): keep the schedule. Idle or far behind: start it afresh here.
    const onSchedule = now - this.nextAt <= Math.min(this.catchUpMs, Math.max(2 * interval, TIMER_GRAIN_MS));
    this.nextAt = (onSchedule ? this.nextAt : now) + interval;
    this.scheduledPace = pace;
    this.lastGrantAt = now;
    this.recentStarts.push(now);
    this.pace.started(now);
    this.inFlightCount++;
    return { startedAt: now, pace };
  }

  private wakeAt(at: number): void {
    if (this.timer && this.timerAt <= at) return;
    this.timer?.abort();
    const ctl = new AbortController();
    this.timer = ctl;
    this.timerAt = at;
    this.clock.sleep(at - this.clock.now(), ctl.signal).then(
      () => {
        if (this.timer === ctl) {
          this.timer = null;
          this.timerAt = Number.POSITIVE_INFINITY;
        }
        this.pump();
      },
      () => {},
    );
  }
}
