import { z } from 'zod';
import { channel } from './define';
import { plexeErrorInfoSchema } from '../domain/plexe-error';

export const predictionOutcomeSchema = z.discriminatedUnion('ok', [
  z.object({
    ok: z.literal(true),
    result: z.record(z.string(), z.unknown()),
    requestId: z.string().nullable(),
    processingTimeMs: z.number().nullable(),
    roundTripMs: z.number(),
    attempts: z.number().int(),
    /** The server's answer as received, for the "raw answer" disclosure. */
    raw: z.unknown(),
    historyId: z.number().int().nullable(),
  }),
  z.object({
    ok: z.literal(false),
    error: plexeErrorInfoSchema,
    roundTripMs: z.number(),
    attempts: z.number().int(),
    historyId: z.number().int().nullable(),
  }),
]);
export type PredictionOutcome = z.infer<typeof predictionOutcomeSchema>;

const featureObject = z.record(z.string(), z.unknown());

export const predictChannels = {
  /** `callId` is chosen by the renderer so it can cancel the call and match retry events. */
  'predict:run-prediction': channel(
    z.object({ callId: z.string().min(1).max(100), modelId: z.string(), input: featureObject }),
    predictionOutcomeSchema,
  ),
  'predict:cancel-call': channel(z.object({ callId: z.string() }), z.object({ cancelled: z.boolean() })),
  /** What-if: the same input with one field varied; each point goes through the rate-limited engine. */
  'predict:run-sweep': channel(
    z.object({
      callId: z.string().min(1).max(100),
      modelId: z.string(),
      baseInput: featureObject,
      field: z.string(),
      values: z.array(z.union([z.number(), z.string(), z.boolean()])).min(1).max(500),
    }),
    z.object({ points: z.array(z.object({ value: z.union([z.number(), z.string(), z.boolean()]), outcome: predictionOutcomeSchema })) }),
  ),
} as const;

export const predictEvents = {
  /** A call is waiting before a retry: lets the UI say "Plexe asked us to slow down; retrying in N s". */
  'event:call-retry': z.object({ callId: z.string(), attempt: z.number().int(), waitMs: z.number(), reason: plexeErrorInfoSchema }),
  'event:sweep-progress': z.object({ callId: z.string(), done: z.number().int(), total: z.number().int() }),
} as const;
