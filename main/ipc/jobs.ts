import type { jobChannels } from '../../shared/ipc/jobs';
import type { JobService } from '../jobs/service';
import type { FileGrants } from '../shell/file-grants';
import type { SettingsRepository } from '../store/repositories';
import { exportOptions, offeredChoice, rememberChoice } from '../jobs/export-choice';
import type { PartialHandlers } from './dispatch';
import type { EventBus } from './events';

export interface JobsIpcDeps {
  jobs: JobService;
  /** Files the person chose this run: the only ones read or written here. */
  grants: FileGrants;
  /** Where the export's chosen format is remembered. */
  settings: SettingsRepository;
  /** For `event:export-progress`. */
  events: EventBus;
}

/** The Spreadsheet screen's operations; every one is a thin call onto JobService. */
export function registerJobsIpc(deps: JobsIpcDeps): PartialHandlers<keyof typeof jobChannels> {
  const { jobs, grants } = deps;
  return {
    'jobs:list-sheets': async ({ path }) => ({ sheets: await jobs.listSheets(grants.checkRead(path)) }),
    'jobs:preview-file': ({ path, sheet, rows }) => jobs.preview(grants.checkRead(path), sheet, rows ?? 50),
    'jobs:create-job': (args) => jobs.createJob({ ...args, path: grants.checkRead(args.path) }),
    'jobs:cancel-import': ({ importId }) => ({ cancelled: jobs.cancelImport(importId) }),
    'jobs:get-job': ({ jobId }) => jobs.getJob(jobId),
    'jobs:list-jobs': () => jobs.listJobs(),
    'jobs:list-resumable': () => jobs.listResumable(),
    'jobs:set-mapping': ({ jobId, mapping }) => jobs.setMapping(jobId, mapping),
    'jobs:check-job': ({ jobId }) => jobs.check(jobId),
    'jobs:list-problems': ({ jobId, after, limit }) => jobs.problems(jobId, after, limit ?? 100),
    'jobs:estimate-job': ({ jobId, batchSize }) => jobs.estimate(jobId, batchSize),
    'jobs:start-job': ({ jobId, skipProblemRows, batchSize }) =>
      jobs.start(jobId, { ...(skipProblemRows !== undefined ? { skipProblemRows } : {}), ...(batchSize !== undefined ? { batchSize } : {}) }),
    'jobs:pause-job': ({ jobId }) => jobs.pause(jobId),
    'jobs:resume-job': ({ jobId }) => jobs.resume(jobId),
    'jobs:cancel-job': ({ jobId }) => jobs.cancel(jobId),
    'jobs:retry-failed': ({ jobId }) => jobs.retryFailed(jobId),
    'jobs:list-results': ({ jobId, after, limit, filter }) => jobs.results(jobId, after, limit ?? 200, filter ?? 'all'),
    'jobs:chart-summary': ({ jobId, field }) => jobs.chart(jobId, field),
    'jobs:export-results': async ({ jobId, path, format, exportId }) => {
      const target = grants.checkWrite(path);
      const job = jobs.store.require(jobId);
      const total = job.counts.total;
      const onProgress = exportId === undefined ? undefined : (rows: number) => deps.events.emit('event:export-progress', { exportId, rows, total });
      const written = await jobs.exportResults(jobId, target, onProgress, format);
      if (format) rememberChoice(deps.settings, job, format);
      return written;
    },
    'jobs:export-options': ({ jobId }) => {
      const job = jobs.store.require(jobId);
      return { offered: offeredChoice(deps.settings, job), options: exportOptions(job) };
    },
    'jobs:delete-job': async ({ jobId }) => ({ deleted: await jobs.delete(jobId) }),
  };
}
