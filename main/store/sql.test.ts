import Database from 'better-sqlite3';
import { describe, expect, it } from 'vitest';
import { join, list, sql, Statements, trusted } from './sql';

describe('sql', () => {
  it('turns every value into a parameter and inlines fragments with their own', () => {
    const where = sql`status = ${'ok'} AND n > ${2}`;
    const q = sql`SELECT ${trusted('a, b')} FROM t WHERE id = ${"1'; DROP TABLE t; --"} AND ${where} LIMIT ${10}`;
    expect(q.text).toBe('SELECT a, b FROM t WHERE id = ? AND status = ? AND n > ? LIMIT ?');
    expect(q.params).toEqual(["1'; DROP TABLE t; --", 'ok', 2, 10]);
  });

  it('joins fragments with their parameters in order, or gives the fallback for none', () => {
    const q = join([sql`a = ${1}`, trusted('b IS NULL'), sql`c IN (${'x'}, ${'y'})`], ' AND ');
    expect(q.text).toBe('a = ? AND b IS NULL AND c IN (?, ?)');
    expect(q.params).toEqual([1, 'x', 'y']);
    expect(join([], ' AND ', trusted('1')).text).toBe('1');
    const inList = sql`id IN (${list([3, 'x'])}) AND ${1}`;
    expect([inList.text, inList.params]).toEqual(['id IN (?, ?) AND ?', [3, 'x', 1]]);
  });

  it('prepares each text once per mode and runs it', () => {
    const db = new Database(':memory:');
    const s = new Statements(db, 3);
    s.run(sql`CREATE TABLE t (id INTEGER PRIMARY KEY, name TEXT)`);
    for (const name of ['a', "b'c"]) s.run(sql`INSERT INTO t (name) VALUES (${name})`);
    expect(s.all(sql`SELECT name FROM t ORDER BY id`)).toEqual([{ name: 'a' }, { name: "b'c" }]);
    expect(s.value(sql`SELECT count(*) FROM t`)).toBe(2);
    expect(s.get(sql`SELECT name FROM t WHERE id = ${2}`)).toEqual({ name: "b'c" });
    expect(s.column(sql`SELECT name FROM t ORDER BY id`)).toEqual(['a', "b'c"]);
    expect(s.arrays(sql`SELECT id, name FROM t ORDER BY id`)).toEqual([[1, 'a'], [2, "b'c"]]);
    expect([...s.iterateArrays(sql`SELECT id FROM t WHERE id > ${1}`)]).toEqual([[2]]);
    expect(s.prepare('SELECT 1')).toBe(s.prepare('SELECT 1'));
    expect(s.prepare('SELECT 1', 'raw')).not.toBe(s.prepare('SELECT 1'));
    db.close();
  });
});
