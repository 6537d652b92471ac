import type { FieldSpec } from '../../shared/domain/model';
import type { SheetHeader } from './types';
import { matchColumns, type MatchOptions } from './column-match';
import { choiceMatcher, readNumber, type NumberFormat, type ValueMaps } from './values';

/** Per-column decisions and the person's value maps that change how values are read. */
export interface CoerceOptions {
  /** Field → how its column writes numbers (decided on a sample: see decideNumberFormat). */
  numberFormats?: Readonly<Record<string, NumberFormat>>;
  /** Field → (written value → allowed value), chosen by the person. */
  valueMaps?: Readonly<ValueMaps>;
}

/** Field name → index of the spreadsheet column that feeds it, or null when none does. */
export type Mapping = Record<string, number | null>;

export interface Coercion {
  field: string;
  from: string;
  to: unknown;
}

export interface RowProblem {
  field: string;
  /** 0-based column index, or null when no column is matched to the field. */
  column: number | null;
  value: string;
  /** Plain words, e.g. "expected a whole number, found '3 bed'". */
  reason: string;
  /**
   * Why, for grouping problems by cause: no column for a required field, a required cell empty, a
   * category value that matches no allowed value, or a value that cannot be read as the field's type.
   */
  cause?: ProblemCause;
}

export type ProblemCause = 'unmapped' | 'missing' | 'unknown-choice' | 'bad-value';

export type CoerceResult =
  | { ok: true; input: Record<string, unknown>; coercions: Coercion[] }
  | { ok: false; problems: RowProblem[] };

/** How names are compared when matching columns to fields: case, spaces, underscores and hyphens ignored. */
export function normalizeName(name: string): string {
  return name.toLowerCase().replace(/[\s_-]+/g, '');
}

/**
 * Matches spreadsheet columns to model fields (see matchColumns for the rules and the reason of
 * each match): field → column index, or null. Each column feeds at most one field.
 */
export function autoMatch(columns: readonly string[], fields: readonly FieldSpec[], opts: MatchOptions = {}): Mapping {
  const mapping: Mapping = {};
  for (const m of matchColumns(columns, fields, opts)) mapping[m.field] = m.column;
  return mapping;
}

/** Required fields that no column feeds: the mapping screen should not let a run start with these. */
export function unmappedRequired(mapping: Mapping, fields: readonly FieldSpec[]): string[] {
  return fields.filter((f) => f.required && (mapping[f.name] === null || mapping[f.name] === undefined)).map((f) => f.name);
}

// ---------------------------------------------------------------------------------------------
// Reading numbers as people type them.
//
// Decisions (documented because they are guesses about intent):
// - "1,950" and "1,950.5" are thousands with a comma (US/UK): 1950, 1950.5.
// - "1.950,5" and "1.950.000" are thousands with a dot (continental Europe): 1950.5, 1950000.
// - "1.950" is a decimal point: 1.95 (a dot followed by three digits alone is ambiguous; the
//   decimal reading is the one JavaScript, Python and Excel-en use).
// - "3,5" (a comma followed by other than exactly three digits) is a decimal comma: 3.5.
// - "1 950", "1 950,5", "1'950" (space, no-break space, apostrophe groups) are thousands.
// - Currency signs ($ € £ ¥ ₹) before or after, and accounting negatives "(1,200)", are accepted.
// - Percentages are refused: "12%" could mean 12 or 0.12, so the person must say which.
// - Hex, "Infinity", "NaN" are not numbers here.
// The coercion is reported ("1,950" → 1950) so the person sees every such reading.
// ---------------------------------------------------------------------------------------------

