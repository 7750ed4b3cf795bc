import Database from 'better-sqlite3-multiple-ciphers';
import { drizzle } from 'drizzle-orm/better-sqlite3';
import { migrate } from 'drizzle-orm/better-sqlite3/migrator';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { defaultMigrationsFolder, type Db } from '../../../src/main/db/open';
import { columnsExcept, columnsOf, iterateRows, orNull, readQuery, readRow, readRows, selectList, value } from '../../../src/main/db/read-sql';
import * as schema from '../../../src/main/db/schema';
import { patients, users } from '../../../src/main/db/schema';

let sqlite: Database.Database;
let db: Db;

beforeEach(() => {
  sqlite = new Database(':memory:');
  db = drizzle(sqlite, { schema }) as Db;
  migrate(db, { migrationsFolder: defaultMigrationsFolder() });
  const insert = sqlite.prepare(
    `INSERT INTO patients (id, name, given_name, pinyin_full, pinyin_initials, sex, birth_date, hypertension, diabetes, version, created_at, updated_at)
     VALUES (?, ?, ?, 'x', 'x', ?, '1950-01-01', ?, 0, 1, 't', 't')`,
  );
  insert.run('p1', '张三', '三', 'M', 1);
  insert.run('p2', '李四', '四', 'F', 0);
});
afterEach(() => sqlite.close());

const byId = readQuery(`SELECT id, name, birth_date AS birthDate, hypertension FROM patients WHERE id = ?`, {
  id: patients.id,
  name: patients.name,
  birthDate: patients.birthDate,
  hypertension: patients.hypertension,
});

describe('typed raw reads', () => {
  it('types rows from the schema columns and decodes boolean columns as drizzle does', () => {
    const row = readRow(db, byId, 'p1');
    expect(row).toEqual({ id: 'p1', name: '张三', birthDate: '1950-01-01', hypertension: true });
    expect(readRow(db, byId, 'nobody')).toBeUndefined();
    // The raw client alone is enough (the search path and the bench hand one in).
    expect(readRow(sqlite, byId, 'p2')?.hypertension).toBe(false);
  });

  it('computed values and outer-joined columns are declared with their nullability', () => {
    const q = readQuery(`SELECT p.id AS id, count(*) AS n, u.username AS username FROM patients p LEFT JOIN users u ON u.id = -1 GROUP BY p.id ORDER BY p.id`, {
      id: patients.id,
      n: value.integer,
      username: orNull(users.username),
    });
    expect(readRows(db, q)).toEqual([
      { id: 'p1', n: 1, username: null },
      { id: 'p2', n: 1, username: null },
    ]);
    expect([...iterateRows(db, q)].map((r) => r.id)).toEqual(['p1', 'p2']);
  });

  it('refuses, naming the query, a result column that is not the declared one', () => {
    const renamed = readQuery(`SELECT id, given_name AS name FROM patients`, { id: patients.id, name: patients.name });
    expect(() => readRows(db, renamed)).toThrow(/patients\.given_name but is declared as patients\.name/);
    const missing = readQuery(`SELECT id FROM patients`, { id: patients.id, name: patients.name });
    expect(() => readRows(db, missing)).toThrow(/returns \[id\] but declares \[id, name\]/);
  });

  it('refuses a null in a NOT NULL declaration and a value of the wrong storage type', () => {
    const nullName = readQuery(`SELECT id, NULL AS name FROM patients`, { id: patients.id, name: patients.name });
    expect(() => readRows(db, nullName)).toThrow(/name is null but declared NOT NULL/);
    const wrongType = readQuery(`SELECT id, 42 AS n FROM patients`, { id: patients.id, n: value.text });
    expect(() => readRows(db, wrongType)).toThrow(/n holds number, declared text/);
  });

  it('refuses a statement that writes, even one that returns rows', () => {
    const sneaky = readQuery(`DELETE FROM patients WHERE id = 'p2' RETURNING id`, { id: patients.id });
    expect(() => readRows(db, sneaky)).toThrow(/not a read-only SELECT/);
    expect(readRow(db, byId, 'p2')).toBeDefined();
  });

  it('select lists generated from a shape picked from the schema read back under its keys', () => {
    const summary = columnsOf(patients, 'id', 'birthDate', 'diabetes');
    expect(selectList(summary, 'p')).toBe('p.id, p.birth_date AS "birthDate", p.diabetes');
    expect(readRows(db, readQuery(`SELECT ${selectList(summary, 'p')} FROM patients p ORDER BY p.id`, summary))).toEqual([
      { id: 'p1', birthDate: '1950-01-01', diabetes: false },
      { id: 'p2', birthDate: '1950-01-01', diabetes: false },
    ]);
    const rest = columnsExcept(patients, 'givenName', 'pinyinFull', 'pinyinInitials', 'pinyinAltFull', 'pinyinAltInitials');
    const row = readRow(db, readQuery(`SELECT ${selectList(rest)} FROM patients WHERE id = ?`, rest), 'p1');
    expect(row).toMatchObject({ id: 'p1', name: '张三', idNumber: null, hypertension: true, version: 1 });
    expect(Object.keys(row ?? {})).not.toContain('givenName');
    expect(() => selectList({ n: value.integer })).toThrow(/computed/);
  });
});
