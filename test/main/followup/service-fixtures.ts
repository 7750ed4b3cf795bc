import { call } from '../../../src/main/api/dispatcher';
import type { FollowUpFormInput } from '../../../src/shared/api/followup';
import type { Patient } from '../../../src/shared/api/patients';
import { addDays } from '../../../src/shared/dates';
import { makeResidentId } from '../../../src/shared/resident-id';
import type { TestStation } from '../../support/test-services';

/** The station's today (China local date) moved by `offset` days: tests use relative dates so they pass any day. */
export function dayFrom(station: TestStation, offset: number): string {
  return addDays(station.services.followup.today(), offset);
}

let sequence = 100;

/** Registers a resident aged `age` or `age` + 1 today (born on a 1 July), in `village`, with a family doctor. */
export async function resident(station: TestStation, opts: { name: string; age: number; village?: string; doctor?: string; sex?: 'M' | 'F' }): Promise<Patient> {
  const today = station.services.followup.today();
  const birthDate = `${Number(today.slice(0, 4)) - opts.age - 1}-07-01`;
  sequence += 2;
  const seq = opts.sex === 'F' ? sequence : sequence + 1;
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
