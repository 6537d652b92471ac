import type { FieldSpec } from '../../shared/domain/model';
import type { FieldMapping, RowProblem } from '../../shared/ipc/jobs';
import { autoMatch, coerceRow, type Coercion, type Mapping } from '../sheets/mapping';

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

/** The automatic mapping by column name (case, spaces, underscores ignored), as field → column name. */
export function automaticMapping(columns: readonly string[], fields: readonly FieldSpec[]): FieldMapping {
  const byIndex = autoMatch(columns, fields);
  const out: FieldMapping = {};
  for (const f of fields) {
    const i = byIndex[f.name];
    out[f.name] = i === null || i === undefined ? null : (columns[i] ?? null);
  }
  return out;
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

export function createRowMapper(columns: readonly string[], fields: readonly FieldSpec[] | null, mapping: FieldMapping | null): RowMapper {
  if (fields === null) {
    return {
      toInput(cells) {
        const input: Record<string, unknown> = {};
        for (let i = 0; i < columns.length; i++) {
          const text = cells[i] ?? '';
          if (text.trim() === '') continue;
          input[columns[i]!] = typedCell(text);
        }
        return { ok: true, input, coercions: [] };
      },
    };
  }
  const byIndex = toIndexMapping(columns, fields, mapping ?? automaticMapping(columns, fields));
  return {
    toInput(cells) {
      const r = coerceRow(cells, byIndex, fields);
      if (r.ok) return r;
      return {
        ok: false,
        problems: r.problems.map((p) => ({
          field: p.field,
          column: p.column === null ? null : (columns[p.column] ?? null),
          message:
            p.column === null
              ? `No column is matched to the field "${p.field}", which the model requires: choose its column in the mapping.`
              : `Column "${columns[p.column] ?? p.column + 1}"${columns[p.column] === p.field ? '' : ` (field "${p.field}")`}: ${p.reason}.`,
        })),
      };
    },
  };
}
