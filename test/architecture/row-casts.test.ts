import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const ROOT = path.resolve(__dirname, '../..');

/**
 * Rows get their type from the schema (drizzle's `$inferSelect`, or a declared shape through db/read-sql.ts, which
 * checks it): an `as XRow` on a raw statement's result promises a type nothing verified. This scan keeps new ones out.
 * Allowed exceptions, each with its reason, as `path: the exact cast text`. Ideally none.
 */
const ALLOWED: readonly string[] = [];

/** An assertion to a row type: `as PatientRow`, `as RecordRow[]`, `as (SomeRow | undefined)`. */
const ROW_CAST = /\bas\s+\(?\s*[A-Za-z_$][\w$]*Row\b(?:<[^>]*>)?(?:\s*\[\])?/g;
/**
 * A statement's result asserted to an ad-hoc row shape: `.all(...) as { n: number }[]`, `.get(x) as (Omit<Visit, 'd'>
 * & {...}) | undefined`. (A Map's `.get(key) as T` is not a row and is left alone.)
 */
const STATEMENT_RESULT_CAST = /\.(?:all|get)\([^()]*\)\s+as\s+\(?\s*(?:\{|Omit<|Pick<)[^;]*/g;

function sources(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) return sources(full);
    return /\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts') ? [full] : [];
  });
}

/** Comments are prose (they may name the pattern they forbid); blanked keeping line numbers. */
function withoutComments(text: string): string {
  return text.replace(/\/\*[\s\S]*?\*\//g, (c) => c.replace(/[^\n]/g, ' ')).replace(/(^|[^:'"`\\])\/\/[^\n]*/g, '$1');
}

export function rowCastsIn(file: string, text: string): string[] {
  const code = withoutComments(text);
  const found: string[] = [];
  for (const pattern of [ROW_CAST, STATEMENT_RESULT_CAST]) {
    for (const match of code.matchAll(pattern)) {
      const line = code.slice(0, match.index).split('\n').length;
      found.push(`${file}:${line}: ${match[0].trim()}`);
    }
  }
  return found;
}

describe('no unchecked row casts in src', () => {
  it('finds the casts it is meant to find (the scan itself can fail)', () => {
    const sample = [
      'const a = stmt.get(id) as PatientRow | undefined;',
      'const b = rows as RecordRow[];',
      "const c = db.prepare('SELECT n').get({ target }) as { n: number };",
      'const d = sqlite.prepare(q).all(x) as (Omit<Visit, "d"> & { d: string })[];',
      '// a comment naming `as XRow` is prose',
      'const e = [1, 2] as const;',
      'const f = readRow(db, query, id);',
    ].join('\n');
    expect(rowCastsIn('sample.ts', sample).map((hit) => hit.split(':')[1])).toEqual(['1', '2', '3', '4']);
  });

  it('src has none beyond the listed exceptions', () => {
    const files = sources(path.join(ROOT, 'src'));
    expect(files.length).toBeGreaterThan(100);
    const hits = files.flatMap((file) => {
      const rel = path.relative(ROOT, file).split(path.sep).join('/');
      return rowCastsIn(rel, readFileSync(file, 'utf8'));
    });
    const unexpected = hits.filter((hit) => !ALLOWED.some((allowed) => hit.startsWith(allowed.split(': ')[0]) && hit.endsWith(allowed.split(': ')[1])));
    expect(unexpected, 'type the rows from the schema (db/read-sql.ts readQuery, or drizzle) instead of asserting them').toEqual([]);
  });
});
