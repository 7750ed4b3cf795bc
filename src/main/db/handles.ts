/**
 * Read and write handles typed apart (the idea of Signal Desktop's ReadableDB / WritableDB): a function that only
 * reads takes a `ReadDb` (or, for raw SQL, a `ReadClient`), one that writes takes a `WriteDb` (or the full `Sqlite`
 * client). A write handle is a read handle too, so writers call readers freely; handing a read handle to a writer
 * fails `tsc` (test/main/db/handles.typetest.ts). The reminder worker's read-only connection is a `ReadDb` at run
 * time as well: SQLite refuses writes on it.
 */

import type { Db, Sqlite } from './open';

/** The full drizzle handle: select, insert, update, delete, raw run and transactions. */
export type WriteDb = Db;

/** A result column as SQLite describes it: its name and, when it comes straight from a table, where from. */
export interface ResultColumn {
  name: string;
  column: string | null;
  table: string | null;
}

/**
 * A prepared statement of a read client: no `run`, no binding or mode switches that change what it does. Rows come
 * out `unknown`; `readRows` (read-sql.ts) is the one place that gives them a type, checked against the schema.
 */
export interface ReadStatement {
  readonly source: string;
  readonly reader: boolean;
  readonly readonly: boolean;
  get(...params: unknown[]): unknown;
  all(...params: unknown[]): unknown[];
  iterate(...params: unknown[]): IterableIterator<unknown>;
  columns(): ResultColumn[];
}

/**
 * The raw client of a read handle: it prepares statements and groups reads into one snapshot, nothing else (no exec,
 * pragma, close). A transaction here writes nothing by itself: its statements are still read-only ones, so several
 * reads (a counter and the rows it counts) see one committed state.
 */
export interface ReadClient {
  prepare(source: string): ReadStatement;
  transaction<T>(fn: () => T): () => T;
  readonly inTransaction: boolean;
}

/**
 * The drizzle handle without insert / update / delete / run / transaction, and without `all<T>` / `get<T>` (a
 * typed-by-assertion raw read), `with` (its builder also writes) and the relational `query` API (unused here).
 */
export type ReadDb = Pick<WriteDb, 'select' | 'selectDistinct' | '$count' | '$with'> & { readonly $client: ReadClient };

/** A write handle's raw client, for the statements drizzle cannot express (dynamic table names, pragmas). */
export type WriteClient = Sqlite;

/** What a read function takes: a read handle, or only its raw client (raw reads through read-sql.ts need no more). */
export type Reader = ReadDb | ReadClient;

/** Runs `fn`'s reads in one read transaction (one snapshot under WAL); nested in an open transaction it joins it. */
export function readTransaction<T>(db: Reader, fn: () => T): T {
  const client = '$client' in db ? db.$client : db;
  return client.transaction(fn)();
}
