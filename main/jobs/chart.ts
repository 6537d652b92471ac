import type { ChartSummary } from '../../shared/ipc/jobs';
import type { JobRecord, JobStore } from './store';

const MAX_CLASSES = 12;
const BINS = 20;

/** `a.b` (a flattened result field) → the SQLite JSON path `$."a"."b"`. */
export function jsonPath(field: string): string {
  return '$' + field.split('.').map((p) => `."${p.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`).join('');
}

/**
 * A plain label for a number, never with an exponent. Only a fallback: numeric bins also carry
 * `from` and `to` (equal for a class), and the page formats those in the field's unit.
 */
function label(n: number): string {
  const a = Math.abs(n);
  if (a !== 0 && a < 0.01) return n.toLocaleString('en-US', { maximumSignificantDigits: 3 });
  return n.toLocaleString('en-US', { maximumFractionDigits: a >= 1000 ? 0 : 2 });
}

/**
 * The distribution of one prediction field over the job's answered rows, computed in SQL: class
 * counts for text, booleans and numbers with few distinct values; otherwise a histogram.
 */
export function chartSummary(store: JobStore, job: JobRecord, field?: string): ChartSummary {
  const chosen = field ?? job.resultFields[0] ?? null;
  if (chosen === null) return { field: null, kind: 'none', bins: [], rows: 0 };
  const path = jsonPath(chosen);
  const kinds = store.resultValueKinds(job.id, path);
  const numeric = kinds.filter((k) => k.kind === 'integer' || k.kind === 'real').reduce((s, k) => s + k.n, 0);
  const present = kinds.filter((k) => k.kind !== null && k.kind !== 'null').reduce((s, k) => s + k.n, 0);
  if (present === 0) return { field: chosen, kind: 'none', bins: [], rows: 0 };
  const classes = store.resultClasses(job.id, path, MAX_CLASSES + 1);
  if (numeric < present / 2 || classes.length <= MAX_CLASSES) {
    const shown: ChartSummary['bins'] = classes
      .slice(0, MAX_CLASSES)
      .map((c) => (typeof c.value === 'number' ? { label: label(c.value), count: c.n, from: c.value, to: c.value } : { label: c.value === null ? '(empty)' : String(c.value), count: c.n }));
    const rest = present - shown.reduce((s, b) => s + b.count, 0);
    if (rest > 0) shown.push({ label: 'other', count: rest });
    return { field: chosen, kind: 'classes', bins: shown, rows: present };
  }
  const range = store.resultNumberRange(job.id, path);
  const lo = range.lo ?? 0;
  const hi = range.hi ?? 0;
  const width = hi > lo ? (hi - lo) / BINS : 1;
  const counts = new Map(store.resultHistogram(job.id, path, lo, width, BINS).map((b) => [b.bin, b.n]));
  const bins = Array.from({ length: BINS }, (_, i) => {
    const from = lo + i * width;
    const to = i === BINS - 1 ? hi : lo + (i + 1) * width;
    return { label: `${label(from)} – ${label(to)}`, count: counts.get(i) ?? 0, from, to };
  });
  return { field: chosen, kind: 'histogram', bins, rows: range.n };
}
