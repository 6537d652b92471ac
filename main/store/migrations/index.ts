import { initial } from './001_initial';
import { jobs } from './002_jobs';
import { jobExport } from './003_job_export';
import { historyExport } from './004_history_export';
import { historyLinesBehind } from './005_history_lines_behind';
import { dropExportText } from './006_drop_export_text';
import { jobValueMaps } from './007_job_value_maps';
import { historyRowLabel } from './008_history_row_label';
import { jobOutcomes } from './009_job_outcomes';
import { comparisons } from './010_comparisons';
import type { Migration } from './types';

export type { Migration } from './types';

/** Every schema step, oldest first. To change the schema, add a file `NNN_name.ts` and append it here. */
export const migrations: readonly Migration[] = [initial, jobs, jobExport, historyExport, historyLinesBehind, dropExportText, jobValueMaps, historyRowLabel, jobOutcomes, comparisons];
