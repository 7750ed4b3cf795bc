import type { HandlerDeps, Handlers } from '../api/handler-deps';
import { ApiError } from '../../shared/api/errors';
import { readSettings, writeSettings } from './settings-service';
import { readWorkingCalendar, writeWorkingCalendar } from './working-calendar';

/** The settings namespace of the contract, bound to its services. */
export function settingsHandlers(s: Pick<HandlerDeps, 'clock' | 'store' | 'sync'>): Handlers<'settings'> {
  const db = () => s.store.current.db;
  return {
    settings: {
      get: () => readSettings(db()),
      update: (patch) => {
        const before = readSettings(db());
        const after = writeSettings(db(), patch, s.clock);
        // A new code re-stamps everything the station sends (back-fill); a new name changes its Organization.
        if (after.institutionCode !== before.institutionCode || after.facilityName !== before.facilityName) void s.sync.institutionChanged();
        return after;
      },
      setLocale: ({ locale }) => {
        if (!s.store.isOpen) throw new ApiError('DB_LOCKED', 'the database is not open yet');
        return writeSettings(db(), { locale }, s.clock);
      },
      workingCalendar: () => readWorkingCalendar(db()),
      setWorkingCalendar: (calendar) => writeWorkingCalendar(db(), calendar, s.clock),
    },
  };
}
