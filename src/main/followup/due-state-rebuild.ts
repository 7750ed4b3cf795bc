/** `workstation rebuild-due-state`: the kept due state recomputed from the history, with what it changed. */

import type { Db } from '../db/open';
import { rebuildDueState } from './due-state';
import { allDueStateRows, allIndicatorYearRows } from './repository';
import { BPHS_2017 } from './rule-packs/bphs-2017';

export interface DueStateRebuild {
  /** Open enrolments with a due-state row after the rebuild. */
  enrolments: number;
  /** Enrolments whose row was missing, extra or different before: 0 on a station whose writes kept it right. */
  corrected: number;
  /** Kept indicator rows (resident × programme × year) after the rebuild. */
  indicatorYears: number;
  /** Indicator rows that were missing, extra or different before: 0 on a station whose writes kept them right. */
  indicatorYearsCorrected: number;
  ms: number;
}

function changed(before: Map<string, string>, after: Map<string, string>): number {
  let n = 0;
  for (const id of new Set([...before.keys(), ...after.keys()])) if (before.get(id) !== after.get(id)) n += 1;
  return n;
}

export function rebuildDueStateReport(db: Db, rules = BPHS_2017): DueStateRebuild {
  const started = performance.now();
  const byEnrolment = () => new Map(allDueStateRows(db).map((row) => [row.enrolmentId, JSON.stringify(row)]));
  const byYear = () => new Map(allIndicatorYearRows(db).map((row) => [`${row.residentId}|${row.disease}|${row.yearStart}`, JSON.stringify(row)]));
  const before = byEnrolment();
  const yearsBefore = byYear();
  const { enrolments, indicatorYears } = rebuildDueState(db.$client, rules);
  return {
    enrolments,
    corrected: changed(before, byEnrolment()),
    indicatorYears,
    indicatorYearsCorrected: changed(yearsBefore, byYear()),
    ms: Math.round(performance.now() - started),
  };
}
