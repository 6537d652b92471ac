/** What differs between the Electron app and the browser harness: dialogs, the shell, notifications. */
export interface HostPorts {
  kind: 'electron' | 'harness' | 'test';
  chooseSavePath(suggestedName: string, kind: 'csv' | 'json' | 'html'): Promise<string | null>;
  showInFolder(path: string): Promise<boolean>;
  openExternal(url: string): Promise<boolean>;
  notify(title: string, body: string): void;
  /** Files handed to the app by the OS, not yet taken by the renderer. */
  takeOpenedFiles(): string[];
}

export interface Notice {
  level: 'info' | 'warning' | 'error';
  message: string;
}
