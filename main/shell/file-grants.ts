import { statSync } from 'node:fs';
import { basename, isAbsolute, resolve } from 'node:path';
import { AppError } from '../../shared/ipc/errors';

/**
 * The files the person chose in this run: paths from main's own open and save dialogs, files the
 * OS handed over ("Open with"), and files picked or dropped in the window (the preload resolves
 * them). Every IPC channel that reads or writes a file checks its path here, so a page that runs
 * foreign code still cannot name a file of its own choosing. Kept in memory only: a new run starts
 * with no grants.
 */
export class FileGrants {
  private readonly readable = new Set<string>();
  private readonly writable = new Set<string>();

  /** A file the person chose to open. */
  grantRead(path: string): string {
    const p = resolve(path);
    this.readable.add(p);
    return p;
  }

  /** A place the person chose to save to. */
  grantWrite(path: string): string {
    const p = resolve(path);
    this.writable.add(p);
    return p;
  }

  /** A picked or dropped file as the preload resolved it: it must be an existing regular file. */
  registerChosenFile(path: string): { path: string; name: string; size: number } {
    if (!isAbsolute(path)) throw new AppError('file_unavailable', 'This file could not be opened. Save it to a folder first, then try again.', { field: 'path' });
    let size: number;
    try {
      const s = statSync(path);
      if (!s.isFile()) throw new Error('not a file');
      size = s.size;
    } catch {
      throw new AppError('file_unavailable', `The file ${basename(path)} could not be opened. Check that it still exists, then choose it again.`, { field: 'path' });
    }
    return { path: this.grantRead(path), name: basename(path), size };
  }

  /** The path, if it may be read; otherwise a clear refusal. */
  checkRead(path: string): string {
    const p = resolve(path);
    if (this.readable.has(p)) return p;
    throw new AppError(
      'file_not_granted',
      `Plexe Desktop only opens files you chose yourself in this session, and ${basename(p)} was not one of them. Choose the file again (the Choose button, or drag it onto the window).`,
      { field: 'path' },
    );
  }

  /** The path, if the person chose it as a place to save; otherwise a clear refusal. */
  checkWrite(path: string): string {
    const p = resolve(path);
    if (this.writable.has(p)) return p;
    throw new AppError(
      'file_not_granted',
      `Plexe Desktop only saves to a place you chose in its save dialog, and ${basename(p)} was not one. Click Export again and choose where to save.`,
      { field: 'path' },
    );
  }

  /** Either kind of grant (showing a file in its folder). */
  /** A place the person chose in a save dialog this session. */
  isWritable(path: string): boolean {
    return this.writable.has(resolve(path));
  }

  isGranted(path: string): boolean {
    const p = resolve(path);
    return this.readable.has(p) || this.writable.has(p);
  }
}
