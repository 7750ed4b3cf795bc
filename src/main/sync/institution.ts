import type { Coding, Resource } from '@medplum/fhirtypes';
import { INSTITUTION_CODE_SYSTEM, institutionTagQuery } from '../../shared/institution';
import type { Sqlite } from '../db/open';

/**
 * The station's institution as the sync engine sees it: the one place pull scope and push tagging read it from.
 *
 * The code lives in settings: the station settings object (`station`.institutionCode, set at first run / 设置) or,
 * for stations set up before that field existed, its own key `institutionCode`. Null while unset: then nothing is
 * pulled by institution (the station cannot say which records are its center's), only what it asked for itself
 * (consult replies).
 */
export function stationInstitutionCode(sqlite: Sqlite): string | null {
  const rows = sqlite.prepare(`SELECT key, value FROM settings WHERE key IN ('station', 'institutionCode')`).all() as { key: string; value: string }[];
  for (const key of ['station', 'institutionCode']) {
    const row = rows.find((each) => each.key === key);
    if (!row) continue;
    const value = parseJson(row.value);
    const code = key === 'station' ? (value as { institutionCode?: unknown } | null)?.institutionCode : value;
    if (typeof code === 'string' && code.trim() !== '') return code.trim();
  }
  return null;
}

function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return null;
  }
}

export function institutionTag(code: string): Coding {
  return { system: INSTITUTION_CODE_SYSTEM, code };
}

/**
 * The resource with the institution's meta.tag (once): what lets the center's other stations select it with
 * `_tag=<system>|<code>`. Other tags are kept; a tag of another institution is replaced (a record has one owner).
 */
export function withInstitutionTag<T extends Resource>(resource: T, code: string): T {
  const others = (resource.meta?.tag ?? []).filter((tag) => tag.system !== INSTITUTION_CODE_SYSTEM);
  return { ...resource, meta: { ...resource.meta, tag: [...others, institutionTag(code)] } };
}

/** The search parameters that scope a pull to the institution's own records. */
export function institutionScope(code: string): Record<string, string> {
  return { _tag: institutionTagQuery(code) };
}

/** True when the resource carries another institution's tag (or none): it is not this center's record. */
export function isForeign(resource: Resource, code: string): boolean {
  return !(resource.meta?.tag ?? []).some((tag) => tag.system === INSTITUTION_CODE_SYSTEM && tag.code === code);
}
