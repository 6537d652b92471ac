import { parseArgs } from 'node:util';
import { HOSTILE_MODES, type HostileMode } from './faults';
import { LIMITER_KINDS, RATE_HEADER_STYLES, type LimiterKind, type RateHeaderStyle } from './rate-limit';
import type { FaultConfig, SandboxConfig } from './types';

export const CLI_USAGE = `Usage: npm run sandbox -- [options]

Starts the Plexe-compatible sandbox and prints "SANDBOX <url> key=<key>" once it accepts connections.

  --port N             port to listen on (default 0: any free port)
  --host H             address to listen on (default 127.0.0.1)
  --config FILE        JSON file with the sandbox configuration (keys, maxBatch, faults, modelStates, ...)
  --key KEY            accept this API key instead of the configured ones
  --rpm N              rate limit for every key: N requests per window (default window 60 s)
  --window-ms N        length of the rate-limit window in milliseconds
  --limiter KIND       how the limit is counted: rolling (default), fixed (windows aligned to
                       the clock: --window-ms 60000 = per calendar minute) or token-bucket
                       (refilled at N per window, holding --burst tokens)
  --burst N            tokens a token bucket holds (default 3)
  --rate-headers S     send rate-limit headers on every answer: none (default), ietf
                       (RateLimit-Limit/-Remaining/-Reset/-Policy), x (X-RateLimit-*) or both
  --max-batch N        most rows accepted by /predictions (default 100)
  --max-body-bytes N   largest request body accepted (default 1000000)
  --no-batch           answer 404 on /predictions, like older deployments
  --state M=S          deployment state of model M ("name/version") e.g. house-prices/1=BUILDING
  --log FILE           append a JSON line per request to FILE
  Faults (probabilities 0..1 per request, seeded):
  --seed N --p429 P --p500 P --p502 P --p503 P --p504 P --p-drop P --p-truncate P
  --p-slow P --slow-ms N --latency-ms N --jitter-ms N --retry-after SECONDS
  --retry-after-date   send the injected 429's Retry-After as an HTTP date
  --hostile MODE       answer every prediction as a hostile server would: ${HOSTILE_MODES.join(', ')}
  --huge-body-bytes N  size of the huge-body answers (default 300 MB)
  --legacy             answer single rows the older way: {request_id, prediction, model_name, model_version, created_at}
  --help               show this help`;

export interface CliOptions {
  help: boolean;
  port: number | undefined;
  host: string | undefined;
  configFile: string | undefined;
  /** Config from flags; applied over the config file's. */
  overrides: Partial<SandboxConfig>;
  faults: Partial<FaultConfig>;
  key: string | undefined;
  rpm: number | undefined;
}

export class CliError extends Error {}

function number(flag: string, raw: string | undefined, opts: { integer?: boolean; min?: number; max?: number } = {}): number | undefined {
  if (raw === undefined) return undefined;
  const n = Number(raw);
  const ok = raw.trim() !== '' && Number.isFinite(n) && (!opts.integer || Number.isInteger(n)) && (opts.min === undefined || n >= opts.min) && (opts.max === undefined || n <= opts.max);
  if (!ok) {
    const kind = opts.integer ? 'a whole number' : 'a number';
    const range = opts.min !== undefined && opts.max !== undefined ? ` from ${opts.min} to ${opts.max}` : opts.min !== undefined ? ` of ${opts.min} or more` : '';
    throw new CliError(`--${flag} must be ${kind}${range} (got "${raw}")`);
  }
  return n;
}

type NumericFault = { [K in keyof FaultConfig]: FaultConfig[K] extends number ? K : never }[keyof FaultConfig];

const faultFlags: [string, NumericFault, { integer?: boolean; min?: number; max?: number }][] = [
  ['seed', 'seed', { integer: true }],
  ['p429', 'p429', { min: 0, max: 1 }],
  ['p500', 'p500', { min: 0, max: 1 }],
  ['p502', 'p502', { min: 0, max: 1 }],
  ['p503', 'p503', { min: 0, max: 1 }],
  ['p504', 'p504', { min: 0, max: 1 }],
  ['p-drop', 'pDrop', { min: 0, max: 1 }],
  ['p-truncate', 'pTruncate', { min: 0, max: 1 }],
  ['p-slow', 'pSlow', { min: 0, max: 1 }],
  ['slow-ms', 'slowMs', { min: 0 }],
  ['latency-ms', 'latencyMs', { min: 0 }],
  ['jitter-ms', 'latencyJitterMs', { min: 0 }],
  ['retry-after', 'retryAfterSeconds', { min: 0 }],
  ['huge-body-bytes', 'hugeBodyBytes', { integer: true, min: 16 }],
];

