import { modelLabel, type ModelRef } from '../../shared/domain/model';
import type { ComparisonSummary } from '../../shared/ipc/compare';
import { jsonPath } from '../jobs/chart';
import type { JobRecord } from '../jobs/store';
import type { ComparisonRecord, ComparisonStore } from './store';

const MAX_CLASSES = 12;
const BINS = 20;
const TOP_MOVES = 10;

/**
 * Short names of the two sides for column headers: `v1`/`v2` for two versions of one model, the
 * model names for two models, `first`/`second` when they cannot be told apart.
 */
export function sidePrefixes(first: ModelRef, second: ModelRef): [string, string] {
  const version = (v: string) => `v${v.replace(/^v(?=\d)/i, '')}`;
  if (first.kind === 'model' && second.kind === 'model') {
    if (first.name === second.name && version(first.version) !== version(second.version)) return [version(first.version), version(second.version)];
    if (first.name !== second.name) return [first.name, second.name];
  }
  if (first.kind === 'deployment' && second.kind === 'deployment' && first.deploymentId !== second.deploymentId) return [first.deploymentId, second.deploymentId];
  return ['first', 'second'];
}

/** Result fields both models answer, in the first model's order. */
export function commonFields(job: JobRecord, comparison: ComparisonRecord): string[] {
  const second = new Set(comparison.resultFields);
  return job.resultFields.filter((f) => second.has(f));
}

/** The field compared: the one asked for when both answer it, else the first both answer. */
export function chooseField(job: JobRecord, comparison: ComparisonRecord, field?: string): string | null {
  const fields = commonFields(job, comparison);
  return field !== undefined && fields.includes(field) ? field : (fields[0] ?? null);
}

/** Whether a field's values are classes (text, booleans, few distinct numbers) or numbers. */
export function fieldKind(store: ComparisonStore, jobId: number, path: string): 'classes' | 'numbers' | 'none' {
  const kinds = store.valueKinds(jobId, path);
  const present = kinds.filter((k) => k.kind !== null && k.kind !== 'null').reduce((s, k) => s + k.n, 0);
  if (present === 0) return 'none';
  const numeric = kinds.filter((k) => k.kind === 'integer' || k.kind === 'real');
  const numericRows = numeric.reduce((s, k) => s + k.n, 0);
  const distinct = numeric.reduce((s, k) => s + k.nDistinct, 0);
  return numericRows < present / 2 || distinct <= MAX_CLASSES ? 'classes' : 'numbers';
}

export function numberLabel(n: number): string {
  const a = Math.abs(n);
  if (a !== 0 && (a >= 1e7 || a < 0.01)) return n.toPrecision(3);
  return n.toLocaleString('en-US', { maximumFractionDigits: a >= 100 ? 0 : 2 });
}

const classLabel = (v: string | number | null): string => (v === null ? '(empty)' : String(v));
const fmt = (n: number): string => n.toLocaleString('en-US');

/** The change matrix: classes by how often they occur on either side, the rarest folded into "other". */
export function changeMatrix(pairs: readonly { a: string | number | null; b: string | number | null; n: number }[]): { classes: string[]; cells: number[][]; changed: number } {
  const freq = new Map<string, number>();
  for (const p of pairs) {
    freq.set(classLabel(p.a), (freq.get(classLabel(p.a)) ?? 0) + p.n);
    freq.set(classLabel(p.b), (freq.get(classLabel(p.b)) ?? 0) + p.n);
  }
  const ordered = [...freq.entries()].sort((x, y) => y[1] - x[1] || x[0].localeCompare(y[0])).map(([c]) => c);
  const classes = ordered.length > MAX_CLASSES ? [...ordered.slice(0, MAX_CLASSES - 1), 'other'] : ordered;
  const index = (label: string) => {
    const i = classes.indexOf(label);
    return i >= 0 && !(ordered.length > MAX_CLASSES && i === classes.length - 1) ? i : classes.length - 1;
  };
  const cells = classes.map(() => classes.map(() => 0));
  let changed = 0;
  for (const p of pairs) {
    const row = cells[index(classLabel(p.a))]!;
    const j = index(classLabel(p.b));
    row[j] = row[j]! + p.n;
    if (p.a !== p.b) changed += p.n;
  }
  return { classes, cells, changed };
}

