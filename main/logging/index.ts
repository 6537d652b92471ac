import { ErrorRing } from './error-ring';
import { consoleSink, RedactingLogger, type LogSink } from './logger';
import { createFileSink, type FileSink, type FileSinkOptions } from './file-sink';

export { redact, redactString, registerSecret, forgetSecret, knownSecrets, REDACTED } from './redact';
export { ErrorRing, type RecentError } from './error-ring';
export { RedactingLogger, MemorySink, type LogSink, type LogLevel } from './logger';
export { createFileSink, type FileSink } from './file-sink';

export interface AppLogging {
  logger: RedactingLogger;
  file: FileSink;
  errors: ErrorRing;
}

/**
 * The app's logging: a rotating file in `dir` (Electron: `app.getPath('logs')`), the console too
 * during development, and the ring of recent errors the diagnostics report reads.
 */
export function createAppLogging(options: FileSinkOptions & { console?: boolean; recentErrors?: number }): AppLogging {
  const file = createFileSink(options);
  const errors = new ErrorRing(options.recentErrors ?? 50);
  const sinks: LogSink[] = options.console ? [file, consoleSink] : [file];
  return { logger: new RedactingLogger({ sinks, errors }), file, errors };
}
