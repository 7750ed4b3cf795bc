import { parseSearchQuery, type SearchQueryKind } from '../../shared/pinyin-keys';
import type { PatientSummary } from '../../shared/api/patients';
import type { Reader } from '../db/handles';
import { readQuery, readRows } from '../db/read-sql';
import { prefixRange } from './patient-keys';
import { SUMMARY_COLUMNS as SUMMARY, SUMMARY_SHAPE } from './repository';

/**
 * One-box search. Every branch is an index lookup or an index range scan (asserted by EXPLAIN QUERY PLAN in the
 * tests), so it stays instant at county scale (500,000 residents).
 */
export function searchSql(kind: SearchQueryKind): string | null {
  const live = 'merged_into IS NULL';
  switch (kind) {
    case 'idFull':
      return `SELECT ${SUMMARY} FROM patients WHERE id_number = @q AND ${live} LIMIT @limit`;
    case 'idSuffix':
      return `SELECT ${SUMMARY} FROM patients WHERE id_suffix = @q AND ${live} ORDER BY name LIMIT @limit`;
    case 'phone':
      return `SELECT ${SUMMARY} FROM patients WHERE phone = @q AND ${live} LIMIT @limit`;
    case 'healthCard':
      return `SELECT ${SUMMARY} FROM patients WHERE health_card_number = @q AND ${live} LIMIT @limit`;
    case 'hanzi':
      // Whole-name prefix first (张三 → 张三丰), then given-name prefix (三丰 → 张三丰).
      return `SELECT ${SUMMARY} FROM (
          SELECT * FROM (SELECT *, 0 AS rank FROM patients WHERE name >= @lo AND name < @hi AND ${live} LIMIT @limit)
          UNION ALL
          SELECT * FROM (SELECT *, 1 AS rank FROM patients WHERE given_name >= @lo AND given_name < @hi AND ${live} LIMIT @limit)
        ) GROUP BY id ORDER BY min(rank), length(name), name LIMIT @limit`;
    case 'pinyin':
      return `SELECT ${SUMMARY} FROM (
          SELECT * FROM (SELECT *, 0 AS rank FROM patients WHERE pinyin_initials >= @lo AND pinyin_initials < @hi AND ${live} LIMIT @limit)
          UNION ALL
          SELECT * FROM (SELECT *, 1 AS rank FROM patients WHERE pinyin_full >= @lo AND pinyin_full < @hi AND ${live} LIMIT @limit)
          UNION ALL
          SELECT * FROM (SELECT *, 2 AS rank FROM patients WHERE pinyin_alt_initials >= @lo AND pinyin_alt_initials < @hi AND ${live} LIMIT @limit)
          UNION ALL
          SELECT * FROM (SELECT *, 3 AS rank FROM patients WHERE pinyin_alt_full >= @lo AND pinyin_alt_full < @hi AND ${live} LIMIT @limit)
        ) GROUP BY id ORDER BY min(rank), length(name), name LIMIT @limit`;
    default:
      return null;
  }
}

export function searchPatients(db: Reader, rawQuery: string, limit: number): { kind: SearchQueryKind; results: PatientSummary[] } {
  const query = parseSearchQuery(rawQuery);
  const sql = searchSql(query.kind);
  if (!sql) return { kind: query.kind, results: [] };
  const [lo, hi] = prefixRange(query.text);
  const results = readRows(db, readQuery(sql, SUMMARY_SHAPE), { q: query.text, lo, hi, limit });
  return { kind: query.kind, results };
}
