import { join } from 'node:path';
import type { HostPorts, Notice } from './host';
import { FileGrants } from './shell/file-grants';
import { createCore, type Core } from './core';
import { createDispatch, type Dispatch } from './ipc/dispatch';
import type { EventBus } from './ipc/events';
import { createHandlerTable } from './ipc/table';
import type { Logger } from './log';
import type { SqliteDatabase } from './store/db';
import type { Engine } from './engine';
import type { KeytarLike } from './keys/keystore';
import { ErrorRing } from './logging/error-ring';
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
  core: Core;
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

/**
 * The app's main process as the page sees it: the core (createCore, shared with the CLI), the demo
 * sandbox, the updater and the IPC channel table. Shared by the Electron app and the browser harness.
 */
export async function createServices(options: ServicesOptions): Promise<Services> {
  const core = await createCore({
    dataDir: options.dataDir,
    fetch: options.fetch,
    notify: (title, body) => options.host.notify(title, body),
    ...(options.log ? { log: options.log } : {}),
    ...(options.keytar !== undefined ? { keytar: options.keytar } : {}),
  });
  const { log, accounts, modelsService, profiles } = core;

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
          // A later version is named with it, so two versions of one model can be told apart in any list.
          modelsService.save({ profileId: demo.id, ref, displayName: m.version === '1' ? m.name : `${m.name} v${m.version}`, schema: described.schema, outputSchema: described.outputSchema });
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
    onState: (state) => core.events.emit('event:update-state', state),
  });
  // Updates start once a real account exists (and stop again in the demo): re-decided on every change.
  core.signals.on('accounts-changed', () => void updater.refresh());

  const grants = new FileGrants();
  const handlers = createHandlerTable({
    app: { host: options.host, version: options.version, dataDir: options.dataDir, notices: () => core.notices, grants },
    accounts: { accounts },
    models: { models: modelsService },
    predict: { predict: core.predict },
    history: { history: core.history, settings: core.settings, grants, events: core.events },
    diagnostics: {
      updater,
      errors,
      host: options.host,
      version: options.version,
      packaged: options.packaged ?? false,
      logFile: options.logFile ?? null,
    },
    jobs: { jobs: core.jobs, grants, settings: core.settings, events: core.events },
    compare: { compare: core.compare, grants },
    evaluate: { evaluations: core.evaluations, grants },
    settings: { settings: core.settings },
  });
  const dispatch = createDispatch(handlers, {
    checkOutputs: true,
    onUnexpected: (channel, error) => log.error('ipc handler failed', { channel, error: error instanceof Error ? error.message : String(error) }),
  });
  void updater.start();
  return {
    core,
    dispatch,
    events: core.events,
    notices: core.notices,
    db: core.db,
    engine: core.engine,
    sandbox,
    grants,
    close: async () => {
      updater.stop();
      await core.close();
      await sandbox?.close();
    },
  };
}
