import type { Database, Statement } from 'better-sqlite3';
import { savedModelSchema, type SavedModel } from '../../shared/domain/model';
import type { ModelRepository } from './repositories';

interface ModelRow {
  id: string;
  profile_id: string;
  ref: string;
  display_name: string;
  schema: string;
  output_schema: string | null;
  created_at: string;
}

function toModel(r: ModelRow): SavedModel {
  // Checked on the way out too, so a row written by a future or broken version cannot reach the UI malformed.
  return savedModelSchema.parse({
    id: r.id,
    profileId: r.profile_id,
    ref: JSON.parse(r.ref) as unknown,
    displayName: r.display_name,
    schema: JSON.parse(r.schema) as unknown,
    outputSchema: r.output_schema === null ? null : (JSON.parse(r.output_schema) as unknown),
    createdAt: r.created_at,
  });
}

export class SqliteModels implements ModelRepository {
  private readonly listStmt: Statement<[string], ModelRow>;
  private readonly getStmt: Statement<[string], ModelRow>;
  private readonly saveStmt: Statement;
  private readonly deleteStmt: Statement<[string]>;

  constructor(db: Database) {
    this.listStmt = db.prepare('SELECT * FROM models WHERE profile_id = ? ORDER BY created_at, id');
    this.getStmt = db.prepare('SELECT * FROM models WHERE id = ?');
    this.saveStmt = db.prepare(`
      INSERT INTO models (id, profile_id, ref, display_name, schema, output_schema, created_at)
      VALUES (@id, @profileId, @ref, @displayName, @schema, @outputSchema, @createdAt)
      ON CONFLICT (id) DO UPDATE SET profile_id = excluded.profile_id, ref = excluded.ref, display_name = excluded.display_name,
        schema = excluded.schema, output_schema = excluded.output_schema, created_at = excluded.created_at`);
    this.deleteStmt = db.prepare('DELETE FROM models WHERE id = ?');
  }

  listForProfile(profileId: string): SavedModel[] {
    return this.listStmt.all(profileId).map(toModel);
  }

  get(id: string): SavedModel | undefined {
    const row = this.getStmt.get(id);
    return row ? toModel(row) : undefined;
  }

  /** Insert or update by id. The profile must exist (foreign key). */
  save(model: SavedModel): void {
    this.saveStmt.run({
      id: model.id,
      profileId: model.profileId,
      ref: JSON.stringify(model.ref),
      displayName: model.displayName,
      schema: JSON.stringify(model.schema),
      outputSchema: model.outputSchema === null ? null : JSON.stringify(model.outputSchema),
      createdAt: model.createdAt,
    });
  }

  delete(id: string): void {
    this.deleteStmt.run(id);
  }
}
