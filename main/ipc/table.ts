import type { HandlerTable } from './dispatch';
import { registerAppIpc, type AppIpcDeps } from './app';
import { registerAccountsIpc, type AccountsIpcDeps } from './accounts';
import { registerModelsIpc, type ModelsIpcDeps } from './models';
import { registerPredictIpc, type PredictIpcDeps } from './predict';
import { registerHistoryIpc, type HistoryIpcDeps } from './history';
import { registerDiagnosticsIpc, type DiagnosticsIpcDeps } from './diagnostics';
import { registerJobsIpc, type JobsIpcDeps } from './jobs';
import { registerSettingsIpc, type SettingsIpcDeps } from './settings';
import { registerCompareIpc, type CompareIpcDeps } from './compare';
import { registerEvaluateIpc, type EvaluateIpcDeps } from './evaluate';

export interface HandlerDeps {
  app: AppIpcDeps;
  accounts: AccountsIpcDeps;
  models: ModelsIpcDeps;
  predict: PredictIpcDeps;
  history: HistoryIpcDeps;
  diagnostics: DiagnosticsIpcDeps;
  jobs: JobsIpcDeps;
  settings: SettingsIpcDeps;
  compare: CompareIpcDeps;
  evaluate: EvaluateIpcDeps;
}

/** Every channel's handler, one domain file each (Bruno's `registerXxxIpc(deps)` pattern). */
export function createHandlerTable(deps: HandlerDeps): HandlerTable {
  return {
    ...registerAppIpc(deps.app),
    ...registerAccountsIpc(deps.accounts),
    ...registerModelsIpc(deps.models),
    ...registerPredictIpc(deps.predict),
    ...registerHistoryIpc(deps.history),
    ...registerDiagnosticsIpc(deps.diagnostics),
    ...registerJobsIpc(deps.jobs),
    ...registerSettingsIpc(deps.settings),
    ...registerCompareIpc(deps.compare),
    ...registerEvaluateIpc(deps.evaluate),
  };
}
