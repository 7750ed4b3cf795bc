/**
 * Raw SQL reads that drizzle cannot express (FTS, group_concat over joins, pragma table functions, UNION-ranked
 * search) go through here, and only here: a query declares the shape of its rows with the schema's own columns
 * (or a typed computed value for an aggregate), and its rows get their TypeScript type from those columns. What the
 * type promises is checked in this one place instead of by `as XRow` at each call site:
 * - when first prepared on a connection: the statement reads and does not write, its result columns are exactly
 *   the declared names, and a result column that comes straight from a table comes from the declared column (a
 *   renamed or mistyped column fails on first use with the query named, not three screens later);
 * - on every row: each value has the storage type of its declared column (text, integer, real, blob) or is null
 *   only where the column allows it; boolean and timestamp columns are decoded the way drizzle decodes them.
 * Statements are prepared once per connection and query, so a hot read (patient search) costs no re-prepare.
 */

import { Column, getTableColumns, getTableName, type GetColumnData, type Table } from 'drizzle-orm';
import type { ReadClient, ReadDb, ReadStatement } from './handles';

type Storage = 'text' | 'integer' | 'real' | 'blob';

/** A value computed by the query (count, sum, a literal rank): its storage type and nullability, declared. */
export interface Computed<T> {
  readonly computed: Storage | 'number';
  readonly nullable: boolean;
  /** Type-only: the TypeScript type of the value. */
  readonly __type?: T;
}

/** A schema column whose value may be null in this query although the column is NOT NULL (outer joins). */
export interface Nullable<C extends Column> {
  readonly nullableColumn: C;
}

type Field = Column | Computed<unknown> | Nullable<Column>;
export type Shape = Record<string, Field>;

type FieldValue<F> = F extends Nullable<infer C> ? GetColumnData<C> | null : F extends Column ? GetColumnData<F> : F extends Computed<infer T> ? T : never;

/** The row type a shape declares. */
export type RowOf<S extends Shape> = { -readonly [K in keyof S]: FieldValue<S[K]> };

const computed = <T>(storage: Storage | 'number', nullable: boolean): Computed<T> => ({ computed: storage, nullable });

/** Computed result columns, by storage type ('number' accepts integer or real, e.g. avg or a sum of reals). */
export const value = {
  integer: computed<number>('integer', false),
  integerOrNull: computed<number | null>('integer', true),
  number: computed<number>('number', false),
  numberOrNull: computed<number | null>('number', true),
  text: computed<string>('text', false),
  textOrNull: computed<string | null>('text', true),
  /** A 0/1 flag computed by the query (EXISTS, CASE), read as a boolean. */
  flag: computed<boolean>('integer', false),
} as const;

/** Declares a NOT NULL column as possibly null in this query (the right side of a LEFT JOIN). */
export function orNull<C extends Column>(column: C): Nullable<C> {
  return { nullableColumn: column };
}

export interface ReadQuery<S extends Shape> {
  readonly source: string;
  readonly shape: S;
}

/** Declares a raw read. The statement cache is keyed by the SQL text, so a query built per call (a filter's parts) is fine. */
export function readQuery<S extends Shape>(source: string, shape: S): ReadQuery<S> {
  return { source, shape };
}

interface Check {
  key: string;
  storage: Storage | 'number' | null;
  nullable: boolean;
  decode: ((v: unknown) => unknown) | null;
}

interface Prepared {
  statement: ReadStatement;
  shape: Shape;
  checks: Check[];
}

function storageOf(column: Column): Storage | null {
  switch (column.columnType) {
    case 'SQLiteText':
      return 'text';
    case 'SQLiteInteger':
    case 'SQLiteBoolean':
    case 'SQLiteTimestamp':
      return 'integer';
    case 'SQLiteReal':
      return 'real';
    case 'SQLiteBlobBuffer':
      return 'blob';
    default:
      return null;
  }
}

function checkOf(key: string, field: Field): Check {
  if (field instanceof Column || 'nullableColumn' in field) {
    const column = field instanceof Column ? field : field.nullableColumn;
    const overridesDecode = column.mapFromDriverValue !== Column.prototype.mapFromDriverValue;
    return {
      key,
      storage: storageOf(column),
      nullable: !(field instanceof Column) || !column.notNull,
      decode: overridesDecode ? (v) => column.mapFromDriverValue(v) : null,
    };
  }
  return { key, storage: field.computed, nullable: field.nullable, decode: field === value.flag ? (v) => v === 1 : null };
}

const cache = new WeakMap<object, Map<string, Prepared>>();
/** Distinct SQL texts kept per connection; past it the cache starts over (only a query with values spliced in gets there). */
const CACHE_LIMIT = 500;