/** second − first over the rows both answered with numbers: statistics, histogram, the rows that moved most. */
export function differenceFigures(pairs: Iterable<[number, unknown, unknown]>): { both: number; changed: number; differences: NonNullable<ComparisonSummary['differences']> } {
  let both = 0;
  let n = 0;
  let up = 0;
  let down = 0;
  let sum = 0;
  let sumAbs = 0;
  let lo = Infinity;
  let hi = -Infinity;
  let diffs = new Float64Array(1 << 16);
  // The TOP_MOVES largest moves so far, largest first (ties: the earlier row first).
  const top: { rowNumber: number; first: number; second: number; difference: number }[] = [];
  for (const [row, a, b] of pairs) {
    both++;
    if (typeof a !== 'number' || typeof b !== 'number') continue;
    const d = b - a;
    if (n === diffs.length) {
      const grown = new Float64Array(diffs.length * 2);
      grown.set(diffs);
      diffs = grown;
    }
    diffs[n++] = d;
    sum += d;
    sumAbs += Math.abs(d);
    if (d > 0) up++;
    else if (d < 0) down++;
    if (d < lo) lo = d;
    if (d > hi) hi = d;
    if (d !== 0 && (top.length < TOP_MOVES || Math.abs(d) > Math.abs(top[top.length - 1]!.difference))) {
      let at = top.length;
      while (at > 0 && Math.abs(d) > Math.abs(top[at - 1]!.difference)) at--;
      top.splice(at, 0, { rowNumber: row, first: a, second: b, difference: d });
      if (top.length > TOP_MOVES) top.pop();
    }
  }
  if (n === 0) {
    lo = 0;
    hi = 0;
  }
  const width = hi > lo ? (hi - lo) / BINS : 1;
  const binCount = hi > lo ? BINS : 1;
  const counts = new Array<number>(binCount).fill(0);
  for (let i = 0; i < n; i++) {
    const bin = Math.max(0, Math.min(Math.floor((diffs[i]! - lo) / width), binCount - 1));
    counts[bin]!++;
  }
  const bins = counts.map((count, i) => {
    const from = lo + i * width;
    const to = i === binCount - 1 ? hi : lo + (i + 1) * width;
    return { label: from === to ? numberLabel(from) : `${numberLabel(from)} to ${numberLabel(to)}`, count, from, to };
  });
  return { both, changed: up + down, differences: { n, up, down, mean: n > 0 ? sum / n : 0, meanAbs: n > 0 ? sumAbs / n : 0, bins, top } };
}

/** The comparison's figures, computed over the rows both models answered (one pass each). */
export function comparisonSummary(store: ComparisonStore, job: JobRecord, comparison: ComparisonRecord, field?: string): ComparisonSummary {
  const [firstPrefix, secondPrefix] = sidePrefixes(job.modelRef, comparison.modelRef);
  const chosen = chooseField(job, comparison, field);
  const sent = job.counts.total - job.counts.invalid - job.counts.skipped;
  const kind = chosen === null ? 'none' : fieldKind(store, job.id, jsonPath(chosen));
  const rows = (both: number) => ({
    total: sent,
    firstOk: job.counts.ok,
    firstFailed: job.counts.failed,
    secondOk: comparison.ok,
    secondFailed: comparison.failed,
    secondPending: Math.max(0, sent - comparison.ok - comparison.failed),
    both,
  });
  const base = {
    jobId: job.id,
    fileName: job.fileName,
    state: job.state,
    firstLabel: job.modelLabel,
    secondLabel: comparison.modelLabel,
    firstPrefix,
    secondPrefix,
    field: chosen,
    fields: commonFields(job, comparison),
    outcome: null,
    title: '',
  };
  let summary: ComparisonSummary;
  if (chosen === null || kind === 'none') {
    summary = { ...base, rows: rows(store.bothAnswered(job.id)), kind: 'none', changed: 0, matrix: null, differences: null };
  } else if (kind === 'classes') {
    const pairs = store.changeMatrix(job.id, jsonPath(chosen));
    const m = changeMatrix(pairs);
    summary = { ...base, rows: rows(pairs.reduce((t, p) => t + p.n, 0)), kind, changed: m.changed, matrix: { classes: m.classes, cells: m.cells }, differences: null };
  } else {
    const d = differenceFigures(store.pairValues(job.id, jsonPath(chosen)));
    summary = { ...base, rows: rows(d.both), kind, changed: d.changed, matrix: null, differences: d.differences };
  }
  summary.title = comparisonTitle(job.modelRef, comparison.modelRef, summary);
  return summary;
}

/**
 * "Comparison of customer-churn v1 and v2 on churn.csv, 4,484 rows, 312 changed class": two versions
 * of one model are named by the model and its versions, two models by their labels.
 */
export function comparisonTitle(first: ModelRef, second: ModelRef, s: Pick<ComparisonSummary, 'firstLabel' | 'secondLabel' | 'firstPrefix' | 'secondPrefix' | 'fileName' | 'rows' | 'kind' | 'changed' | 'differences'>): string {
  const versions = first.kind === 'model' && second.kind === 'model' && first.name === second.name && s.firstPrefix !== 'first';
  const names = versions ? `${modelLabel(first)} and ${s.secondPrefix}` : `${s.firstLabel} and ${s.secondLabel}`;
  const head = `Comparison of ${names} on ${s.fileName}, ${fmt(s.rows.both)} ${s.rows.both === 1 ? 'row' : 'rows'}`;
  if (s.kind === 'classes') return `${head}, ${fmt(s.changed)} changed class`;
  if (s.kind === 'numbers' && s.differences) return `${head}, ${fmt(s.changed)} changed, by ${numberLabel(s.differences.meanAbs)} on average`;
  return head;
}
