import type { Migration } from './types';

/**
 * History export lines (`predictions.csv_line`, migration 4) are written behind the inserts, like the
 * text index, instead of with each row, which kept bulk inserts fast. (Dropped by migration 6.) The history's
 * background catch-up (main/history/catch-up.ts) writes the lines of the rows above
 * `written_upto` in chunks; until then the export makes a row's line the long way, from its JSON.
 *
 * `written_upto` starts at 0, so the catch-up also walks the rows already there once: rows written
 * before migration 4 then get their line too, and rows that have one are left as they are.
 */
export const historyLinesBehind: Migration = {
  version: 5,
  name: 'history export lines written behind the inserts',
  up(db) {
    db.exec(`
      CREATE TABLE prediction_lines_state (
        id INTEGER PRIMARY KEY CHECK (id = 1),
        written_upto INTEGER NOT NULL
      ) STRICT;
      INSERT INTO prediction_lines_state (id, written_upto) VALUES (1, 0);
    `);
  },
};
