import type { FieldSpec } from '../../shared/domain/model';
import type { FieldMapping, RowProblem } from '../../shared/ipc/jobs';
import { matchColumns, type ColumnMatch, type MatchOptions } from '../sheets/column-match';
import { createCoercer, type CoerceOptions, type Coercion, type Mapping } from '../sheets/mapping';
import { decideNumberFormat, decimalEvidence, describeNumberFormat, type NumberFormat, type ValueMaps } from '../sheets/values';
import { decodeCells } from './cells';
import type { JobRecord, JobStore } from './store';

/**
 * One spreadsheet row → the input object sent to the model. With the model's fields known, the
 * job's mapping picks a column per field and `coerceRow` types and checks each value (the same rules
 * as the mapping screen shows). Without them (the CLI when `describe` is unavailable) every column is
 * sent under its own name, plain numbers and true/false typed, blank cells left out.
 */

export type RowInput = { ok: true; input: Record<string, unknown>; coercions: Coercion[] } | { ok: false; problems: RowProblem[] };

export interface RowMapper {
  toInput(cells: readonly string[]): RowInput;
}

/** One automatic match with the column's name and the reason, for the mapping screen and the CLI. */
export interface NamedMatch extends ColumnMatch {
  columnName: string | null;
}

/**
 * The automatic matches (see matchColumns: normalised names, short forms, the field's description,
 * category values on `opts.sampleRows`, and what was confirmed before in `opts.remembered`).
 */
export function automaticMatches(columns: readonly string[], fields: readonly FieldSpec[], opts: MatchOptions = {}): NamedMatch[] {
  return matchColumns(columns, fields, opts).map((m) => ({ ...m, columnName: m.column === null ? null : (columns[m.column] ?? null) }));
}

/** The automatic mapping as field → column name. */
export function automaticMapping(columns: readonly string[], fields: readonly FieldSpec[], opts: MatchOptions = {}): FieldMapping {
  const out: FieldMapping = {};
  for (const m of automaticMatches(columns, fields, opts)) out[m.field] = m.columnName;
  return out;
}

/** "Sq. Ft. → square_footage (a common short form …)": one line per field, for the CLI. */
export function describeMatches(matches: readonly NamedMatch[]): string[] {
  return matches.map((m) => (m.columnName === null ? `${m.field}: no column (${m.reason})` : `${m.field} ← "${m.columnName}" (${m.reason})`));
}

/** Column names → the importer's column indexes; an unknown column is a clear error, not a silent gap. */
export function toIndexMapping(columns: readonly string[], fields: readonly FieldSpec[], mapping: FieldMapping): Mapping {
  const out: Mapping = {};
  for (const f of fields) {
    const name = mapping[f.name] ?? null;
    if (name === null) {
      out[f.name] = null;
      continue;
    }
    const i = columns.indexOf(name);
    out[f.name] = i >= 0 ? i : null;
  }
  return out;
}

/** The columns sent as they are: a plain number becomes a number, true/false a boolean. */
export function typedCell(text: string): unknown {
  const s = text.trim();
  if (/^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/.test(s)) {
    const n = Number(s);
    if (Number.isFinite(n)) return n;
  }
  const lower = s.toLowerCase();
  if (lower === 'true') return true;
  if (lower === 'false') return false;
  return s;
}

/** Rows the number formats are decided on: the first rows of the sheet, whatever their state. */
export const FORMAT_SAMPLE_ROWS = 1_000;

export interface ColumnReading {
  /** Field → how its column writes numbers, for number and integer fields whose column needs it. */
  numberFormats: Record<string, NumberFormat>;
  /** What was decided, in plain words, for a notice. */
  notes: string[];
}

/**
 * Decides, per number field, how its column writes numbers (decimal mark, a unit word), on sample
 * rows: the same decision holds for every row of the column.
 */
