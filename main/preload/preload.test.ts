import { beforeEach, describe, expect, it, vi } from 'vitest';
import { PRELOAD_ONLY_CHANNELS } from '../../shared/ipc/app';
import { channels, events } from '../../shared/ipc/contract';
import { domainName, verbName } from '../../shared/ipc/define';

const exposed: Record<string, unknown> = {};
const listeners = new Map<string, Set<(...args: unknown[]) => void>>();
const ipcRenderer = {
  invoke: vi.fn(async (channel: string, arg: unknown) => ({ ok: true, value: { channel, arg } })),
  on: vi.fn((event: string, l: (...args: unknown[]) => void) => {
    if (!listeners.has(event)) listeners.set(event, new Set());
    listeners.get(event)!.add(l);
  }),
  removeListener: vi.fn((event: string, l: (...args: unknown[]) => void) => listeners.get(event)?.delete(l)),
  send: vi.fn(),
  sendSync: vi.fn(),
};

vi.mock('electron', () => ({
  contextBridge: { exposeInMainWorld: (key: string, api: unknown) => (exposed[key] = api) },
  ipcRenderer,
  webUtils: { getPathForFile: () => '/home/me/data.csv' },
}));

beforeEach(() => {
  ipcRenderer.invoke.mockClear();
});

await import('./index');

function leaves(value: unknown, path = 'plexe', out: [string, unknown][] = []): [string, unknown][] {
  if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) leaves(v, `${path}.${k}`, out);
  } else out.push([path, value]);
  return out;
}

describe('preload', () => {
  it('exposes only window.plexe, made of named functions', () => {
    expect(Object.keys(exposed)).toEqual(['plexe']);
    const all = leaves(exposed['plexe']);
    expect(all.length).toBeGreaterThan(0);
    for (const [path, v] of all) {
      expect(typeof v, path).toBe('function');
      expect(v).not.toBe(ipcRenderer.invoke);
      expect(v).not.toBe(ipcRenderer.send);
      expect(v).not.toBe(ipcRenderer.on);
    }
    const flat = JSON.stringify(Object.keys(exposed['plexe'] as object));
    expect(flat).not.toMatch(/ipcRenderer|invoke|send/);
  });

  it('has one function per channel, forwarding to that channel only', async () => {
    const api = exposed['plexe'] as Record<string, Record<string, (a?: unknown) => Promise<unknown>>>;
    for (const name of Object.keys(channels)) {
      const fn = api[domainName(name)]?.[verbName(name)];
      if ((PRELOAD_ONLY_CHANNELS as readonly string[]).includes(name)) expect(fn, name).toBeUndefined();
      else expect(fn, name).toBeTypeOf('function');
    }
    await api['app']!['openExternal']!({ url: 'https://plexe.ai' });
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('app:open-external', { url: 'https://plexe.ai' });
  });

  it('registers a picked or dropped file with main by its real path (webUtils), through the preload-only channel', async () => {
    const api = exposed['plexe'] as { files: { register(f: unknown): Promise<unknown> } };
    const file = { name: 'data.csv', size: 10 };
    expect(await api.files.register(file)).toEqual({ ok: true, value: { channel: 'app:register-file', arg: { path: '/home/me/data.csv' } } });
    expect(ipcRenderer.invoke).toHaveBeenCalledWith('app:register-file', { path: '/home/me/data.csv' });
  });

  it('passes event payloads without the event object, and unsubscribes', () => {
    const api = exposed['plexe'] as { on: Record<string, (l: (...a: unknown[]) => void) => () => void> };
    for (const name of Object.keys(events)) expect(api.on[verbName(name)], name).toBeTypeOf('function');
    const got: unknown[][] = [];
    const off = api.on['appNotice']!((...args) => got.push(args));
    const senderEvent = { sender: { send: () => {} }, ports: [] };
    listeners.get('event:app-notice')!.forEach((l) => l(senderEvent, { level: 'info', message: 'hi' }));
    expect(got).toEqual([[{ level: 'info', message: 'hi' }]]);
    off();
    expect(listeners.get('event:app-notice')!.size).toBe(0);
  });
});
