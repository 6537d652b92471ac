import { EventEmitter } from 'node:events';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { AccountsService, type AccountChange } from './accounts/service';
import { createEngine, type Engine, type EngineSettings } from './engine';
import { startHistoryCatchUp } from './history/catch-up';
import { applyRetentionAtStartup } from './history/retention';
import { HistoryStore } from './history/store';
import { EventBus } from './ipc/events';
import { readEngineSettings } from './ipc/settings';
import { JobService } from './jobs/service';
import { CompareService } from './compare/service';
import { EvaluationService } from './evaluate/service';
import { KeyStore, loadKeytar, type KeytarLike } from './keys/keystore';
import { silentLogger, type Logger } from './log';
import { registerSecret } from './logging/redact';
import { ModelsService } from './models/service';
import { PlexeClient, type FetchLike } from './plexe/client';
import { PredictService } from './predict/service';
import { inferSchema } from './sheets/mapping';
import { previewSheet } from './sheets/import';
import { closeDatabase, openDatabase, type OpenDatabaseOptions, type SqliteDatabase } from './store/db';
import { SqliteModels } from './store/models';
import { SqliteProfiles } from './store/profiles';
import { SqliteSettings } from './store/settings';
import { settingsPaceMemory } from './store/pace-memory';
import type { Notice } from './host';

/** The app's database file name inside its data folder (the app and the CLI share it). */
export const DATABASE_FILE = 'plexe.db';

export interface CoreOptions {
  dataDir: string;
  /** Electron's net.fetch in the app (system proxy and certificates); Node's fetch elsewhere. */
  fetch: FetchLike;
  log?: Logger;
  /** The OS keychain module; loaded from keytar when not given, none when null. */
  keytar?: KeytarLike | null;
  /** Engine settings on top of the user's saved ones (the CLI's flags, tests). */
  engineSettings?: Partial<EngineSettings>;
  /** OS notifications (HostPorts.notify); none when absent. */
  notify?: (title: string, body: string) => void;
  integrityCheck?: OpenDatabaseOptions['integrityCheck'];
  now?: () => number;
}

/** Happenings inside the main process that other parts react to (not sent to the page: see EventBus). */
export interface CoreSignals {
  'accounts-changed': [AccountChange];
}

/**
 * Everything the app, the browser harness, the CLI and the benchmarks share: the database and its
 * stores, the engine, the services, and the background work (history retention and text index).
 */
export interface Core {
  db: SqliteDatabase;
  /** Pushes to the page (`event:*` channels). */
  events: EventBus;
  signals: EventEmitter<CoreSignals>;
  notices: Notice[];
  profiles: SqliteProfiles;
  models: SqliteModels;
  settings: SqliteSettings;
  history: HistoryStore;
  keys: KeyStore;
  client: PlexeClient;
  engine: Engine;
  accounts: AccountsService;
  modelsService: ModelsService;
  predict: PredictService;
  jobs: JobService;
  /** Comparisons of two models on one job (the second model runs beside the job). */
  compare: CompareService;
  evaluations: EvaluationService;
  log: Logger;
  /** Pauses running jobs, stops the background work and closes the database. */
  close(): Promise<void>;
}

export async function createCore(options: CoreOptions): Promise<Core> {
  const log = options.log ?? silentLogger;
  mkdirSync(options.dataDir, { recursive: true });
  const events = new EventBus();
  const signals = new EventEmitter<CoreSignals>();
  const notices: Notice[] = [];

  const opened = openDatabase(join(options.dataDir, DATABASE_FILE), { integrityCheck: options.integrityCheck ?? 'auto' });
  if (opened.notice) notices.push({ level: 'warning', message: opened.notice });
  const db = opened.db;
  const profiles = new SqliteProfiles(db);
  const models = new SqliteModels(db);
  const settings = new SqliteSettings(db);
  const history = new HistoryStore(db);
  const removed = applyRetentionAtStartup(history, settings);
  if (removed > 0) log.info('history retention applied', { removed });
  const catchUp = startHistoryCatchUp(history, { onError: (e) => log.warn('history catch-up step failed', { error: String(e) }) });

  let keytar = options.keytar;
  let keytarError: string | null = null;
  if (keytar === undefined) ({ keytar, reason: keytarError } = await loadKeytar());
  const keys = new KeyStore({ keytar, loadError: keytarError, logger: log, onSecret: registerSecret });
  const client = new PlexeClient({ fetch: options.fetch, logger: log });
  const engine = createEngine({ client, logger: log, settings: () => ({ ...readEngineSettings(settings), ...options.engineSettings }), paceMemory: settingsPaceMemory(settings) });
  signals.on('accounts-changed', (change) => {
    if (change.kind === 'deleted') engine.forgetProfile(change.profileId);
  });
  const accounts = new AccountsService({ profiles, settings, keys, client, logger: log, onChanged: (change) => signals.emit('accounts-changed', change) });
  const modelsService = new ModelsService({
    accounts,
    models,
    client,
    engine,
    inferSchemaFromFile: async (path) => {
      const preview = await previewSheet(path, 50);
      return inferSchema(preview.header, preview.rows);
    },
  });
  const predict = new PredictService({ accounts, models: modelsService, engine, history, events, logger: log });
  let compare: CompareService | null = null;
  const jobs = new JobService({
    db,
    alongside: (jobId) => compare?.alongside(jobId) ?? null,
    engine,
    history,
    profileAndKey: (id) => accounts.profileAndKey(id),
    getProfile: (id) => profiles.get(id),
    getModel: (id) => models.get(id),
    settings,
    onProgress: (p) => events.emit('event:job-progress', p),
    onImportProgress: (p) => events.emit('event:import-progress', { importId: p.importId, bytes: p.bytes, totalBytes: p.totalBytes, rows: p.rows }),
    ...(options.notify ? { notify: options.notify } : {}),
    ...(options.now ? { now: options.now } : {}),
  });
  const evaluations = new EvaluationService({
    store: jobs.store,
    getModel: (id) => models.get(id),
    describeFigures: async (job) => (await modelsService.describe(job.profileId, job.modelRef)).performanceMetrics,
    ...(options.now ? { now: options.now } : {}),
  });
  compare = new CompareService({
    evaluations,
    db,
    jobs,
    engine,
    history,
    profileAndKey: (id) => accounts.profileAndKey(id),
    getProfile: (id) => profiles.get(id),
    getModel: (id) => models.get(id),
    ...(options.now ? { now: options.now } : {}),
  });
  const interrupted = jobs.recover();
  if (interrupted.paused.length > 0) {
    notices.push({
      level: 'info',
      message: `${interrupted.paused.length === 1 ? 'A spreadsheet job was' : `${interrupted.paused.length} spreadsheet jobs were`} interrupted when the app last closed. Open Spreadsheet to resume.`,
    });
  }

  return {
    db,
    events,
    signals,
    notices,
    profiles,
    models,
    settings,
    history,
    keys,
    client,
    engine,
    accounts,
    modelsService,
    predict,
    jobs,
    compare,
    evaluations,
    log,
    close: async () => {
      catchUp.stop();
      await jobs.close();
      signals.removeAllListeners();
      closeDatabase(db);
    },
  };
}
