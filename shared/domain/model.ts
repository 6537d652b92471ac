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

export function modelLabel(ref: ModelRef): string {
  return ref.kind === 'model' ? `${ref.name} v${ref.version}` : `deployment ${ref.deploymentId}`;
}
