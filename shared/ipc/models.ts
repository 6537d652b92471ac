import { z } from 'zod';
import { channel } from './define';
import { modelRefSchema, modelSchemaSchema, savedModelSchema, fieldSpecSchema } from '../domain/model';

export const remoteModelSchema = z.object({
  name: z.string(),
  version: z.string(),
  status: z.string().nullable(),
  description: z.string().nullable(),
});
export type RemoteModel = z.infer<typeof remoteModelSchema>;

export const modelDescriptionSchema = z.object({
  schema: modelSchemaSchema.nullable(),
  outputSchema: z.record(z.string(), z.string()).nullable(),
  performanceMetrics: z.record(z.string(), z.number()).nullable(),
  featureImportance: z.record(z.string(), z.number()).nullable(),
  description: z.string().nullable(),
});
export type ModelDescription = z.infer<typeof modelDescriptionSchema>;

export const modelStatusSchema = z.object({
  /** READY, BUILDING, DRAFT, ERROR, … as the server says it, or UNKNOWN. */
  status: z.string(),
  ready: z.boolean(),
  /** Plain explanation when not ready. */
  message: z.string().nullable(),
});
export type ModelStatus = z.infer<typeof modelStatusSchema>;

const target = z.object({ profileId: z.string(), ref: modelRefSchema });

export const modelChannels = {
  'models:list-remote': channel(
    z.object({ profileId: z.string(), limit: z.number().int().min(1).max(500).optional(), offset: z.number().int().min(0).optional() }),
    z.object({ models: z.array(remoteModelSchema), hasMore: z.boolean() }),
  ),
  'models:list-saved': channel(z.object({ profileId: z.string() }), z.array(savedModelSchema)),
  'models:describe-model': channel(target, modelDescriptionSchema),
  'models:get-status': channel(target, modelStatusSchema),
  'models:save-model': channel(
    z.object({
      id: z.string().optional(),
      profileId: z.string(),
      ref: modelRefSchema,
      displayName: z.string().trim().min(1).max(120),
      schema: modelSchemaSchema,
      outputSchema: z.record(z.string(), z.string()).nullable().optional(),
    }),
    savedModelSchema,
  ),
  'models:delete-model': channel(z.object({ id: z.string() }), z.object({ deleted: z.boolean() })),
  /** A pasted endpoint URL (…/models/{name}/{version}/infer or …/predict/{id}) → base URL and model. */
  'models:parse-endpoint': channel(z.object({ url: z.string().trim().min(1) }), z.object({ baseUrl: z.string(), ref: modelRefSchema })),
  /** A schema file's text (flat type map or JSON Schema) → fields. */
  'models:parse-schema': channel(z.object({ text: z.string().max(5_000_000) }), modelSchemaSchema),
  /** A spreadsheet's header and first rows → fields (path from files.register or a file dialog). */
  'models:infer-schema': channel(z.object({ path: z.string() }), z.object({ fields: z.array(fieldSpecSchema) })),
} as const;
