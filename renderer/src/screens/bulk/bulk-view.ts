import type { JobCounts, JobEstimate, JobProgress, JobState } from '../../../../shared/ipc/jobs';

/** "1 h 4 min", "3 min 20 s", "12 s". */
export function formatDuration(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds)) return '—';
  const s = Math.max(0, Math.round(seconds));
  if (s < 60) return `${s} s`;
  if (s < 3600) return `${Math.floor(s / 60)} min ${s % 60} s`;
  return `${Math.floor(s / 3600)} h ${Math.round((s % 3600) / 60)} min`;
}

export const fmt = (n: number): string => n.toLocaleString('en-US');

/** Rows the run still has to answer, and how far along it is (0–1). */
export function progressOf(c: JobCounts): { done: number; toSend: number; fraction: number } {
  const toSend = c.total - c.skipped - c.invalid;
  const done = c.ok + c.failed;
  return { done, toSend, fraction: toSend > 0 ? Math.min(1, done / toSend) : 1 };
}

/** "656 of 4,484 done · 3,828 to go · 12 failed": done and to go always add up to the rows to send. */
export function countsText(c: JobCounts, state?: JobState): string {
  const { done, toSend } = progressOf(c);
  const rest = state === 'cancelled' ? 'not sent' : 'to go';
  return `${fmt(done)} of ${fmt(toSend)} done · ${fmt(Math.max(0, toSend - done))} ${rest} · ${fmt(c.failed)} failed`;
}

/** The sentence under the progress bar: the counts, and while running the pace and time left. */
export function progressText(p: Pick<JobProgress, 'counts' | 'rowsPerMinute' | 'etaSeconds' | 'state'>): string {
  const parts = [countsText(p.counts, p.state)];
  if (p.state === 'running') {
    parts.push(p.rowsPerMinute > 0 ? `${fmt(p.rowsPerMinute)} rows/min` : 'starting…');
    if (p.etaSeconds !== null && p.etaSeconds > 0) parts.push(`about ${formatDuration(p.etaSeconds)} left`);
  }
  return parts.join(' · ');
}

/** Codes of stops that came from this computer (disk, import), not from the server. */
const LOCAL_STOPS = new Set(['database_write_failed', 'job_failed', 'import_interrupted']);

/** One word or two for where a job stands; the same everywhere it is shown. */
export function stateLabel(state: JobState, error: { code: string } | null = null): string {
  switch (state) {
    case 'importing':
      return 'Loading';
    case 'ready':
      return 'Not started';
    case 'running':
      return 'Running';
    case 'paused':
      return 'Paused';
    case 'done':
      return 'Finished';
    case 'cancelled':
      return 'Cancelled';
    case 'failed':
      return error && LOCAL_STOPS.has(error.code) ? 'Stopped' : 'Stopped by the server';
  }
}

export function estimateText(e: JobEstimate): string {
  const batched = e.batchSize > 1 ? `; in batches of ${e.batchSize}: ${fmt(e.requestsBatched)} requests, about ${formatDuration(e.secondsBatched)}` : '';
  return `${fmt(e.rows)} rows to send. One by one: ${fmt(e.requestsSingle)} requests, about ${formatDuration(e.secondsSingle)} at ${fmt(e.rpm)} requests a minute${batched}.`;
}

/** A cell for the results table: numbers rounded for reading, objects as JSON. */
export function cellText(v: unknown): string {
  if (v === null || v === undefined) return '';
  if (typeof v === 'number') return Number.isInteger(v) ? fmt(v) : v.toLocaleString('en-US', { maximumFractionDigits: 4 });
  if (typeof v === 'object') return JSON.stringify(v);
  return String(v);
}

/** Keeps the last `max` points of a live series. */
export function pushPoint(series: readonly { t: number; v: number }[], point: { t: number; v: number }, max = 120): { t: number; v: number }[] {
  const next = [...series, point];
  return next.length > max ? next.slice(next.length - max) : next;
}
