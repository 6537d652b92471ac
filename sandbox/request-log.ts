import { createWriteStream, type WriteStream } from 'node:fs';

/** One answered (or dropped) request, as tests and benchmarks read it back. */
export interface SandboxLogEntry {
  /** ISO time the request arrived. */
  time: string;
  /** Last four characters of the API key sent, never more; null when none was sent. */
  key: string | null;
  /** "name/version" of the model addressed, null for routes without one. */
  model: string | null;
  /** HTTP status answered; 0 when the connection was dropped on purpose. */
  status: number;
  /** Rows in the body: 1 for a single prediction, the array length for a batch, 0 otherwise. */
  rows: number;
  path: string;
  method: string;
  /** The injected fault, when one was. */
  fault?: string;
  request_id?: string;
}

export function keyTail(key: string | undefined): string | null {
  if (!key) return null;
  return key.slice(-4);
}

/** Keeps the last `capacity` entries in memory and, when given a file, appends each as a JSON line. */
export class RequestLog {
  private readonly ring: (SandboxLogEntry | undefined)[];
  private next = 0;
  private size = 0;
  private file: WriteStream | undefined;
  private fileError: Error | undefined;

  constructor(private readonly capacity = 10000) {
    this.ring = new Array<SandboxLogEntry | undefined>(capacity);
  }

  setFile(path: string | undefined): void {
    this.closeFile();
    this.fileError = undefined;
    if (!path) return;
    this.file = createWriteStream(path, { flags: 'a' });
    this.file.on('error', (e) => {
      // Logging must never take the server down; the error is kept for whoever asks.
      this.fileError = e;
      this.file = undefined;
    });
  }

  get lastFileError(): Error | undefined {
    return this.fileError;
  }

  add(entry: SandboxLogEntry): void {
    this.ring[this.next] = entry;
    this.next = (this.next + 1) % this.capacity;
    if (this.size < this.capacity) this.size++;
    this.file?.write(JSON.stringify(entry) + '\n');
  }

  entries(): SandboxLogEntry[] {
    const out: SandboxLogEntry[] = [];
    const start = (this.next - this.size + this.capacity) % this.capacity;
    for (let i = 0; i < this.size; i++) out.push({ ...this.ring[(start + i) % this.capacity]! });
    return out;
  }

  clear(): void {
    this.ring.fill(undefined);
    this.next = 0;
    this.size = 0;
  }

  closeFile(): Promise<void> {
    const file = this.file;
    this.file = undefined;
    if (!file) return Promise.resolve();
    return new Promise((resolve) => file.end(() => resolve()));
  }
}
