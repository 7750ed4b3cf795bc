/**
 * Who a station is on the county network (ARCHITECTURE §10): every station belongs to one institution, named by its
 * national organisation code. The same identifier system names the institution in CDA headers (WS/T 500 headers use
 * the root 2.16.156.10011.1.5 for 医疗卫生机构代码) and in FHIR, where it is also the `meta.tag` every resource the
 * station writes carries, so a platform can be asked for "this center's records" with one search parameter
 * (`_tag=<system>|<code>`) whatever the resource type.
 */
export const INSTITUTION_CODE_SYSTEM = 'urn:oid:2.16.156.10011.1.5';

/** The FHIR search value that selects every record an institution wrote. */
export function institutionTagQuery(code: string): string {
  return `${INSTITUTION_CODE_SYSTEM}|${code}`;
}
