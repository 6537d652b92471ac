/**
 * The statements that put imported rows in, shared by the job store (main thread) and the import
 * writer thread, which imports this small file rather than the whole store.
 */

/** Row keys are `job_id * ROW_SPAN + row_number`: one job's rows are the key range (id·span, (id+1)·span). */
export const ROW_SPAN = 2 ** 32;
/** Rows per INSERT statement during import: fewer statement calls, same single transaction per batch. */
export const INSERT_GROUP = 100;

export const IMPORT_SQL = {
  insertOne: 'INSERT INTO job_rows (key, cells) VALUES (?, ?)',
  insertGroup: `INSERT INTO job_rows (key, cells) VALUES ${Array.from({ length: INSERT_GROUP }, () => '(?, ?)').join(', ')}`,
  addPending: 'UPDATE jobs SET n_pending = n_pending + ? WHERE id = ?',
} as const;
