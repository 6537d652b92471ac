import type { ModelRef } from '../../shared/domain/model';
import { normalizeBaseUrl, parseEndpointUrl } from '../plexe/urls';

export const SCORE_USAGE = `Usage: npm run score -- --in FILE --out FILE (--endpoint URL | --base-url URL --model NAME/VERSION) [options]

Scores every row of a spreadsheet (CSV, TSV, semicolon-separated or .xlsx) with a Plexe model and
writes the rows back with one column per prediction field, then status, error and request_id.

  --in FILE            the spreadsheet to score
  --out FILE           where to write the results: CSV, or an Excel workbook when FILE ends in .xlsx
  --csv STYLE          how CSV is written: excel (default: UTF-8 with a byte-order mark, commas, so
                       Excel reads accents right) or like-input (the separator and encoding of --in)
  --endpoint URL       the model's endpoint, e.g. https://api.plexe.ai/models/house-prices/1/infer
  --base-url URL       the Plexe server (with --model); default https://api.plexe.ai
  --model NAME/VERSION the model, e.g. house-prices/1
  --sheet NAME         the sheet of an .xlsx workbook (default: the first)
  --header-row N       the row that holds the column names (default: found below title and note rows)
  --map "COLUMN=FIELD" feed the model's FIELD from the sheet's COLUMN, e.g. --map "Sq. Ft.=square_footage";
                       repeat it for more fields
  --mapping FILE       a mapping file saved from the app (Save mapping…): columns and values
  --values FILE        value maps: {"field": {"written value": "allowed value"}} (or a mapping file)
  --rpm N              requests per minute the account allows (default 100, or the account's setting)
  --concurrency N      requests in flight at once (default 4)
  --batch N            rows per request (default 50; 1 sends rows one by one)
  --timeout-ms N       time limit per request (default 30000)
  --retries N          retries of a request that failed for a passing reason (default 4)
  --data-dir DIR       where the job is kept; run the same command with the same DIR to resume
  --profile NAME       use the API key saved in the app for the account NAME (OS keychain)
  --compare NAME/VERSION  also score every row with this second model (e.g. another version) in the
                       same run; the output gets both result sets and the difference, and a summary
                       of what changed is printed. Same account unless:
  --compare-key-env VAR   the second model's API key is in the environment variable VAR
  --compare-base-url URL  the second model's Plexe server (default: the first one's)
  --outcome COLUMN     the column holding the known outcome: never sent; the model's answers are
                       compared with it and the figures printed and written to OUT.evaluation.json
  -h, --help           show this text

The API key comes from the PLEXE_API_KEY environment variable, or from --profile.
Exit codes: 0 every row ok; 1 some rows failed (the output is still complete);
2 bad usage or an unreadable input file; 3 the API refused the whole job, or asked to come back later than the engine waits (the job is kept: run the same command again to resume).`;

export interface ScoreArgs {
  inPath: string;
  outPath: string;
  baseUrl: string | null;
  ref: ModelRef | null;
  sheet: string | null;
  rpm: number | null;
  concurrency: number | null;
  batch: number | null;
  timeoutMs: number | null;
  retries: number | null;
  dataDir: string | null;
  profile: string | null;
  /** The second model (--compare), its key's environment variable and server when another account's. */
  compare: ModelRef | null;
  compareKeyEnv: string | null;
  compareBaseUrl: string | null;
  /** The known-outcome column to evaluate the model against (--outcome). */
  outcome?: string | null;
  /** How a CSV output is written: 'excel' (UTF-8 with a mark, commas) or 'like-input'. */
  csv: 'excel' | 'like-input';
  /** Spreadsheet row number of the header row, when given. */
  headerRow: number | null;
  /** `--map` values as given, in order. */
  maps: string[];
  mappingFile: string | null;
  valuesFile: string | null;
  help: boolean;
}

export class UsageError extends Error {}

const VALUE_FLAGS = new Set(['--in', '--out', '--endpoint', '--base-url', '--model', '--sheet', '--rpm', '--concurrency', '--batch', '--timeout-ms', '--retries', '--data-dir', '--profile', '--csv', '--header-row', '--map', '--mapping', '--values', '--outcome', '--compare', '--compare-key-env', '--compare-base-url']);
/** Flags that may be given more than once. */
const REPEATABLE = new Set(['--map']);

function intFlag(name: string, text: string, min: number, max: number): number {
  if (!/^\d+$/.test(text.trim())) throw new UsageError(`${name} must be a whole number (got "${text}").`);
  const n = Number(text);
  if (n < min || n > max) throw new UsageError(`${name} must be between ${min} and ${max} (got ${n}).`);
  return n;
}

