import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FieldSpec, SavedModel } from '../../shared/domain/model';
import type { Profile } from '../../shared/domain/profile';
import { fieldsFromAnySchema } from '../../shared/domain/schema-convert';
import type { JobProgress } from '../../shared/ipc/jobs';
import { describeInputSchema, findModel } from '../../sandbox/models';
import { startSandbox, type RunningSandbox, type SandboxConfig } from '../../sandbox/server';
import { createEngine, type EngineSettings } from '../engine';
import { HistoryStore } from '../history/store';
import { PlexeClient } from '../plexe/client';
import { closeDatabase, openDatabase, type SqliteDatabase } from '../store/db';
import { SqliteSettings } from '../store/settings';
import { JobService } from './service';

/** Engine settings that keep fault tests quick: short back-off, short timeouts. */
export const FAST_RETRY: Partial<EngineSettings> = { attempts: 8, backoffBaseMs: 5, backoffCapMs: 40, timeoutMs: 2_000 };

export function houseFields(): FieldSpec[] {
  return fieldsFromAnySchema(describeInputSchema(findModel('house-prices', '1')!));
}

export interface HouseRowOptions {
  /** Every n-th row (1-based data index) gets a value the server refuses (bedrooms 99 > max 20). */
  serverInvalidEvery?: number;
  /** Every n-th row gets a value the local check refuses ("three": a number written in words). */
  localInvalidEvery?: number;
  /** Number of distinct rows (the rest repeat them); default all distinct. */
  distinct?: number;
}

const LOCATIONS = ['urban', 'suburban', 'rural'] as const;

/** A house-prices CSV with a listing id column carried through; square_footage makes rows distinct. */
export function houseCsv(rows: number, opts: HouseRowOptions = {}): string {
  const lines = ['listing_id,square_footage,bedrooms,bathrooms,location'];
  for (let i = 1; i <= rows; i++) {
    const k = opts.distinct ? ((i - 1) % opts.distinct) + 1 : i;
    let bedrooms = String(1 + (k % 6));
    if (opts.serverInvalidEvery && i % opts.serverInvalidEvery === 0) bedrooms = '99';
    if (opts.localInvalidEvery && i % opts.localInvalidEvery === 0) bedrooms = 'three';
    lines.push(`L-${i},${500 + k},${bedrooms},${1 + (k % 3)},${LOCATIONS[k % 3]}`);
  }
  return lines.join('\n') + '\n';
}

export interface JobsHarness {
  dir: string;
  db: SqliteDatabase;
  sandbox: RunningSandbox;
  service: JobService;
  profile: Profile;
  model: SavedModel;
  progress: JobProgress[];
  notifications: { title: string; body: string }[];
  write(name: string, text: string | Buffer): string;
  close(): Promise<void>;
}

export async function jobsHarness(opts: { sandbox?: Partial<SandboxConfig>; engine?: Partial<EngineSettings>; rpm?: number; concurrency?: number; now?: () => number } = {}): Promise<JobsHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'plexe-jobs-'));
  const { db } = openDatabase(join(dir, 'plexe.db'));
  const sandbox = await startSandbox({ port: 0, config: opts.sandbox ?? {} });
  const profile: Profile = { id: 'p1', name: 'Test account', baseUrl: sandbox.url, rpm: opts.rpm ?? 60_000, concurrency: opts.concurrency ?? 4, isDemo: false, createdAt: new Date().toISOString() };
  const model: SavedModel = {
    id: 'm1',
    profileId: profile.id,
    ref: { kind: 'model', name: 'house-prices', version: '1' },
    displayName: 'House prices',
    schema: { fields: houseFields(), source: 'describe' },
    outputSchema: null,
    createdAt: new Date().toISOString(),
  };
  const engine = createEngine({ client: new PlexeClient({ fetch: (u, i) => fetch(u, i) }), settings: () => ({ ...FAST_RETRY, ...(opts.engine ?? {}) }) });
  const progress: JobProgress[] = [];
  const notifications: { title: string; body: string }[] = [];
  const service = new JobService({
    db,
    engine,
    history: new HistoryStore(db),
    profileAndKey: async (id) => {
      if (id !== profile.id) throw new Error('unknown profile');
      return { profile, apiKey: sandbox.key };
    },
    getProfile: (id) => (id === profile.id ? profile : undefined),
    getModel: (id) => (id === model.id ? model : undefined),
    settings: new SqliteSettings(db),
    onProgress: (p) => progress.push(p),
    notify: (title, body) => notifications.push({ title, body }),
    ...(opts.now ? { now: opts.now } : {}),
  });
  return {
    dir,
    db,
    sandbox,
    service,
    profile,
    model,
    progress,
    notifications,
    write(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    async close() {
      await service.close();
      await sandbox.close();
      closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
