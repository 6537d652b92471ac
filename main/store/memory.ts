import type { Profile } from '../../shared/domain/profile';
import type { SavedModel } from '../../shared/domain/model';
import type { NewPrediction, PredictionRecord } from '../../shared/domain/prediction';
import type { HistoryWriter, ModelRepository, ProfileRepository, SettingsRepository } from './repositories';

/** In-memory repositories for tests of services that do not need SQLite itself. */
export class MemoryProfiles implements ProfileRepository {
  private readonly rows = new Map<string, Profile>();
  list(): Profile[] {
    return [...this.rows.values()];
  }
  get(id: string): Profile | undefined {
    return this.rows.get(id);
  }
  save(profile: Profile): void {
    this.rows.set(profile.id, { ...profile });
  }
  delete(id: string): void {
    this.rows.delete(id);
  }
}

export class MemoryModels implements ModelRepository {
  private readonly rows = new Map<string, SavedModel>();
  listForProfile(profileId: string): SavedModel[] {
    return [...this.rows.values()].filter((m) => m.profileId === profileId);
  }
  get(id: string): SavedModel | undefined {
    return this.rows.get(id);
  }
  save(model: SavedModel): void {
    this.rows.set(model.id, structuredClone(model));
  }
  delete(id: string): void {
    this.rows.delete(id);
  }
}

export class MemorySettings implements SettingsRepository {
  private readonly rows = new Map<string, unknown>();
  get<T>(key: string): T | undefined {
    return this.rows.get(key) as T | undefined;
  }
  set(key: string, value: unknown): void {
    this.rows.set(key, structuredClone(value));
  }
}

export class MemoryHistory implements HistoryWriter {
  readonly rows: PredictionRecord[] = [];
  add(entry: NewPrediction): number {
    const id = this.rows.length + 1;
    this.rows.push({ ...entry, id });
    return id;
  }
  addMany(entries: readonly NewPrediction[]): void {
    for (const e of entries) this.add(e);
  }
}
