import { existsSync } from 'node:fs';
import { basename } from 'node:path';
import type { appChannels } from '../../shared/ipc/app';
import type { PartialHandlers } from './dispatch';
import type { HostPorts, Notice } from '../host';
import { isSafeExternalUrl } from '../shell/external-links';
import type { FileGrants } from '../shell/file-grants';

/** The files an export writes. */
const OPENABLE = /\.(csv|tsv|xlsx|json)$/i;

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
    // Only a file this session saved, of a kind the export writes: never a program, never a file the page names.
    'app:open-path': async ({ path }) => {
      if (!deps.grants.isWritable(path) || !OPENABLE.test(path)) return { opened: false, message: 'Plexe Desktop only opens files it saved for you in this session. Export again, then open it.' };
      if (!existsSync(path)) return { opened: false, message: `${basename(path)} is no longer there (moved or deleted). Export again to write it anew.` };
      const failure = await deps.host.openPath(path);
      return failure === null ? { opened: true, message: null } : { opened: false, message: `${basename(path)} could not be opened: ${failure}. Use Show in folder and open it from there.` };
    },
    'app:take-opened-files': () => deps.host.takeOpenedFiles().map((p) => deps.grants.grantRead(p)),
    'app:register-file': ({ path }) => deps.grants.registerChosenFile(path),
    'app:list-notices': () => deps.notices(),
  };
}
