import { channels, type ChannelName } from '../../shared/ipc/contract';
import { AppError } from '../../shared/ipc/errors';
import type { HandlerTable } from './dispatch';
import { registerAppIpc, type AppIpcDeps } from './app';

export interface HandlerDeps {
  app: AppIpcDeps;
}

/** Every channel's handler, one domain file each (Bruno's `registerXxxIpc(deps)` pattern). */
export function createHandlerTable(deps: HandlerDeps): HandlerTable {
  const table: Partial<Record<ChannelName, unknown>> = {
    ...registerAppIpc(deps.app),
  };
  // TEMPORARY while domains are being wired: refuse clearly instead of failing to start.
  for (const name of Object.keys(channels) as ChannelName[]) {
    table[name] ??= () => {
      throw new AppError('not_available', `"${name}" is not available yet.`);
    };
  }
  return table as HandlerTable;
}
