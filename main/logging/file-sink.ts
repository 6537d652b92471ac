import { existsSync, mkdirSync, renameSync, rmSync } from 'node:fs';
import { join, parse } from 'node:path';
import electronLog from 'electron-log/node';
import type { LogLevel, LogSink } from './logger';

export interface FileSinkOptions {
  /** The app's log folder (Electron: `app.getPath('logs')`). */
  dir: string;
  fileName?: string;
  /** Rotate when the file grows past this many bytes. */
  maxSize?: number;
  /** How many rotated files to keep (`main.1.log` newest … `main.N.log` oldest). */
  keep?: number;
}

export interface FileSink extends LogSink {
  readonly path: string;
}

export const DEFAULT_LOG_MAX_SIZE = 2 * 1024 * 1024;
export const DEFAULT_LOG_KEEP = 5;

let instances = 0;

/**
 * A rotating log file written by electron-log's file transport (synchronous appends, so a crash
 * loses nothing). Only text that already went through `redact` reaches it (see RedactingLogger).
 */
export function createFileSink(options: FileSinkOptions): FileSink {
  const fileName = options.fileName ?? 'main.log';
  const maxSize = options.maxSize ?? DEFAULT_LOG_MAX_SIZE;
  const keep = options.keep ?? DEFAULT_LOG_KEEP;
  if (!Number.isInteger(keep) || keep < 0) throw new RangeError('keep must be a whole number of files, 0 or more');
  mkdirSync(options.dir, { recursive: true });
  const path = join(options.dir, fileName);

  const log = electronLog.create({ logId: `plexe-file-${++instances}` });
  log.transports.console.level = false;
  if (log.transports.ipc) log.transports.ipc.level = false;
  if (log.transports.remote) log.transports.remote.level = false;
  const file = log.transports.file;
  file.level = 'info';
  file.sync = true;
  file.maxSize = maxSize;
  file.format = '[{y}-{m}-{d} {h}:{i}:{s}.{ms}] [{level}] {text}';
  file.resolvePathFn = () => path;
  file.archiveLogFn = (current) => {
    try {
      rotate(current.path, keep);
    } catch {
      // Another process holds the file (Windows): start afresh rather than grow without bound.
      current.clear();
    }
  };

  return {
    path,
    write(level: LogLevel, text: string) {
      log[level](text);
    },
  };
}

/** main.log → main.1.log, main.1.log → main.2.log, …; the oldest beyond `keep` is deleted. */
export function rotate(path: string, keep: number): void {
  const { dir, name, ext } = parse(path);
  const numbered = (n: number) => join(dir, `${name}.${n}${ext}`);
  if (keep === 0) {
    rmSync(path, { force: true });
    return;
  }
  rmSync(numbered(keep), { force: true });
  for (let n = keep - 1; n >= 1; n--) {
    if (existsSync(numbered(n))) renameSync(numbered(n), numbered(n + 1));
  }
  renameSync(path, numbered(1));
}
