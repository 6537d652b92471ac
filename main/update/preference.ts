import { mkdirSync, readFileSync } from 'node:fs';
import { writeFileViaTemp } from '../files/write-via-temp';
import { dirname } from 'node:path';
import type { UpdatePreference } from './updater';

/**
 * The update choice kept in a small JSON file in the data folder (`update-preference.json`), so it
 * survives restarts without depending on the database. A missing or damaged file means "not chosen".
 */
export function filePreference(path: string): UpdatePreference {
  return {
    get() {
      try {
        const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
        const allowed = (parsed as { allowed?: unknown } | null)?.allowed;
        return typeof allowed === 'boolean' ? allowed : null;
      } catch {
        return null;
      }
    },
    set(allowed) {
      mkdirSync(dirname(path), { recursive: true });
      writeFileViaTemp(path, `${JSON.stringify({ allowed })}\n`);
    },
  };
}

export function memoryPreference(initial: boolean | null = null): UpdatePreference {
  let value = initial;
  return {
    get: () => value,
    set: (allowed) => {
      value = allowed;
    },
  };
}