export function parseCliArgs(argv: string[]): CliOptions {
  const options: Record<string, { type: 'string' | 'boolean'; multiple?: boolean }> = {
    help: { type: 'boolean' },
    port: { type: 'string' },
    host: { type: 'string' },
    config: { type: 'string' },
    key: { type: 'string' },
    rpm: { type: 'string' },
    'window-ms': { type: 'string' },
    limiter: { type: 'string' },
    burst: { type: 'string' },
    'rate-headers': { type: 'string' },
    'max-batch': { type: 'string' },
    'max-body-bytes': { type: 'string' },
    'no-batch': { type: 'boolean' },
    state: { type: 'string', multiple: true },
    log: { type: 'string' },
    'retry-after-date': { type: 'boolean' },
    hostile: { type: 'string' },
    legacy: { type: 'boolean' },
  };
  for (const [flag] of faultFlags) options[flag] = { type: 'string' };
  let values: Record<string, string | boolean | (string | boolean)[] | undefined>;
  try {
    ({ values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false }));
  } catch (e) {
    throw new CliError(`${(e as Error).message}. Run with --help to see the options.`);
  }
  const str = (name: string) => values[name] as string | undefined;
  const overrides: Partial<SandboxConfig> = {};
  const windowMs = number('window-ms', str('window-ms'), { integer: true, min: 1 });
  if (windowMs !== undefined) overrides.rateWindowMs = windowMs;
  const limiter = str('limiter');
  if (limiter !== undefined) {
    if (!(LIMITER_KINDS as readonly string[]).includes(limiter)) throw new CliError(`--limiter must be one of ${LIMITER_KINDS.join(', ')} (got "${limiter}")`);
    overrides.rateLimiter = limiter as LimiterKind;
  }
  const burst = number('burst', str('burst'), { integer: true, min: 1 });
  if (burst !== undefined) overrides.rateBurst = burst;
  const headerStyle = str('rate-headers');
  if (headerStyle !== undefined) {
    if (!(RATE_HEADER_STYLES as readonly string[]).includes(headerStyle)) throw new CliError(`--rate-headers must be one of ${RATE_HEADER_STYLES.join(', ')} (got "${headerStyle}")`);
    overrides.rateHeaders = headerStyle as RateHeaderStyle;
  }
  const maxBatch = number('max-batch', str('max-batch'), { integer: true, min: 1 });
  if (maxBatch !== undefined) overrides.maxBatch = maxBatch;
  const maxBody = number('max-body-bytes', str('max-body-bytes'), { integer: true, min: 1 });
  if (maxBody !== undefined) overrides.maxBodyBytes = maxBody;
  if (values['no-batch'] === true) overrides.batchEndpoint = false;
  const log = str('log');
  if (log !== undefined) overrides.requestLogFile = log;
  const states = (values.state as string[] | undefined) ?? [];
  if (states.length > 0) {
    overrides.modelStates = {};
    for (const s of states) {
      const m = /^([^/=]+\/[^/=]+)=(READY|BUILDING|DRAFT|ERROR)$/.exec(s);
      if (!m) throw new CliError(`--state must look like name/version=STATE with STATE one of READY, BUILDING, DRAFT, ERROR (got "${s}")`);
      overrides.modelStates[m[1]!] = m[2] as 'READY';
    }
  }
  const faults: Partial<FaultConfig> = {};
  for (const [flag, field, rule] of faultFlags) {
    const v = number(flag, str(flag), rule);
    if (v !== undefined) faults[field] = v;
  }
  if (values['retry-after-date'] === true) faults.retryAfterAsDate = true;
  const hostile = str('hostile');
  if (hostile !== undefined) {
    if (!(HOSTILE_MODES as readonly string[]).includes(hostile)) throw new CliError(`--hostile must be one of ${HOSTILE_MODES.join(', ')} (got "${hostile}")`);
    faults.hostile = hostile as HostileMode;
  }
  if (values.legacy === true) overrides.answerStyle = 'legacy';
  const key = str('key');
  if (key !== undefined && key.trim() === '') throw new CliError('--key cannot be empty');
  return {
    help: values.help === true,
    port: number('port', str('port'), { integer: true, min: 0, max: 65535 }),
    host: str('host'),
    configFile: str('config'),
    overrides,
    faults,
    key,
    rpm: number('rpm', str('rpm'), { integer: true, min: 1 }),
  };
}
