import type { FieldSpec, FieldType, ModelSchema } from './model';
import { fieldLabel, numberText } from './labels';

/**
 * Model schemas as Plexe gives them (a flat map field → type name, or JSON Schema on newer
 * models) turned into the fields the form and the spreadsheet mapping work with, and the checks
 * both the form (renderer) and main run on values before they are sent. Pure TypeScript: the
 * renderer imports this file too.
 */

export class SchemaFormatError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'SchemaFormatError';
  }
}

const TYPE_NAMES: Record<string, FieldType> = {
  float: 'number', double: 'number', number: 'number', decimal: 'number', numeric: 'number', real: 'number',
  float32: 'number', float64: 'number', float16: 'number',
  int: 'integer', integer: 'integer', int8: 'integer', int16: 'integer', int32: 'integer', int64: 'integer', long: 'integer',
  uint8: 'integer', uint16: 'integer', uint32: 'integer', uint64: 'integer',
  str: 'text', string: 'text', text: 'text', category: 'text', categorical: 'text', object: 'text', date: 'text', datetime: 'text',
  bool: 'boolean', boolean: 'boolean',
};

/** "float", "Optional[int]", "float | None", "str?" → the field type and whether the field may be left out. */
export function parseTypeName(name: string): { type: FieldType; optional: boolean } {
  let t = name.trim().toLowerCase();
  let optional = false;
  const opt = /^optional\[(.+)\]$/.exec(t);
  if (opt) {
    t = opt[1]!.trim();
    optional = true;
  }
  if (t.endsWith('?')) {
    t = t.slice(0, -1);
    optional = true;
  }
  const parts = t.split('|').map((p) => p.trim()).filter((p) => p !== '');
  const nonNull = parts.filter((p) => p !== 'none' && p !== 'null');
  if (nonNull.length < parts.length) optional = true;
  const base = nonNull[0] ?? 'string';
  return { type: TYPE_NAMES[base] ?? 'text', optional };
}

/** Plexe's flat describe form: `{"square_footage": "float", ...}`. */
export function fieldsFromTypeMap(map: Record<string, unknown>): FieldSpec[] {
  const fields: FieldSpec[] = [];
  for (const [name, raw] of Object.entries(map)) {
    if (typeof raw !== 'string') throw new SchemaFormatError(`The type of field "${name}" should be a type name such as "float", "int", "string" or "bool".`);
    const { type, optional } = parseTypeName(raw);
    fields.push({ name, type, required: !optional });
  }
  return fields;
}

function jsonTypeOf(prop: Record<string, unknown>): { type: string | undefined; nullable: boolean } {
  const t = prop.type;
  if (typeof t === 'string') return { type: t, nullable: t === 'null' };
  if (Array.isArray(t)) {
    const names = t.filter((x): x is string => typeof x === 'string');
    const nonNull = names.filter((x) => x !== 'null');
    return { type: nonNull[0], nullable: nonNull.length < names.length };
  }
  for (const key of ['anyOf', 'oneOf'] as const) {
    const alts = prop[key];
    if (Array.isArray(alts)) {
      let nullable = false;
      let found: string | undefined;
      for (const alt of alts) {
        if (typeof alt !== 'object' || alt === null) continue;
        const inner = jsonTypeOf(alt as Record<string, unknown>);
        if (inner.type === 'null' || (alt as { type?: unknown }).type === 'null') nullable = true;
        else if (found === undefined && inner.type !== undefined) found = inner.type;
      }
      return { type: found, nullable };
    }
  }
  return { type: undefined, nullable: false };
}

