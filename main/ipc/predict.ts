import type { PredictService } from '../predict/service';
import type { PartialHandlers } from './dispatch';
import type { predictChannels } from '../../shared/ipc/predict';

export interface PredictIpcDeps {
  predict: PredictService;
}

export function registerPredictIpc(deps: PredictIpcDeps): PartialHandlers<keyof typeof predictChannels> {
  const { predict } = deps;
  return {
    'predict:run-prediction': ({ callId, modelId, input }) => predict.run(callId, modelId, input),
    'predict:cancel-call': ({ callId }) => predict.cancel(callId),
    'predict:run-sweep': ({ callId, modelId, baseInput, field, values }) => predict.sweep(callId, modelId, baseInput, field, values),
  };
}
