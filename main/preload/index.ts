import { contextBridge, ipcRenderer, webUtils } from 'electron';
import { buildPlexeApi, type FilesApi } from './build-api';

type Registered = Awaited<ReturnType<FilesApi['register']>>;

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
      // Only a File backed by a real file on disk (picked or dropped) has a path; main grants it.
      const path = webUtils.getPathForFile(file);
      if (!path) return { ok: false, error: { code: 'file_unavailable', message: 'This file could not be opened. Save it to a folder first, then try again.' } };
      return (await ipcRenderer.invoke('app:register-file', { path })) as Registered;
    },
  },
);

contextBridge.exposeInMainWorld('plexe', api);
