import type { PredictionRecord } from '../../../../shared/domain/prediction';
import type { HistoryFilters } from '../../../../shared/ipc/history';
import { formatResultValue, formatValue } from '../../lib/format';

/** What the filter bar holds: plain strings, as the form controls give them. */
export interface FilterForm {
  /** `name@@version`, or '' for every model. */
  model: string;
  profileId: string;
  /** '' (all), 'outcome:ok', 'outcome:failed' or 'status:<code>'. */
  status: string;
  /** `YYYY-MM-DD` from a date input, local time; '' for open-ended. */
  fromDate: string;
  toDate: string;
  text: string;
}

export const emptyFilterForm = (): FilterForm => ({ model: '', profileId: '', status: '', fromDate: '', toDate: '', text: '' });

export const modelKey = (name: string, version: string) => `${name}@@${version}`;

/** Local midnight of a `YYYY-MM-DD` date, as ISO; `dayAfter` for an inclusive end date. */
export function localDayIso(date: string, dayAfter = false): string | undefined {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(date);
  if (!m) return undefined;
  const d = new Date(Number(m[1]), Number(m[2]) - 1, Number(m[3]) + (dayAfter ? 1 : 0));
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

/** The filter form as the history channels take it: only what is set. */
export function toFilters(form: FilterForm): HistoryFilters {
  const f: HistoryFilters = {};
  if (form.model) {
    const [name, version] = form.model.split('@@');
    if (name) f.modelName = name;
    if (version) f.modelVersion = version;
  }
  if (form.profileId) f.profileId = form.profileId;
  if (form.status === 'outcome:ok') f.outcome = 'ok';
  else if (form.status === 'outcome:failed') f.outcome = 'failed';
  else if (form.status.startsWith('status:')) f.status = form.status.slice('status:'.length);
  const from = localDayIso(form.fromDate);
  const to = localDayIso(form.toDate, true);
  if (from) f.from = from;
  if (to) f.to = to;
  const text = form.text.trim();
  if (text) f.text = text.slice(0, 200);
  return f;
}

/** A problem with the form the user can fix, or null. */
export function filterProblem(form: FilterForm): string | null {
  const from = localDayIso(form.fromDate);
  const to = localDayIso(form.toDate, true);
  if (from && to && to <= from) return 'The "to" date is before the "from" date. Choose a later "to" date.';
  return null;
}

/** One line about an entry's answer: the first result fields, or the error. */
export function answerPreview(r: PredictionRecord): string {
  if (r.status !== 'ok') return r.errorMessage ?? r.status;
  if (!r.result) return '—';
  return Object.entries(r.result)
    .slice(0, 3)
    .map(([k, v]) => `${k}: ${formatResultValue(v, k)}`)
    .join(' · ');
}

/** One line about an entry's input: its first fields. */
export function inputPreview(r: PredictionRecord): string {
  return Object.entries(r.input)
    .slice(0, 4)
    .map(([k, v]) => `${k}=${formatValue(v)}`)
    .join(', ');
}

export function statusLabel(status: string): string {
  return status === 'ok' ? 'OK' : status.replace(/_/g, ' ');
}

export function formatTime(iso: string): string {
  return new Date(iso).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'medium' });
}

/** Periods offered by the monitoring panel. */
export const PERIODS = [
  { id: '24h', label: 'Last 24 hours', ms: 86_400_000 },
  { id: '7d', label: 'Last 7 days', ms: 7 * 86_400_000 },
  { id: '30d', label: 'Last 30 days', ms: 30 * 86_400_000 },
  { id: '90d', label: 'Last 90 days', ms: 90 * 86_400_000 },
] as const;

export function bucketLabel(iso: string, bucket: 'hour' | 'day' | 'week'): string {
  const d = new Date(iso);
  if (bucket === 'hour') return d.toLocaleString(undefined, { month: 'short', day: 'numeric', hour: '2-digit' });
  return d.toLocaleDateString(undefined, { month: 'short', day: 'numeric' });
}
