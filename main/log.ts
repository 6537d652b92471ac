/** Where services report what happened, for troubleshooting. Implementations redact secrets. */
export interface Logger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

/** Collects log lines in memory (tests scan them for secrets). */
export class MemoryLogger implements Logger {
  readonly lines: string[] = [];
  info(message: string, data?: Record<string, unknown>): void {
    this.lines.push(`info ${message} ${data ? JSON.stringify(data) : ''}`);
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.lines.push(`warn ${message} ${data ? JSON.stringify(data) : ''}`);
  }
  error(message: string, data?: Record<string, unknown>): void {
    this.lines.push(`error ${message} ${data ? JSON.stringify(data) : ''}`);
  }
}
