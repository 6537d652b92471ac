import { z } from 'zod';

/** A failed call to Plexe, explained for a person. Produced by main's PlexeClient, shown by the renderer. */
export const plexeErrorInfoSchema = z.object({
  /** The API's code (invalid_input, unauthorized, rate_limit_exceeded, …) or ours (timeout, network, offline, bad_response, cancelled). */
  code: z.string(),
  /** What happened, in plain words. */
  message: z.string(),
  /** What the person can do about it. */
  action: z.string().nullable(),
  httpStatus: z.number().int().nullable(),
  requestId: z.string().nullable(),
  details: z.unknown().nullable(),
  /** Field-level problems the server named, to show next to the form's fields. */
  fieldErrors: z.array(z.object({ field: z.string(), message: z.string() })),
  retryable: z.boolean(),
  /** Seconds the server asked us to wait (429). */
  retryAfterSeconds: z.number().nullable(),
});
export type PlexeErrorInfo = z.infer<typeof plexeErrorInfoSchema>;
