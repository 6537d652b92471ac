import type { Migration } from './types';

/**
 * A bulk job keeps the value maps the person chose (field → written value → allowed value), so the
 * check, the run and a retry read category values alike.
 */
export const jobValueMaps: Migration = {
  version: 7,
  name: 'job value maps',
  up(db) {
    db.exec(`ALTER TABLE jobs ADD COLUMN value_maps TEXT NOT NULL DEFAULT '{}';`);
  },
};
