import fs from 'node:fs';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { historyChannels } from '../../shared/ipc/history';
import { AppError } from '../../shared/ipc/errors';
import { SqliteSettings } from '../store/settings';
import { applyRetentionAtStartup } from '../history/retention';
import { prediction, tempHistory } from '../history/test-helpers';
import { FileGrants } from '../shell/file-grants';
import { registerHistoryIpc } from './history';

let t: ReturnType<typeof tempHistory>;
let handlers: ReturnType<typeof registerHistoryIpc>;
let settings: SqliteSettings;
let grants: FileGrants;
beforeEach(() => {
  t = tempHistory();
  settings = new SqliteSettings(t.db);
  grants = new FileGrants();
  handlers = registerHistoryIpc({ history: t.store, settings, grants });
});
afterEach(() => t.dispose());

/** Calls a handler the way the dispatcher does: arguments parsed by the channel's schema, answer checked. */
async function call<C extends keyof typeof historyChannels>(name: C, raw: unknown): Promise<unknown> {
  const def = historyChannels[name];
  const args = def.input.parse(raw);
  const handler = handlers[name as keyof typeof handlers] as unknown as (a: unknown) => unknown;
  return def.output.parse(await handler(args));
}

describe('history IPC handlers', () => {
  it('has a handler for every channel and only those', () => {
    expect(Object.keys(handlers).sort()).toEqual(Object.keys(historyChannels).sort());
  });

  it('pages, counts, fetches an entry and lists facets', async () => {
    t.store.addMany([prediction({ requestId: 'a' }), prediction({ requestId: 'b', status: 'timeout', result: null })]);
    const page = (await call('history:list-page', { limit: 1 })) as { rows: { id: number }[]; nextCursor: string };
    expect(page.rows).toHaveLength(1);
    const next = (await call('history:list-page', { cursor: page.nextCursor })) as { rows: unknown[]; nextCursor: null };
    expect(next.rows).toHaveLength(1);
    expect(next.nextCursor).toBeNull();
    expect(await call('history:count-entries', { filters: { outcome: 'failed' } })).toEqual({ count: 1 });
    expect(await call('history:get-entry', { id: page.rows[0]!.id })).toMatchObject({ requestId: 'b' });
    expect(await call('history:get-entry', { id: 999 })).toBeNull();
    expect(await call('history:list-facets', undefined)).toMatchObject({ statuses: ['ok', 'timeout'] });
  });

  it('rejects filters and cursors the renderer should never send', () => {
    expect(historyChannels['history:list-page'].input.safeParse({ cursor: "1; DROP TABLE predictions" }).success).toBe(false);
    expect(historyChannels['history:list-page'].input.safeParse({ filters: { sql: 'x' } }).success).toBe(false);
    expect(historyChannels['history:list-page'].input.safeParse({ filters: { modelVersion: '1' } }).success).toBe(false);
    expect(historyChannels['history:clear-all'].input.safeParse({}).success).toBe(false);
  });

  it('exports to the chosen path, without leaving a partial file on failure', async () => {
    t.store.add(prediction({ input: { name: '=cmd' } }));
    const target = grants.grantWrite(path.join(t.dir, 'out.csv'));
    const res = (await call('history:export-csv', { filters: {}, path: target })) as { rows: number; path: string };
    expect(res).toMatchObject({ rows: 1, path: target });
    const text = fs.readFileSync(target, 'utf8');
    expect(text.startsWith('\uFEFFname,prediction,probability,status,error,request_id')).toBe(true);
    expect(text).toContain("'=cmd");
    expect(fs.readdirSync(t.dir).filter((f) => f.includes('partial'))).toEqual([]);
    const missing = grants.grantWrite(path.join(t.dir, 'no-such-folder', 'out.csv'));
    await expect(call('history:export-csv', { filters: {}, path: missing })).rejects.toThrow(AppError);
    await expect(call('history:export-csv', { filters: {}, path: missing })).rejects.toThrow(/does not exist/);
  });

  it('deletes entries, clears all, and keeps the retention setting for start-up', async () => {
    const now = Date.now();
    t.store.addMany([prediction({ createdAt: new Date(now - 40 * 86_400_000).toISOString() }), prediction({ createdAt: new Date(now).toISOString() }), prediction({ createdAt: new Date(now).toISOString() })]);
    expect(await call('history:get-retention', undefined)).toEqual({ days: null });
    expect(await call('history:set-retention', { days: 30 })).toEqual({ days: 30 });
    expect(await call('history:get-retention', undefined)).toEqual({ days: 30 });
    expect(t.store.count()).toBe(3); // nothing is deleted until start-up
    expect(applyRetentionAtStartup(t.store, settings)).toBe(1);
    const newest = t.store.page({ limit: 1 }).rows[0]!.id;
    expect(await call('history:delete-entries', { ids: [newest] })).toEqual({ deleted: 1 });
    expect(await call('history:clear-all', { confirm: true })).toEqual({ deleted: 1 });
    expect(await call('history:set-retention', { days: null })).toEqual({ days: null });
    expect(applyRetentionAtStartup(t.store, settings)).toBe(0);
  });
});
