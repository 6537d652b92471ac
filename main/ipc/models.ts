import type { ModelsService } from '../models/service';
import type { PartialHandlers } from './dispatch';
import type { modelChannels } from '../../shared/ipc/models';

export interface ModelsIpcDeps {
  models: ModelsService;
}

export function registerModelsIpc(deps: ModelsIpcDeps): PartialHandlers<keyof typeof modelChannels> {
  const { models } = deps;
  return {
    'models:list-remote': ({ profileId, limit, offset }) => models.listRemote(profileId, limit, offset),
    'models:list-saved': ({ profileId }) => models.listSaved(profileId),
    'models:describe-model': ({ profileId, ref }) => models.describe(profileId, ref),
    'models:get-status': ({ profileId, ref }) => models.getStatus(profileId, ref),
    'models:save-model': (input) => models.save(input),
    'models:delete-model': ({ id }) => models.delete(id),
    'models:parse-endpoint': ({ url }) => models.parseEndpoint(url),
    'models:parse-schema': ({ text }) => models.parseSchema(text),
    'models:infer-schema': ({ path }) => models.inferSchema(path),
  };
}
