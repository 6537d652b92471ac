import type { z } from 'zod';
import type { diagnosticsChannels } from '../../shared/ipc/diagnostics';
import type { ChannelDef } from '../../shared/ipc/define';
import type { HostPorts } from '../host';
import type { ErrorRing } from '../logging/error-ring';
import { buildDiagnosticsReport, formatDiagnosticsText } from '../logging/diagnostics-report';
import type { UpdaterService } from '../update/updater';

export interface DiagnosticsIpcDeps {
  updater: Pick<UpdaterService, 'getState' | 'setAllowed' | 'checkNow' | 'restartNow'>;
  errors: ErrorRing;
  host: Pick<HostPorts, 'showInFolder'>;
  version: string;
  /** Electron: `app.isPackaged`; the harness and tests: false. */
  packaged: boolean;
  /** The current log file (`createAppLogging(...).file.path`); null where nothing is written to disk. */
  logFile: string | null;
  /** Electron: `app.getLocale()`. */
  locale?: string;
}

/**
 * Handlers typed from this domain's own channel table: the same shape as
 * `PartialHandlers<keyof typeof diagnosticsChannels>` once the channels are in the contract, and
 * checkable before that.
 */
export type DomainHandlers<T extends Record<string, ChannelDef>> = {
  [K in keyof T]: (args: z.output<T[K]['input']>) => Promise<z.output<T[K]['output']>> | z.output<T[K]['output']>;
};

/** Update and "Copy diagnostics" channels (Bruno's one-file-per-domain pattern). */
export function registerDiagnosticsIpc(deps: DiagnosticsIpcDeps): DomainHandlers<typeof diagnosticsChannels> {
  return {
    'update:get-state': () => deps.updater.getState(),
    'update:set-allowed': ({ allowed }) => deps.updater.setAllowed(allowed),
    'update:check-now': () => deps.updater.checkNow(),
    'update:restart-now': () => deps.updater.restartNow(),
    'diagnostics:get-report': () => {
      const report = buildDiagnosticsReport({
        version: deps.version,
        packaged: deps.packaged,
        update: deps.updater.getState(),
        recentErrors: deps.errors.recent(),
        logFile: deps.logFile,
        ...(deps.locale ? { locale: deps.locale } : {}),
      });
      return { report, text: formatDiagnosticsText(report) };
    },
    'diagnostics:show-log-file': async () => ({ shown: deps.logFile ? await deps.host.showInFolder(deps.logFile) : false }),
  };
}
