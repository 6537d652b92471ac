/** Where services report what happened, for troubleshooting. Implementations redact secrets; never given an API key. */
export interface Logger {
  info(message: string, data?: Record<string, unknown>): void;
  warn(message: string, data?: Record<string, unknown>): void;
  error(message: string, data?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info() {}, warn() {}, error() {} };

export interface LogLine {
  level: 'info' | 'warn' | 'error';
  message: string;
  data?: Record<string, unknown>;
}

/** Keeps its lines in memory, for tests that check what was (not) logged — secrets above all. */
export class MemoryLogger implements Logger {
  readonly lines: LogLine[] = [];
  info(message: string, data?: Record<string, unknown>): void {
    this.push('info', message, data);
  }
  warn(message: string, data?: Record<string, unknown>): void {
    this.push('warn', message, data);
  }
  error(message: string, data?: Record<string, unknown>): void {
    this.push('error', message, data);
  }
  /** Every line as one JSON text, to search for what must not appear. */
  text(): string {
    return JSON.stringify(this.lines);
  }
  private push(level: LogLine['level'], message: string, data: Record<string, unknown> | undefined): void {
    this.lines.push(data ? { level, message, data } : { level, message });
  }
}
