import { EventEmitter } from 'node:events';
import type { AutoUpdaterLike, UpdaterLogger } from './updater';

export { UpdaterService, explainUpdateError, FIRST_CHECK_DELAY_MS, CHECK_INTERVAL_MS, type AutoUpdaterLike, type UpdatePreference, type UpdaterServiceOptions } from './updater';
export { filePreference, memoryPreference } from './preference';

/**
 * Stands in for electron-updater where the app cannot update itself (the browser harness, tests,
 * development): never emits, and refuses plainly if anything asks it to act. Use with `supported: false`.
 */
export function inertAutoUpdater(): AutoUpdaterLike {
  const emitter = new EventEmitter();
  const refuse = () => Promise.reject(new Error('This copy of Plexe Desktop cannot update itself.'));
  return {
    autoDownload: false,
    autoInstallOnAppQuit: false,
    allowPrerelease: false,
    allowDowngrade: false,
    logger: null as UpdaterLogger | null,
    on: (event: string, listener: (...args: never[]) => void) => emitter.on(event, listener as (...args: unknown[]) => void),
    checkForUpdates: refuse,
    downloadUpdate: refuse,
    quitAndInstall: () => {
      throw new Error('This copy of Plexe Desktop cannot update itself.');
    },
  };
}
