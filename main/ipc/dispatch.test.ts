import { describe, expect, it, vi } from 'vitest';
import { z } from 'zod';
import { channels, events } from '../../shared/ipc/contract';
import { CHANNEL_NAME, EVENT_NAME } from '../../shared/ipc/define';
import { AppError } from '../../shared/ipc/errors';
import { createDispatch, type HandlerTable } from './dispatch';
import { bindIpcMain } from './bind-electron';

function fullTable(overrides: Record<string, unknown> = {}): HandlerTable {
  const table: Record<string, unknown> = {};
  for (const name of Object.keys(channels)) table[name] = () => ({});
  return { ...table, ...overrides } as HandlerTable;
}

describe('the IPC contract', () => {
  it('gives every channel a well-formed name and a runtime schema for argument and answer', () => {
    for (const [name, def] of Object.entries(channels)) {
      expect(name).toMatch(CHANNEL_NAME);
      expect(def.input, name).toBeInstanceOf(z.ZodType);
      expect(def.output, name).toBeInstanceOf(z.ZodType);
    }
    for (const [name, schema] of Object.entries(events)) {
      expect(name).toMatch(EVENT_NAME);
      expect(schema, name).toBeInstanceOf(z.ZodType);
    }
  });
});

describe('createDispatch', () => {
  it('refuses to start when a channel has no handler, or a handler has no channel', () => {
    const table = fullTable() as unknown as Record<string, unknown>;
    delete table['app:get-info'];
    expect(() => createDispatch(table as unknown as HandlerTable)).toThrow(/app:get-info has no handler/);
    expect(() => createDispatch(fullTable({ 'app:do-evil': () => 1 }))).toThrow(/app:do-evil has no channel/);
  });

  it('refuses unknown channels', async () => {
    const dispatch = createDispatch(fullTable());
    expect(await dispatch('fs:read-file', { path: '/etc/passwd' })).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
    expect(await dispatch('__proto__', {})).toMatchObject({ ok: false, error: { code: 'unknown_channel' } });
  });

  it('validates arguments before the handler runs, naming each bad field', async () => {
    const handler = vi.fn(() => ({ opened: true }));
    const dispatch = createDispatch(fullTable({ 'app:open-external': handler }));
    const result = await dispatch('app:open-external', { url: 42 });
    expect(handler).not.toHaveBeenCalled();
    expect(result).toMatchObject({ ok: false, error: { code: 'invalid_arguments' } });
    expect(JSON.stringify(result)).toContain('"field":"url"');
  });

  it('passes the parsed argument and returns the value', async () => {
    const dispatch = createDispatch(fullTable({ 'app:open-external': ({ url }: { url: string }) => ({ opened: url.startsWith('https') }) }));
    expect(await dispatch('app:open-external', { url: 'https://plexe.ai' })).toEqual({ ok: true, value: { opened: true } });
  });

  it('turns failures into {code, message, details} and never leaks a stack trace', async () => {
    const unexpected = vi.fn();
    const dispatch = createDispatch(
      fullTable({
        'app:get-info': () => {
          throw new AppError('database_too_new', 'Your history was written by a newer Plexe Desktop.', { version: 9 });
        },
        'app:list-notices': () => {
          throw new Error('SQLITE_BUSY at /home/me/secret/path.js:12');
        },
      }),
      { onUnexpected: unexpected },
    );
    expect(await dispatch('app:get-info', undefined)).toEqual({
      ok: false,
      error: { code: 'database_too_new', message: 'Your history was written by a newer Plexe Desktop.', details: { version: 9 } },
    });
    const hidden = await dispatch('app:list-notices', undefined);
    expect(hidden).toMatchObject({ ok: false, error: { code: 'internal_error' } });
    expect(JSON.stringify(hidden)).not.toMatch(/SQLITE_BUSY|secret|\.js:/);
    expect(unexpected).toHaveBeenCalledOnce();
  });

  it('checks answers against their schema when asked', async () => {
    const dispatch = createDispatch(fullTable({ 'app:open-external': () => ({ opened: 'yes' }) }), { checkOutputs: true });
    expect(await dispatch('app:open-external', { url: 'https://plexe.ai' })).toMatchObject({ ok: false, error: { code: 'internal_error' } });
  });
});

describe('bindIpcMain', () => {
  it('binds every channel and checks the sender frame before dispatching', async () => {
    const handlers = new Map<string, (e: { senderFrame: { url: string; parent: unknown } | null }, a: unknown) => Promise<unknown>>();
    const dispatch = vi.fn(async () => ({ ok: true as const, value: 1 }));
    bindIpcMain({ handle: (c, l) => void handlers.set(c, l), removeHandler: (c) => void handlers.delete(c) }, dispatch);
    expect([...handlers.keys()].sort()).toEqual(Object.keys(channels).sort());
    const call = handlers.get('app:get-info')!;
    expect(await call({ senderFrame: { url: 'https://evil.example/', parent: null } }, undefined)).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(await call({ senderFrame: { url: 'app://plexe/index.html', parent: {} } }, undefined)).toMatchObject({ ok: false, error: { code: 'forbidden_sender' } });
    expect(dispatch).not.toHaveBeenCalled();
    expect(await call({ senderFrame: { url: 'app://plexe/index.html', parent: null } }, undefined)).toEqual({ ok: true, value: 1 });
    expect(dispatch).toHaveBeenCalledWith('app:get-info', undefined);
  });
});
