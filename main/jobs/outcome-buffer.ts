import type { NewPrediction } from '../../shared/domain/prediction';
import { flattenKeys } from '../sheets/csv-writer';

/** Answers gathered before they are written: at most this many rows… */
export const FLUSH_ROWS = 500;
/** …or for at most this many milliseconds. */
export const FLUSH_MS = 200;

/**
 * A run's answers on their way to the database: written in one transaction every FLUSH_ROWS answers
 * or FLUSH_MS milliseconds, whichever comes first, with their history entries and, when answers
 * brought result fields not seen before, the whole list of fields. Used by a job's run and by a
 * comparison's second run. A timed write that fails is kept, for the run to throw and stop.
 */
export class OutcomeBuffer<W extends { result: Record<string, unknown> | null }> {
  private readonly resultFields: string[];
  private readonly known: Set<string>;
  private fieldsChanged = false;
  private writes: W[] = [];
  private entries: NewPrediction[] = [];
  private timer: NodeJS.Timeout | null = null;
  private failure: unknown = null;

  constructor(
    resultFields: readonly string[],
    private readonly write: (writes: W[], entries: NewPrediction[], newResultFields: string[] | null) => void,
  ) {
    this.resultFields = [...resultFields];
    this.known = new Set(resultFields);
  }

  /** The error of a timed write that failed; null while none has. */
  get error(): unknown {
    return this.failure;
  }

  /** Throws the error of a timed write that failed. */
  check(): void {
    if (this.failure) throw this.failure;
  }

  /** Adds one answer and its history entry (null: the row gets none). */
  add(w: W, entry: NewPrediction | null): void {
    this.writes.push(w);
    if (entry) this.entries.push(entry);
    if (w.result) {
      for (const key of flattenKeys(w.result)) {
        if (!this.known.has(key)) {
          this.known.add(key);
          this.resultFields.push(key);
          this.fieldsChanged = true;
        }
      }
    }
    if (this.writes.length >= FLUSH_ROWS) this.flush();
    else
      this.timer ??= setTimeout(() => {
        this.timer = null;
        try {
          this.flush();
        } catch (e) {
          this.failure = e;
        }
      }, FLUSH_MS);
  }

  /** Writes what is gathered now; throws what the write throws. */
  flush(): void {
    this.stop();
    if (this.writes.length === 0 && !this.fieldsChanged) return;
    const writes = this.writes;
    const entries = this.entries;
    this.writes = [];
    this.entries = [];
    this.write(writes, entries, this.fieldsChanged ? [...this.resultFields] : null);
    this.fieldsChanged = false;
  }

  /** Cancels the timed write (what is gathered stays until the next flush). */
  stop(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
  }
}
