import { api } from '../../api/client';
import { defineResource } from '../../api/resource';

/** The station's settings: facility name on every printout, villages, lock and password rules. */
export const settingsResource = defineResource('settings.get', () => api.settings.get({}));
export const useSettings = settingsResource.use;

/** The station's user accounts (administrators). */
export const usersResource = defineResource('users.list', () => api.users.list({}));
export const useUsers = usersResource.use;

/** The clinic's working days and holidays: the calendar marks closed days, settings edits them. */
export const workingCalendarResource = defineResource('settings.workingCalendar', () => api.settings.workingCalendar({}));
export const useWorkingCalendar = workingCalendarResource.use;
