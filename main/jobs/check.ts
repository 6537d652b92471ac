import type { CheckSummary, ProblemCauseSummary, RowProblem } from '../../shared/ipc/jobs';
import type { ValueMaps } from '../sheets/values';
import { createJobRowMapper } from './row-input';
import type { JobRecord, JobStore } from './store';

const PAGE = 5_000;
const EXAMPLES_PER_FIELD = 3;
/** Row numbers kept per cause for a first look; the rest are paged with problemRowsForCause. */
const FIRST_ROWS_PER_CAUSE = 20;
/** Distinct values listed per cause; past this the rows are counted as "other values". */
const MAX_VALUES_PER_CAUSE = 200;
/** Values named in a cause's sentence. */
const VALUES_IN_TEXT = 4;

/** Lets other work (IPC, progress events) run between pages of a long check. */
const yieldToLoop = () => new Promise<void>((resolve) => setImmediate(resolve));

export interface CheckOptions {
  /** Field → (written value → allowed value), as the person mapped them (remembered per model). */
  valueMaps?: ValueMaps;
}

type Cause = ProblemCauseSummary['cause'];
const CAUSES: readonly Cause[] = ['unmapped', 'missing', 'unknown-choice', 'bad-value'];

function causeOf(p: RowProblem): Cause {
  return CAUSES.includes(p.cause as Cause) ? (p.cause as Cause) : p.column === null ? 'unmapped' : 'bad-value';
}

/** One key per cause and field: what problemRowsForCause takes. */
export function causeKey(cause: string, field: string): string {
  return `${cause}:${field}`;
}

const n = (x: number): string => x.toLocaleString('en-US');
const rowsWord = (x: number): string => `${n(x)} ${x === 1 ? 'row' : 'rows'}`;
const shortValue = (v: string): string => `'${v.length > 30 ? `${v.slice(0, 29)}…` : v}'`;

interface CauseTally {
  cause: Cause;
  field: string;
  column: string | null;
  rows: number;
  values: Map<string, number>;
  otherRows: number;
  firstRows: number[];
  example: string;
}

function causeText(t: CauseTally, values: { value: string; count: number }[]): string {
  const where = t.column === null ? t.field : `${t.column}${t.column === t.field ? '' : ` (field ${t.field})`}`;
  const listed = values.slice(0, VALUES_IN_TEXT).map((v) => `${shortValue(v.value)} (${n(v.count)})`);
  const more = values.length > VALUES_IN_TEXT || t.otherRows > 0 ? '…' : '';
  switch (t.cause) {
    case 'unmapped':
      return `${rowsWord(t.rows)}: no column is matched to ${t.field}, which the model requires. Choose its column in the mapping.`;
    case 'missing':
      return `${rowsWord(t.rows)}: ${where} is empty, but the model requires a value.`;
    case 'unknown-choice':
      return `${rowsWord(t.rows)}: ${where} has values the model does not accept — ${listed.join(', ')}${more}. Map these values to allowed ones.`;
    case 'bad-value':
      return `${rowsWord(t.rows)}: ${where} has values that cannot be used — ${listed.join(', ')}${more}. ${t.example}`;
  }
}

/**
 * Checks every row not yet answered against the job's mapping: rows whose values cannot be used
 * become `invalid` with their problems (row, column, reason); the others stay `pending`. Problems
 * are also grouped by cause (a required field with no column, empty required cells, category
 * values the model does not accept, values that cannot be read), each with its distinct values
 * and counts and its first rows. Streams the rows in pages, so a million-row job is checked in
 * bounded memory. Rows that already have an answer are left alone.
 */
