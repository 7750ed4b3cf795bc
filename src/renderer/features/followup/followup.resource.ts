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

/** Booked follow-ups and each day's slots over a range (the 日程 page). */
export const calendarResource = defineResource('followup.calendar', (input: { from: string; to: string }) => api.followup.calendar(input));
export const useCalendar = calendarResource.use;

/** Bookings the patient did not keep (未到), to follow up. */
export const missedAppointmentsResource = defineResource('followup.missedAppointments', () => api.followup.missedAppointments({}));
export const useMissedAppointments = missedAppointmentsResource.use;

/** The year's 2017-standard indicators, and the patients behind one figure. */
export const indicatorsResource = defineResource('followup.indicators', (input: { year: number }) => api.followup.indicators(input));
export const useIndicators = indicatorsResource.use;

type IndicatorPatientsQuery = Parameters<typeof api.followup.indicatorPatients>[0];
export const indicatorPatientsResource = defineResource('followup.indicatorPatients', (input: IndicatorPatientsQuery) => api.followup.indicatorPatients(input));
export const useIndicatorPatients = indicatorPatientsResource.use;

/** Referrals whose outcome is not yet confirmed, or all of them. */
export const referralsResource = defineResource('followup.referrals', (input: { open: boolean }) => api.followup.referrals(input));
export const useReferrals = referralsResource.use;

/** A patient's programmes, visits and referrals (the follow-up page). */
export const followupHistoryResource = defineResource('followup.history', (input: { patientId: string }) => api.followup.history(input), {
  after: ['followup', 'sync'],
});
export const useFollowupHistory = followupHistoryResource.use;

type PreviewQuery = Parameters<typeof api.followup.evaluate>[0];

/**
 * The engine's proposal for a form as typed (not saved). Keyed by the whole input, so an answer belongs to exactly the
 * form it was asked for; a follow-up write (the visit saved, an earlier one corrected) may change it.
 */
export const followupPreviewResource = defineResource('followup.evaluate', (input: PreviewQuery) => api.followup.evaluate(input));
export const useFollowupPreview = followupPreviewResource.use;
