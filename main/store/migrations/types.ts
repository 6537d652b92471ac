import type { Database } from 'better-sqlite3';

/**
 * One step of the schema. Steps are applied in order, all pending ones in a single transaction, and
 * `PRAGMA user_version` records the last one applied. Never edit a step that has shipped: append a new one.
 */
export interface Migration {
  version: number;
  name: string;
  up(db: Database): void;
}
