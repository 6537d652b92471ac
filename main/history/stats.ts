import { historyStatsRequestSchema, type Distribution, type HistoryStats, type HistoryStatsRequest } from '../../shared/ipc/history';
import { AppError } from '../../shared/ipc/errors';
import { list, sql, type Sql, type Statements } from '../store/sql';
import { matchingSeries, toMillis } from './filters';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const WEEK = 7 * DAY;
const MAX_BUCKETS = 2000;
/** Numbers with at most this many distinct values are shown as classes (0/1 labels, star ratings). */
const MAX_NUMERIC_CLASSES = 12;
const MAX_CLASSES = 20;
const HISTOGRAM_BINS = 20;

type BucketName = 'hour' | 'day' | 'week';

function chooseBucket(requested: string, spanMs: number): BucketName {
  if (requested === 'hour' || requested === 'day' || requested === 'week') return requested;
  if (spanMs <= 3 * DAY) return 'hour';
  if (spanMs <= 120 * DAY) return 'day';
  return 'week';
}

export function percentile(sorted: Float64Array, p: number): number | null {
  if (sorted.length === 0) return null;
  // Nearest-rank: the smallest value with at least p% of values at or below it.
  const rank = Math.max(1, Math.ceil((p / 100) * sorted.length));
  return sorted[rank - 1] ?? null;
}

function jsonPath(field: string): string {
  return `$."${field.replace(/\\/g, '\\\\').replace(/"/g, '\\"')}"`;
}

/**
 * Monitoring figures for one model over a period: requests and errors (by code) per bucket, round-trip
 * and processing latency p50/p95 per bucket, and the distribution of one result field.
 */
export function computeStats(q: Statements, raw: HistoryStatsRequest): HistoryStats {
  const req = historyStatsRequestSchema.parse(raw);
  const from = toMillis(req.from, 'start');
  const to = toMillis(req.to, 'end');
  if (to <= from) throw new AppError('invalid_period', 'The end of the period must be after its start. Choose a later end date.', { field: 'to' });
  const bucket = chooseBucket(req.bucket, to - from);
  const bucketMs = bucket === 'hour' ? HOUR : bucket === 'day' ? DAY : WEEK;
  const offset = req.utcOffsetMinutes * 60_000;
  // Buckets start at local midnight (or the hour); weeks start on Monday (the epoch was a Thursday).
  const shift = bucket === 'week' ? offset + 3 * DAY : offset;
  const startOf = (ms: number) => Math.floor((ms + shift) / bucketMs) * bucketMs - shift;
  const first = startOf(from);
  const count = Math.ceil((to - first) / bucketMs);
  if (count > MAX_BUCKETS) {
    throw new AppError('period_too_long', `That period has ${count} ${bucket}s, more than the ${MAX_BUCKETS} a chart can show. Choose a shorter period or a larger step.`, { field: 'bucket' });
  }

  const seriesIds = matchingSeries(q, { modelName: req.modelName, modelVersion: req.modelVersion, profileId: req.profileId });
  const buckets: HistoryStats['buckets'] = [];
  for (let i = 0; i < count; i++) {
    buckets.push({ start: new Date(first + i * bucketMs).toISOString(), count: 0, errors: 0, errorsByCode: {}, roundTripP50: null, roundTripP95: null, processingP50: null, processingP95: null });
  }
  const empty: HistoryStats = { bucket, bucketMs, buckets, total: 0, errors: 0, errorsByCode: [], resultFields: [], distribution: null };
  if (seriesIds === null || seriesIds.length === 0) return empty;

  const where = sql`p.series_id IN (${list(seriesIds)}) AND p.created_at >= ${from} AND p.created_at < ${to}`;
  // Whole-number division: bound JS numbers may arrive as REAL.
  const bucketOf = sql`CAST((p.created_at + ${shift}) / ${bucketMs} AS INTEGER)`;

  const byStatus = q.all<{ b: number; status: string; n: number }>(sql`SELECT ${bucketOf} AS b, p.status AS status, count(*) AS n FROM predictions p WHERE ${where} GROUP BY b, status`);
  const firstIndex = Math.floor((first + shift) / bucketMs);
  const totalsByCode = new Map<string, number>();
  let total = 0;
  let errors = 0;
  for (const r of byStatus) {
    const b = buckets[r.b - firstIndex];
    if (!b) continue;
    b.count += r.n;
    total += r.n;
    if (r.status !== 'ok') {
      b.errors += r.n;
      errors += r.n;
      b.errorsByCode[r.status] = (b.errorsByCode[r.status] ?? 0) + r.n;
      totalsByCode.set(r.status, (totalsByCode.get(r.status) ?? 0) + r.n);
    }
  }

  // Percentiles need the values themselves: gather them per bucket in typed arrays, then sort each.
  const roundTrips: number[][] = buckets.map(() => []);
  const processing: number[][] = buckets.map(() => []);
  for (const row of q.iterateArrays<[number, number | null, number | null]>(sql`SELECT ${bucketOf}, p.round_trip_ms, p.processing_time_ms FROM predictions p WHERE ${where}`)) {
    const i = row[0] - firstIndex;
    if (row[1] !== null) roundTrips[i]?.push(row[1]);
    if (row[2] !== null) processing[i]?.push(row[2]);
  }
  buckets.forEach((b, i) => {
    const rt = Float64Array.from(roundTrips[i] ?? []).sort();
    const pt = Float64Array.from(processing[i] ?? []).sort();
    b.roundTripP50 = percentile(rt, 50);
    b.roundTripP95 = percentile(rt, 95);
    b.processingP50 = percentile(pt, 50);
    b.processingP95 = percentile(pt, 95);
  });

  // The result fields of the newest 500 answers (a model's output rarely changes shape).
  const resultFields = q.column<string>(
    sql`SELECT DISTINCT j.key FROM (SELECT p.result FROM predictions p WHERE ${where} AND p.status = 'ok' AND p.result IS NOT NULL ORDER BY p.created_at DESC LIMIT 500) r, json_each(r.result) j WHERE j.type NOT IN ('object', 'array')`,
  );
  const field = req.field !== undefined && resultFields.includes(req.field) ? req.field : (resultFields.find((f) => f === 'prediction') ?? resultFields[0]);
  const distribution = field === undefined ? null : distributionOf(q, where, field);

  return {
    bucket,
    bucketMs,
    buckets,
    total,
    errors,
    errorsByCode: [...totalsByCode].map(([code, n]) => ({ code, count: n })).sort((a, b) => b.count - a.count || a.code.localeCompare(b.code)),
    resultFields,
    distribution,
  };
}

