import type { HistoryStore } from './store';

export interface TextIndexerOptions {
  /** Rows indexed per step; small so the main process never blocks for long. */
  chunkRows?: number;
  /** Pause between steps while there is work left. */
  busyDelayMs?: number;
  /** Pause before looking again once up to date. */
  idleDelayMs?: number;
  /** Told about a failure (the indexer keeps trying; search stays correct meanwhile, only slower). */
  onError?: (error: unknown) => void;
}

export interface TextIndexer {
  stop(): void;
}

/**
 * Keeps the history's text index caught up in the background. Inserts do not wait for it (that keeps
 * bulk writes at full speed); until a row is indexed, search finds it by reading it directly.
 */
export function startTextIndexer(store: HistoryStore, options: TextIndexerOptions = {}): TextIndexer {
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
      const added = store.indexPendingText(chunkRows);
      // Caught up: spend idle steps merging index segments, which keeps searches fast.
      if (added === chunkRows || (added === 0 && store.mergeTextIndex())) delay = busyDelayMs;
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
