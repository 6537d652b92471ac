import type { compareChannels } from '../../shared/ipc/compare';
import type { CompareService } from '../compare/service';
import type { FileGrants } from '../shell/file-grants';
import type { PartialHandlers } from './dispatch';

export interface CompareIpcDeps {
  compare: CompareService;
  /** Files the person chose this run: the only ones written here. */
  grants: FileGrants;
}

/** The Comparison view's operations; every one is a thin call onto CompareService. */
export function registerCompareIpc(deps: CompareIpcDeps): PartialHandlers<keyof typeof compareChannels> {
  const { compare, grants } = deps;
  return {
    'compare:set-second': ({ jobId, modelId, profileId }) => compare.setSecond(jobId, modelId, profileId),
    'compare:clear-second': ({ jobId }) => ({ cleared: compare.clearSecond(jobId) }),
    'compare:get-second': ({ jobId }) => compare.second(jobId),
    'compare:get-summary': ({ jobId, field }) => compare.summary(jobId, field),
    'compare:list-rows': ({ jobId, after, limit, filter, field }) => compare.rows(jobId, after, limit ?? 200, filter ?? 'all', field),
    'compare:export': ({ jobId, path }) => compare.exportResults(jobId, grants.checkWrite(path)),
    'compare:list': () => compare.list(),
  };
}