/** Newer Plexe models: `{type: "object", properties, required}`. */
export function fieldsFromJsonSchema(schema: Record<string, unknown>): FieldSpec[] {
  const properties = schema.properties;
  if (typeof properties !== 'object' || properties === null || Array.isArray(properties)) {
    throw new SchemaFormatError('This JSON Schema has no "properties", so there are no fields to show.');
  }
  const required = new Set(Array.isArray(schema.required) ? schema.required.filter((r): r is string => typeof r === 'string') : []);
  const fields: FieldSpec[] = [];
  for (const [name, rawProp] of Object.entries(properties as Record<string, unknown>)) {
    const prop = (typeof rawProp === 'object' && rawProp !== null ? rawProp : {}) as Record<string, unknown>;
    const { type: jsonType, nullable } = jsonTypeOf(prop);
    const field: FieldSpec = { name, type: 'text', required: required.has(name) && !nullable };
    const enumValues = Array.isArray(prop.enum) ? prop.enum.filter((v) => v !== null) : undefined;
    if (enumValues && enumValues.length > 0 && (jsonType === 'string' || jsonType === undefined)) {
      field.type = 'choice';
      field.choices = enumValues.map((v) => String(v));
    } else if (jsonType !== undefined) {
      field.type = TYPE_NAMES[jsonType.toLowerCase()] ?? 'text';
    }
    const minimum = typeof prop.minimum === 'number' ? prop.minimum : typeof prop.exclusiveMinimum === 'number' ? prop.exclusiveMinimum : undefined;
    const maximum = typeof prop.maximum === 'number' ? prop.maximum : typeof prop.exclusiveMaximum === 'number' ? prop.exclusiveMaximum : undefined;
    if (minimum !== undefined && (field.type === 'number' || field.type === 'integer')) field.min = minimum;
    if (maximum !== undefined && (field.type === 'number' || field.type === 'integer')) field.max = maximum;
    if (typeof prop.description === 'string' && prop.description.trim() !== '') field.description = prop.description.trim();
    else if (typeof prop.title === 'string' && prop.title.trim() !== '') field.description = prop.title.trim();
    fields.push(field);
  }
  return fields;
}

function isJsonSchema(raw: Record<string, unknown>): boolean {
  return (raw.type === 'object' && 'properties' in raw) || (typeof raw.properties === 'object' && raw.properties !== null && !Array.isArray(raw.properties));
}

/**
 * Either schema form → fields. Also accepts a whole describe answer (`{input_schema: …}`) so a
 * person can import the JSON they saved from Plexe's console.
 */
export function fieldsFromAnySchema(raw: unknown): FieldSpec[] {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) {
    throw new SchemaFormatError('A schema must be a JSON object: either field names with type names ({"age": "int"}) or a JSON Schema with "properties".');
  }
  const obj = raw as Record<string, unknown>;
  if ('input_schema' in obj) return fieldsFromAnySchema(obj.input_schema);
  if ('inputSchema' in obj) return fieldsFromAnySchema(obj.inputSchema);
  const fields = isJsonSchema(obj) ? fieldsFromJsonSchema(obj) : fieldsFromTypeMap(obj);
  if (fields.length === 0) throw new SchemaFormatError('This schema lists no fields.');
  return fields;
}

export function toModelSchema(raw: unknown, source: ModelSchema['source']): ModelSchema {
  return { fields: fieldsFromAnySchema(raw), source };
}

/** A schema file's text → schema, with a plain message when it is not usable. */
export function parseSchemaText(text: string): ModelSchema {
  let raw: unknown;
  try {
    raw = JSON.parse(text.replace(/^\uFEFF/, ''));
  } catch {
    throw new SchemaFormatError('This file is not valid JSON. A schema file looks like {"age": "int", "city": "string"} or a JSON Schema with "properties".');
  }
  return toModelSchema(raw, 'file');
}

/** The describe answer's output schema (flat or JSON Schema) → field → type name, for display. */
export function outputTypeMap(raw: unknown): Record<string, string> | null {
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) return null;
  const obj = raw as Record<string, unknown>;
  const out: Record<string, string> = {};
  if (isJsonSchema(obj)) {
    for (const [name, prop] of Object.entries(obj.properties as Record<string, unknown>)) {
      const t = typeof prop === 'object' && prop !== null ? jsonTypeOf(prop as Record<string, unknown>).type : undefined;
      out[name] = t ?? 'any';
    }
  } else {
    for (const [name, t] of Object.entries(obj)) out[name] = typeof t === 'string' ? t : 'any';
  }
  return out;
}

export interface FieldProblem {
  field: string;
  message: string;
}

function isBlank(v: unknown): boolean {
  return v === undefined || v === null || (typeof v === 'string' && v.trim() === '');
}

function describeValue(v: unknown): string {
  const s = typeof v === 'string' ? `"${v}"` : JSON.stringify(v) ?? String(v);
  return s.length > 40 ? `${s.slice(0, 37)}...` : s;
}

