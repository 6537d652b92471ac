import { z } from 'zod';
import { HOSTILE_MODES, checkFaultSettings, defaultFaults } from './faults';
import { normalizeModelRef } from './models';
import { LIMITER_KINDS, RATE_HEADER_STYLES } from './rate-limit';
import type { SandboxConfig } from './types';

export const DEFAULT_SANDBOX_KEY = 'demo-key-plexe-sandbox';

const probability = z.number().min(0).max(1);
const nonNegative = z.number().min(0);

const faultsSchema = z
  .object({
    seed: z.number(),
    p429: probability,
    p500: probability,
    p502: probability,
    p503: probability,
    p504: probability,
    pDrop: probability,
    pTruncate: probability,
    pSlow: probability,
    slowMs: nonNegative,
    latencyMs: nonNegative,
    latencyJitterMs: nonNegative,
    retryAfterSeconds: nonNegative,
    retryAfterAsDate: z.boolean(),
    hostile: z.enum(HOSTILE_MODES).nullable(),
    hugeBodyBytes: z.number().int().min(16),
  })
  .partial()
  .strict();

const keySchema = z
  .object({
    key: z.string().min(1, 'an API key cannot be empty'),
    models: z.array(z.string().regex(/^[^/]+\/[^/]+$/, 'write models as "name/version", e.g. "house-prices/1"')).optional(),
    rpm: z.number().int().positive().optional(),
    limiter: z.enum(LIMITER_KINDS).optional(),
    windowMs: z.number().int().min(1).optional(),
    burst: z.number().int().min(1).optional(),
  })
  .strict();

export const sandboxConfigSchema = z
  .object({
    keys: z.array(keySchema).min(1, 'give at least one key'),
    maxBatch: z.number().int().min(1),
    maxBodyBytes: z.number().int().min(1),
    batchEndpoint: z.boolean(),
    rateWindowMs: z.number().int().min(1),
    rateLimiter: z.enum(LIMITER_KINDS),
    rateBurst: z.number().int().min(1),
    rateHeaders: z.enum(RATE_HEADER_STYLES),
    faults: faultsSchema,
    modelStates: z.record(z.string().regex(/^[^/]+\/[^/]+$/, 'write models as "name/version"'), z.enum(['READY', 'BUILDING', 'DRAFT', 'ERROR'])),
    requestLogFile: z.string().min(1).optional(),
    answerStyle: z.enum(['standard', 'legacy']),
    describeStyle: z.enum(['flat', 'json-schema']),
  })
  .partial()
  .strict();

/** What a --config file may hold: the sandbox config plus where to listen. */
export const sandboxConfigFileSchema = sandboxConfigSchema.extend({
  port: z.number().int().min(0).max(65535).optional(),
  host: z.string().min(1).optional(),
});

export class SandboxConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`The sandbox configuration has ${problems.length === 1 ? 'a problem' : 'problems'}:\n  - ${problems.join('\n  - ')}`);
    this.name = 'SandboxConfigError';
  }
}

function zodProblems(error: z.ZodError, prefix: string): string[] {
  return error.issues.map((issue) => {
    const path = issue.path.map(String).join('.');
    return `${prefix}${path ? (prefix ? '.' : '') + path : ''}: ${issue.message}`;
  });
}

export function defaultConfig(): SandboxConfig {
  return {
    keys: [{ key: DEFAULT_SANDBOX_KEY }],
    maxBatch: 100,
    maxBodyBytes: 1_000_000,
    batchEndpoint: true,
    rateWindowMs: 60_000,
    rateLimiter: 'rolling',
    rateBurst: 3,
    rateHeaders: 'none',
    faults: { ...defaultFaults },
    modelStates: {},
    answerStyle: 'standard',
  };
}

/** Checks a partial config (throwing SandboxConfigError naming each bad field) and fills in the defaults. */
export function resolveConfig(partial: unknown, base: SandboxConfig = defaultConfig()): SandboxConfig {
  const parsed = sandboxConfigSchema.safeParse(partial ?? {});
  if (!parsed.success) throw new SandboxConfigError(zodProblems(parsed.error, 'config'));
  const p = parsed.data;
  const faults = { ...base.faults, ...(p.faults ?? {}) };
  const faultProblems = checkFaultSettings(faults);
  if (faultProblems.length > 0) throw new SandboxConfigError(faultProblems);
  const modelStates = { ...base.modelStates };
  for (const [ref, state] of Object.entries(p.modelStates ?? {})) modelStates[normalizeModelRef(ref)] = state;
  const out: SandboxConfig = {
    keys: p.keys ?? base.keys,
    maxBatch: p.maxBatch ?? base.maxBatch,
    maxBodyBytes: p.maxBodyBytes ?? base.maxBodyBytes,
    batchEndpoint: p.batchEndpoint ?? base.batchEndpoint,
    rateWindowMs: p.rateWindowMs ?? base.rateWindowMs,
    rateLimiter: p.rateLimiter ?? base.rateLimiter,
    rateBurst: p.rateBurst ?? base.rateBurst,
    rateHeaders: p.rateHeaders ?? base.rateHeaders,
    faults,
    modelStates,
    answerStyle: p.answerStyle ?? base.answerStyle,
  };
  const describeStyle = p.describeStyle ?? base.describeStyle;
  if (describeStyle !== undefined) out.describeStyle = describeStyle;
  const logFile = 'requestLogFile' in ((partial ?? {}) as object) ? p.requestLogFile : base.requestLogFile;
  if (logFile !== undefined) out.requestLogFile = logFile;
  return out;
}

/** Parses the text of a --config file; the message names the file and each bad field. */
export function parseConfigFile(text: string, fileName: string): { config: Partial<SandboxConfig>; port?: number; host?: string } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    throw new SandboxConfigError([`${fileName} is not valid JSON (${(e as Error).message}); the config file must be a JSON object`]);
  }
  const parsed = sandboxConfigFileSchema.safeParse(raw);
  if (!parsed.success) throw new SandboxConfigError(zodProblems(parsed.error, fileName));
  const { port, host, ...config } = parsed.data;
  resolveConfig(config);
  const out: { config: Partial<SandboxConfig>; port?: number; host?: string } = { config: config as Partial<SandboxConfig> };
  if (port !== undefined) out.port = port;
  if (host !== undefined) out.host = host;
  return out;
}
