import type { Migration } from './types';

/**
 * A history row's export text, written with the row (main/history/store.ts), so exporting a million
 * rows is mostly SQLite joining stored text instead of picking every column out of the stored JSON:
 *
 * - `csv_line`: the row's input cells as CSV (formula-safe, quoted where needed, in the order of its
 *   shape's input paths, joined by commas), then U+001F, then its result cells the same way. Every
 *   part of it is fixed when the row is written (a row's input, result and shape never change), so it
 *   never goes stale. The export puts each shape's empty cells around the two parts.
 * - NULL for rows written before this version, and for the rare row whose text cannot be kept this way
 *   (a cell holding U+001F itself, or an object with its own `toJSON`): the export formats those from
 *   their JSON as before.
 *
 * The account, model and the other fixed columns are not repeated here: the export adds them from
 * the row's own columns, which keeps rows (and so bulk inserts) small.
 */
export const historyExport: Migration = {
  version: 4,
  name: 'history export text',
  up(db) {
    db.exec('ALTER TABLE predictions ADD COLUMN csv_line TEXT;');
  },
};
