import { RETENTION_SETTING } from '../../shared/ipc/history';
import type { SettingsRepository } from '../store/repositories';
import type { HistoryStore } from './store';

export function getRetentionDays(settings: SettingsRepository): number | null {
  const days = settings.get<unknown>(RETENTION_SETTING);
  return typeof days === 'number' && Number.isInteger(days) && days >= 1 ? days : null;
}

export function setRetentionDays(settings: SettingsRepository, days: number | null): void {
  settings.set(RETENTION_SETTING, days);
}

/** Call once at start-up: deletes entries older than the chosen period, if one is set. Returns how many. */
export function applyRetentionAtStartup(history: HistoryStore, settings: SettingsRepository, now: Date = new Date()): number {
  const days = getRetentionDays(settings);
  return days === null ? 0 : history.applyRetention(days, now);
}
