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

/**
 * Why an institution code was refused (texts in errors:reasons.<REASON>). Accepted: the 18-character unified social
 * credit code (统一社会信用代码, GB 32100-2015) every 卫生院 has since 2017 — public ones start "12" — or, from older
 * registers, the 9-character organisation code (组织机构代码, GB 11714-1997) it embeds at positions 9–17. Both end in
 * a check character, so a mistyped code is caught here rather than by the platform weeks later.
 */
export const INSTITUTION_REASONS = ['INSTITUTION_CODE_LENGTH', 'INSTITUTION_CODE_CHARACTERS', 'INSTITUTION_CODE_CHECK'] as const;
export type InstitutionReason = (typeof INSTITUTION_REASONS)[number];

const USCC_CHARACTERS = '0123456789ABCDEFGHJKLMNPQRTUWXY';
const USCC_WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28];
const ORG_WEIGHTS = [3, 7, 9, 10, 5, 8, 4, 2];

/** Upper-cases and drops spaces and hyphens (codes are printed "1235 0100 …" or "M0001000-4" on certificates). */
export function normalizeInstitutionCode(input: string): string {
  return input.replace(/[\s-]/g, '').toUpperCase();
}

function usccCheck(body: string): string {
  let sum = 0;
  for (let i = 0; i < 17; i++) sum += USCC_CHARACTERS.indexOf(body[i]) * USCC_WEIGHTS[i];
  return USCC_CHARACTERS[(31 - (sum % 31)) % 31];
}

function organisationCheck(body: string): string {
  let sum = 0;
  for (let i = 0; i < 8; i++) {
    const ch = body[i];
    sum += (ch >= '0' && ch <= '9' ? ch.charCodeAt(0) - 48 : ch.charCodeAt(0) - 55) * ORG_WEIGHTS[i];
  }
  const check = 11 - (sum % 11);
  return check === 10 ? 'X' : check === 11 ? '0' : String(check);
}

/** null when the (normalized) code is a valid USCC or organisation code; otherwise why not. */
export function institutionCodeProblem(code: string): InstitutionReason | null {
  if (code.length === 18) {
    if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return 'INSTITUTION_CODE_CHARACTERS';
    if (usccCheck(code) !== code[17]) return 'INSTITUTION_CODE_CHECK';
    // The embedded organisation code carries its own check character.
    if (/^[0-9A-Z]{8}[0-9X]$/.test(code.slice(8, 17)) && organisationCheck(code.slice(8, 16)) !== code[16]) return 'INSTITUTION_CODE_CHECK';
    return null;
  }
  if (code.length === 9) {
    if (!/^[0-9A-Z]{8}[0-9X]$/.test(code)) return 'INSTITUTION_CODE_CHARACTERS';
    return organisationCheck(code) === code[8] ? null : 'INSTITUTION_CODE_CHECK';
  }
  return 'INSTITUTION_CODE_LENGTH';
}

/** The FHIR id of the station's Organization: stable for a code, so every station of one center names the same one. */
export function institutionOrganizationId(code: string): string {
  return `org-${code}`;
}