export function decideColumnReading(columns: readonly string[], fields: readonly FieldSpec[], mapping: FieldMapping, sampleRows: readonly (readonly string[])[]): ColumnReading {
  const numberFormats: Record<string, NumberFormat> = {};
  const notes: string[] = [];
  const numberColumns: { field: string; column: string; values: string[] }[] = [];
  for (const f of fields) {
    if (f.type !== 'number' && f.type !== 'integer') continue;
    const col = mapping[f.name] ?? null;
    const i = col === null ? -1 : columns.indexOf(col);
    if (i >= 0) numberColumns.push({ field: f.name, column: col!, values: sampleRows.map((r) => r[i] ?? '') });
  }
  // A column with no telling value ("1.950" alone) follows the mark the sheet's other columns agree on.
  const marks = new Set(numberColumns.map((c) => decimalEvidence(c.values)).filter((m) => m !== null));
  const sheetMark = marks.size === 1 ? [...marks][0]! : '.';
  for (const { field, column: col, values } of numberColumns) {
    const f = { name: field };
    const format = decideNumberFormat(values, sheetMark);
    if (!format) continue;
    numberFormats[f.name] = format;
    const note = describeNumberFormat(col, format);
    if (note) notes.push(note);
  }
  return { numberFormats, notes };
}

/** The first rows of a job (any state), for decisions made on a sample. */
export function jobSampleRows(store: JobStore, jobId: number, limit = FORMAT_SAMPLE_ROWS): string[][] {
  return store.resultsPage(jobId, 0, limit, false).map((r) => decodeCells(r.cells));
}

/**
 * The row mapper for a job: its mapping, number formats decided on the job's first rows, and the
 * value maps given. Check and run must both build it this way so that they read rows alike.
 */
export function createJobRowMapper(store: JobStore, job: JobRecord, valueMaps: ValueMaps = {}): RowMapper & { reading: ColumnReading } {
  const fields = job.fields;
  const mapping = fields === null ? null : (job.mapping ?? automaticMapping(job.columns, fields));
  const reading = fields === null || mapping === null ? { numberFormats: {}, notes: [] } : decideColumnReading(job.columns, fields, mapping, jobSampleRows(store, job.id));
  // The known outcome is what the model is checked against: it is never part of the input.
  const exclude = job.outcome ? [job.outcome.column] : [];
  const mapper = createRowMapper(job.columns, fields, mapping, { numberFormats: reading.numberFormats, valueMaps }, exclude);
  return { toInput: (cells) => mapper.toInput(cells), reading };
}

/** `exclude`: columns never sent (the known outcome of an evaluation). */
export function createRowMapper(columns: readonly string[], fields: readonly FieldSpec[] | null, mapping: FieldMapping | null, opts: CoerceOptions = {}, exclude: readonly string[] = []): RowMapper {
  if (fields === null) {
    const skip = new Set(exclude);
    return {
      toInput(cells) {
        const input: Record<string, unknown> = {};
        for (let i = 0; i < columns.length; i++) {
          if (skip.has(columns[i]!)) continue;
          const text = cells[i] ?? '';
          if (text.trim() === '') continue;
          input[columns[i]!] = typedCell(text);
        }
        return { ok: true, input, coercions: [] };
      },
    };
  }
  const byIndex = toIndexMapping(columns, fields, mapping ?? automaticMapping(columns, fields));
  for (const [field, i] of Object.entries(byIndex)) if (i !== null && exclude.includes(columns[i]!)) byIndex[field] = null;
  const coerce = createCoercer(byIndex, fields, opts);
  return {
    toInput(cells) {
      const r = coerce(cells);
      if (r.ok) return r;
      return {
        ok: false,
        problems: r.problems.map((p) => ({
          field: p.field,
          column: p.column === null ? null : (columns[p.column] ?? null),
          ...(p.cause ? { cause: p.cause } : {}),
          value: p.value,
          message:
            p.column === null
              ? `No column is matched to the field "${p.field}", which the model requires: choose its column in the mapping.`
              : `Column "${columns[p.column] ?? p.column + 1}"${columns[p.column] === p.field ? '' : ` (field "${p.field}")`}: ${p.reason}.`,
        })),
      };
    },
  };
}
