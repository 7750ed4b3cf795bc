import { auditHandlers } from '../audit/handlers';
import { authHandlers } from '../auth/handlers';
import { backupHandlers } from '../backup/handlers';
import { clinicHandlers } from '../clinic/handlers';
import { consultHandlers } from '../consult/handlers';
import { countyRecordHandlers } from '../county-record/handlers';
import { ecgHandlers } from '../ecg/handlers';
import { filesHandlers } from '../files/handlers';
import { followupHandlers } from '../followup/handlers';
import { interopHandlers } from '../interop/handlers';
import { idcardHandlers } from '../idcard/handlers';
import { patientsHandlers } from '../patients/handlers';
import { settingsHandlers } from '../settings/handlers';
import { syncHandlers } from '../sync/handlers';
import { systemHandlers } from '../system/handlers';
import type { Implementation } from './dispatcher';
import type { HandlerDeps } from './handler-deps';

export type { HandlerDeps as ImplementationDeps } from './handler-deps';

/**
 * The list of features: each contributes the handlers of its own contract namespaces (src/main/<feature>/handlers.ts).
 * A contract method without a handler fails tsc here; a new call is added in its feature's folder only.
 */
export function buildImplementation(s: HandlerDeps): Implementation {
  return {
    ...systemHandlers(s),
    ...authHandlers(s),
    ...settingsHandlers(s),
    ...auditHandlers(s),
    ...backupHandlers(s),
    ...patientsHandlers(s),
    ...clinicHandlers(s),
    ...ecgHandlers(s),
    ...filesHandlers(s),
    ...followupHandlers(s),
    ...syncHandlers(s),
    ...consultHandlers(s),
    ...countyRecordHandlers(s),
    ...interopHandlers(s),
    ...idcardHandlers(s),
  };
}
