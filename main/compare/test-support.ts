import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { SavedModel } from '../../shared/domain/model';
import type { Profile } from '../../shared/domain/profile';
import { fieldsFromAnySchema } from '../../shared/domain/schema-convert';
import { describeInputSchema, findModel } from '../../sandbox/models';
import { startSandbox, type RunningSandbox, type SandboxConfig } from '../../sandbox/server';
import { createEngine, type EngineSettings } from '../engine';
import { HistoryStore } from '../history/store';
import { FAST_RETRY } from '../jobs/test-support';
import { JobService } from '../jobs/service';
import { PlexeClient } from '../plexe/client';
import { closeDatabase, openDatabase, type SqliteDatabase } from '../store/db';
import { EvaluationService } from '../evaluate/service';
import { CompareService } from './service';

const CONTRACTS = ['month-to-month', 'one-year', 'two-year'] as const;

/** A customer-churn CSV with a customer id carried through; the values spread over both classes of both versions. */
export function churnCsv(rows: number): string {
  const lines = ['customer_id,tenure_months,monthly_charges,contract,support_calls,paperless_billing'];
  for (let i = 1; i <= rows; i++) {
    lines.push(`C-${i},${(i * 7) % 72},${(20 + ((i * 13) % 100)).toFixed(2)},${CONTRACTS[i % 3]},${(i * 5) % 7},${i % 2 === 0 ? 'true' : 'false'}`);
  }
  return lines.join('\n') + '\n';
}

function saved(id: string, profileId: string, name: string, version: string, displayName: string): SavedModel {
  return {
    id,
    profileId,
    ref: { kind: 'model', name, version },
    displayName,
    schema: { fields: fieldsFromAnySchema(describeInputSchema(findModel(name, version)!)), source: 'describe' },
    outputSchema: findModel(name, version)!.outputSchema,
    createdAt: new Date().toISOString(),
  };
}

export interface CompareHarness {
  dir: string;
  db: SqliteDatabase;
  sandbox: RunningSandbox;
  jobs: JobService;
  compare: CompareService;
  evaluations: EvaluationService;
  history: HistoryStore;
  profile: Profile;
  write(name: string, text: string): string;
  close(): Promise<void>;
}

/** A job service and a compare service wired as createCore wires them, against a sandbox, with churn v1 (m1), churn v2 (m2) and house prices (m3) saved. */
export async function compareHarness(opts: { sandbox?: Partial<SandboxConfig>; engine?: Partial<EngineSettings> } = {}): Promise<CompareHarness> {
  const dir = mkdtempSync(join(tmpdir(), 'plexe-compare-'));
  const { db } = openDatabase(join(dir, 'plexe.db'));
  const sandbox = await startSandbox({ port: 0, config: opts.sandbox ?? {} });
  const profile: Profile = { id: 'p1', name: 'Test account', baseUrl: sandbox.url, rpm: 60_000, concurrency: 4, isDemo: false, createdAt: new Date().toISOString() };
  const models = [
    saved('m1', 'p1', 'customer-churn', '1', 'Churn'),
    saved('m2', 'p1', 'customer-churn', '2', 'Churn v2'),
    saved('m3', 'p1', 'house-prices', '1', 'House prices'),
  ];
  const engine = createEngine({ client: new PlexeClient({ fetch: (u, i) => fetch(u, i) }), settings: () => ({ ...FAST_RETRY, ...(opts.engine ?? {}) }) });
  const history = new HistoryStore(db);
  const profileAndKey = async (id: string) => {
    if (id !== profile.id) throw new Error('unknown profile');
    return { profile, apiKey: sandbox.key };
  };
  const getProfile = (id: string) => (id === profile.id ? profile : undefined);
  const getModel = (id: string) => models.find((m) => m.id === id);
  let compare: CompareService | null = null;
  const jobs = new JobService({ db, engine, history, profileAndKey, getProfile, getModel, alongside: (jobId) => compare?.alongside(jobId) ?? null });
  const evaluations = new EvaluationService({ store: jobs.store, getModel, describeFigures: async (job) => findModel(job.modelRef.kind === 'model' ? job.modelRef.name : '', job.modelRef.kind === 'model' ? job.modelRef.version : '')?.performanceMetrics ?? null });
  compare = new CompareService({ db, jobs, engine, history, profileAndKey, getProfile, getModel, evaluations });
  return {
    dir,
    db,
    sandbox,
    jobs,
    compare,
    evaluations,
    history,
    profile,
    write(name, text) {
      const p = join(dir, name);
      writeFileSync(p, text);
      return p;
    },
    async close() {
      await jobs.close();
      await sandbox.close();
      closeDatabase(db);
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
