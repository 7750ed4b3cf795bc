/** `workstation rebuild-due-state`: the kept due state recomputed from the history, with what it changed. */

import type { Db } from '../db/open';
import { rebuildDueState } from './due-state';
import { allDueStateRows } from './repository';
import { BPHS_2017 } from './rule-packs/bphs-2017';

export interface DueStateRebuild {
  /** Open enrolments with a due-state row after the rebuild. */
  enrolments: number;
  /** Enrolments whose row was missing, extra or different before: 0 on a station whose writes kept it right. */
  corrected: number;
  ms: number;
}

export function rebuildDueStateReport(db: Db, rules = BPHS_2017): DueStateRebuild {
  const started = performance.now();
  const byEnrolment = () => new Map(allDueStateRows(db).map((row) => [row.enrolmentId, JSON.stringify(row)]));
  const before = byEnrolment();
  const { enrolments } = rebuildDueState(db.$client, rules);
  const after = byEnrolment();
  let corrected = 0;
  for (const id of new Set([...before.keys(), ...after.keys()])) if (before.get(id) !== after.get(id)) corrected += 1;
  return { enrolments, corrected, ms: Math.round(performance.now() - started) };
}
