import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
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
      const tmp = `${path}.tmp`;
      writeFileSync(tmp, `${JSON.stringify({ allowed })}\n`);
      renameSync(tmp, path);
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
