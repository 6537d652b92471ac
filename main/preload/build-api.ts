import { PRELOAD_ONLY_CHANNELS } from '../../shared/ipc/app';
import { channels, events } from '../../shared/ipc/contract';
import { domainName, verbName } from '../../shared/ipc/define';
import type { FilesApi, FullPlexeApi } from '../../shared/ipc/window-api';

export type { FilesApi, FullPlexeApi };

/** The two operations the preload needs from ipcRenderer, and nothing else. */
export interface PreloadTransport {
  invoke(channel: string, arg: unknown): Promise<unknown>;
  subscribe(event: string, listener: (payload: unknown) => void): () => void;
}

/**
 * Builds `window.plexe` from the contract: one named function per channel (`accounts:save-key` →
 * `plexe.accounts.saveKey`), one subscription per event returning its unsubscribe function.
 * Shared by the Electron preload and the browser harness's shim, so both expose the same surface.
 */
export function buildPlexeApi(transport: PreloadTransport, files: FilesApi): FullPlexeApi {
  const api: Record<string, Record<string, unknown>> = {};
  const preloadOnly = new Set<string>(PRELOAD_ONLY_CHANNELS);
  for (const name of Object.keys(channels)) {
    if (preloadOnly.has(name)) continue;
    const domain = domainName(name);
    const group = (api[domain] ??= {});
    group[verbName(name)] = (arg?: unknown) => transport.invoke(name, arg);
  }
  const on: Record<string, unknown> = {};
  for (const name of Object.keys(events)) {
    on[verbName(name)] = (listener: (payload: unknown) => void) => {
      if (typeof listener !== 'function') throw new TypeError('listener must be a function');
      return transport.subscribe(name, (payload) => listener(payload));
    };
  }
  api['on'] = on;
  api['files'] = { register: (file: File) => files.register(file) };
  return api as unknown as FullPlexeApi;
}
