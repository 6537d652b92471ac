import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { HostPorts, Notice } from './host';
import { FileGrants } from './shell/file-grants';
import { createDispatch, type Dispatch } from './ipc/dispatch';
import { EventBus } from './ipc/events';
import { createHandlerTable } from './ipc/table';
import { readEngineSettings } from './ipc/settings';
import { silentLogger, type Logger } from './log';
import { openDatabase, closeDatabase, type SqliteDatabase } from './store/db';
import { startBackgroundCheckpoints } from './store/checkpointer';
import { SqliteProfiles } from './store/profiles';
import { SqliteModels } from './store/models';
import { SqliteSettings } from './store/settings';
import { HistoryStore } from './history/store';
import { startHistoryCatchUp } from './history/catch-up';
import { applyRetentionAtStartup } from './history/retention';
import { KeyStore, loadKeytar, type KeytarLike } from './keys/keystore';
import { PlexeClient } from './plexe/client';
import { createEngine, type Engine } from './engine';
import { settingsPaceMemory } from './store/pace-memory';
import { AccountsService } from './accounts/service';
import { ModelsService } from './models/service';
import { PredictService } from './predict/service';
import { JobService } from './jobs/service';
import { previewSheet } from './sheets/import';
import { inferSchema } from './sheets/mapping';
import { ErrorRing } from './logging/error-ring';
import { registerSecret } from './logging/redact';
import { UpdaterService, type AutoUpdaterLike } from './update/updater';
import { inertAutoUpdater } from './update';
import { filePreference } from './update/preference';
import { startSandbox, type RunningSandbox } from '../sandbox/server';
import { demoModels } from '../sandbox/models';

export interface ServicesOptions {
  dataDir: string;
  host: HostPorts;
  version: string;
  /** Electron's net.fetch in the app (system proxy and certificates); Node's fetch elsewhere. */
  fetch: typeof fetch;
  log?: Logger;
  /** Recent errors for "Copy diagnostics"; the app's logging owns it. */
  errors?: ErrorRing;
  logFile?: string | null;
  /** The OS keychain module; loaded from keytar when not given (tests pass a fake). */
  keytar?: KeytarLike | null;
  /** electron-updater's autoUpdater in the packaged app; absent elsewhere (updates then stay off). */
  autoUpdater?: AutoUpdaterLike;
  packaged?: boolean;
  /** Start the embedded demo sandbox (default true). */
  demo?: boolean;
}

export interface Services {
  dispatch: Dispatch;
  events: EventBus;
  notices: Notice[];
  db: SqliteDatabase;
  engine: Engine;
  sandbox: RunningSandbox | null;
  /** The files the person chose this run (dialogs, "Open with", picks and drops). */
  grants: FileGrants;
  close(): Promise<void>;
}

/** Builds every main-process service from its dependencies; shared by the app and the harness. */
export async function createServices(options: ServicesOptions): Promise<Services> {
  const log = options.log ?? silentLogger;
  mkdirSync(options.dataDir, { recursive: true });
  const events = new EventBus();
  const notices: Notice[] = [];

  // A full integrity check of a very large history would delay start-up by seconds; 'auto' checks files up to 128 MB.
  const opened = openDatabase(join(options.dataDir, 'plexe.db'), { integrityCheck: 'auto' });
  if (opened.notice) notices.push({ level: 'warning', message: opened.notice });
  const db = opened.db;
  const checkpoints = await startBackgroundCheckpoints(db, { onError: (message) => log.warn(message) });
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
  const engine = createEngine({ client, logger: log, settings: () => readEngineSettings(settings), paceMemory: settingsPaceMemory(settings) });
  const accounts = new AccountsService({ profiles, settings, keys, client, logger: log, onDeleted: (id) => engine.forgetProfile(id) });
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
  const jobs = new JobService({
    db,
    engine,
    history,
    profileAndKey: (id) => accounts.profileAndKey(id),
    getProfile: (id) => profiles.get(id),
    getModel: (id) => models.get(id),
    onProgress: (p) => events.emit('event:job-progress', p),
    onImportProgress: (p) => events.emit('event:import-progress', { importId: p.importId, bytes: p.bytes, totalBytes: p.totalBytes, rows: p.rows }),
    notify: (title, body) => options.host.notify(title, body),
  });
  const interrupted = jobs.recover();
  if (interrupted.paused.length > 0) {
    notices.push({
      level: 'info',
      message: `${interrupted.paused.length === 1 ? 'A spreadsheet job was' : `${interrupted.paused.length} spreadsheet jobs were`} interrupted when the app last closed. Open Spreadsheet to resume.`,
    });
  }

  let sandbox: RunningSandbox | null = null;
  if (options.demo !== false) {
    sandbox = await startSandbox({ port: 0 });
    const demo = await accounts.ensureDemoProfile(sandbox.url, sandbox.key);
    if (modelsService.listSaved(demo.id).length === 0) {
      // The demo models are added the way a person would: described by the (embedded) server.
      for (const m of demoModels) {
        const ref = { kind: 'model' as const, name: m.name, version: m.version };
        try {
          const described = await modelsService.describe(demo.id, ref);
          if (!described.schema) continue;
          modelsService.save({ profileId: demo.id, ref, displayName: m.name, schema: described.schema, outputSchema: described.outputSchema });
        } catch (error) {
          log.warn('demo model could not be described', { model: m.name, error: error instanceof Error ? error.message : String(error) });
        }
      }
    }
  }

  const errors = options.errors ?? new ErrorRing();
  const updater = new UpdaterService({
    autoUpdater: options.autoUpdater ?? inertAutoUpdater(),
    currentVersion: options.version,
    supported: options.autoUpdater !== undefined && options.packaged === true,
    hasAccount: () => profiles.list().some((p) => !p.isDemo),
    preference: filePreference(join(options.dataDir, 'update-preference.json')),
    log,
    onState: (state) => events.emit('event:update-state', state),
  });

  const grants = new FileGrants();
  const handlers = createHandlerTable({
    app: { host: options.host, version: options.version, dataDir: options.dataDir, notices: () => notices, grants },
    accounts: { accounts },
    models: { models: modelsService },
    predict: { predict },
    history: { history, settings, grants },
    diagnostics: {
      updater,
      errors,
      host: options.host,
      version: options.version,
      packaged: options.packaged ?? false,
      logFile: options.logFile ?? null,
    },
    jobs: { jobs, grants },
    settings: { settings },
  });
  // Updates start once a real account exists (and stop again in the demo): re-decide on changes.
  for (const name of ['accounts:save-account', 'accounts:delete-account'] as const) {
    const inner = handlers[name] as (args: unknown) => Promise<unknown>;
    (handlers as Record<string, unknown>)[name] = async (args: unknown) => {
      const result = await inner(args);
      void updater.refresh();
      return result;
    };
  }
  const dispatch = createDispatch(handlers, {
    checkOutputs: true,
    onUnexpected: (channel, error) => log.error('ipc handler failed', { channel, error: error instanceof Error ? error.message : String(error) }),
  });
  void updater.start();
  return {
    dispatch,
    events,
    notices,
    db,
    engine,
    sandbox,
    grants,
    close: async () => {
      updater.stop();
      catchUp.stop();
      await jobs.close();
      await sandbox?.close();
      await checkpoints.stop();
      closeDatabase(db);
    },
  };
}
