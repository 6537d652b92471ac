import type { FieldSpec, FieldType } from '../../../shared/domain/model';

export const TYPE_LABELS: Record<FieldType, string> = {
  number: 'Number',
  integer: 'Whole number',
  text: 'Text',
  boolean: 'Yes / no',
  choice: 'Choice',
};

/** "a, b , c" → ["a","b","c"] (blanks and repeats dropped). */
export function parseChoices(text: string): string[] {
  return [...new Set(text.split(',').map((s) => s.trim()).filter((s) => s !== ''))];
}

/** Everything wrong with a hand-edited schema, in plain words; empty when it can be saved. */
export function schemaProblems(fields: readonly FieldSpec[]): string[] {
  const problems: string[] = [];
  if (fields.length === 0) problems.push('Add at least one field.');
  const seen = new Set<string>();
  fields.forEach((f, i) => {
    const where = f.name.trim() ? `"${f.name.trim()}"` : `Field ${i + 1}`;
    if (!f.name.trim()) problems.push(`Field ${i + 1} needs a name.`);
    else if (seen.has(f.name.trim())) problems.push(`Two fields are called "${f.name.trim()}"; names must be different.`);
    seen.add(f.name.trim());
    if (f.type === 'choice' && (f.choices?.length ?? 0) === 0) problems.push(`${where} is a choice: list its allowed values, separated by commas.`);
    if (f.min !== undefined && f.max !== undefined && f.min > f.max) problems.push(`${where}: the minimum (${f.min}) is larger than the maximum (${f.max}).`);
  });
  return problems;
}

/** A schema as saved: names trimmed, settings that do not apply to the type removed. */
export function cleanFields(fields: readonly FieldSpec[]): FieldSpec[] {
  return fields.map((f) => {
    const out: FieldSpec = { name: f.name.trim(), type: f.type, required: f.required };
    if ((f.type === 'number' || f.type === 'integer') && f.min !== undefined && Number.isFinite(f.min)) out.min = f.min;
    if ((f.type === 'number' || f.type === 'integer') && f.max !== undefined && Number.isFinite(f.max)) out.max = f.max;
    if (f.type === 'choice') out.choices = [...(f.choices ?? [])];
    if (f.description?.trim()) out.description = f.description.trim();
    return out;
  });
}

export function moveField<T>(list: readonly T[], from: number, to: number): T[] {
  if (to < 0 || to >= list.length || from === to) return [...list];
  const out = [...list];
  const [item] = out.splice(from, 1);
  out.splice(to, 0, item as T);
  return out;
}
