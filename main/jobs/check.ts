import type { CheckSummary, RowProblem } from '../../shared/ipc/jobs';
import { createRowMapper } from './row-input';
import type { JobRecord, JobStore } from './store';

const PAGE = 5_000;
const EXAMPLES_PER_FIELD = 3;

/** Lets other work (IPC, progress events) run between pages of a long check. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

/**
 * Checks every row not yet answered against the job's mapping: rows whose values cannot be used
 * become `invalid` with their problems (row, column, reason); the others stay `pending`. Streams the
 * rows in pages, so a million-row job is checked in bounded memory. Rows that already have an
 * answer are left alone.
 */
export async function checkJob(store: JobStore, job: JobRecord): Promise<CheckSummary> {
  const mapper = createRowMapper(job.columns, job.fields, job.mapping);
  store.clearProblems(job.id);
  const byField = new Map<string, { field: string; column: string | null; count: number; example: string }>();
  const coercions = new Map<string, { field: string; column: string; count: number; examples: { from: string; to: unknown }[] }>();
  let ready = 0;
  let attention = 0;
  let after = 0;
  for (;;) {
    const page = store.pendingRows(job.id, after, PAGE);
    if (page.length === 0) break;
    const bad: { rowNumber: number; problems: RowProblem[] }[] = [];
    for (const row of page) {
      const r = mapper.toInput(row.cells);
      if (r.ok) {
        ready++;
        for (const c of r.coercions) {
          const column = job.mapping?.[c.field] ?? c.field;
          let entry = coercions.get(c.field);
          if (!entry) coercions.set(c.field, (entry = { field: c.field, column, count: 0, examples: [] }));
          entry.count++;
          if (entry.examples.length < EXAMPLES_PER_FIELD && !entry.examples.some((e) => e.from === c.from)) entry.examples.push({ from: c.from, to: c.to });
        }
      } else {
        attention++;
        bad.push({ rowNumber: row.rowNumber, problems: r.problems });
        for (const p of r.problems) {
          const entry = byField.get(p.field);
          if (entry) entry.count++;
          else byField.set(p.field, { field: p.field, column: p.column, count: 1, example: `Row ${row.rowNumber}: ${p.message}` });
        }
      }
    }
    if (bad.length > 0) store.markInvalid(job.id, bad);
    after = page[page.length - 1]!.rowNumber;
    await yieldToLoop();
  }
  if (job.settings.skipProblemRows) store.setSkipInvalid(job.id, true);
  store.setChecked(job.id, true);
  const counts = store.counts(job.id);
  const mapped = new Set(Object.values(job.mapping ?? {}).filter((c): c is string => c !== null));
  return {
    jobId: job.id,
    ready,
    needAttention: attention,
    finished: counts.ok + counts.failed,
    problemsByColumn: [...byField.values()].sort((a, b) => b.count - a.count || a.field.localeCompare(b.field)),
    coercions: [...coercions.values()].sort((a, b) => b.count - a.count),
    unmappedFields: (job.fields ?? []).filter((f) => (job.mapping?.[f.name] ?? null) === null).map((f) => ({ field: f.name, required: f.required })),
    extraColumns: job.fields === null ? [] : job.columns.filter((c) => !mapped.has(c)),
  };
}