export async function checkJob(store: JobStore, job: JobRecord, opts: CheckOptions = {}): Promise<CheckSummary> {
  const mapper = createJobRowMapper(store, job, opts.valueMaps ?? job.valueMaps ?? {});
  store.clearProblems(job.id);
  const byField = new Map<string, { field: string; column: string | null; count: number; example: string }>();
  const byCause = new Map<string, CauseTally>();
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
        continue;
      }
      attention++;
      bad.push({ rowNumber: row.rowNumber, problems: r.problems });
      for (const p of r.problems) {
        const entry = byField.get(p.field);
        if (entry) entry.count++;
        else byField.set(p.field, { field: p.field, column: p.column, count: 1, example: `Row ${row.rowNumber}: ${p.message}` });
        const cause = causeOf(p);
        const key = causeKey(cause, p.field);
        let t = byCause.get(key);
        if (!t) byCause.set(key, (t = { cause, field: p.field, column: p.column, rows: 0, values: new Map(), otherRows: 0, firstRows: [], example: `For example row ${row.rowNumber}: ${p.message}` }));
        t.rows++;
        if (t.firstRows.length < FIRST_ROWS_PER_CAUSE) t.firstRows.push(row.rowNumber);
        if (cause === 'unknown-choice' || cause === 'bad-value') {
          const v = (p.value ?? '').trim();
          const seen = t.values.get(v);
          if (seen !== undefined) t.values.set(v, seen + 1);
          else if (t.values.size < MAX_VALUES_PER_CAUSE) t.values.set(v, 1);
          else t.otherRows++;
        }
      }
    }
    if (bad.length > 0) store.markInvalid(job.id, bad);
    after = page[page.length - 1]!.rowNumber;
    await yieldToLoop();
  }
  if (job.settings.skipProblemRows && ready > 0) store.setSkipInvalid(job.id, true);
  store.setChecked(job.id, true);
  const counts = store.counts(job.id);
  const mapped = new Set(Object.values(job.mapping ?? {}).filter((c): c is string => c !== null));
  const problemsByCause: ProblemCauseSummary[] = [...byCause.entries()]
    .map(([key, t]) => {
      const values = [...t.values.entries()].map(([value, count]) => ({ value, count })).sort((a, b) => b.count - a.count || a.value.localeCompare(b.value));
      return { key, cause: t.cause, field: t.field, column: t.column, rows: t.rows, text: causeText(t, values), values, otherRows: t.otherRows, firstRows: t.firstRows };
    })
    .sort((a, b) => b.rows - a.rows || a.key.localeCompare(b.key));
  return {
    jobId: job.id,
    ready,
    needAttention: attention,
    finished: counts.ok + counts.failed,
    problemsByColumn: [...byField.values()].sort((a, b) => b.count - a.count || a.field.localeCompare(b.field)),
    coercions: [...coercions.values()].sort((a, b) => b.count - a.count),
    unmappedFields: (job.fields ?? []).filter((f) => (job.mapping?.[f.name] ?? null) === null).map((f) => ({ field: f.name, required: f.required })),
    extraColumns: job.fields === null ? [] : job.columns.filter((c) => !mapped.has(c)),
    problemsByCause,
    canSkipProblemRows: ready > 0 && attention > 0,
    readingNotes: mapper.reading.notes,
  };
}

/**
 * The rows behind one cause (its `key` from the check summary), in row order, a page at a time:
 * pass the returned `next` as `after` for the following page (null: no more).
 */
export function problemRowsForCause(
  store: JobStore,
  jobId: number,
  key: string,
  after = 0,
  limit = 100,
): { rows: { rowNumber: number; problems: RowProblem[] }[]; next: number | null } {
  const out: { rowNumber: number; problems: RowProblem[] }[] = [];
  let cursor = after;
  for (;;) {
    const page = store.problemsPage(jobId, cursor, 1_000);
    for (const r of page.rows) {
      cursor = r.rowNumber;
      const hits = r.problems.filter((p) => causeKey(causeOf(p), p.field) === key);
      if (hits.length === 0) continue;
      out.push({ rowNumber: r.rowNumber, problems: hits });
      if (out.length === limit) return { rows: out, next: r.rowNumber };
    }
    if (page.next === null) return { rows: out, next: null };
  }
}
