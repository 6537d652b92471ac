import { abortReason, type Clock } from './clock';

/**
 * One profile's share of Plexe: every request start for that profile (form, what-if, bulk) passes
 * through here.
 *
 * - Hard bound: never more than floor(rate) starts in any rolling window of `windowMs`.
 * - Pacing: starts are spread one interval (window ÷ rate) apart, with one interval of slack so
 *   a late timer does not lose time; over a run this uses the whole allowance without bursting
 *   it all at the start of a window (which a server's own limiter would punish).
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
  startsInWindow: number;
}

export class ProfileLimiter {
  private target: number;
  private rate: number;
  private concurrency: number;
  readonly windowMs: number;
  private readonly decrease: number;
  private readonly increasePerSecond: number;
  private readonly minRate: number;

  private starts: number[] = [];
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
    this.decrease = opts.decrease ?? 0.75;
    this.increasePerSecond = opts.increasePerSecond ?? 0.02;
    this.minRate = opts.minRate ?? 1;
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
      startsInWindow: this.starts.length - this.head,
    };
  }

  /** Waits for permission to start one request. Rejects with the signal's reason on abort. */
  acquire(signal?: AbortSignal): Promise<Ticket> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
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
    const edge = now - this.windowMs;
    while (this.head < this.starts.length && this.starts[this.head]! <= edge) this.head++;
    if (this.head > 4096 && this.head * 2 > this.starts.length) {
      this.starts = this.starts.slice(this.head);
      this.head = 0;
    }
  }

  /** Milliseconds until a start is allowed by time (pause, rolling window, pacing); 0 = now. */
  private waitMs(now: number): number {
    let wait = this.pausedUntil - now;
    this.prune(now);
    const limit = Math.max(1, Math.floor(this.rate));
    const count = this.starts.length - this.head;
    if (count >= limit) wait = Math.max(wait, this.starts[this.starts.length - limit]! + this.windowMs - now);
    const interval = this.windowMs / this.rate;
    wait = Math.max(wait, this.tat - interval - now);
    return Math.max(0, wait);
  }

  private pump(): void {
    while (this.queue.length > 0) {
      if (this.inFlightCount >= this.concurrency) return;
      const now = this.clock.now();
      const wait = this.waitMs(now);
      if (wait > 0) {
        this.wakeAt(now + wait);
        return;
      }
      const waiter = this.queue.shift()!;
      waiter.signal?.removeEventListener('abort', waiter.onAbort);
      this.starts.push(now);
      this.tat = Math.max(this.tat, now) + this.windowMs / this.rate;
      this.inFlightCount++;
      waiter.resolve({ startedAt: now });
    }
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
