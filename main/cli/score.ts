import { createHash } from 'node:crypto';
import { mkdirSync, readFileSync, statSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { basename, extname, join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';
import type { FieldSpec, ModelRef } from '../../shared/domain/model';
import { modelLabel } from '../../shared/domain/model';
import { DEFAULT_BASE_URL } from '../../shared/domain/profile';
import { serverRateText } from '../../shared/domain/server-rate';
import { fieldsFromAnySchema } from '../../shared/domain/schema-convert';
import { isAppErrorLike } from '../../shared/ipc/errors';
import type { JobProgress } from '../../shared/ipc/jobs';
import { createCore, type Core } from '../core';
import type { EngineSettings } from '../engine';
import type { KeytarLike } from '../keys/keystore';
import type { FetchLike, PlexeClient } from '../plexe/client';
import { isPlexeError } from '../plexe/errors';
import { parseMapSpec, parseMappingFile, type MapSpec, type SavedMapping } from '../sheets/mapping-memory';
import type { RunEnd } from '../jobs/runner';
import { DEFAULT_JOB_SETTINGS, type JobRecord } from '../jobs/store';
import { SCORE_USAGE, parseScoreArgs, type ScoreArgs } from './score-args';
import { comparisonReport, prepareComparison, secondAccount } from '../compare/cli';
import { evaluationJsonPath, evaluationTable } from './evaluation-output';

/**
 * `npm run score`: headless bulk scoring with the app's own core (createCore) and job service: import
 * into SQLite, check, run through the engine, export. The job lives in `--data-dir`, so the same
 * command run again resumes it: rows that have an answer are not sent again; rows that failed for a
 * passing reason (rate limit, timeouts, outages) are retried.
 */

export const EXIT = { ok: 0, someFailed: 1, usage: 2, refused: 3 } as const;

export { DATABASE_FILE } from '../core';

export interface ScoreIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  /** Node's fetch unless a test passes another. */
  fetch?: FetchLike;
  /** For --profile; the real keytar unless a test passes a fake. */
  keytar?: KeytarLike | null;
  /** Whether stderr is a terminal (progress redraws one line) or a log (a line every few seconds). */
  tty?: boolean;
  /** Engine tuning for tests and the soak (short back-off waits). */
  engineSettings?: Partial<EngineSettings>;
  /** Aborting pauses the job, saves what has been answered and exits. */
  signal?: AbortSignal;
  now?: () => number;
}

/** Where Electron keeps the app's data (app.getPath('userData')) on each platform. */
export function defaultDataDir(): string {
  const name = 'Plexe Desktop';
  if (process.platform === 'win32') return join(process.env.APPDATA ?? join(homedir(), 'AppData', 'Roaming'), name);
  if (process.platform === 'darwin') return join(homedir(), 'Library', 'Application Support', name);
  return join(process.env.XDG_CONFIG_HOME ?? join(homedir(), '.config'), name);
}

function fmt(n: number): string {
  return n.toLocaleString('en-US');
}

function duration(seconds: number): string {
  if (seconds < 60) return `${Math.max(0, Math.round(seconds))} s`;
  if (seconds < 3600) return `${Math.floor(seconds / 60)} min ${Math.round(seconds % 60)} s`;
  return `${Math.floor(seconds / 3600)} h ${Math.round((seconds % 3600) / 60)} min`;
}

function progressLine(p: JobProgress): string {
  const c = p.counts;
  const done = c.ok + c.failed;
  const failed = c.failed + c.invalid > 0 ? ` (${fmt(c.failed + c.invalid)} failed)` : '';
  const rate = p.rowsPerMinute > 0 ? ` · ${fmt(p.rowsPerMinute)} rows/min` : '';
  const eta = p.etaSeconds !== null && p.etaSeconds > 0 ? ` · about ${duration(p.etaSeconds)} left` : '';
  const server = p.serverRatePerSecond ? ` · ${serverRateText(p.serverRatePerSecond)}` : '';
  return `scored ${fmt(done)} of ${fmt(c.total - c.skipped - c.invalid)} rows${failed}${rate}${eta}${server}`;
}

function resumeKey(args: ScoreArgs, baseUrl: string, ref: ModelRef, inPath: string, mapping: MappingArgs): string {
  const st = statSync(inPath);
  // Another header row, mapping or value map makes another job: its rows would be read differently.
  const identity = { in: inPath, size: st.size, mtime: Math.floor(st.mtimeMs), sheet: args.sheet, baseUrl, ref, headerRow: args.headerRow, ...(mapping.key ? { mapping: mapping.key } : {}), ...(args.compare ? { compare: [args.compare, args.compareBaseUrl, args.compareKeyEnv] } : {}) };
  return createHash('sha256').update(JSON.stringify(identity)).digest('hex');
}

interface Described {
  fields: FieldSpec[] | null;
  note: string | null;
  /** The answer's fields and the model card's figures, for --outcome. */
  outputSchema?: Record<string, string> | null;
  modelFigures?: Record<string, number> | null;
}

async function describeFields(client: PlexeClient, baseUrl: string, apiKey: string, ref: ModelRef, timeoutMs: number): Promise<Described> {
  if (ref.kind !== 'model') return { fields: null, note: 'This deployment has no describe endpoint: every column is sent as it is.' };
  try {
    const d = await client.describe({ baseUrl, apiKey }, ref, { timeoutMs });
    try {
      return { fields: fieldsFromAnySchema(d.inputSchema), note: null, outputSchema: flatTypes(d.outputSchema), modelFigures: d.performanceMetrics };
    } catch {
      return { fields: null, note: "The model's description has no usable input schema: every column is sent as it is (numbers and true/false typed)." };
    }
  } catch (e) {
    if (isPlexeError(e) && (e.status === 401 || e.status === 403)) throw e;
    const why = isPlexeError(e) ? e.info.message : (e as Error).message;
    return { fields: null, note: `The model could not be described (${why}): every column is sent as it is (numbers and true/false typed).` };
  }
}

interface MappingArgs {
  saved: SavedMapping | null;
  savedName: string | null;
  specs: MapSpec[];
  /** What the mapping flags amount to, for the resume key; '' when none was given. */
  key: string;
}

/**
 * Reads --mapping, --values and --map before anything else, so a mistake in them is reported before
 * the file is read. A values file is `{"field": {"written": "allowed"}}`, or a whole mapping file.
 */
function readMappingArgs(args: ScoreArgs): MappingArgs {
  const read = (path: string, flag: string): string => {
    try {
      return readFileSync(resolve(path), 'utf8');
    } catch (e) {
      throw new Error(`${flag} ${path}: the file cannot be read (${(e as NodeJS.ErrnoException).code ?? (e as Error).message}). Check the path.`);
    }
  };
  let saved: SavedMapping | null = null;
  const names: string[] = [];
  if (args.mappingFile) {
    saved = parseMappingFile(read(args.mappingFile, '--mapping'), basename(args.mappingFile));
    names.push(basename(args.mappingFile));
  }
  if (args.valuesFile) {
    const text = read(args.valuesFile, '--values');
    let json: unknown = null;
    try {
      json = JSON.parse(text.replace(/^\uFEFF/, ''));
    } catch {
      // parseMappingFile names the JSON error.
    }
    const whole = typeof json === 'object' && json !== null && ('values' in json || 'format' in json || 'columns' in json);
    const values = parseMappingFile(whole || json === null ? text : JSON.stringify({ values: json }), basename(args.valuesFile)).values;
    saved = { columns: saved?.columns ?? {}, values: { ...(saved?.values ?? {}), ...values } };
    names.push(basename(args.valuesFile));
  }
  const specs = args.maps.map(parseMapSpec);
  const key = saved || specs.length > 0 ? JSON.stringify({ saved, specs }) : '';
  return { saved, savedName: names.length > 0 ? names.join(' and ') : null, specs, key };
}

/** "square_footage ← "Sq. Ft." (a common short form …)": the mapping used, one line per field. */
function mappingLines(matches: readonly { field: string; column: string | null; reason: string }[]): string {
  return matches.map((m) => (m.column === null ? `  ${m.field}: no column (${m.reason})\n` : `  ${m.field} ← "${m.column}" (${m.reason})\n`)).join('');
}

/** Runs the command; resolves with the exit code. Never calls process.exit (tests call it in-process). */
export async function main(argv: readonly string[], env: NodeJS.ProcessEnv, io: ScoreIo): Promise<number> {
  let args: ScoreArgs;
  try {
    args = parseScoreArgs(argv);
  } catch (e) {
    io.stderr(`${(e as Error).message}\n\n${SCORE_USAGE}\n`);
    return EXIT.usage;
  }
  if (args.help) {
    io.stdout(`${SCORE_USAGE}\n`);
    return EXIT.ok;
  }
  let mappingArgs: MappingArgs;
  try {
    mappingArgs = readMappingArgs(args);
  } catch (e) {
    io.stderr(`${(e as Error).message}\n`);
    return EXIT.usage;
  }
  const now = io.now ?? Date.now;
  const inPath = resolve(args.inPath);
  const outPath = resolve(args.outPath);
  try {
    statSync(inPath);
  } catch {
    io.stderr(`The input file ${inPath} cannot be read: it does not exist or you are not allowed to open it. Check the path given to --in.\n`);
    return EXIT.usage;
  }
  const dataDir = resolve(args.dataDir ?? defaultDataDir());
  try {
    mkdirSync(dataDir, { recursive: true });
  } catch (e) {
    io.stderr(`The data folder ${dataDir} cannot be created (${(e as Error).message}). Give another folder with --data-dir.\n`);
    return EXIT.usage;
  }

  // --profile reads the app's keychain; otherwise the key comes from the environment and no keychain is touched.
  const keytar = args.profile ? (io.keytar !== undefined ? io.keytar : undefined) : null;
  const engineSettings: Partial<EngineSettings> = {
    ...backoffFromEnv(env.PLEXE_SCORE_BACKOFF_MS),
    ...(io.engineSettings ?? {}),
    ...(args.timeoutMs !== null ? { timeoutMs: args.timeoutMs } : {}),
    ...(args.retries !== null ? { attempts: args.retries + 1 } : {}),
  };
  let core: Core;
  try {
    core = await createCore({
      dataDir,
      fetch: io.fetch ?? ((url, init) => fetch(url, init)),
      engineSettings,
      now,
      ...(keytar !== undefined ? { keytar } : {}),
    });
  } catch (e) {
    io.stderr(`${isAppErrorLike(e) ? e.message : String(e)}\n`);
    return EXIT.usage;
  }
  for (const n of core.notices) if (n.level !== 'info') io.stderr(`${n.message}\n`);
  const { jobs } = core;
  const store = jobs.store;
  try {
    // The account: an app profile (--profile) or the flags and PLEXE_API_KEY.
    let apiKey = env.PLEXE_API_KEY?.trim() ?? '';
    let profileName = 'command line';
    let baseUrl = args.baseUrl;
    let rpm = args.rpm;
    let concurrency = args.concurrency;
    if (args.profile) {
      const profile = core.profiles.list().find((p) => p.name === args.profile || p.id === args.profile);
      if (!profile) {
        io.stderr(`There is no account called "${args.profile}" in ${dataDir}. Check the name in the app's Accounts screen, or use --data-dir to point at the app's data folder.\n`);
        return EXIT.usage;
      }
      profileName = profile.name;
      baseUrl ??= profile.baseUrl;
      rpm ??= profile.rpm;
      concurrency ??= profile.concurrency;
      if (!apiKey) {
        const key = await core.keys.get(profile.id);
        if (!key) {
          io.stderr(`The account "${profile.name}" has no API key saved in this computer's keychain. Save it in the app, or set PLEXE_API_KEY.\n`);
          return EXIT.usage;
        }
        apiKey = key;
      }
    }
    if (!apiKey) {
      io.stderr('No API key: set the PLEXE_API_KEY environment variable, or use --profile NAME to use a key saved in the app.\n');
      return EXIT.usage;
    }
    baseUrl ??= DEFAULT_BASE_URL;
    const ref = args.ref!;
    const profile = {
      id: `cli:${createHash('sha256').update(baseUrl).digest('hex').slice(0, 16)}`,
      name: profileName,
      baseUrl,
      rpm: rpm ?? 100,
      concurrency: concurrency ?? 4,
    };
    const tty = io.tty ?? false;
    let second: ReturnType<typeof secondAccount> | null = null;
    if (args.compare) {
      try {
        second = secondAccount(args, env, { profile, apiKey });
      } catch (e) {
        io.stderr(`${(e as Error).message}\n`);
        return EXIT.usage;
      }
    }

    // The job: the one this same command started before, or a new import.
    const key = resumeKey(args, baseUrl, ref, inPath, mappingArgs);
    let job: JobRecord | undefined = store.findByResumeKey(key);
    if (job && (job.state === 'importing' || job.error?.code === 'import_interrupted')) {
      store.delete(job.id);
      job = undefined;
    }
    if (job) {
      const retried = store.resetFailed(job.id, true);
      const c = store.counts(job.id);
      if (args.outcome && job.outcome?.column !== args.outcome) {
        const problem = outcomeProblem(job, args.outcome);
        if (problem) {
          io.stderr(`${problem}\n`);
          return EXIT.usage;
        }
        await core.evaluations.setOutcome(job.id, args.outcome, undefined, undefined, { modelFigures: job.outcome?.modelFigures ?? null });
        job = store.require(job.id);
      }
      io.stderr(`Resuming job ${job.id} from ${dataDir}: ${fmt(c.ok)} rows already scored${retried > 0 ? `, ${fmt(retried)} rows that failed for a passing reason will be tried again` : ''}, ${fmt(c.pending)} to send.\n`);
    } else {
      let lastLine = 0;
      const importId = `cli-${key.slice(0, 12)}`;
      const unsubscribe = core.events.subscribe((name, payload) => {
        if (name !== 'event:import-progress') return;
        const p = payload as { importId: string; bytes: number; totalBytes: number; rows: number };
        if (p.importId !== importId || now() - lastLine < (tty ? 250 : 2000)) return;
        lastLine = now();
        const pct = p.totalBytes > 0 ? ` (${Math.round((p.bytes / p.totalBytes) * 100)}%)` : '';
        io.stderr(`${tty ? '\r' : ''}reading ${basename(inPath)}: ${fmt(p.rows)} rows${pct}${tty ? '' : '\n'}`);
      });
      try {
        job = await jobs.importFile(importId, {
          source: 'cli',
          resumeKey: key,
          profileId: profile.id,
          profileName,
          modelId: null,
          modelRef: ref,
          modelLabel: modelLabel(ref),
          fields: null,
          filePath: inPath,
          fileName: basename(inPath),
          sheet: args.sheet,
          settings: { ...DEFAULT_JOB_SETTINGS, ...(args.batch !== null ? { batchSize: args.batch } : {}) },
        }, args.headerRow !== null ? { headerRow: args.headerRow } : {});
      } finally {
        unsubscribe();
      }
      if (tty) io.stderr('\n');
      for (const n of job.importInfo.notices) io.stderr(`note: ${n.message}\n`);
      // The file is read first, so a broken file is reported without any request; then the model's fields.
      let described;
      try {
        described = await describeFields(core.client, baseUrl, apiKey, ref, args.timeoutMs ?? 30_000);
      } catch (e) {
        store.delete(job.id);
        io.stderr(`${refusal(e)}\n`);
        return EXIT.refused;
      }
      if (described.note) io.stderr(`${described.note}\n`);
      if (described.fields) {
        // The app's matching (names, short forms, descriptions, category values), then --mapping and --map.
        let matches;
        try {
          matches = jobs.useFields(job.id, described.fields, {
            ...(mappingArgs.saved ? { saved: mappingArgs.saved } : {}),
            ...(mappingArgs.savedName ? { savedName: mappingArgs.savedName } : {}),
            mapSpecs: mappingArgs.specs,
          });
        } catch (e) {
          store.delete(job.id);
          throw e;
        }
        io.stderr(`Mapping used (model field ← sheet column):\n${mappingLines(matches)}`);
        const valueMaps = store.require(job.id).valueMaps;
        for (const [field, map] of Object.entries(valueMaps)) {
          io.stderr(`Values of ${field}: ${Object.entries(map).map(([from, to]) => `"${from}" → "${to}"`).join(', ')}\n`);
        }
        job = store.require(job.id);
      } else if (mappingArgs.key) {
        store.delete(job.id);
        io.stderr('--map, --mapping and --values need the model\'s fields, and the model could not be described. Leave them out to send every column as it is.\n');
        return EXIT.usage;
      }
      if (args.outcome) {
        const problem = outcomeProblem(job, args.outcome);
        if (problem) {
          store.delete(job.id);
          io.stderr(`${problem}\n`);
          return EXIT.usage;
        }
        await core.evaluations.setOutcome(job.id, args.outcome, undefined, undefined, { outputSchema: described.outputSchema ?? null, modelFigures: described.modelFigures ?? null });
        job = store.require(job.id);
      }
      if (job.fields && job.mapping) {
        const unmapped = Object.entries(job.mapping).filter(([, c]) => c === null).map(([f]) => f);
        const extra = job.columns.filter((c) => !Object.values(job!.mapping!).includes(c) && c !== job!.outcome?.column);
        if (unmapped.length > 0) io.stderr(`note: no column matches the model's field${unmapped.length > 1 ? 's' : ''} ${unmapped.map((f) => `"${f}"`).join(', ')}.\n`);
        if (extra.length > 0) io.stderr(`note: column${extra.length > 1 ? 's' : ''} ${extra.map((c) => `"${c}"`).join(', ')} ${extra.length > 1 ? 'are' : 'is'} not sent but kept in the output.\n`);
      }
    }

    if (second && args.compare) {
      const retried = prepareComparison(core.compare, job.id, args.compare, second, engineSettings);
      if (retried > 0) io.stderr(`${fmt(retried)} rows the second model failed for a passing reason will be tried again.\n`);
    }
    const check = await jobs.check(job.id);
    for (const note of check.readingNotes ?? []) io.stderr(`note: ${note}\n`);
    if (check.needAttention > 0) {
      io.stderr(`${fmt(check.needAttention)} rows cannot be sent as they are; they are marked invalid_input in the output. By cause:\n`);
      for (const c of (check.problemsByCause ?? []).slice(0, 8)) {
        const values = c.cause === 'unknown-choice' ? ` (map them with --values FILE, e.g. {"${c.field}": {"${c.values[0]?.value ?? 'written'}": "allowed value"}})` : '';
        io.stderr(`  ${c.text}${values} First rows: ${c.firstRows.slice(0, 5).join(', ')}.\n`);
      }
    }

    if (store.counts(job.id).pending > 0 || (second && core.compare.store.pendingCount(job.id) > 0)) {
      let lastLine = 0;
      const unsubscribe = core.events.subscribe((name, payload) => {
        if (name !== 'event:job-progress') return;
        const p = payload as JobProgress;
        if (p.jobId !== job!.id || (p.state === 'running' && now() - lastLine < (tty ? 250 : 2000))) return;
        lastLine = now();
        io.stderr(`${tty ? '\r\x1b[2K' : ''}${progressLine(p)}${tty && p.state === 'running' ? '' : '\n'}`);
      });
      let end: RunEnd | null;
      try {
        await jobs.start(job.id, {
          account: { profile, apiKey },
          leaveProblemRows: true,
          engineSettings,
          source: 'cli',
          ...(args.batch !== null ? { batchSize: args.batch } : {}),
          ...(io.signal ? { signal: io.signal } : {}),
        });
        end = await jobs.settle(job.id);
      } finally {
        unsubscribe();
      }
      if (end?.state === 'failed') {
        io.stderr(`${end.error.message}\nThe job is kept in ${dataDir}; run the same command again to carry on where it stopped.\n`);
        return EXIT.refused;
      }
      if (end?.state === 'paused' && end.error) {
        // Plexe asked to come back later than the engine waits: the job is kept for then.
        io.stderr(`${end.error.message}\nThe job is kept in ${dataDir}; run the same command again then to carry on where it stopped.\n`);
        return EXIT.refused;
      }
      if (end?.state === 'paused' || end?.state === 'cancelled') {
        io.stderr(`Stopped. The answers so far are saved in ${dataDir}; run the same command again to carry on.\n`);
        return EXIT.someFailed;
      }
    }
    // A path ending in .xlsx gets a workbook; otherwise CSV as --csv says (a workbook input has no CSV style to copy).
    const asLikeInput = args.csv === 'like-input' && extname(outPath).toLowerCase() !== '.xlsx' && store.require(job.id).importInfo.encoding !== 'xlsx';
    const written: { path: string; notices?: readonly string[] } = second
      ? await core.compare.exportResults(job.id, outPath)
      : await jobs.exportResults(job.id, outPath, undefined, asLikeInput ? 'like-input' : undefined);
    for (const notice of written.notices ?? []) io.stderr(`note: ${notice}\n`);
    const c = store.counts(job.id);
    const finished = store.require(job.id);
    const notOk = c.failed + c.invalid + c.skipped;
    io.stdout(
      `Scored ${fmt(c.total)} rows with ${modelLabel(ref)}: ${fmt(c.ok)} ok, ${fmt(c.failed)} failed, ${fmt(c.invalid)} invalid, in ${duration(finished.runMs / 1000)} → ${written.path}\n`,
    );
    if (finished.outcome) {
      const evaluation = core.evaluations.evaluate(job.id);
      const jsonPath = evaluationJsonPath(outPath);
      writeFileSync(jsonPath, JSON.stringify(evaluation, null, 2) + '\n');
      io.stdout(`\n${evaluationTable(evaluation)}\nFigures written to ${jsonPath}\n`);
    }
    if (second) {
      const summary = core.compare.summary(job.id);
      io.stdout(comparisonReport(summary));
      if (summary.rows.secondFailed + summary.rows.secondPending > 0) return EXIT.someFailed;
    }
    return notOk === 0 ? EXIT.ok : EXIT.someFailed;
  } catch (e) {
    if (isAppErrorLike(e) && !isPlexeError(e)) {
      // The importer's errors name the line and the problem; anything else about the file is usage too.
      io.stderr(`${e.message}\n`);
      return e.code === 'export_failed' ? EXIT.someFailed : EXIT.usage;
    }
    if (isPlexeError(e)) {
      io.stderr(`${refusal(e)}\n`);
      return EXIT.refused;
    }
    io.stderr(`Scoring stopped because of an unexpected problem: ${e instanceof Error ? e.message : String(e)}\n`);
    return EXIT.usage;
  } finally {
    await core.close();
  }
}

/**
 * `PLEXE_SCORE_BACKOFF_MS=BASE,CAP`: shorter retry waits for tests and the fault soak (never
 * shorter than a Retry-After the server sends). Not a user setting; the defaults suit real servers.
 */
function backoffFromEnv(value: string | undefined): Partial<EngineSettings> {
  const m = /^(\d+),(\d+)$/.exec(value?.trim() ?? '');
  return m ? { backoffBaseMs: Number(m[1]), backoffCapMs: Number(m[2]) } : {};
}

/** Why --outcome cannot be used with this file, or null. */
function outcomeProblem(job: JobRecord, column: string): string | null {
  if (!job.columns.includes(column)) {
    return `--outcome: the file has no column called "${column}". Its columns are ${job.columns.map((c) => `"${c}"`).join(', ')}.`;
  }
  const field = Object.entries(job.mapping ?? {}).find(([, c]) => c === column)?.[0];
  if (field !== undefined) return `--outcome: the column "${column}" is sent to the model as its field "${field}", so it cannot be the known outcome. Name the column that holds what really happened.`;
  return null;
}

/** The describe answer's output schema as field → type name (JSON Schema properties read for their type). */
function flatTypes(schema: unknown): Record<string, string> | null {
  if (typeof schema !== 'object' || schema === null) return null;
  const s = schema as Record<string, unknown>;
  const props = s.type === 'object' && typeof s.properties === 'object' && s.properties !== null ? (s.properties as Record<string, unknown>) : s;
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(props)) {
    if (typeof v === 'string') out[k] = v;
    else if (typeof v === 'object' && v !== null && typeof (v as { type?: unknown }).type === 'string') out[k] = (v as { type: string }).type;
  }
  return Object.keys(out).length > 0 ? out : null;
}

function refusal(e: unknown): string {
  if (isPlexeError(e)) return [e.info.message, e.info.action].filter(Boolean).join(' ');
  return e instanceof Error ? e.message : String(e);
}

const isEntry = (() => {
  try {
    return process.argv[1] !== undefined && import.meta.url === pathToFileURL(resolve(process.argv[1])).href;
  } catch {
    return false;
  }
})();

if (isEntry) {
  const controller = new AbortController();
  let interrupted = false;
  process.on('SIGINT', () => {
    if (interrupted) process.exit(130);
    interrupted = true;
    process.stderr.write('\nPausing: saving the answers received so far (press Ctrl-C again to quit at once)…\n');
    controller.abort('pause');
  });
  main(process.argv.slice(2), process.env, {
    stdout: (t) => process.stdout.write(t),
    stderr: (t) => process.stderr.write(t),
    tty: process.stderr.isTTY === true,
    signal: controller.signal,
  }).then(
    (code) => {
      process.exitCode = code;
    },
    (e: unknown) => {
      process.stderr.write(`${e instanceof Error ? e.message : String(e)}\n`);
      process.exitCode = 2;
    },
  );
}
