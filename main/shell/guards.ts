import { APP_ORIGIN } from './constants';
import { isSafeExternalUrl } from './external-links';

/** The parts of Electron's WebContents the guards touch (a small surface tests can fake). */
export interface GuardedContents {
  on(event: 'will-navigate' | 'will-redirect' | 'will-attach-webview', listener: (event: { preventDefault(): void }, ...args: unknown[]) => void): unknown;
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'deny' } | { action: 'allow' }): void;
}

export interface GuardedSession {
  setPermissionRequestHandler(handler: ((webContents: unknown, permission: string, callback: (granted: boolean) => void) => void) | null): void;
  setPermissionCheckHandler(handler: ((webContents: unknown, permission: string) => boolean) | null): void;
}

export type OpenExternal = (url: string) => Promise<void> | void;

/**
 * Navigation is denied outright; new windows are denied, and a checked https link is handed to the
 * system browser instead. Applied to every web contents the app creates (`web-contents-created`).
 */
export function guardContents(contents: GuardedContents, openExternal: OpenExternal): void {
  contents.on('will-navigate', (event, url) => {
    event.preventDefault();
    if (typeof url === 'string' && isSafeExternalUrl(url)) void openExternal(url);
  });
  contents.on('will-redirect', (event, url) => {
    if (typeof url !== 'string' || !url.startsWith(`${APP_ORIGIN}/`)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(({ url }) => {
    if (isSafeExternalUrl(url)) void openExternal(url);
    return { action: 'deny' };
  });
}

/** Camera, microphone, notifications prompts, geolocation…: the renderer needs none of them. */
export function denyAllPermissions(session: GuardedSession): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
}