const PLAIN_INT = /^[+-]?\d+$/;
const DOT_DECIMAL = /^[+-]?(\d+\.\d*|\.\d+)$/;
const COMMA_THOUSANDS = /^[+-]?\d{1,3}(,\d{3})+(\.\d+)?$/;
const DOT_THOUSANDS = /^[+-]?\d{1,3}(\.\d{3})+(,\d+)?$/;
const COMMA_DECIMAL = /^[+-]?\d+,\d+$/;
const SPACE_THOUSANDS = /^[+-]?\d{1,3}([ \u00a0\u202f']\d{3})+([.,]\d+)?$/;
const SCIENTIFIC = /^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/;
const CURRENCY = /^[$€£¥₹]|[$€£¥₹]$/;

/** Values that mean "no value" in exports from Excel, pandas, R and databases. */
const MISSING_TOKENS = new Set(['na', 'n/a', '#n/a', 'null', 'none', 'nan', '-', '—']);

export function parseNumber(text: string): number | null {
  let s = text.trim();
  let negative = false;
  if (/^\(.*\)$/.test(s)) {
    negative = true;
    s = s.slice(1, -1).trim();
  }
  // Sign may sit outside the currency sign: -$1,200 or $-1,200.
  let sign = '';
  if (s.startsWith('-') || s.startsWith('+')) {
    sign = s[0]!;
    s = s.slice(1).trim();
  }
  while (CURRENCY.test(s)) s = s.replace(CURRENCY, '').trim();
  if (sign === '' && (s.startsWith('-') || s.startsWith('+'))) {
    sign = s[0]!;
    s = s.slice(1);
  }
  if (s === '' || /[^\d.,eE+\- \u00a0\u202f']/.test(s)) return null;
  let normalized: string | null = null;
  if (PLAIN_INT.test(s) || DOT_DECIMAL.test(s) || SCIENTIFIC.test(s)) normalized = s;
  else if (COMMA_THOUSANDS.test(s)) normalized = s.replace(/,/g, '');
  else if (DOT_THOUSANDS.test(s)) normalized = s.replace(/\./g, '').replace(',', '.');
  else if (COMMA_DECIMAL.test(s)) normalized = s.replace(',', '.');
  else if (SPACE_THOUSANDS.test(s)) normalized = s.replace(/[ \u00a0\u202f']/g, '').replace(',', '.');
  if (normalized === null) return null;
  const n = Number(normalized);
  if (!Number.isFinite(n)) return null;
  const signed = sign === '-' ? -n : n;
  return negative ? -signed : signed;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', 't', '1']);
const FALSE_WORDS = new Set(['false', 'no', 'n', 'f', '0']);

export function parseBoolean(text: string): boolean | null {
  const s = text.trim().toLowerCase();
  if (TRUE_WORDS.has(s)) return true;
  if (FALSE_WORDS.has(s)) return false;
  return null;
}

const quote = (v: string): string => `'${v.length > 60 ? `${v.slice(0, 57)}…` : v}'`;

function formatLimit(n: number): string {
  return Number.isInteger(n) ? n.toLocaleString('en-US') : String(n);
}

function listChoices(choices: readonly string[]): string {
  const shown = choices.slice(0, 8).join(', ');
  return choices.length > 8 ? `${shown}, … (${choices.length} in all)` : shown;
}

type FieldOutcome = { value: unknown; coerced: boolean } | { missing: true; coerced: boolean } | { problem: string; unmatchedChoice?: true };

const SCIENTIFIC_TEXT = /^[+-]?(\d+\.?\d*|\.\d+)[eE][+-]?\d+$/;

interface FieldReader {
  format?: NumberFormat;
  choice?: (value: string) => string | null;
}

function coerceValue(raw: string, f: FieldSpec, reader: FieldReader = {}): FieldOutcome {
  const s = raw.trim();
  if (s === '') return { missing: true, coerced: false };
  switch (f.type) {
    case 'text':
      return { value: s, coerced: s !== raw };
    case 'number':
    case 'integer': {
      if (MISSING_TOKENS.has(s.toLowerCase())) return { missing: true, coerced: true };
      if (s.endsWith('%')) return { problem: `expected a ${f.type === 'integer' ? 'whole number' : 'number'}, found ${quote(s)} (write a percentage as a plain number, e.g. 0.12 or 12)` };
      const n = reader.format && !SCIENTIFIC_TEXT.test(s) ? readNumber(s, reader.format) : parseNumber(s);
      if (n === null) return { problem: `expected a ${f.type === 'integer' ? 'whole number' : 'number'}, found ${quote(s)}` };
      if (f.type === 'integer' && !Number.isSafeInteger(n)) return { problem: `expected a whole number, found ${quote(s)}` };
      if (f.min !== undefined && n < f.min) return { problem: `must be at least ${formatLimit(f.min)}, found ${quote(s)}` };
      if (f.max !== undefined && n > f.max) return { problem: `must be at most ${formatLimit(f.max)}, found ${quote(s)}` };
      return { value: n, coerced: raw !== String(n) };
    }
    case 'boolean': {
      if (MISSING_TOKENS.has(s.toLowerCase())) return { missing: true, coerced: true };
      const b = parseBoolean(s);
      if (b === null) return { problem: `expected yes or no (Yes, No, True, False, Y, N, 1, 0), found ${quote(s)}` };
      return { value: b, coerced: raw !== String(b) };
    }
    case 'choice': {
      const choices = f.choices ?? [];
      if (choices.length === 0) return { value: s, coerced: s !== raw };
      if (choices.includes(s)) return { value: s, coerced: s !== raw };
      const hit = (reader.choice ?? choiceMatcher(f))(s);
      if (hit !== null) return { value: hit, coerced: true };
      return { problem: `expected one of ${listChoices(choices)}; found ${quote(s)}`, unmatchedChoice: true };
    }
  }
}

/**
 * Turns one spreadsheet row into the model's input object, field by field: numbers and booleans
 * typed, text trimmed, choices mapped to their allowed spelling (ignoring case, spacing, punctuation
 * and hyphens, then the person's value map), blanks left out (a problem only when the field is
 * required), min/max checked. Every change that is not a plain reading is listed in `coercions`;
 * every value that cannot be used is a problem naming field, column and reason. Build once per
 * sheet and call per row.
 */
export function createCoercer(mapping: Mapping, fields: readonly FieldSpec[], opts: CoerceOptions = {}): (values: readonly string[]) => CoerceResult {
  const readers = fields.map((f): FieldReader => ({
    ...(opts.numberFormats?.[f.name] ? { format: opts.numberFormats[f.name] } : {}),
    ...(f.type === 'choice' ? { choice: choiceMatcher(f, opts.valueMaps?.[f.name]) } : {}),
  }));
  return (values) => {
    const input: Record<string, unknown> = {};
    const coercions: Coercion[] = [];
    const problems: RowProblem[] = [];
    for (let i = 0; i < fields.length; i++) {
      const f = fields[i]!;
      const column = mapping[f.name] ?? null;
      if (column === null) {
        if (f.required) problems.push({ field: f.name, column: null, value: '', reason: 'is required, but no column is matched to it', cause: 'unmapped' });
        continue;
      }
      const raw = values[column] ?? '';
      const out = coerceValue(raw, f, readers[i]);
      if ('problem' in out) {
        problems.push({ field: f.name, column, value: raw, reason: out.problem, cause: out.unmatchedChoice ? 'unknown-choice' : 'bad-value' });
      } else if ('missing' in out) {
        if (f.required) problems.push({ field: f.name, column, value: raw, reason: raw.trim() === '' ? 'is required, but the cell is empty' : `is required, but the cell says ${quote(raw.trim())} (no value)`, cause: 'missing' });
        else if (out.coerced) coercions.push({ field: f.name, from: raw, to: null });
      } else {
        input[f.name] = out.value;
        if (out.coerced) coercions.push({ field: f.name, from: raw, to: out.value });
      }
    }
    return problems.length > 0 ? { ok: false, problems } : { ok: true, input, coercions };
  };
}

/** One row at a time (see createCoercer, which builds the per-field readers once). */
export function coerceRow(values: readonly string[], mapping: Mapping, fields: readonly FieldSpec[], opts: CoerceOptions = {}): CoerceResult {
  return createCoercer(mapping, fields, opts)(values);
}

// ---------------------------------------------------------------------------------------------
// Summaries: "9,812 rows ready, 188 need attention".
// ---------------------------------------------------------------------------------------------

export interface ProblemRow {
  rowNumber: number;
  problems: RowProblem[];
}

export interface FieldProblemCount {
  field: string;
  column: number | null;
  rows: number;
  /** The first problem seen for this field, to show as an example. */
  example: { rowNumber: number; value: string; reason: string };
}

export interface CheckSummary {
  total: number;
  ready: number;
  needAttention: number;
  /** e.g. "9,812 rows ready, 188 need attention". */
  text: string;
  byField: FieldProblemCount[];
  /** The problem rows kept for display, in row order (at most the tally's limit). */
  problemRows: ProblemRow[];
  /** True when more problem rows exist than were kept. */
  moreProblemRows: boolean;
}

export function summaryText(ready: number, needAttention: number): string {
  const r = `${ready.toLocaleString('en-US')} ${ready === 1 ? 'row' : 'rows'} ready`;
  if (needAttention === 0) return `${r}, none need attention`;
  return `${r}, ${needAttention.toLocaleString('en-US')} ${needAttention === 1 ? 'needs' : 'need'} attention`;
}

/**
 * Counts check results as rows stream past, keeping only the first `keep` problem rows, so a
 * million-row file can be checked in bounded memory.
 */
export class CheckTally {
  private total = 0;
  private attention = 0;
  private readonly kept: ProblemRow[] = [];
  private readonly byField = new Map<string, FieldProblemCount>();

  constructor(private readonly keep = 1_000) {}

  add(rowNumber: number, result: CoerceResult): void {
    this.total++;
    if (result.ok) return;
    this.addProblems(rowNumber, result.problems);
  }

  addProblems(rowNumber: number, problems: RowProblem[]): void {
    if (problems.length === 0) return;
    this.attention++;
    if (this.kept.length < this.keep) this.kept.push({ rowNumber, problems });
    for (const p of problems) {
      const entry = this.byField.get(p.field);
      if (entry) entry.rows++;
      else this.byField.set(p.field, { field: p.field, column: p.column, rows: 1, example: { rowNumber, value: p.value, reason: p.reason } });
    }
  }

  summary(): CheckSummary {
    return {
      total: this.total,
      ready: this.total - this.attention,
      needAttention: this.attention,
      text: summaryText(this.total - this.attention, this.attention),
      byField: [...this.byField.values()].sort((a, b) => b.rows - a.rows || a.field.localeCompare(b.field)),
      problemRows: this.kept,
      moreProblemRows: this.attention > this.kept.length,
    };
  }
}

/** Summary of a finished check: `totalRows` rows were checked and `problemRows` are those that failed. */
export function summarize(totalRows: number, problemRows: readonly ProblemRow[], keep = 1_000): CheckSummary {
  const tally = new CheckTally(keep);
  const sorted = [...problemRows].sort((a, b) => a.rowNumber - b.rowNumber);
  for (const r of sorted) tally.addProblems(r.rowNumber, r.problems);
  const s = tally.summary();
  const attention = s.needAttention;
  return { ...s, total: totalRows, ready: totalRows - attention, text: summaryText(totalRows - attention, attention) };
}

/** "Row 7, column "sqft": expected a whole number, found '3 bed'": one line per problem, for lists and logs. */
export function describeProblem(rowNumber: number, p: RowProblem, columns?: readonly string[]): string {
  const col = p.column === null ? `field "${p.field}"` : `column "${columns?.[p.column] ?? p.column + 1}"${columns?.[p.column] === p.field ? '' : ` (field "${p.field}")`}`;
  return `Row ${rowNumber}, ${col}: ${p.reason}`;
}

// ---------------------------------------------------------------------------------------------
// Schema inference from a spreadsheet's first rows.
// ---------------------------------------------------------------------------------------------

const BOOLEAN_WORDS = new Set(['true', 'false', 'yes', 'no', 'y', 'n', 't', 'f']);

/**
 * Guesses a field for each column from sample rows: boolean when every value is a yes/no word,
 * integer or number when every value reads as one (0/1 columns stay integers: models trained on
 * them expect numbers), choice when a few values repeat often (at most 10 distinct, each seen at
 * least 3 times, in 30+ filled cells — rare enough that later rows are unlikely to bring a new
 * one), otherwise text. A column is required when no sampled cell is blank.
 */
export function inferSchema(header: SheetHeader | readonly string[], sampleRows: readonly (readonly string[])[]): FieldSpec[] {
  const columns = Array.isArray(header) ? (header as readonly string[]) : (header as SheetHeader).columns;
  return columns.map((name, i) => {
    const raw = sampleRows.map((r) => (r[i] ?? '').trim());
    const values = raw.filter((v) => v !== '' && !MISSING_TOKENS.has(v.toLowerCase()));
    const required = sampleRows.length > 0 && values.length === sampleRows.length;
    const description = `From the spreadsheet column "${name}"`;
    if (values.length === 0) return { name, type: 'text', required: false, description };
    if (values.every((v) => BOOLEAN_WORDS.has(v.toLowerCase()))) return { name, type: 'boolean', required, description };
    const numbers = values.map(parseNumber);
    if (numbers.every((n) => n !== null) && !values.some((v) => v.endsWith('%'))) {
      return { name, type: numbers.every((n) => Number.isSafeInteger(n)) ? 'integer' : 'number', required, description };
    }
    // Choices compare case-insensitively (as coerceRow does); the first spelling seen is kept.
    const counts = new Map<string, { spelling: string; n: number }>();
    for (const v of values) {
      const k = v.toLowerCase();
      const c = counts.get(k);
      if (c) c.n++;
      else counts.set(k, { spelling: v, n: 1 });
    }
    if (values.length >= 30 && counts.size <= 10 && [...counts.values()].every((c) => c.n >= 3)) {
      return { name, type: 'choice', required, choices: [...counts.values()].map((c) => c.spelling), description };
    }
    return { name, type: 'text', required, description };
  });
}
