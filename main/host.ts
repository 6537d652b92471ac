import type { SaveKind } from '../shared/ipc/app';

/** What differs between the Electron app and the browser harness: dialogs, the shell, notifications. */
export interface HostPorts {
  kind: 'electron' | 'harness' | 'test';
  chooseSavePath(suggestedName: string, kind: SaveKind): Promise<string | null>;
  showInFolder(path: string): Promise<boolean>;
  /** Opens a file in the OS's default app for it; null when it opened, else the OS's reason. */
  openPath(path: string): Promise<string | null>;
  openExternal(url: string): Promise<boolean>;
  notify(title: string, body: string): void;
  /** Files handed to the app by the OS, not yet taken by the renderer. */
  takeOpenedFiles(): string[];
}

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
}
