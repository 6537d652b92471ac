import type { PlexeApi } from './contract';
import type { IpcResult } from './errors';

/**
 * A file the person picked or dropped → a path main has granted reading (Electron: its real path,
 * registered with main by the preload; the harness: its uploaded copy).
 */
export interface FilesApi {
  register(file: File): Promise<IpcResult<{ path: string; name: string; size: number }>>;
}

/** The type of `window.plexe`: what the preload (Electron) or the harness shim (browser) exposes. */
export type FullPlexeApi = PlexeApi & { files: FilesApi };
