import { app, BrowserWindow, dialog, ipcMain, net, Notification, protocol, screen, session, shell } from 'electron';
import { join } from 'node:path';
import { APP_ORIGIN, APP_SCHEME } from './shell/constants';
import { mainWindowOptions } from './shell/window-options';
import { denyAllPermissions, guardContents } from './shell/guards';
import { rendererResponse } from './shell/serve-renderer';
import { loadWindowState, saveWindowState } from './shell/window-state';
import { isSafeExternalUrl } from './shell/external-links';
import { spreadsheetArgs } from './shell/opened-files';
import { bindIpcMain, forwardEvents } from './ipc/bind-electron';
import { createServices, type Services } from './services';
import type { HostPorts } from './host';
import { createAppLogging } from './logging';
import electronUpdater from 'electron-updater';

// Thin Electron layer: everything it calls is plain TypeScript tested in Node.
protocol.registerSchemesAsPrivileged([
  { scheme: APP_SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: false, stream: true } },
]);

let mainWindow: BrowserWindow | null = null;
let services: Services | null = null;
const openedFiles: string[] = spreadsheetArgs(process.argv);

function fileOpened(path: string): void {
  if (services) services.events.emit('event:file-opened', { path: services.grants.grantRead(path) });
  else openedFiles.push(path);
}

if (!app.requestSingleInstanceLock()) {
  app.quit();
} else {
  app.on('second-instance', (_event, argv) => {
    for (const path of spreadsheetArgs(argv)) fileOpened(path);
    if (mainWindow) {
      if (mainWindow.isMinimized()) mainWindow.restore();
      mainWindow.focus();
    }
  });

  // macOS hands files over with an event rather than on the command line.
  app.on('open-file', (event, path) => {
    event.preventDefault();
    fileOpened(path);
  });

  app.on('web-contents-created', (_event, contents) => {
    guardContents(contents, (url) => shell.openExternal(url));
  });

  app.whenReady().then(start).catch((error: unknown) => {
    dialog.showErrorBox('Plexe Desktop could not start', error instanceof Error ? error.message : String(error));
    app.exit(1);
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });

  app.on('before-quit', () => {
    void services?.close();
  });
}

async function start(): Promise<void> {
  const rendererRoot = join(import.meta.dirname, '../renderer');
  protocol.handle(APP_SCHEME, async (request) => {
    const url = new URL(request.url);
    if (`${url.protocol}//${url.host}` !== APP_ORIGIN) return new Response('Not found', { status: 404 });
    const answer = await rendererResponse(rendererRoot, url.pathname);
    return new Response(answer.body as BodyInit, { status: answer.status, headers: answer.headers });
  });
  denyAllPermissions(session.defaultSession);

  const host: HostPorts = {
    kind: 'electron',
    chooseSavePath: async (suggestedName, kind) => {
      const names = { csv: 'CSV file', tsv: 'Tab-separated text', xlsx: 'Excel workbook', json: 'JSON file', html: 'Web page (HTML)' } as const;
      const options = { defaultPath: suggestedName, filters: [{ name: names[kind], extensions: [kind] }] };
      const result = mainWindow ? await dialog.showSaveDialog(mainWindow, options) : await dialog.showSaveDialog(options);
      return result.canceled || !result.filePath ? null : result.filePath;
    },
    showInFolder: async (path) => {
      shell.showItemInFolder(path);
      return true;
    },
    // shell.openPath answers '' when the file opened, or the OS's reason it did not.
    openPath: async (path) => (await shell.openPath(path)) || null,
    openExternal: async (url) => {
      if (!isSafeExternalUrl(url)) return false;
      await shell.openExternal(url);
      return true;
    },
    // Only when the person is looking elsewhere: in the window, the screen already shows the end.
    notify: (title, body) => {
      if (Notification.isSupported() && !mainWindow?.isFocused()) new Notification({ title, body }).show();
    },
    takeOpenedFiles: () => openedFiles.splice(0),
  };

  const logging = createAppLogging({ dir: app.getPath('logs'), console: !app.isPackaged });
  process.on('uncaughtException', (error) => logging.logger.error('uncaught exception', { error: error.message }));
  process.on('unhandledRejection', (reason) => logging.logger.error('unhandled rejection', { error: String(reason) }));
  services = await createServices({
    dataDir: app.getPath('userData'),
    host,
    version: app.getVersion(),
    fetch: net.fetch as unknown as typeof fetch,
    log: logging.logger,
    errors: logging.errors,
    logFile: logging.file.path,
    autoUpdater: electronUpdater.autoUpdater,
    packaged: app.isPackaged,
  });
  bindIpcMain(ipcMain, services.dispatch);
  forwardEvents(services.events, () => mainWindow?.webContents ?? null);
  createWindow();
  app.on('activate', () => {
    if (BrowserWindow.getAllWindows().length === 0) createWindow();
  });
}

function createWindow(): void {
  const stateFile = join(app.getPath('userData'), 'window-state.json');
  const bounds = loadWindowState(stateFile, screen.getAllDisplays());
  const preload = join(import.meta.dirname, '../preload/index.cjs');
  const win = new BrowserWindow(mainWindowOptions(preload, bounds));
  mainWindow = win;
  if (bounds.maximized) win.maximize();
  win.once('ready-to-show', () => win.show());
  const remember = () => {
    if (win.isDestroyed()) return;
    const b = win.getNormalBounds();
    saveWindowState(stateFile, { ...b, maximized: win.isMaximized() });
  };
  win.on('close', remember);
  win.on('closed', () => {
    mainWindow = null;
  });
  void win.loadURL(`${APP_ORIGIN}/index.html`);
}
