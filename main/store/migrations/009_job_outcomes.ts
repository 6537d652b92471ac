import type { Migration } from './types';

/**
 * Evaluations on known outcomes. `jobs.outcome` is the person's choice for a job — the column that
 * holds what really happened, the answer field it is set against, how its values map to the model's
 * classes, and the model card's own figures (JSON, see outcomeChoiceSchema in shared/ipc/evaluate.ts).
 * The outcome column stays in `job_rows.cells` like any other column and is never part of a row's
 * input. `jobs.evaluation` keeps the headline of the last computation (rows, accuracy or typical
 * error) so History can list evaluations without reading every row; the figures themselves are
 * always computed again from the stored rows.
 */
export const jobOutcomes: Migration = {
  version: 9,
  name: 'job outcomes',
  up(db) {
    db.exec(`
      ALTER TABLE jobs ADD COLUMN outcome TEXT;
      ALTER TABLE jobs ADD COLUMN evaluation TEXT;
      CREATE INDEX jobs_with_outcome ON jobs(created_at) WHERE outcome IS NOT NULL;
    `);
  },
};
