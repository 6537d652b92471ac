import type { Profile } from '../../shared/domain/profile';
import type { SavedModel } from '../../shared/domain/model';
import type { NewPrediction } from '../../shared/domain/prediction';

/**
 * The named operations other services use on the database. SQLite implementations live beside this
 * file; tests of other services may use the in-memory ones in ./memory.ts.
 */
export interface ProfileRepository {
  list(): Profile[];
  get(id: string): Profile | undefined;
  /** Insert or update by id. */
  save(profile: Profile): void;
  /** Deletes the profile and its saved models; history rows stay (they carry the profile's name). */
  delete(id: string): void;
}

export interface ModelRepository {
  listForProfile(profileId: string): SavedModel[];
  get(id: string): SavedModel | undefined;
  save(model: SavedModel): void;
  delete(id: string): void;
}

export interface SettingsRepository {
  get<T>(key: string): T | undefined;
  set(key: string, value: unknown): void;
}

export interface HistoryWriter {
  /** One prediction (form, what-if). Returns its id. */
  add(entry: NewPrediction): number;
  /** Many predictions in one transaction (bulk runs). */
  addMany(entries: readonly NewPrediction[]): void;
}
