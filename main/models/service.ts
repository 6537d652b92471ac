import { randomUUID } from 'node:crypto';
import type { FieldSpec, ModelRef, ModelSchema, SavedModel } from '../../shared/domain/model';
import { modelLabel } from '../../shared/domain/model';
import { outputTypeMap, parseSchemaText, SchemaFormatError, toModelSchema } from '../../shared/domain/schema-convert';
import type { ModelDescription, ModelStatus, RemoteModel } from '../../shared/ipc/models';
import { AppError } from '../../shared/ipc/errors';
import type { AccountsService } from '../accounts/service';
import type { Engine } from '../engine';
import type { PlexeClient } from '../plexe/client';
import { parseEndpointUrl } from '../plexe/urls';
import type { ModelRepository } from '../store/repositories';

export interface ModelsDeps {
  accounts: AccountsService;
  models: ModelRepository;
  client: PlexeClient;
  engine: Engine;
  /** The spreadsheet importer's header + first rows → fields (main/sheets), injected. */
  inferSchemaFromFile: (path: string) => Promise<FieldSpec[]>;
  now?: () => Date;
  newId?: () => string;
}

/** Interactive lookups: one quick retry at most, so a screen never hangs on back-off. */
const INTERACTIVE = { attempts: 2, timeoutMs: 20_000 };

export function statusExplanation(status: string, label: string): string | null {
  switch (status) {
    case 'READY':
    case 'RUNNING':
    case 'DEPLOYED':
    case 'ACTIVE':
      return null;
    case 'BUILDING':
    case 'TRAINING':
    case 'PENDING':
    case 'QUEUED':
      return `${label} is still being built. Predictions will work once it is ready; check again in a few minutes.`;
    case 'DRAFT':
      return `${label} has not been built and deployed yet. Build and deploy it in the Plexe console first.`;
    case 'ERROR':
    case 'FAILED':
      return `${label} failed to build, so it cannot make predictions. Open it in the Plexe console to see why.`;
    default:
      return `${label} reports the status ${status}, so it may not accept predictions right now.`;
  }
}

export function isReadyStatus(status: string): boolean {
  return statusExplanation(status, '') === null;
}

export class ModelsService {
  private readonly now: () => Date;
  private readonly newId: () => string;

  constructor(private readonly deps: ModelsDeps) {
    this.now = deps.now ?? (() => new Date());
    this.newId = deps.newId ?? (() => randomUUID());
  }

  async listRemote(profileId: string, limit = 100, offset = 0): Promise<{ models: RemoteModel[]; hasMore: boolean }> {
    const { profile, apiKey } = await this.deps.accounts.profileAndKey(profileId);
    const answer = await this.deps.engine.request(
      profile,
      (signal, timeoutMs) => this.deps.client.listModels({ baseUrl: profile.baseUrl, apiKey }, { limit, offset }, signal ? { signal, timeoutMs } : { timeoutMs }),
      { settings: INTERACTIVE },
    );
    return { models: answer.models.map((m) => ({ name: m.name, version: m.version, status: m.status, description: m.description })), hasMore: answer.hasMore };
  }

  listSaved(profileId: string): SavedModel[] {
    return this.deps.models.listForProfile(profileId);
  }

  get(id: string): SavedModel {
    const m = this.deps.models.get(id);
    if (!m) throw new AppError('model_not_found', 'This model is no longer saved. Add it again in Models.');
    return m;
  }

  async describe(profileId: string, ref: ModelRef): Promise<ModelDescription> {
    if (ref.kind !== 'model') {
      throw new AppError(
        'describe_unavailable',
        'Older deployment addresses (…/predict/ID) cannot describe their inputs. Import a schema file or a spreadsheet with the columns instead.',
      );
    }
    const { profile, apiKey } = await this.deps.accounts.profileAndKey(profileId);
    const d = await this.deps.engine.request(
      profile,
      (signal, timeoutMs) => this.deps.client.describe({ baseUrl: profile.baseUrl, apiKey }, ref, signal ? { signal, timeoutMs } : { timeoutMs }),
      { settings: INTERACTIVE },
    );
    let schema: ModelSchema | null = null;
    try {
      schema = d.inputSchema === null || d.inputSchema === undefined ? null : toModelSchema(d.inputSchema, 'describe');
    } catch {
      schema = null;
    }
    const raw = d.raw as Record<string, unknown>;
    const training = typeof raw.training_info === 'object' && raw.training_info !== null ? (raw.training_info as Record<string, unknown>) : {};
    let featureImportance = d.featureImportance;
    if (!featureImportance && typeof training.feature_importance === 'object' && training.feature_importance !== null) {
      featureImportance = Object.fromEntries(Object.entries(training.feature_importance as Record<string, unknown>).filter((e): e is [string, number] => typeof e[1] === 'number'));
    }
    return { schema, outputSchema: outputTypeMap(d.outputSchema), performanceMetrics: d.performanceMetrics, featureImportance, description: d.description };
  }

  async getStatus(profileId: string, ref: ModelRef): Promise<ModelStatus> {
    if (ref.kind !== 'model') {
      return { status: 'UNKNOWN', ready: true, message: 'Older deployments do not report a status; a prediction will show whether it is running.' };
    }
    const { profile, apiKey } = await this.deps.accounts.profileAndKey(profileId);
    const s = await this.deps.engine.request(
      profile,
      (signal, timeoutMs) => this.deps.client.status({ baseUrl: profile.baseUrl, apiKey }, ref, signal ? { signal, timeoutMs } : { timeoutMs }),
      { settings: INTERACTIVE },
    );
    const message = statusExplanation(s.status, modelLabel(ref));
    return { status: s.status, ready: message === null, message };
  }

  save(input: { id?: string | undefined; profileId: string; ref: ModelRef; displayName: string; schema: ModelSchema; outputSchema?: Record<string, string> | null | undefined }): SavedModel {
    this.deps.accounts.getProfile(input.profileId);
    const existing = input.id ? this.get(input.id) : undefined;
    if (existing && existing.profileId !== input.profileId) throw new AppError('model_profile_mismatch', 'This model belongs to another account; add it to this account as a new model.');
    const model: SavedModel = {
      id: existing?.id ?? this.newId(),
      profileId: input.profileId,
      ref: input.ref,
      displayName: input.displayName,
      schema: input.schema,
      outputSchema: input.outputSchema ?? existing?.outputSchema ?? null,
      createdAt: existing?.createdAt ?? this.now().toISOString(),
    };
    this.deps.models.save(model);
    return model;
  }

  delete(id: string): { deleted: boolean } {
    if (!this.deps.models.get(id)) return { deleted: false };
    this.deps.models.delete(id);
    return { deleted: true };
  }

  parseEndpoint(url: string): { baseUrl: string; ref: ModelRef } {
    return parseEndpointUrl(url);
  }

  parseSchema(text: string): ModelSchema {
    try {
      return parseSchemaText(text);
    } catch (e) {
      if (e instanceof SchemaFormatError) throw new AppError('invalid_schema', e.message);
      throw e;
    }
  }

  async inferSchema(path: string): Promise<{ fields: FieldSpec[] }> {
    const fields = await this.deps.inferSchemaFromFile(path);
    if (fields.length === 0) throw new AppError('no_columns', 'This spreadsheet has no columns to use as fields. Check that its first row holds the column names.');
    return { fields };
  }
}
