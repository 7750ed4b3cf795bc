import fc from 'fast-check';
import { call } from '../../../src/main/api/dispatcher';
import { ApiError } from '../../../src/shared/api/errors';
import type { Patient } from '../../../src/shared/api/patients';
import { addDays } from '../../../src/shared/dates';
import type { TestStation } from '../../support/test-services';
import { clinicVisit, dayFrom } from './service-fixtures';

/**
 * The random writes the follow-up property tests make through the API, each as a user would make it. Each test
 * draws its own mix (weights, values, how far back) and checks its own kept state against a fresh computation.
 */

export type Disease = 'hypertension' | 't2dm';

export type Write =
  | { kind: 'visit'; disease: Disease; offset: number; mode: 'clinic' | 'home'; sbp?: number; dbp?: number; fbg?: number; homeBp: boolean }
  | { kind: 'phone'; disease: Disease; offset: number }
  | { kind: 'check'; after: number; completed: boolean }
  | { kind: 'return'; after: number }
  | { kind: 'end'; disease: Disease; offset: number }
  | { kind: 'enrol'; disease: Disease; offset: number }
  | { kind: 'healthCheck'; offset: number };

export const diseaseArb = fc.constantFrom<Disease>('hypertension', 't2dm');

async function applyWrite(s: TestStation, p: Patient, w: Write): Promise<void> {
  const d = s.services.dispatch;
  const date = 'offset' in w ? dayFrom(s, w.offset) : '';
  switch (w.kind) {
    case 'visit':
      await call(d, 'followup', 'save', {
        patientId: p.id,
        disease: w.disease,
        form: clinicVisit(date, { mode: w.mode, sbp: w.sbp, dbp: w.dbp, fbg: w.fbg, selfReportedHomeBp: w.homeBp }),
        // Same-day pairs are what the kept state must order right: confirm them as a user would.
        confirmSameDay: true,
      });
      return;
    case 'phone':
      await call(d, 'followup', 'phoneContact', { patientId: p.id, disease: w.disease, date, confirmSameDay: true });
      return;
    case 'check':
    case 'return': {
      const open = await call(d, 'followup', 'referrals', { patientId: p.id, open: true });
      const referral = open[0];
      if (!referral) return;
      const later = addDays(referral.referredOn, w.after);
      const on = later > s.services.followup.today() ? s.services.followup.today() : later;
      if (w.kind === 'check')
        await call(d, 'followup', 'checkReferral', {
          patientId: p.id,
          referralId: referral.id,
          date: on,
          mode: 'phone',
          outcome: w.completed ? 'completed' : 'not_completed',
        });
      else await call(d, 'followup', 'recordReturn', { patientId: p.id, referralId: referral.id, date: on, note: '回转' });
      return;
    }
    case 'end': {
      const open = (await call(d, 'followup', 'enrolments', { patientId: p.id })).find((e) => e.disease === w.disease && e.endedOn === null);
      if (open) await call(d, 'followup', 'endEnrolment', { patientId: p.id, enrolmentId: open.id, endedOn: date, reason: 'moved' });
      return;
    }
    case 'enrol':
      await call(d, 'followup', 'enrol', { patientId: p.id, disease: w.disease, howFound: 'clinic_visit', enrolledOn: date });
      return;
    case 'healthCheck':
      await call(d, 'followup', 'recordHealthCheck', { patientId: p.id, date });
  }
}

/** Makes the writes in order; a refused one (a visit before the enrolment, a second open enrolment, …) changes nothing. */
export async function applyWrites(s: TestStation, p: Patient, writes: readonly Write[]): Promise<void> {
  for (const w of writes) {
    try {
      await applyWrite(s, p, w);
    } catch (err) {
      if (!(err instanceof ApiError) && !(typeof err === 'object' && err !== null && 'code' in err)) throw err;
    }
  }
}

/** A visit on a drawn day, clinic or home, with each value drawn from the test's own choices or left out. */
export function visitArb(
  offset: fc.Arbitrary<number>,
  values: { sbp: fc.Arbitrary<number>; dbp: fc.Arbitrary<number>; fbg: fc.Arbitrary<number> },
): fc.Arbitrary<Extract<Write, { kind: 'visit' }>> {
  return fc.record({
    kind: fc.constant('visit' as const),
    disease: diseaseArb,
    offset,
    mode: fc.constantFrom<'clinic' | 'home'>('clinic', 'home'),
    sbp: fc.option(values.sbp, { nil: undefined }),
    dbp: fc.option(values.dbp, { nil: undefined }),
    fbg: fc.option(values.fbg, { nil: undefined }),
    homeBp: fc.boolean(),
  });
}

/** The writes on a drawn day besides visits: a phone contact, ending and re-entering a programme, a health check. */
export function dayWriteArbs(offset: fc.Arbitrary<number>, endOffset = offset): fc.WeightedArbitrary<Write>[] {
  return [
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('phone' as const), disease: diseaseArb, offset }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('end' as const), disease: diseaseArb, offset: endOffset }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('enrol' as const), disease: diseaseArb, offset }) },
    { weight: 1, arbitrary: fc.record({ kind: fc.constant('healthCheck' as const), offset }) },
  ];
}
