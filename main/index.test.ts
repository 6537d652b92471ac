import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it, vi } from 'vitest';

// A small fake of the Electron API surface main/index.ts touches, recording what it was asked to do.
const calls = vi.hoisted(() => ({
  schemes: [] as unknown[],
  windows: [] as { options: Record<string, unknown>; loaded: string[] }[],
  appListeners: new Map<string, (...args: unknown[]) => void>(),
  protocolHandlers: new Map<string, (req: Request) => Promise<Response>>(),
  permissionHandler: null as unknown,
  handled: [] as string[],
  singleInstance: 0,
  ready: null as null | (() => void),
  startupErrors: [] as string[],
}));

vi.mock('electron-updater', () => {
  const autoUpdater = { autoDownload: true, autoInstallOnAppQuit: true, on: () => autoUpdater, checkForUpdates: async () => null, quitAndInstall: () => {} };
  return { default: { autoUpdater } };
});

vi.mock('electron', () => {
  class BrowserWindow {
    static all: BrowserWindow[] = [];
    static getAllWindows() {
      return BrowserWindow.all;
    }
    webContents = { isDestroyed: () => false, send: () => {} };
    private record: { options: Record<string, unknown>; loaded: string[] };
    constructor(options: Record<string, unknown>) {
      this.record = { options, loaded: [] };
      calls.windows.push(this.record);
      BrowserWindow.all.push(this);
    }
    once() {}
    on() {}
    maximize() {}
    isDestroyed() {
      return false;
    }
    async loadURL(url: string) {
      this.record.loaded.push(url);
    }
  }
  const dataDir = mkdtempSync(join(tmpdir(), 'plexe-main-'));
  return {
    app: {
      requestSingleInstanceLock: () => {
        calls.singleInstance += 1;
        return true;
      },
      on: (event: string, l: (...args: unknown[]) => void) => calls.appListeners.set(event, l),
      whenReady: () => new Promise<void>((ok) => (calls.ready = ok)),
      quit: () => {},
      exit: () => {},
      getPath: (name: string) => join(dataDir, name),
      getVersion: () => '0.0.0-test',
      isPackaged: false,
    },
    BrowserWindow,
    dialog: { showErrorBox: (_t: string, m: string) => calls.startupErrors.push(m), showSaveDialog: async () => ({ canceled: true }) },
    ipcMain: { handle: (c: string) => calls.handled.push(c), removeHandler: () => {} },
    net: { fetch: globalThis.fetch },
    Notification: class {
      static isSupported() {
        return false;
      }
    },
    protocol: {
      registerSchemesAsPrivileged: (s: unknown[]) => calls.schemes.push(...s),
      handle: (scheme: string, h: (req: Request) => Promise<Response>) => calls.protocolHandlers.set(scheme, h),
    },
    screen: { getAllDisplays: () => [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }] },
    session: {
      defaultSession: {
        setPermissionRequestHandler: (h: unknown) => (calls.permissionHandler = h),
        setPermissionCheckHandler: () => {},
      },
    },
    shell: { openExternal: async () => {}, showItemInFolder: () => {} },
  };
});

const { channels } = await import('../shared/ipc/contract');
await import('./index');

afterAll(async () => {
  calls.appListeners.get('before-quit')?.();
});

describe('main/index.ts wiring', () => {
  it('takes the single-instance lock and registers a privileged app scheme before ready', () => {
    expect(calls.singleInstance).toBe(1);
    expect(calls.schemes).toEqual([expect.objectContaining({ scheme: 'app', privileges: expect.objectContaining({ standard: true, secure: true }) })]);
    expect(calls.appListeners.has('web-contents-created')).toBe(true);
    expect(calls.appListeners.has('second-instance')).toBe(true);
  });

  it('on ready: serves the renderer from app://, denies permissions, binds every channel and opens one secure window', async () => {
    calls.ready!();
    await vi.waitFor(() => expect(calls.windows.length + calls.startupErrors.length).toBe(1), { timeout: 15_000 });
    expect(calls.startupErrors).toEqual([]);
    const win = calls.windows[0]!;
    expect(win.options['webPreferences']).toMatchObject({ sandbox: true, contextIsolation: true, nodeIntegration: false, webSecurity: true });
    expect(String((win.options['webPreferences'] as { preload: string }).preload)).toMatch(/preload[/\\]index\.cjs$/);
    await vi.waitFor(() => expect(win.loaded).toEqual(['app://plexe/index.html']));
    expect(win.loaded[0]).not.toMatch(/^file:/);
    expect(calls.protocolHandlers.has('app')).toBe(true);
    expect(calls.permissionHandler).toBeTypeOf('function');
    expect(calls.handled.sort()).toEqual(Object.keys(channels).sort());
  });

  it('guards every web contents the app creates', () => {
    const prevented: string[] = [];
    let windowOpen: ((d: { url: string }) => unknown) | null = null;
    const contents = {
      on: (event: string, l: (e: { preventDefault(): void }, url?: string) => void) => {
        if (event === 'will-navigate') l({ preventDefault: () => prevented.push(event) }, 'https://evil.example/');
      },
      setWindowOpenHandler: (h: (d: { url: string }) => unknown) => (windowOpen = h),
    };
    calls.appListeners.get('web-contents-created')!({}, contents);
    expect(prevented).toEqual(['will-navigate']);
    expect(windowOpen!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' });
  });

  it('answers app:// requests for files outside the app folder with 404', async () => {
    const handler = calls.protocolHandlers.get('app')!;
    const outside = await handler(new Request('app://plexe/../../package.json'));
    expect([404]).toContain(outside.status);
    const otherHost = await handler(new Request('app://elsewhere/index.html'));
    expect(otherHost.status).toBe(404);
  });
});
