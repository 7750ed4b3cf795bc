import type { Disease, FollowUpRecord, Referral } from '../../../../shared/api/followup';

/**
 * The 随访服务记录表 of the 2017 national standard (appendix of the hypertension and type 2 diabetes chapters) as
 * the paper has it: one visit per column, four columns a sheet. These are the pure parts — which visits go on which
 * sheet, and what each cell of a row says — so they can be table-tested apart from the page.
 */

export const VISITS_PER_SHEET = 4;

/** Oldest first, as a paper form fills left to right; the same day in the order the visits were written. */
export function sheetsOf(records: FollowUpRecord[], disease: Disease, perSheet = VISITS_PER_SHEET): FollowUpRecord[][] {
  const mine = records
    .filter((r) => r.disease === disease)
    .sort((a, b) => (a.form.date < b.form.date ? -1 : a.form.date > b.form.date ? 1 : a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0));
  const sheets: FollowUpRecord[][] = [];
  for (let i = 0; i < mine.length; i += perSheet) sheets.push(mine.slice(i, i + perSheet));
  // With no visit yet the blank form still prints, for filling by hand.
  return sheets.length > 0 ? sheets : [[]];
}

/** "now/target" as the form writes a habit or a weight; a missing half stays empty around the slash. */
export function nowTarget(now: number | string | null | undefined, target: number | string | null | undefined): string {
  const a = now === undefined || now === null ? '' : String(now);
  const b = target === undefined || target === null ? '' : String(target);
  return a === '' && b === '' ? '' : `${a}/${b}`;
}

/** A number as the form shows it: at most one decimal, none when whole. */
export function decimal(value: number | null | undefined, places = 1): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '';
  return String(Math.round(value * 10 ** places) / 10 ** places);
}

/** The referral a visit made, if it made one (its 转诊 rows: reason, institution and department). */
export function referralOf(record: FollowUpRecord, referrals: Referral[]): Referral | undefined {
  return referrals.find((r) => r.recordId === record.id);
}
