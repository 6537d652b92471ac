/** One failure kept for the diagnostics report: already redacted, small, and safe to paste. */
export interface RecentError {
  /** ISO time. */
  time: string;
  message: string;
  /** The Plexe API's request id when the failure came from a request — what support asks for. */
  requestId?: string;
  code?: string;
  /** Where it happened: an IPC channel, a job id, a service name. */
  where?: string;
}

/** The last `capacity` errors, oldest dropped first. */
export class ErrorRing {
  private readonly items: RecentError[] = [];

  constructor(readonly capacity = 50) {
    if (!Number.isInteger(capacity) || capacity < 1) throw new RangeError('ErrorRing capacity must be a positive whole number');
  }

  push(item: RecentError): void {
    this.items.push(item);
    if (this.items.length > this.capacity) this.items.splice(0, this.items.length - this.capacity);
  }

  /** Newest last; at most `limit`. */
  recent(limit = this.capacity): RecentError[] {
    return this.items.slice(Math.max(0, this.items.length - limit)).map((e) => ({ ...e }));
  }

  get size(): number {
    return this.items.length;
  }

  clear(): void {
    this.items.length = 0;
  }
}