function prepare(client: ReadClient, query: ReadQuery<Shape>): Prepared {
  let perClient = cache.get(client);
  if (!perClient) {
    perClient = new Map();
    cache.set(client, perClient);
  }
  const hit = perClient.get(query.source);
  if (hit && hit.shape === query.shape) return hit;
  if (perClient.size >= CACHE_LIMIT) perClient.clear();
  const statement = client.prepare(query.source);
  const where = `read query ${JSON.stringify(query.source.replace(/\s+/g, ' ').slice(0, 120))}`;
  if (!statement.reader || !statement.readonly) throw new Error(`${where} is not a read-only SELECT`);
  const keys = Object.keys(query.shape);
  const result = statement.columns();
  const names = result.map((c) => c.name);
  if (names.length !== keys.length || names.some((n) => !(n in query.shape))) {
    throw new Error(`${where} returns [${names.join(', ')}] but declares [${keys.join(', ')}]`);
  }
  for (const c of result) {
    const field = query.shape[c.name];
    const column = field instanceof Column ? field : 'nullableColumn' in field ? field.nullableColumn : null;
    // Only a result column that SQLite traces to a table column is compared; expressions have no origin.
    if (column && c.column !== null && c.table !== null && (c.column !== column.name || c.table !== getTableName(column.table))) {
      throw new Error(`${where}: ${c.name} comes from ${c.table}.${c.column} but is declared as ${getTableName(column.table)}.${column.name}`);
    }
  }
  const prepared = { statement, shape: query.shape, checks: keys.map((k) => checkOf(k, query.shape[k])) };
  perClient.set(query.source, prepared);
  return prepared;
}

function fits(v: unknown, storage: Check['storage']): boolean {
  switch (storage) {
    case 'text':
      return typeof v === 'string';
    // SQLite keeps a fractional value in an INTEGER column as REAL; TypeScript has one number type for both.
    case 'integer':
    case 'real':
    case 'number':
      return typeof v === 'number';
    case 'blob':
      return Buffer.isBuffer(v);
    case null:
      return true;
  }
}

function typed<S extends Shape>(query: ReadQuery<S>, checks: Check[], raw: unknown): RowOf<S> {
  const row = raw as Record<string, unknown>;
  for (const c of checks) {
    const v = row[c.key];
    if (v === null) {
      if (!c.nullable) throw new Error(`read query ${JSON.stringify(query.source.slice(0, 80))}: ${c.key} is null but declared NOT NULL`);
    } else if (!fits(v, c.storage)) {
      throw new Error(`read query ${JSON.stringify(query.source.slice(0, 80))}: ${c.key} holds ${typeof v}, declared ${c.storage}`);
    } else if (c.decode) {
      row[c.key] = c.decode(v);
    }
  }
  // The one checked assertion: every declared key was verified above against its column's type and nullability.
  return row as RowOf<S>;
}

function clientOf(handle: ReadDb | ReadClient): ReadClient {
  return '$client' in handle ? handle.$client : handle;
}

/** Every row of a declared read. Parameters are passed as better-sqlite3 takes them (positional or one named object). */
export function readRows<S extends Shape>(handle: ReadDb | ReadClient, query: ReadQuery<S>, ...params: unknown[]): RowOf<S>[] {
  const { statement, checks } = prepare(clientOf(handle), query);
  return statement.all(...params).map((r) => typed(query, checks, r));
}

/** The first row of a declared read, or undefined. */
export function readRow<S extends Shape>(handle: ReadDb | ReadClient, query: ReadQuery<S>, ...params: unknown[]): RowOf<S> | undefined {
  const { statement, checks } = prepare(clientOf(handle), query);
  const raw = statement.get(...params);
  return raw === undefined ? undefined : typed(query, checks, raw);
}

/** Rows one at a time (large scans: seed history, exports), each checked as it comes. */
export function* iterateRows<S extends Shape>(handle: ReadDb | ReadClient, query: ReadQuery<S>, ...params: unknown[]): Generator<RowOf<S>> {
  const { statement, checks } = prepare(clientOf(handle), query);
  for (const r of statement.iterate(...params)) yield typed(query, checks, r);
}

type ColumnsOf<T extends Table> = T['_']['columns'];

/** Some columns of a table by their schema keys: a shape for readQuery, or a selection for drizzle. */
export function columnsOf<T extends Table, K extends keyof ColumnsOf<T> & string>(table: T, ...keys: K[]): Pick<ColumnsOf<T>, K> {
  const all = getTableColumns(table);
  return Object.fromEntries(keys.map((k) => [k, all[k]])) as Pick<ColumnsOf<T>, K>;
}

/** Every column of a table but the named ones. */
export function columnsExcept<T extends Table, K extends keyof ColumnsOf<T> & string>(table: T, ...keys: K[]): Omit<ColumnsOf<T>, K> {
  const skip = new Set<string>(keys);
  return Object.fromEntries(Object.entries(getTableColumns(table)).filter(([k]) => !skip.has(k))) as Omit<ColumnsOf<T>, K>;
}

/**
 * The select list for a shape's schema columns, each under its key (`id_number AS "idNumber"`), optionally
 * qualified by a table alias: the SQL and the declared shape cannot drift apart.
 */
export function selectList(shape: Shape, alias?: string): string {
  return Object.entries(shape)
    .map(([key, field]) => {
      const column = field instanceof Column ? field : 'nullableColumn' in field ? field.nullableColumn : null;
      if (!column) throw new Error(`selectList: ${key} is computed; write it in the SQL`);
      const name = alias ? `${alias}.${column.name}` : column.name;
      return column.name === key ? name : `${name} AS "${key}"`;
    })
    .join(', ');
}
