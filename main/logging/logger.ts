import type { Logger } from '../log';
import { ErrorRing, type RecentError } from './error-ring';
import { knownSecrets, redact, redactString, type SecretRegistry } from './redact';

export type LogLevel = 'info' | 'warn' | 'error';

/** Where finished, already-redacted lines go: the rotating file, the console in development, a test array. */
export interface LogSink {
  write(level: LogLevel, text: string): void;
}

export interface RedactingLoggerOptions {
  sinks: LogSink[];
  /** Errors (and warnings that carry a request id) are kept here for "Copy diagnostics". */
  errors?: ErrorRing;
  secrets?: SecretRegistry;
  now?: () => Date;
}

/**
 * The app's Logger: every message and field goes through `redact` before any sink sees it, so a
 * sink can never write a key, and a broken sink never breaks the caller.
 */
export class RedactingLogger implements Logger {
  readonly errors: ErrorRing;
  private readonly sinks: LogSink[];
  private readonly secrets: SecretRegistry;
  private readonly now: () => Date;

  constructor(options: RedactingLoggerOptions) {
    this.sinks = options.sinks;
    this.errors = options.errors ?? new ErrorRing();
    this.secrets = options.secrets ?? knownSecrets;
    this.now = options.now ?? (() => new Date());
  }

  info(message: string, data?: Record<string, unknown>): void {
    this.log('info', message, data);
  }

  warn(message: string, data?: Record<string, unknown>): void {
    this.log('warn', message, data);
  }

  error(message: string, data?: Record<string, unknown>): void {
    this.log('error', message, data);
  }

  private log(level: LogLevel, message: string, data: Record<string, unknown> | undefined): void {
    let text: string;
    let safeMessage: string;
    let safeData: Record<string, unknown> | undefined;
    try {
      safeMessage = redactString(String(message), this.secrets);
      safeData = data === undefined ? undefined : (redact(data, this.secrets) as Record<string, unknown>);
      text = safeData === undefined ? safeMessage : `${safeMessage} ${stringify(safeData)}`;
    } catch {
      // redact never throws, but a hostile toJSON could; never let logging break the caller.
      safeMessage = redactString(String(message), this.secrets);
      safeData = undefined;
      text = `${safeMessage} [fields could not be written]`;
    }
    const requestId = safeData ? findString(safeData, ['requestId', 'request_id']) : undefined;
    if (level === 'error' || (level === 'warn' && requestId)) {
      this.errors.push(toRecentError(this.now(), safeMessage, safeData, requestId));
    }
    for (const sink of this.sinks) {
      try {
        sink.write(level, text);
      } catch {
        // A full disk or a locked file must not turn a log line into a crash.
      }
    }
  }
}

function stringify(data: Record<string, unknown>): string {
  try {
    return JSON.stringify(data);
  } catch {
    return '[fields could not be written]';
  }
}

function toRecentError(time: Date, message: string, data: Record<string, unknown> | undefined, requestId: string | undefined): RecentError {
  const entry: RecentError = { time: time.toISOString(), message: truncate(message, 300) };
  if (!data) return entry;
  const detail = findString(data, ['message', 'error']);
  if (detail && detail !== message) entry.message = truncate(`${message}: ${detail}`, 300);
  if (requestId) entry.requestId = truncate(requestId, 100);
  const code = findString(data, ['code', 'status']);
  if (code) entry.code = truncate(code, 60);
  const where = findString(data, ['channel', 'where', 'jobId', 'job']);
  if (where) entry.where = truncate(where, 100);
  return entry;
}

/** The first string (or number) under one of `names`, looking one level into nested objects too. */
function findString(data: Record<string, unknown>, names: string[]): string | undefined {
  for (const name of names) {
    const v = data[name];
    if (typeof v === 'string' && v !== '') return v;
    if (typeof v === 'number') return String(v);
  }
  for (const v of Object.values(data)) {
    if (v && typeof v === 'object' && !Array.isArray(v)) {
      for (const name of names) {
        const inner = (v as Record<string, unknown>)[name];
        if (typeof inner === 'string' && inner !== '') return inner;
        if (typeof inner === 'number') return String(inner);
      }
    }
  }
  return undefined;
}

function truncate(s: string, max: number): string {
  return s.length <= max ? s : `${s.slice(0, max - 1)}…`;
}

/** A sink that keeps lines in memory (tests; the harness). */
export class MemorySink implements LogSink {
  readonly lines: { level: LogLevel; text: string }[] = [];
  write(level: LogLevel, text: string): void {
    this.lines.push({ level, text });
  }
  text(): string {
    return this.lines.map((l) => `${l.level} ${l.text}`).join('\n');
  }
}

/** Development: lines on stderr too. */
export const consoleSink: LogSink = {
  write(level, text) {
    process.stderr.write(`[${level}] ${text}\n`);
  },
};
