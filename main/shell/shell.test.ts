import { readFileSync } from 'node:fs';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { contentSecurityPolicy } from './csp';
import { mainWindowOptions, MIN_HEIGHT, MIN_WIDTH } from './window-options';
import { denyAllPermissions, guardContents, type GuardedContents } from './guards';
import { isSafeExternalUrl } from './external-links';
import { isTrustedSender } from './sender';
import { rendererResponse, resolveRendererPath } from './serve-renderer';
import { loadWindowState, saveWindowState } from './window-state';

describe('window options', () => {
  const options = mainWindowOptions('/app/preload.cjs', { width: 1000, height: 700 });
  it('isolates the renderer', () => {
    expect(options.webPreferences).toMatchObject({
      preload: '/app/preload.cjs',
      sandbox: true,
      contextIsolation: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      webviewTag: false,
      disableBlinkFeatures: 'Auxclick',
    });
  });
  it('never opens smaller than the layouts are designed for', () => {
    const tiny = mainWindowOptions('/p', { width: 200, height: 100 });
    expect(tiny.width).toBe(MIN_WIDTH);
    expect(tiny.height).toBe(MIN_HEIGHT);
    expect(tiny.minWidth).toBe(900);
    expect(tiny.minHeight).toBe(600);
  });
});

describe('content security policy', () => {
  const csp = contentSecurityPolicy();
  const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k!, v]));
  it('allows no remote or inline script and no eval', () => {
    expect(directives.get('default-src')).toEqual(["'none'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(csp).not.toMatch(/unsafe-eval|https?:|\*/);
  });
  it('limits connections to the app itself', () => {
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
  });
  it('is the same policy the page itself declares', () => {
    const html = readFileSync(join(import.meta.dirname, '../../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy" content="([^"]+)"/.exec(html)?.[1];
    const norm = (s: string) => s.split(';').map((d) => d.trim()).filter((d) => !d.startsWith('frame-ancestors')).sort();
    expect(meta).toBeDefined();
    expect(norm(meta!)).toEqual(norm(csp));
  });
});

function fakeContents() {
  const listeners = new Map<string, (event: { preventDefault(): void }, ...args: unknown[]) => void>();
  let openHandler: ((d: { url: string }) => { action: string }) | null = null;
  const contents: GuardedContents = {
    on: (event, listener) => listeners.set(event, listener),
    setWindowOpenHandler: (h) => {
      openHandler = h;
    },
  };
  const fire = (name: string, url?: string) => {
    const event = { preventDefault: vi.fn() };
    listeners.get(name)?.(event, url);
    return event.preventDefault.mock.calls.length > 0;
  };
  return { contents, fire, open: (url: string) => openHandler!({ url }) };
}

describe('navigation guards', () => {
  it('denies every navigation and hands only https links to the system browser', () => {
    const opened: string[] = [];
    const f = fakeContents();
    guardContents(f.contents, (u) => void opened.push(u));
    expect(f.fire('will-navigate', 'https://docs.plexe.ai/')).toBe(true);
    expect(f.fire('will-navigate', 'http://evil.example/')).toBe(true);
    expect(f.fire('will-navigate', 'file:///etc/passwd')).toBe(true);
    expect(f.fire('will-attach-webview')).toBe(true);
    expect(opened).toEqual(['https://docs.plexe.ai/']);
  });
  it('denies new windows, opening checked https links externally', () => {
    const opened: string[] = [];
    const f = fakeContents();
    guardContents(f.contents, (u) => void opened.push(u));
    expect(f.open('https://plexe.ai/pricing')).toEqual({ action: 'deny' });
    expect(f.open('javascript:alert(1)')).toEqual({ action: 'deny' });
    expect(f.open('https://user:pw@plexe.ai/')).toEqual({ action: 'deny' });
    expect(opened).toEqual(['https://plexe.ai/pricing']);
  });
  it('refuses redirects away from the app', () => {
    const f = fakeContents();
    guardContents(f.contents, () => {});
    expect(f.fire('will-redirect', 'https://elsewhere.example/')).toBe(true);
    expect(f.fire('will-redirect', 'app://plexe/index.html')).toBe(false);
  });
  it('checks external links strictly', () => {
    expect(isSafeExternalUrl('https://plexe.ai')).toBe(true);
    for (const bad of ['http://plexe.ai', 'file:///x', 'smb://host/share', 'not a url', 'javascript:void(0)']) {
      expect(isSafeExternalUrl(bad)).toBe(false);
    }
  });
});

describe('permissions', () => {
  it('denies every permission request and check', () => {
    let request: ((wc: unknown, p: string, cb: (g: boolean) => void) => void) | null = null;
    let check: ((wc: unknown, p: string) => boolean) | null = null;
    denyAllPermissions({ setPermissionRequestHandler: (h) => (request = h), setPermissionCheckHandler: (h) => (check = h) });
    const cb = vi.fn();
    request!(null, 'media', cb);
    request!(null, 'notifications', cb);
    expect(cb.mock.calls).toEqual([[false], [false]]);
    expect(check!(null, 'clipboard-read')).toBe(false);
  });
});

describe('IPC sender check', () => {
  it('accepts only the app origin main frame', () => {
    expect(isTrustedSender({ url: 'app://plexe/index.html', parent: null })).toBe(true);
    expect(isTrustedSender({ url: 'app://plexe/index.html', parent: {} })).toBe(false);
    expect(isTrustedSender({ url: 'https://evil.example/', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'file:///index.html', parent: null })).toBe(false);
    expect(isTrustedSender({ url: 'app://other/index.html', parent: null })).toBe(false);
    expect(isTrustedSender(null)).toBe(false);
  });
});

describe('renderer protocol', () => {
  it('never serves a file outside the renderer folder', () => {
    const root = '/srv/renderer';
    expect(resolveRendererPath(root, '/')).toBe('/srv/renderer/index.html');
    expect(resolveRendererPath(root, '/assets/a.js')).toBe('/srv/renderer/assets/a.js');
    expect(resolveRendererPath(root, '/../secret')).toBeNull();
    expect(resolveRendererPath(root, '/%2e%2e/%2e%2e/etc/passwd')).toBeNull();
    expect(resolveRendererPath(root, '/a%00b')).toBeNull();
  });
  it('puts the CSP on every answer', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'renderer-'));
    writeFileSync(join(dir, 'index.html'), '<!doctype html>');
    const ok = await rendererResponse(dir, '/');
    expect(ok.status).toBe(200);
    expect(ok.headers['content-security-policy']).toBe(contentSecurityPolicy());
    const missing = await rendererResponse(dir, '/nope.js');
    expect(missing.status).toBe(404);
    expect(missing.headers['content-security-policy']).toBe(contentSecurityPolicy());
  });
});

