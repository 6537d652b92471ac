import type { evaluateChannels } from '../../shared/ipc/evaluate';
import type { EvaluationService } from '../evaluate/service';
import type { FileGrants } from '../shell/file-grants';
import type { PartialHandlers } from './dispatch';

export interface EvaluateIpcDeps {
  evaluations: EvaluationService;
  /** Files the person chose this run: the only ones written here. */
  grants: FileGrants;
}

/** Evaluations on known outcomes; every handler is a thin call onto EvaluationService. */
export function registerEvaluateIpc(deps: EvaluateIpcDeps): PartialHandlers<keyof typeof evaluateChannels> {
  const { evaluations, grants } = deps;
  return {
    'evaluate:suggest-outcome': ({ jobId }) => ({ suggestions: evaluations.suggest(jobId) }),
    'evaluate:set-outcome': async ({ jobId, column, resultField, valueMap }) => ({ outcome: await evaluations.setOutcome(jobId, column, resultField, valueMap) }),
    'evaluate:get-outcome': ({ jobId }) => ({ outcome: evaluations.getOutcome(jobId) }),
    'evaluate:get-evaluation': ({ jobId }) => evaluations.evaluate(jobId),
    'evaluate:list-evaluations': () => evaluations.list(),
    'evaluate:export-evaluation': ({ jobId, path, format }) => evaluations.export(jobId, grants.checkWrite(path), format),
  };
}