/** Parses the command line; throws UsageError with a plain message naming the flag. */
export function parseScoreArgs(argv: readonly string[]): ScoreArgs {
  const values = new Map<string, string>();
  const repeated = new Map<string, string[]>();
  let help = false;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h' || arg === '--help') {
      help = true;
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.startsWith('--') && eq > 0 ? arg.slice(0, eq) : arg;
    if (!VALUE_FLAGS.has(name)) throw new UsageError(arg.startsWith('-') ? `Unknown option ${arg}.` : `Unexpected argument "${arg}". Options start with --, e.g. --in data.csv.`);
    let value: string | undefined;
    if (eq > 0 && arg.startsWith('--')) value = arg.slice(eq + 1);
    else {
      value = argv[i + 1];
      i++;
    }
    if (value === undefined || value === '' || (value.startsWith('--') && VALUE_FLAGS.has(value))) throw new UsageError(`${name} needs a value.`);
    if (REPEATABLE.has(name)) {
      repeated.set(name, [...(repeated.get(name) ?? []), value]);
      continue;
    }
    if (values.has(name)) throw new UsageError(`${name} is given twice.`);
    values.set(name, value);
  }
  const empty: ScoreArgs = { inPath: '', outPath: '', baseUrl: null, ref: null, sheet: null, rpm: null, concurrency: null, batch: null, timeoutMs: null, retries: null, dataDir: null, profile: null, csv: 'excel', headerRow: null, maps: [], mappingFile: null, valuesFile: null, compare: null, compareKeyEnv: null, compareBaseUrl: null, help };
  if (help) return empty;
  const inPath = values.get('--in');
  const outPath = values.get('--out');
  if (!inPath) throw new UsageError('--in FILE is required: the spreadsheet to score.');
  if (!outPath) throw new UsageError('--out FILE is required: where to write the results.');
  let baseUrl: string | null = null;
  let ref: ModelRef | null = null;
  const endpoint = values.get('--endpoint');
  if (endpoint) {
    if (values.has('--model') || values.has('--base-url')) throw new UsageError('Give either --endpoint, or --base-url with --model, not both.');
    try {
      const parsed = parseEndpointUrl(endpoint);
      baseUrl = parsed.baseUrl;
      ref = parsed.ref;
    } catch (e) {
      throw new UsageError(`--endpoint: ${(e as Error).message}`);
    }
  } else {
    const model = values.get('--model');
    if (!model) throw new UsageError('Say which model to use: --endpoint URL, or --model NAME/VERSION (with --base-url, or --profile for a saved account).');
    const m = /^([^/\s]+)\/([^/\s]+)$/.exec(model.trim());
    if (!m) throw new UsageError(`--model must be NAME/VERSION, e.g. house-prices/1 (got "${model}").`);
    ref = { kind: 'model', name: m[1]!, version: m[2]! };
    const base = values.get('--base-url');
    if (base) {
      try {
        baseUrl = normalizeBaseUrl(base);
      } catch (e) {
        throw new UsageError(`--base-url: ${(e as Error).message}`);
      }
    }
  }
  let compare: ModelRef | null = null;
  const compareText = values.get('--compare');
  if (compareText !== undefined) {
    const m = /^([^/\s]+)\/([^/\s]+)$/.exec(compareText.trim());
    if (!m) throw new UsageError(`--compare must be NAME/VERSION, e.g. house-prices/2 (got "${compareText}").`);
    compare = { kind: 'model', name: m[1]!, version: m[2]! };
  } else if (values.has('--compare-key-env') || values.has('--compare-base-url')) {
    throw new UsageError('--compare-key-env and --compare-base-url go with --compare NAME/VERSION (the second model).');
  }
  let compareBaseUrl: string | null = null;
  const compareBase = values.get('--compare-base-url');
  if (compareBase) {
    try {
      compareBaseUrl = normalizeBaseUrl(compareBase);
    } catch (e) {
      throw new UsageError(`--compare-base-url: ${(e as Error).message}`);
    }
  }
  const num = (flag: string, min: number, max: number): number | null => {
    const v = values.get(flag);
    return v === undefined ? null : intFlag(flag, v, min, max);
  };
  const csv = values.get('--csv') ?? 'excel';
  if (csv !== 'excel' && csv !== 'like-input') throw new UsageError(`--csv must be excel or like-input (got "${csv}").`);
  return {
    inPath,
    outPath,
    baseUrl,
    ref,
    sheet: values.get('--sheet') ?? null,
    rpm: num('--rpm', 1, 100_000),
    concurrency: num('--concurrency', 1, 64),
    batch: num('--batch', 1, 1000),
    timeoutMs: num('--timeout-ms', 100, 600_000),
    retries: num('--retries', 0, 20),
    dataDir: values.get('--data-dir') ?? null,
    profile: values.get('--profile') ?? null,
    csv,
    headerRow: num('--header-row', 1, 1_048_576),
    maps: repeated.get('--map') ?? [],
    mappingFile: values.get('--mapping') ?? null,
    valuesFile: values.get('--values') ?? null,
    compare,
    compareKeyEnv: values.get('--compare-key-env') ?? null,
    compareBaseUrl,
    outcome: values.get('--outcome') ?? null,
    help,
  };
}