describe('window state', () => {
  const displays = [{ workArea: { x: 0, y: 0, width: 1920, height: 1080 } }];
  it('remembers size and position', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ws-')), 'window-state.json');
    expect(loadWindowState(file, displays)).toEqual({ width: 1200, height: 800 });
    saveWindowState(file, { x: 100, y: 50, width: 1300, height: 900, maximized: false });
    expect(loadWindowState(file, displays)).toEqual({ x: 100, y: 50, width: 1300, height: 900, maximized: false });
  });
  it('drops a position on a display that is gone, and ignores a broken file', () => {
    const file = join(mkdtempSync(join(tmpdir(), 'ws-')), 'window-state.json');
    saveWindowState(file, { x: 5000, y: 50, width: 1300, height: 900 });
    expect(loadWindowState(file, displays)).toEqual({ width: 1300, height: 900, maximized: false });
    writeFileSync(file, '{not json');
    expect(loadWindowState(file, displays)).toEqual({ width: 1200, height: 800 });
  });
});

describe('files opened with the app', async () => {
  const { spreadsheetArgs } = await import('./opened-files');
  it('picks spreadsheets out of the command line and ignores switches', () => {
    expect(spreadsheetArgs(['/opt/Plexe Desktop/plexe', '--no-sandbox', '/home/a/customers.CSV', '/home/a/notes.pdf', 'C:\\x\\book.xlsx'])).toEqual([
      '/home/a/customers.CSV',
      'C:\\x\\book.xlsx',
    ]);
  });
});
