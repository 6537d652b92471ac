import type { Database, Statement } from 'better-sqlite3';

/**
 * SQL statements written as SQL: `sql\`SELECT * FROM jobs WHERE id = ${id}\`` gives the text with a
 * `?` for each value and the values in order, so no value is ever spliced into the text. A value
 * that is itself an `Sql` (a fragment built the same way, or `trusted(...)` for text the code made,
 * such as a list of column names) is inlined with its own values.
 */
export interface Sql {
  readonly text: string;
  readonly params: readonly unknown[];
}

const isSql = (v: unknown): v is Sql => typeof v === 'object' && v !== null && SQL_BRAND in v;
const SQL_BRAND = Symbol('sql');

function make(text: string, params: readonly unknown[]): Sql {
  return { text, params, [SQL_BRAND]: true } as Sql;
}

export function sql(strings: TemplateStringsArray, ...values: readonly unknown[]): Sql {
  let text = strings[0]!;
  const params: unknown[] = [];
  for (let i = 0; i < values.length; i++) {
    const v = values[i];
    if (isSql(v)) {
      text += v.text;
      params.push(...v.params);
    } else {
      text += '?';
      params.push(v);
    }
    text += strings[i + 1]!;
  }
  return make(text, params);
}

/** Text the code itself made (never user input): inlined as it is. */
export function trusted(text: string): Sql {
  return make(text, []);
}

/** The parts joined by `separator` (text the code chose, such as ' AND '); `empty` when there are none. */
export function join(parts: readonly Sql[], separator: string, empty: Sql = trusted('')): Sql {
  if (parts.length === 0) return empty;
  return make(parts.map((p) => p.text).join(separator), parts.flatMap((p) => p.params));
}

/** One parameter per value, comma-separated: `IN (${list(ids)})`. */
export function list(values: readonly unknown[]): Sql {
  return make(values.map(() => '?').join(', '), values);
}

type Mode = 'rows' | 'raw' | 'pluck';

/**
 * The one cache of prepared statements of a connection, by text and result mode (objects, arrays,
 * or the first column). The oldest statements are dropped past `max` (filters make many texts).
 */
export class Statements {
  private readonly cache = new Map<string, Statement>();

  constructor(
    readonly db: Database,
    private readonly max = 500,
  ) {}

  prepare(text: string, mode: Mode = 'rows'): Statement {
    const key = `${mode}:${text}`;
    let stmt = this.cache.get(key);
    if (!stmt) {
      stmt = this.db.prepare(text);
      if (mode === 'raw') stmt.raw(true);
      else if (mode === 'pluck') stmt.pluck(true);
      this.cache.set(key, stmt);
      if (this.cache.size > this.max) this.cache.delete(this.cache.keys().next().value!);
    }
    return stmt;
  }

  run(q: Sql): { changes: number; lastInsertRowid: number | bigint } {
    return this.prepare(q.text).run(...q.params);
  }

  get<T>(q: Sql): T | undefined {
    return this.prepare(q.text).get(...q.params) as T | undefined;
  }

  all<T>(q: Sql): T[] {
    return this.prepare(q.text).all(...q.params) as T[];
  }

  /** The first column of the first row. */
  value<T>(q: Sql): T | undefined {
    return this.prepare(q.text, 'pluck').get(...q.params) as T | undefined;
  }

  /** The first column of every row. */
  column<T>(q: Sql): T[] {
    return this.prepare(q.text, 'pluck').all(...q.params) as T[];
  }

  /** Every row as an array of values in SELECT order (cheaper than objects for long reads). */
  arrays<T extends unknown[]>(q: Sql): T[] {
    return this.prepare(q.text, 'raw').all(...q.params) as T[];
  }

  /** The rows one at a time as arrays, without holding them all. */
  iterateArrays<T extends unknown[]>(q: Sql): IterableIterator<T> {
    return this.prepare(q.text, 'raw').iterate(...q.params) as IterableIterator<T>;
  }
}
