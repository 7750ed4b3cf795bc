import { api } from '../../api/client';
import { defineResource } from '../../api/resource';

type ReminderQuery = Parameters<typeof api.followup.reminders>[0];

/** The day's reminder lists; invalidated by every follow-up write (a visit, an enrolment, a referral check). */
export const remindersResource = defineResource('followup.reminders', (input: ReminderQuery) => api.followup.reminders(input));
export const useReminders = remindersResource.use;

export const familyDoctorsResource = defineResource('followup.familyDoctors', () => api.followup.familyDoctors({}));
export const useFamilyDoctors = familyDoctorsResource.use;

/** Each disease's one enrolment state (enrolled, ended, proposed at registration, none), for the chart. */
export const enrolmentStatesResource = defineResource('followup.enrolmentStates', (input: { patientId: string }) => api.followup.enrolmentStates(input));
export const useEnrolmentStates = enrolmentStatesResource.use;

/** Whatever a follow-up write can change: the lists, the calendar, the indicators. */
export function invalidateFollowup(): void {
  remindersResource.invalidate();
  enrolmentStatesResource.invalidate();
}
