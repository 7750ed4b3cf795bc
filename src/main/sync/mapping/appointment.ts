import type { Appointment } from '@medplum/fhirtypes';
import { followupAppointments } from '../../db/schema/followup';
import type { ResourceWithId } from '../outbox';
import { enrolmentConditionId } from './enrolment';
import { referencedId, STATION, stationExtensions, stationString } from './codes';

type AppointmentRow = typeof followupAppointments.$inferSelect;
type NewAppointmentRow = typeof followupAppointments.$inferInsert;
export type AppointmentWithId = Appointment & ResourceWithId;

/**
 * A booked follow-up (or referral check) as an Appointment. Bookings are for a day, not a time: the Appointment
 * spans that China-local day (a booked Appointment must have start and end, app-3); the latest day the rules
 * allow is requestedPeriod.end. Appointment.participant cannot name an Organization, so the institution is in the
 * tag only.
 */

const STATUS = { scheduled: 'booked', done: 'fulfilled', cancelled: 'cancelled' } as const;
const KIND_DISPLAY = { followup: '慢病随访', referral_check: '转诊复查' } as const;
const CHINA = '+08:00';

export function appointmentToFhir(row: AppointmentRow): AppointmentWithId {
  return {
    resourceType: 'Appointment',
    id: row.id,
    status: STATUS[row.status],
    serviceType: [{ coding: [{ system: STATION.programme, code: `appointment-${row.kind}`, display: KIND_DISPLAY[row.kind] }] }],
    reasonReference: [{ reference: `Condition/${enrolmentConditionId(row.enrolmentId)}` }],
    start: `${row.apptDate}T00:00:00${CHINA}`,
    end: `${row.apptDate}T23:59:59${CHINA}`,
    requestedPeriod: [{ end: row.dueDate }],
    created: row.createdAt,
    participant: [{ actor: { reference: `Patient/${row.patientId}` }, status: 'accepted' }],
    extension: stationExtensions({
      enrolmentId: row.enrolmentId,
      disease: row.disease,
      sourceRecordId: row.sourceRecordId,
      doneRecordId: row.doneRecordId,
      rescheduledFrom: row.rescheduledFrom,
    }),
  };
}

export function isFollowupAppointment(appointment: Appointment): boolean {
  return appointment.serviceType?.some((type) => type.coding?.some((coding) => coding.system === STATION.programme)) ?? false;
}

const KINDS = ['followup', 'referral_check'] as const;
const DISEASES = ['hypertension', 't2dm'] as const;

export function appointmentFromFhir(appointment: Appointment, now: string): NewAppointmentRow {
  const what = `Appointment/${appointment.id}`;
  if (!appointment.id) throw new Error('an Appointment without an id cannot be stored');
  const ext = (name: string) => stationString(appointment.extension, name);
  const code = appointment.serviceType?.flatMap((type) => type.coding ?? []).find((coding) => coding.system === STATION.programme)?.code;
  const kind = KINDS.find((each) => code === `appointment-${each}`);
  const disease = DISEASES.find((each) => each === ext('disease'));
  const status =
    appointment.status === 'fulfilled'
      ? 'done'
      : appointment.status === 'cancelled' || appointment.status === 'noshow' || appointment.status === 'entered-in-error'
        ? 'cancelled'
        : 'scheduled';
  const enrolmentId = ext('enrolmentId');
  const patient = appointment.participant.find((each) => each.actor?.reference?.startsWith('Patient/'));
  const apptDate = appointment.start?.slice(0, 10);
  const dueDate = appointment.requestedPeriod?.[0]?.end?.slice(0, 10);
  if (!kind || !disease || !enrolmentId || !apptDate || !dueDate) throw new Error(`${what} is not a follow-up booking this station can read`);
  return {
    id: appointment.id,
    patientId: referencedId(patient?.actor?.reference, 'Patient', what),
    enrolmentId,
    disease,
    apptDate,
    dueDate,
    kind,
    status,
    sourceRecordId: ext('sourceRecordId'),
    doneRecordId: ext('doneRecordId'),
    rescheduledFrom: ext('rescheduledFrom'),
    createdAt: appointment.created ?? now,
    updatedAt: appointment.meta?.lastUpdated ?? now,
  };
}