/**
 * Every problem with the values for these fields, in field order; empty when they can be sent.
 * Extra values are not flagged. Messages name the field by its label ("Square footage"); `typed`
 * holds what the person typed, so "got …" repeats their text rather than the number it became.
 */
export function validateInput(fields: readonly FieldSpec[], values: Record<string, unknown>, typed: Record<string, unknown> = {}): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const f of fields) {
    const v = values[f.name];
    const label = fieldLabel(f.name);
    const t = typed[f.name];
    const got = typeof t === 'string' && t.trim() !== '' ? describeValue(t.trim()).replace(/^"|"$/g, '') : typeof v === 'number' ? String(v) : describeValue(v);
    const add = (message: string) => problems.push({ field: f.name, message });
    if (isBlank(v)) {
      if (f.required) add(`${label} is required: fill it in.`);
      continue;
    }
    switch (f.type) {
      case 'number':
      case 'integer': {
        if (typeof v !== 'number' || !Number.isFinite(v)) {
          add(`${label} must be a number (got ${describeValue(t ?? v)}).`);
          break;
        }
        if (f.type === 'integer' && !Number.isInteger(v)) {
          add(`${label} must be a whole number (got ${got}).`);
          break;
        }
        if (f.min !== undefined && v < f.min) add(`${label} must be at least ${numberText(f.min)} (got ${got}).`);
        else if (f.max !== undefined && v > f.max) add(`${label} must be at most ${numberText(f.max)} (got ${got}).`);
        break;
      }
      case 'boolean':
        if (typeof v !== 'boolean') add(`${label} must be yes or no (got ${describeValue(v)}).`);
        break;
      case 'choice':
        if (typeof v !== 'string' || !(f.choices ?? []).includes(v)) add(`${label} must be one of: ${(f.choices ?? []).join(', ')} (got ${describeValue(v)}).`);
        break;
      case 'text':
        if (typeof v !== 'string') add(`${label} must be text (got ${describeValue(v)}).`);
        break;
    }
  }
  return problems;
}

const TRUE_WORDS = new Set(['true', 'yes', 'y', '1', 't']);
const FALSE_WORDS = new Set(['false', 'no', 'n', '0', 'f']);

/** One value as typed in a form or read from a spreadsheet cell → the JSON value its field expects; unchanged when it cannot be converted (validateInput then says why). */
export function coerceValue(field: FieldSpec, v: unknown): unknown {
  if (typeof v !== 'string') {
    if (field.type === 'text' && (typeof v === 'number' || typeof v === 'boolean')) return String(v);
    if (field.type === 'choice' && typeof v === 'number' && (field.choices ?? []).includes(String(v))) return String(v);
    return v;
  }
  const s = v.trim();
  switch (field.type) {
    case 'number':
    case 'integer': {
      if (s === '') return undefined;
      // Thousands separators are left alone on purpose: "1,5" means 1.5 in half the world.
      const n = Number(s);
      return /^[+-]?(\d+\.?\d*|\.\d+)(e[+-]?\d+)?$/i.test(s) && Number.isFinite(n) ? n : v;
    }
    case 'boolean': {
      const l = s.toLowerCase();
      if (TRUE_WORDS.has(l)) return true;
      if (FALSE_WORDS.has(l)) return false;
      return s === '' ? undefined : v;
    }
    case 'choice': {
      if (s === '') return undefined;
      const exact = (field.choices ?? []).find((c) => c === s) ?? (field.choices ?? []).find((c) => c.toLowerCase() === s.toLowerCase());
      return exact ?? s;
    }
    case 'text':
      return v === '' && !field.required ? undefined : v;
  }
}

/** The values converted to their fields' types, blank optional values left out, then checked. */
export function coerceInput(fields: readonly FieldSpec[], values: Record<string, unknown>): { values: Record<string, unknown>; problems: FieldProblem[] } {
  const out: Record<string, unknown> = {};
  const known = new Set(fields.map((f) => f.name));
  for (const [k, v] of Object.entries(values)) if (!known.has(k)) out[k] = v;
  for (const f of fields) {
    const c = coerceValue(f, values[f.name]);
    if (!isBlank(c)) out[f.name] = c;
  }
  return { values: out, problems: validateInput(fields, out, values) };
}
