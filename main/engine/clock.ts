import { setTimeout as delay } from 'node:timers/promises';

/** Time as the engine sees it; tests pass a virtual clock so waits take no real time. */
export interface Clock {
  now(): number;
  /** Resolves after `ms`; rejects with the signal's reason as soon as the signal aborts. */
  sleep(ms: number, signal?: AbortSignal): Promise<void>;
}

/** The longest delay setTimeout takes; a longer one fires at once (Node: TimeoutOverflowWarning). */
export const TIMER_MAX_MS = 2 ** 31 - 1;

/** A delay setTimeout can honour: NaN and negatives become 0, anything past the limit the limit. */
export function clampTimerMs(ms: number): number {
  return ms > 0 ? Math.min(ms, TIMER_MAX_MS) : 0;
}

export function abortReason(signal: AbortSignal): unknown {
  return signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
}

export const systemClock: Clock = {
  now: () => Date.now(),
  async sleep(ms, signal) {
    try {
      await delay(clampTimerMs(ms), undefined, signal ? { signal } : {});
    } catch (e) {
      // timers/promises rejects with its own AbortError: the engine needs the signal's reason ('pause', 'cancel').
      throw signal?.aborted ? abortReason(signal) : e;
    }
  },
};

interface Timer {
  at: number;
  seq: number;
  resolve: () => void;
}

/**
 * A clock whose time only moves when every piece of work is waiting on it: after the microtask
 * queue and pending I/O callbacks drain (setImmediate), it jumps to the earliest timer. Hours of
 * rate-limited traffic against an in-process fake server run in milliseconds, in a fixed order.
 */
export class VirtualClock implements Clock {
  private current: number;
  private seq = 0;
  private timers: Timer[] = [];
  private scheduled = false;

  constructor(start = 1_700_000_000_000) {
    this.current = start;
  }

  now(): number {
    return this.current;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      if (signal?.aborted) {
        reject(abortReason(signal));
        return;
      }
      const timer: Timer = {
        at: this.current + clampTimerMs(ms),
        seq: this.seq++,
        resolve: () => {
          signal?.removeEventListener('abort', onAbort);
          resolve();
        },
      };
      const onAbort = () => {
        this.timers = this.timers.filter((t) => t !== timer);
        reject(abortReason(signal!));
      };
      signal?.addEventListener('abort', onAbort, { once: true });
      this.timers.push(timer);
      this.schedule();
    });
  }

  /** Moves time forward by hand (tests that drive the clock themselves). */
  advance(ms: number): void {
    this.current += ms;
  }

  get pendingTimers(): number {
    return this.timers.length;
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    setImmediate(() => this.fire());
  }

  private fire(): void {
    this.scheduled = false;
    if (this.timers.length === 0) return;
    let earliest = this.timers[0]!;
    for (const t of this.timers) if (t.at < earliest.at || (t.at === earliest.at && t.seq < earliest.seq)) earliest = t;
    this.timers = this.timers.filter((t) => t !== earliest);
    if (earliest.at > this.current) this.current = earliest.at;
    earliest.resolve();
    if (this.timers.length > 0) this.schedule();
  }
}
