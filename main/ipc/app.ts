import type { appChannels } from '../../shared/ipc/app';
import type { PartialHandlers } from './dispatch';
import type { HostPorts, Notice } from '../host';
import { isSafeExternalUrl } from '../shell/external-links';
import type { FileGrants } from '../shell/file-grants';

export interface AppIpcDeps {
  host: HostPorts;
  version: string;
  dataDir: string;
  notices: () => Notice[];
  grants: FileGrants;
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
    // Every path that reaches the page from here is one the person chose: it is granted as it goes.
    'app:choose-save-path': async ({ suggestedName, kind }) => {
      const path = await deps.host.chooseSavePath(suggestedName, kind);
      return { path: path === null ? null : deps.grants.grantWrite(path) };
    },
    'app:show-in-folder': async ({ path }) => ({ shown: deps.grants.isGranted(path) ? await deps.host.showInFolder(path) : false }),
    'app:take-opened-files': () => deps.host.takeOpenedFiles().map((p) => deps.grants.grantRead(p)),
    'app:register-file': ({ path }) => deps.grants.registerChosenFile(path),
    'app:list-notices': () => deps.notices(),
  };
}
