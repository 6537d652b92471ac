import type { HistoryStore } from './store';

export interface HistoryCatchUpOptions {
  /** Rows handled per step and per kind of work; small so the main process never blocks for long. */
  chunkRows?: number;
  /** Pause between steps while there is work left. */
  busyDelayMs?: number;
  /** Pause before looking again once up to date. */
  idleDelayMs?: number;
  /** Told about a failure (the catch-up keeps trying; search stays correct meanwhile, only slower). */
  onError?: (error: unknown) => void;
}

export interface HistoryCatchUp {
  stop(): void;
}

/**
 * Keeps the history's text index (search) caught up in the background: inserts do not wait for it, and
 * until a row is reached, search finds it by reading it directly. Once caught up, idle steps merge the
 * index's segments, which keeps searches fast.
 */
export function startHistoryCatchUp(store: HistoryStore, options: HistoryCatchUpOptions = {}): HistoryCatchUp {
  const chunkRows = options.chunkRows ?? 2000;
  const busyDelayMs = options.busyDelayMs ?? 20;
  const idleDelayMs = options.idleDelayMs ?? 1000;
  let timer: NodeJS.Timeout | null = null;
  let stopped = false;
  const step = () => {
    timer = null;
    if (stopped) return;
    let delay = idleDelayMs;
    try {
      const indexed = store.indexPendingText(chunkRows);
      if (indexed === chunkRows || (indexed === 0 && store.mergeTextIndex())) delay = busyDelayMs;
    } catch (error) {
      options.onError?.(error);
    }
    if (!stopped) {
      timer = setTimeout(step, delay);
      timer.unref();
    }
  };
  timer = setTimeout(step, 0);
  timer.unref();
  return {
    stop() {
      stopped = true;
      if (timer) clearTimeout(timer);
      timer = null;
    },
  };
}