function distributionOf(q: Statements, where: Sql, field: string): Distribution {
  const path = jsonPath(field);
  const okWhere = sql`${where} AND p.status = 'ok' AND p.result IS NOT NULL`;
  const value = sql`json_extract(p.result, ${path})`;
  const kinds = q.all<{ t: string | null; n: number; d: number; lo: number | string | null; hi: number | string | null }>(
    sql`SELECT json_type(p.result, ${path}) AS t, count(*) AS n, count(DISTINCT ${value}) AS d, min(${value}) AS lo, max(${value}) AS hi FROM predictions p WHERE ${okWhere} GROUP BY t`,
  );
  const numeric = kinds.filter((k) => k.t === 'integer' || k.t === 'real');
  const present = kinds.filter((k) => k.t !== null && k.t !== 'null');
  const numericCount = numeric.reduce((s, k) => s + k.n, 0);
  const distinct = numeric.reduce((s, k) => s + k.d, 0);
  if (present.length > 0 && numericCount === present.reduce((s, k) => s + k.n, 0) && distinct > MAX_NUMERIC_CLASSES) {
    const lo = Math.min(...numeric.map((k) => Number(k.lo)));
    const hi = Math.max(...numeric.map((k) => Number(k.hi)));
    const width = hi > lo ? (hi - lo) / HISTOGRAM_BINS : 1;
    const counts = q.all<{ bin: number; n: number }>(
      sql`SELECT min(CAST((${value} - ${lo}) / ${width} AS INTEGER), ${HISTOGRAM_BINS - 1}) AS bin, count(*) AS n FROM predictions p WHERE ${okWhere} AND json_type(p.result, ${path}) IN ('integer', 'real') GROUP BY bin`,
    );
    const bins = Array.from({ length: HISTOGRAM_BINS }, (_, i) => ({ from: lo + i * width, to: lo + (i + 1) * width, count: 0 }));
    for (const c of counts) {
      const b = bins[c.bin];
      if (b) b.count += c.n;
    }
    return { kind: 'histogram', field, bins };
  }
  const rows = q.all<{ t: string | null; v: unknown; n: number }>(
    sql`SELECT json_type(p.result, ${path}) AS t, ${value} AS v, count(*) AS n FROM predictions p WHERE ${okWhere} GROUP BY t, v ORDER BY n DESC LIMIT ${MAX_CLASSES}`,
  );
  const totalOk = kinds.reduce((s, k) => s + k.n, 0);
  const classes = rows.map((r) => ({ label: classLabel(r.t, r.v), count: r.n }));
  const listed = classes.reduce((s, c) => s + c.count, 0);
  return { kind: 'classes', field, classes, otherCount: totalOk - listed };
}

function classLabel(type: string | null, value: unknown): string {
  if (type === null) return '(missing)';
  if (type === 'null') return '(empty)';
  if (type === 'true') return 'true';
  if (type === 'false') return 'false';
  return String(value);
}
