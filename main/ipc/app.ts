import type { appChannels } from '../../shared/ipc/app';
import type { PartialHandlers } from './dispatch';
import type { HostPorts, Notice } from '../host';
import { isSafeExternalUrl } from '../shell/external-links';

export interface AppIpcDeps {
  host: HostPorts;
  version: string;
  dataDir: string;
  notices: () => Notice[];
}

export function registerAppIpc(deps: AppIpcDeps): PartialHandlers<keyof typeof appChannels> {
  return {
    'app:get-info': () => ({
      name: 'Plexe Desktop',
      version: deps.version,
      platform: process.platform,
      host: deps.host.kind,
      dataDir: deps.dataDir,
    }),
    'app:open-external': async ({ url }) => ({ opened: isSafeExternalUrl(url) ? await deps.host.openExternal(url) : false }),
    'app:choose-save-path': async ({ suggestedName, kind }) => ({ path: await deps.host.chooseSavePath(suggestedName, kind) }),
    'app:show-in-folder': async ({ path }) => ({ shown: await deps.host.showInFolder(path) }),
    'app:take-opened-files': () => deps.host.takeOpenedFiles(),
    'app:list-notices': () => deps.notices(),
  };
}
