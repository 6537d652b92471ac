import type { FieldSpec } from '../../shared/domain/model';
import { AppError } from '../../shared/ipc/errors';
import type { FieldMapping } from '../../shared/ipc/jobs';
import type { SettingsRepository } from '../store/repositories';
import { canonicalKey, plainKey } from './column-match';
import type { ValueMaps } from './values';

/**
 * What the person confirmed for a model, kept for next time: which column feeds each field and
 * which written values mean which allowed value. Stored as settings (key → JSON), one entry per
 * model; a mapping file carries the same in JSON for the CLI and for sharing.
 */

export interface SavedMapping {
  /** Field → column name (null: left unmapped on purpose). */
  columns: FieldMapping;
  /** Field → (written value → allowed value). */
  values: ValueMaps;
}

const keyOf = (modelId: string): string => `sheet-mapping:${modelId}`;

export class MappingMemory {
  constructor(private readonly settings: SettingsRepository) {}

  /** What was confirmed for this model, or an empty mapping. */
  get(modelId: string): SavedMapping {
    const saved = this.settings.get<unknown>(keyOf(modelId));
    const parsed = readMapping(saved);
    return parsed ?? { columns: {}, values: {} };
  }

  /** Remembers the columns confirmed for a run (merged over earlier ones, so other files' columns stay known). */
  rememberColumns(modelId: string, columns: FieldMapping): void {
    const cur = this.get(modelId);
    this.settings.set(keyOf(modelId), { columns: { ...cur.columns, ...columns }, values: cur.values });
  }

  /** Remembers value mappings for one field (merged over earlier ones). */
  rememberValues(modelId: string, field: string, map: Record<string, string>): void {
    const cur = this.get(modelId);
    this.settings.set(keyOf(modelId), { columns: cur.columns, values: { ...cur.values, [field]: { ...(cur.values[field] ?? {}), ...map } } });
  }

  /** Sets one field's value mappings as a whole (a value the person took back is forgotten too). */
  replaceValues(modelId: string, field: string, map: Record<string, string>): void {
    const cur = this.get(modelId);
    const values = { ...cur.values, [field]: map };
    if (Object.keys(map).length === 0) delete values[field];
    this.settings.set(keyOf(modelId), { columns: cur.columns, values });
  }

  forget(modelId: string): void {
    this.settings.set(keyOf(modelId), { columns: {}, values: {} });
  }
}

function isStringRecord(v: unknown, nullable: boolean): v is Record<string, string | null> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && Object.values(v).every((x) => typeof x === 'string' || (nullable && x === null));
}

function readMapping(v: unknown): SavedMapping | null {
  if (typeof v !== 'object' || v === null) return null;
  const o = v as { columns?: unknown; values?: unknown };
  const columns = isStringRecord(o.columns, true) ? o.columns : {};
  const values: ValueMaps = {};
  if (typeof o.values === 'object' && o.values !== null) {
    for (const [field, map] of Object.entries(o.values)) if (isStringRecord(map, false)) values[field] = map as Record<string, string>;
  }
  return { columns, values };
}

// ---------------------------------------------------------------------------------------------
// Mapping files (JSON), saved from the app and read by the CLI.
// ---------------------------------------------------------------------------------------------

export const MAPPING_FILE_FORMAT = 'plexe-sheet-mapping';

/**
 * The file's text: `{"format": "plexe-sheet-mapping", "version": 1, "columns": {field: column},
 * "values": {field: {written: allowed}}}`.
 */
export function mappingFileText(m: SavedMapping): string {
  return `${JSON.stringify({ format: MAPPING_FILE_FORMAT, version: 1, columns: m.columns, values: m.values }, null, 2)}\n`;
}

function bad(fileName: string, what: string): AppError {
  return new AppError('bad_mapping_file', `The mapping file "${fileName}" ${what}. Save the mapping again from the app, or write it as {"columns": {"field": "column"}, "values": {"field": {"written": "allowed"}}}.`);
}

