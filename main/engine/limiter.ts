import { abortReason, type Clock } from './clock';

/**
 * One profile's share of Plexe: every request start for that profile (form, what-if, bulk) passes
 * through here.
 *
 * - Hard bound: never more than floor(rate) requests in any rolling window of `windowMs`. A
 *   request counts from its start until `windowMs` after its answer came back: the server saw it
 *   somewhere in between (a fresh connection's handshake can delay it by hundreds of ms), so
 *   counting from the answer keeps the server's own window from ever seeing N+1.
 * - Pacing: starts are spread one interval (window ÷ rate) apart, with up to a second (1/60 of
 *   the window) of slack so late timers on a busy machine do not lose time; over a run this uses
 *   the whole allowance without bursting it all at the start of a window (which a server's own
 *   limiter would punish).
 * - Concurrency cap: at most `concurrency` requests in flight.
 * - AIMD: a 429 pauses every start until Retry-After has passed and cuts the rate by `decrease`
 *   (once per episode: answers to requests sent before the cut do not cut again); successes then
 *   raise it by a fixed step per second back toward the user's setting.
 */

export interface LimiterOptions {
  /** The user's setting: requests per window (per minute by default). */
  rpm: number;
  concurrency: number;
  windowMs?: number;
  /** Multiplicative decrease on a 429. */
  decrease?: number;
  /** Additive increase per second, as a fraction of the rate at the last cut. */
  increasePerSecond?: number;
  /** Lowest rate AIMD may cut to, per window. */
  minRate?: number;
  /** Extra time a request stays counted after its answer (timer and clock granularity). Default 0.5% of the window, at most 100 ms. */
  marginMs?: number;
}

export interface Ticket {
  startedAt: number;
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
  target: number;
  inFlight: number;
  waiting: number;
  pausedUntil: number | null;
  /** Requests in flight plus those answered within the last window. */
  countInWindow: number;
}

export class ProfileLimiter {
  private target: number;
  private rate: number;
  private concurrency: number;
  readonly windowMs: number;
  private readonly decrease: number;
  private readonly increasePerSecond: number;
  private readonly minRate: number;
  private readonly marginMs: number;

  /** When answers came back, in order (completion order is time order). */
  private ends: number[] = [];
  private head = 0;
  private tat = Number.NEGATIVE_INFINITY;
  private pausedUntil = 0;
  private inFlightCount = 0;
  private readonly queue: Waiter[] = [];
  private timer: AbortController | null = null;
  private timerAt = Number.POSITIVE_INFINITY;
  private lastCutAt = Number.NEGATIVE_INFINITY;
  private increaseFrom = 0;
  private lastIncreaseAt = 0;

  constructor(
    private readonly clock: Clock,
    opts: LimiterOptions,
  ) {
    this.target = Math.max(1, opts.rpm);
    this.rate = this.target;
    this.concurrency = Math.max(1, Math.floor(opts.concurrency));
    this.windowMs = opts.windowMs ?? 60_000;
    this.decrease = opts.decrease ?? 0.85;
    this.increasePerSecond = opts.increasePerSecond ?? 0.01;
    this.minRate = opts.minRate ?? 1;
    this.marginMs = opts.marginMs ?? Math.min(100, this.windowMs * 0.005);
  }

  /** The user changed the account's settings. */
  configure(rpm: number, concurrency: number): void {
    const newTarget = Math.max(1, rpm);
    if (newTarget !== this.target) {
      this.rate = this.rate >= this.target ? newTarget : Math.min(this.rate, newTarget);
      this.target = newTarget;
    }
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
      rate: this.rate,
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
    this.pump();
  }

  /** A 429: pause everyone for `pauseMs`; cut the rate unless an earlier 429 already did for this traffic. */
  throttled(ticket: Ticket, pauseMs: number): void {
    const now = this.clock.now();
    this.pausedUntil = Math.max(this.pausedUntil, now + Math.max(0, pauseMs));
    if (ticket.startedAt >= this.lastCutAt) {
      this.rate = Math.max(this.minRate, this.rate * this.decrease);
      this.lastCutAt = now;
      this.increaseFrom = this.rate;
      this.lastIncreaseAt = this.pausedUntil;
      // Forget the pacing debt of the old rate so the new one takes over after the pause.
      this.tat = Math.min(this.tat, this.pausedUntil);
    }
    this.pump();
  }

  /** A request went through: climb back toward the user's setting. */
  succeeded(): void {
    if (this.rate >= this.target) return;
    const now = this.clock.now();
    if (now <= this.lastIncreaseAt) return;
    const step = Math.max(this.increaseFrom, this.minRate) * this.increasePerSecond;
    this.rate = Math.min(this.target, this.rate + (step * (now - this.lastIncreaseAt)) / 1000);
    this.lastIncreaseAt = now;
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
    let wait = this.pausedUntil - now;
    this.prune(now);
    const limit = Math.max(1, Math.floor(this.rate));
    const answered = this.ends.length - this.head;
    if (this.inFlightCount + answered >= limit) {
      // In-flight requests leave the count only after they end (release() pumps again then).
      const mustExpire = this.inFlightCount + answered - limit + 1;
      if (mustExpire <= answered) wait = Math.max(wait, this.ends[this.head + mustExpire - 1]! + this.windowMs + this.marginMs - now);
      else return Number.POSITIVE_INFINITY;
    }
    const interval = this.windowMs / this.rate;
    const slack = Math.max(interval, Math.min(1000, this.windowMs / 60));
    wait = Math.max(wait, this.tat - slack - now);
    return Math.max(0, wait);
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
    this.tat = Math.max(this.tat, now) + this.windowMs / this.rate;
    this.inFlightCount++;
    return { startedAt: now };
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
