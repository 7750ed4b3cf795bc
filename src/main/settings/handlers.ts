import type { HandlerDeps, Handlers } from '../api/handler-deps';
import { ApiError } from '../../shared/api/errors';
import { readSettings, writeSettings } from './settings-service';

/** The settings namespace of the contract, bound to its services. */
export function settingsHandlers(s: Pick<HandlerDeps, 'clock' | 'store'>): Handlers<'settings'> {
  const db = () => s.store.current.db;
  return {
    settings: {
      get: () => readSettings(db()),
      update: (patch) => writeSettings(db(), patch, s.clock),
      setLocale: ({ locale }) => {
        if (!s.store.isOpen) throw new ApiError('DB_LOCKED', 'the database is not open yet');
        return writeSettings(db(), { locale }, s.clock);
      },
    },
  };
}
