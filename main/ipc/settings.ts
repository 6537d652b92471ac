import type { settingsChannels, EngineSettingsView } from '../../shared/ipc/settings';
import { ENGINE_SETTINGS_KEY } from '../../shared/ipc/settings';
import { AppError } from '../../shared/ipc/errors';
import type { SettingsRepository } from '../store/repositories';
import { DEFAULT_ENGINE_SETTINGS } from '../engine';
import type { PartialHandlers } from './dispatch';

export interface SettingsIpcDeps {
  settings: SettingsRepository;
}

/** The person's engine settings, stored beside the other settings; the engine reads them at every run. */
export function readEngineSettings(settings: SettingsRepository): EngineSettingsView {
  const { attempts, timeoutMs, backoffBaseMs, backoffCapMs, batchSize, retryAfterCapMs, maxAnswerBytes } = DEFAULT_ENGINE_SETTINGS;
  return { attempts, timeoutMs, backoffBaseMs, backoffCapMs, batchSize, retryAfterCapMs, maxAnswerBytes, ...(settings.get<Partial<EngineSettingsView>>(ENGINE_SETTINGS_KEY) ?? {}) };
}

export function registerSettingsIpc(deps: SettingsIpcDeps): PartialHandlers<keyof typeof settingsChannels> {
  return {
    'settings:get-engine': () => readEngineSettings(deps.settings),
    'settings:set-engine': (patch) => {
      const next = { ...readEngineSettings(deps.settings), ...patch };
      if (next.backoffCapMs < next.backoffBaseMs) {
        throw new AppError('invalid_settings', 'The longest wait between tries must be at least the first wait.', { field: 'backoffCapMs' });
      }
      deps.settings.set(ENGINE_SETTINGS_KEY, next);
      return next;
    },
    'settings:reset-engine': () => {
      deps.settings.set(ENGINE_SETTINGS_KEY, undefined);
      return readEngineSettings(deps.settings);
    },
  };
}
