import type { jobChannels } from '../../shared/ipc/jobs';
import type { JobService } from '../jobs/service';
import type { FileGrants } from '../shell/file-grants';
import type { PartialHandlers } from './dispatch';

export interface JobsIpcDeps {
  jobs: JobService;
  /** Files the person chose this run: the only ones read or written here. */
  grants: FileGrants;
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
    'jobs:start-job': ({ jobId, skipProblemRows, batchSize, identifyingColumns }) =>
      jobs.start(jobId, {
        ...(skipProblemRows !== undefined ? { skipProblemRows } : {}),
        ...(batchSize !== undefined ? { batchSize } : {}),
        ...(identifyingColumns !== undefined ? { identifyingColumns } : {}),
      }),
    'jobs:pause-job': ({ jobId }) => jobs.pause(jobId),
    'jobs:resume-job': ({ jobId }) => jobs.resume(jobId),
    'jobs:cancel-job': ({ jobId }) => jobs.cancel(jobId),
    'jobs:retry-failed': ({ jobId }) => jobs.retryFailed(jobId),
    'jobs:list-results': ({ jobId, after, limit, filter }) => jobs.results(jobId, after, limit ?? 200, filter ?? 'all'),
    'jobs:chart-summary': ({ jobId, field }) => jobs.chart(jobId, field),
    'jobs:export-results': ({ jobId, path }) => jobs.exportResults(jobId, grants.checkWrite(path)),
    'jobs:delete-job': async ({ jobId }) => ({ deleted: await jobs.delete(jobId) }),
  };
}
