import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildPlexeApi } from './build-api';

// Only named functions cross the bridge: never ipcRenderer, never the IPC event object.
const api = buildPlexeApi(
  {
    invoke: (channel, arg) => ipcRenderer.invoke(channel, arg),
    subscribe: (event, listener) => {
      const wrapped = (_event: unknown, payload: unknown) => listener(payload);
      ipcRenderer.on(event, wrapped);
      return () => {
        ipcRenderer.removeListener(event, wrapped);
      };
    },
  },
  {
    register: async (file) => {
      const path = webUtils.getPathForFile(file);
      if (!path) return { ok: false, error: { code: 'file_unavailable', message: 'This file could not be opened. Save it to a folder first, then try again.' } };
      return { ok: true, value: { path, name: file.name, size: file.size } };
    },
  },
);

contextBridge.exposeInMainWorld('plexe', api);
