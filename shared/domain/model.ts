import { z } from 'zod';

/** How a model is addressed: by name and version, or by an older deployment id. */
export const modelRefSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('model'), name: z.string().min(1), version: z.string().min(1) }),
  z.object({ kind: z.literal('deployment'), deploymentId: z.string().min(1) }),
]);
export type ModelRef = z.infer<typeof modelRefSchema>;

export const fieldTypeSchema = z.enum(['number', 'integer', 'text', 'boolean', 'choice']);
export type FieldType = z.infer<typeof fieldTypeSchema>;

export const fieldSpecSchema = z.object({
  name: z.string().min(1),
  type: fieldTypeSchema,
  required: z.boolean(),
  min: z.number().optional(),
  max: z.number().optional(),
  choices: z.array(z.string()).optional(),
  description: z.string().optional(),
});
export type FieldSpec = z.infer<typeof fieldSpecSchema>;

export const modelSchemaSchema = z.object({
  fields: z.array(fieldSpecSchema),
  /** Where the schema came from, shown to the user. */
  source: z.enum(['describe', 'file', 'spreadsheet', 'manual']),
});
export type ModelSchema = z.infer<typeof modelSchemaSchema>;

/** A model the user added to an account. */
export const savedModelSchema = z.object({
  id: z.string(),
  profileId: z.string(),
  ref: modelRefSchema,
  displayName: z.string(),
  schema: modelSchemaSchema,
  outputSchema: z.record(z.string(), z.string()).nullable(),
  createdAt: z.string(),
});
export type SavedModel = z.infer<typeof savedModelSchema>;

/** "house-prices v1": the version always written with one "v", however it was typed. */
export function modelLabel(ref: ModelRef): string {
  return ref.kind === 'model' ? `${ref.name} v${ref.version.replace(/^v(?=\d)/i, '')}` : `deployment ${ref.deploymentId}`;
}

/**
 * The line under a model's display name: what the name does not already say (its Plexe name and
 * version), or nothing when the display name already holds both.
 */
export function modelSubtitle(m: Pick<SavedModel, 'displayName' | 'ref'>): string | null {
  const label = modelLabel(m.ref);
  const shown = m.displayName.toLowerCase();
  if (m.ref.kind !== 'model') return shown.includes(m.ref.deploymentId.toLowerCase()) ? null : label;
  const version = label.slice(label.lastIndexOf(' ') + 1);
  const hasName = shown.includes(m.ref.name.toLowerCase());
  const hasVersion = new RegExp(`\\bv?${version.slice(1).replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}\\b`, 'i').test(m.displayName.replace(m.ref.name, ''));
  if (hasName && hasVersion) return null;
  if (hasName) return version;
  return label;
}
