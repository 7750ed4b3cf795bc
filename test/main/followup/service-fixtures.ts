import { call } from '../../../src/main/api/dispatcher';
import type { OutputOf } from '../../../src/shared/api/contract';
import type { FollowUpFormInput } from '../../../src/shared/api/followup';
import type { EnrolmentState, FollowUpPatientState } from '../../../src/shared/followup';
import type { Patient } from '../../../src/shared/api/patients';
import { addDays, yearPeriodContaining } from '../../../src/shared/dates';
import { makeResidentId } from '../../../src/shared/resident-id';
import type { TestStation } from '../../support/test-services';

/** The station's today (China local date) moved by `offset` days: tests use relative dates so they pass any day. */
export function dayFrom(station: TestStation, offset: number): string {
  return addDays(station.services.followup.today(), offset);
}

let sequence = 100;

/** Registers a resident aged `age` or `age` + 1 today (born in early July), in `village`, with a family doctor. */
export async function resident(
  station: TestStation,
  opts: { name: string; age: number; village?: string; doctor?: string; sex?: 'M' | 'F' },
): Promise<Patient> {
  const today = station.services.followup.today();
  sequence += 2;
  const seq = opts.sex === 'F' ? sequence : sequence + 1;
  // The ID's sequence has three digits: past 1,000 residents (a property test and its shrinking) the birth day moves
  // on, so every ID stays unique within July.
  const birthDay = String(1 + (Math.floor(seq / 1000) % 28)).padStart(2, '0');
  const birthDate = `${Number(today.slice(0, 4)) - opts.age - 1}-07-${birthDay}`;
  const result = await call(station.services.dispatch, 'patients', 'register', {
    name: opts.name,
    idNumber: makeResidentId('130321', birthDate, seq % 1000),
    phone: `139${String(sequence).padStart(8, '0')}`,
    village: opts.village,
    contractDoctor: opts.doctor,
    contractDate: opts.doctor ? addDays(today, -400) : undefined,
    confirmNotDuplicate: true,
  });
  if (result.status !== 'created') throw new Error('registration in a fixture failed');
  return result.patient;
}

export function clinicVisit(date: string, values: Partial<FollowUpFormInput> = {}): FollowUpFormInput {
  return { date, mode: 'clinic', symptoms: ['无症状'], adherence: '规律', ...values };
}

export type History = OutputOf<'followup', 'history'>;

export function isOpen(enrolment: History['enrolments'][number], today: string): boolean {
  return enrolment.enrolledOn <= today && (enrolment.endedOn === null || enrolment.endedOn > today);
}

/** FollowUpPatientState from the history API, by plain code (no SQL). */
export function stateFromHistory(patient: Patient, history: History, today: string): FollowUpPatientState {
  const yearStart = yearPeriodContaining(today, 1).start;
  const oldestFirst = [...history.records].reverse();
  const enrolments: EnrolmentState[] = history.enrolments
    .filter((e) => isOpen(e, today))
    .map((e) => {
      const records = oldestFirst.filter((r) => r.enrolmentId === e.id);
      const faceToFace = records.filter((r) => r.form.mode !== 'phone');
      const last = faceToFace.at(-1);
      // The enrolment's own referrals (made by its records): a referral left open when an earlier enrolment in the
      // programme ended is not the re-entered enrolment's to check, as in the engine's history (record-visit.ts).
      const own = new Set(records.map((r) => r.id));
      const referrals = history.referrals.filter((r) => own.has(r.recordId)).reverse();
      const checks = referrals.flatMap((r) => r.checks).sort((x, y) => (x.checkDate < y.checkDate ? -1 : x.checkDate > y.checkDate ? 1 : 0));
      const homeBp = last?.form.selfReportedHomeBp === true;
      return {
        disease: e.disease,
        enrolledOn: e.enrolledOn,
        endedOn: e.endedOn,
        lastFaceToFace: last
          ? {
              date: last.form.date,
              action: last.action,
              nextDueDate: last.nextDueDate,
              sbp: homeBp ? null : (last.form.sbp ?? null),
              dbp: homeBp ? null : (last.form.dbp ?? null),
              fbg: last.form.fbg ?? null,
            }
          : null,
        recentFaceToFaceDates: faceToFace.map((r) => r.form.date).filter((date) => date >= yearStart),
        lastPhoneContactDate: records.filter((r) => r.form.mode === 'phone').at(-1)?.form.date ?? null,
        lastReferral: referrals.length ? { date: referrals.at(-1)!.referredOn, urgent: referrals.at(-1)!.urgency === 'urgent' } : null,
        lastReferralCheck: checks.length ? { date: checks.at(-1)!.checkDate, outcome: checks.at(-1)!.outcome } : null,
      };
    });
  const checks = history.healthChecks.map((h) => h.checkDate).sort();
  return {
    patientId: patient.id,
    birthDate: patient.birthDate,
    village: patient.village,
    familyDoctor: patient.contractDoctor,
    phone: patient.phone,
    lastHealthCheckDate: checks.at(-1) ?? null,
    enrolments,
  };
}
