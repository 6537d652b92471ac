import { createHash } from 'node:crypto';
import type { ModelRef } from '../../shared/domain/model';
import { modelLabel } from '../../shared/domain/model';
import type { ComparisonSummary } from '../../shared/ipc/compare';
import type { EngineProfile, EngineSettings } from '../engine';
import type { CompareService } from './service';
import { numberLabel } from './summary';

/** `npm run score -- … --compare NAME/VERSION`: the second model's account, its set-up on the job, and the printed summary. */

export interface CompareFlags {
  compare: ModelRef | null;
  compareKeyEnv: string | null;
  compareBaseUrl: string | null;
}

type Account = { profile: EngineProfile & { name: string }; apiKey: string };

/**
 * The account the second model is scored with: the first one (same limiter, same allowance) unless
 * --compare-key-env or --compare-base-url say otherwise. Throws an Error with a plain message when
 * the variable named holds no key.
 */
export function secondAccount(flags: CompareFlags, env: NodeJS.ProcessEnv, first: Account): Account {
  if (!flags.compareKeyEnv && !flags.compareBaseUrl) return first;
  let apiKey = first.apiKey;
  if (flags.compareKeyEnv) {
    apiKey = env[flags.compareKeyEnv]?.trim() ?? '';
    if (!apiKey) throw new Error(`--compare-key-env names ${flags.compareKeyEnv}, but that environment variable is empty or not set. Set it to the second account's API key.`);
  }
  const baseUrl = flags.compareBaseUrl ?? first.profile.baseUrl;
  const id = `cli:${createHash('sha256').update(`${baseUrl}|${flags.compareKeyEnv ?? ''}`).digest('hex').slice(0, 16)}`;
  return { profile: { ...first.profile, id, baseUrl, name: `${first.profile.name} (second account)` }, apiKey };
}

/** Makes `ref` the job's second model (a new job) and has it sent with `account`; second answers that failed for a passing reason are tried again. */
export function prepareComparison(compare: CompareService, jobId: number, ref: ModelRef, account: Account, settings: Partial<EngineSettings>): number {
  if (!compare.second(jobId)) compare.attach(jobId, { profileId: account.profile.id, profileName: account.profile.name, modelId: null, modelRef: ref, modelLabel: modelLabel(ref) });
  compare.useAccount(jobId, { ...account, settings });
  return compare.store.resetFailed(jobId, true);
}

const fmt = (n: number): string => n.toLocaleString('en-US');

function pad(text: string, width: number, right = false): string {
  return right ? text.padStart(width) : text.padEnd(width);
}

/** The change summary printed after the run: the title, then the change matrix or the rows that moved most. */
export function comparisonReport(s: ComparisonSummary): string {
  const lines = [s.title + '.'];
  if (s.rows.secondFailed > 0 || s.rows.secondPending > 0) {
    lines.push(`${s.secondLabel}: ${fmt(s.rows.secondOk)} ok, ${fmt(s.rows.secondFailed)} failed${s.rows.secondPending > 0 ? `, ${fmt(s.rows.secondPending)} not answered` : ''}.`);
  }
  if (s.matrix) {
    lines.push(`Rows by ${s.field} (${s.firstPrefix} down, ${s.secondPrefix} across):`);
    const head = s.matrix.classes.map((c) => `${s.secondPrefix} ${c}`);
    const rowHeads = s.matrix.classes.map((c) => `${s.firstPrefix} ${c}`);
    const w0 = Math.max(...rowHeads.map((h) => h.length));
    const widths = head.map((h, j) => Math.max(h.length, ...s.matrix!.cells.map((r) => fmt(r[j]!).length)));
    lines.push(`  ${pad('', w0)}  ${head.map((h, j) => pad(h, widths[j]!, true)).join('  ')}`);
    s.matrix.cells.forEach((r, i) => lines.push(`  ${pad(rowHeads[i]!, w0)}  ${r.map((n, j) => pad(fmt(n), widths[j]!, true)).join('  ')}`));
  }
  if (s.differences) {
    const d = s.differences;
    lines.push(`${s.field}: ${fmt(d.up)} rows went up, ${fmt(d.down)} went down; average change ${d.mean >= 0 ? '+' : ''}${numberLabel(d.mean)}.`);
    if (d.top.length > 0) {
      lines.push('Moved most:');
      for (const t of d.top.slice(0, 5)) lines.push(`  row ${t.rowNumber}: ${numberLabel(t.first)} → ${numberLabel(t.second)} (${t.difference >= 0 ? '+' : ''}${numberLabel(t.difference)})`);
    }
  }
  if (s.outcome) {
    const { first, second } = s.outcome;
    lines.push(`On the known outcome "${first.outcome.column}" (${first.figures.rows.toLocaleString('en-US')} rows):`);
    const names = first.lines.map((l) => l.name);
    const w0 = Math.max(...names.map((n) => n.length));
    const w1 = Math.max(s.firstPrefix.length, ...first.lines.map((l) => l.text.length));
    lines.push(`  ${pad('', w0)}  ${pad(s.firstPrefix, w1, true)}  ${s.secondPrefix}`);
    for (const l of first.lines) lines.push(`  ${pad(l.name, w0)}  ${pad(l.text, w1, true)}  ${second.lines.find((x) => x.key === l.key)?.text ?? '—'}`);
  }
  return lines.join('\n') + '\n';
}