/** Reads a mapping file; a file that is not one gets an error naming what is wrong where. */
export function parseMappingFile(text: string, fileName: string): SavedMapping {
  let json: unknown;
  try {
    json = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch (e) {
    throw bad(fileName, `is not valid JSON (${e instanceof Error ? e.message : String(e)})`);
  }
  if (typeof json !== 'object' || json === null || Array.isArray(json)) throw bad(fileName, 'does not hold a JSON object');
  const o = json as Record<string, unknown>;
  if (o.format !== undefined && o.format !== MAPPING_FILE_FORMAT) throw bad(fileName, `is a "${String(o.format)}" file, not a sheet mapping`);
  if (o.version !== undefined && o.version !== 1) throw bad(fileName, `has version ${String(o.version)}, which this app does not read (it reads version 1)`);
  if (o.columns === undefined && o.values === undefined) throw bad(fileName, 'has neither "columns" nor "values"');
  const columns: FieldMapping = {};
  if (o.columns !== undefined) {
    if (typeof o.columns !== 'object' || o.columns === null || Array.isArray(o.columns)) throw bad(fileName, 'has a "columns" entry that is not an object of field → column name');
    for (const [field, col] of Object.entries(o.columns)) {
      if (typeof col !== 'string' && col !== null) throw bad(fileName, `maps the field "${field}" to ${JSON.stringify(col)}, not to a column name`);
      columns[field] = col;
    }
  }
  const values: ValueMaps = {};
  if (o.values !== undefined) {
    if (typeof o.values !== 'object' || o.values === null || Array.isArray(o.values)) throw bad(fileName, 'has a "values" entry that is not an object of field → {written value: allowed value}');
    for (const [field, map] of Object.entries(o.values)) {
      if (typeof map !== 'object' || map === null || Array.isArray(map)) throw bad(fileName, `has values for "${field}" that are not an object of written value → allowed value`);
      for (const [from, to] of Object.entries(map)) {
        if (typeof to !== 'string') throw bad(fileName, `maps the value "${from}" of "${field}" to ${JSON.stringify(to)}, not to a text value`);
      }
      values[field] = map as Record<string, string>;
    }
  }
  return { columns, values };
}

/**
 * Checks a loaded mapping against the sheet and the model: every field must be the model's, every
 * column the sheet's, every mapped value an allowed one. Returns the problems in plain words.
 */
export function checkSavedMapping(m: SavedMapping, columns: readonly string[], fields: readonly FieldSpec[]): string[] {
  const problems: string[] = [];
  const byName = new Map(fields.map((f) => [f.name, f]));
  for (const [field, col] of Object.entries(m.columns)) {
    if (!byName.has(field)) problems.push(`the model has no field "${field}"${suggest(field, fields.map((f) => f.name))}`);
    else if (col !== null && !columns.includes(col)) problems.push(`the sheet has no column "${col}" (for ${field})${suggest(col, columns)}`);
  }
  for (const [field, map] of Object.entries(m.values)) {
    const f = byName.get(field);
    if (!f) {
      problems.push(`the model has no field "${field}"${suggest(field, fields.map((x) => x.name))}`);
      continue;
    }
    for (const [from, to] of Object.entries(map)) {
      if (!(f.choices ?? []).includes(to)) problems.push(`"${from}" is mapped to "${to}", which is not an allowed value of ${field} (${(f.choices ?? []).join(', ')})`);
    }
  }
  return problems;
}

function suggest(name: string, options: readonly string[]): string {
  const k = canonicalKey(name);
  const p = plainKey(name);
  const hit = options.find((o) => canonicalKey(o) === k || plainKey(o) === p);
  return hit ? `; did you mean "${hit}"?` : '';
}

// ---------------------------------------------------------------------------------------------
// `--map "Sq. Ft.=square_footage"` (repeatable) for the CLI.
// ---------------------------------------------------------------------------------------------

export interface MapSpec {
  column: string;
  field: string;
}

/** Reads one `--map` value, `COLUMN=FIELD` (the last "=" splits, so a column name may contain one). */
export function parseMapSpec(spec: string): MapSpec {
  const at = spec.lastIndexOf('=');
  const column = at < 0 ? '' : spec.slice(0, at).trim();
  const field = at < 0 ? '' : spec.slice(at + 1).trim();
  if (at < 0 || column === '' || field === '') {
    throw new AppError('bad_map_option', `--map "${spec}" is not COLUMN=FIELD. Write the spreadsheet column, an equals sign and the model's field, e.g. --map "Sq. Ft.=square_footage".`);
  }
  return { column, field };
}

/** Applies `--map` values over a mapping; an unknown column or field is an error naming the choices. */
export function applyMapSpecs(mapping: FieldMapping, specs: readonly MapSpec[], columns: readonly string[], fields: readonly FieldSpec[]): FieldMapping {
  const out: FieldMapping = { ...mapping };
  for (const s of specs) {
    if (!fields.some((f) => f.name === s.field)) {
      throw new AppError('bad_map_option', `--map "${s.column}=${s.field}": the model has no field "${s.field}"${suggest(s.field, fields.map((f) => f.name)) || '.'} Its fields are: ${fields.map((f) => f.name).join(', ')}.`);
    }
    if (!columns.includes(s.column)) {
      throw new AppError('bad_map_option', `--map "${s.column}=${s.field}": the sheet has no column "${s.column}"${suggest(s.column, columns) || '.'} Its columns are: ${columns.map((c) => `"${c}"`).join(', ')}.`);
    }
    // A column feeds one field: the field that had it loses it.
    for (const [f, c] of Object.entries(out)) if (c === s.column && f !== s.field) out[f] = null;
    out[s.field] = s.column;
  }
  return out;
}
