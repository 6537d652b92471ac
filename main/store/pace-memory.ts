import type { PaceMemory } from '../engine';
import type { SettingsRepository } from './repositories';

/** How long a learned rate is trusted: a plan can change, and probing finds a higher limit anyway. */
const KEEP_MS = 30 * 24 * 3600 * 1000;

interface Stored {
  perSecond: number;
  at: number;
}

/** The rate each account's server accepts, kept in the settings table (`pace.<profileId>`). */
export function settingsPaceMemory(settings: SettingsRepository, now: () => number = Date.now): PaceMemory {
  const key = (profileId: string) => `pace.${profileId}`;
  return {
    get(profileId) {
      const s = settings.get<Stored>(key(profileId));
      if (!s || typeof s.perSecond !== 'number' || !(s.perSecond > 0) || now() - s.at > KEEP_MS) return null;
      return s.perSecond;
    },
    set(profileId, perSecond) {
      settings.set(key(profileId), perSecond === null ? undefined : { perSecond, at: now() });
    },
  };
}
