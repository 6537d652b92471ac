/** Where main-process services write troubleshooting lines. Never given an API key. */
export interface Logger {
  info(message: string, fields?: Record<string, unknown>): void;
  warn(message: string, fields?: Record<string, unknown>): void;
}

export const silentLogger: Logger = { info: () => {}, warn: () => {} };

/** A logger that keeps its lines, for tests that check what was (not) logged. */
export class MemoryLogger implements Logger {
  readonly lines: { level: 'info' | 'warn'; message: string; fields?: Record<string, unknown> }[] = [];
  info(message: string, fields?: Record<string, unknown>): void {
    this.lines.push(fields ? { level: 'info', message, fields } : { level: 'info', message });
  }
  warn(message: string, fields?: Record<string, unknown>): void {
    this.lines.push(fields ? { level: 'warn', message, fields } : { level: 'warn', message });
  }
  text(): string {
    return JSON.stringify(this.lines);
  }
}
