import { desc, gt, inArray, or } from 'drizzle-orm';
import { OPEN_CONSULT_STATUSES } from '../../shared/api/consult';
import type { Sqlite } from '../db/open';
import { consultRequests } from '../db/schema';
import { dbOf } from '../sync/pulled/store';

/**
 * What the consult feature asks the county for on each pull — its own consults' Tasks and the reports based on
 * them — instead of every Task and DiagnosticReport of the county. A consult stays asked-for while open and for
 * a month after it last changed (a county report corrected after completion still arrives).
 */
const STILL_ASKED_MS = 30 * 24 * 3600_000;
const MAX_ASKED = 100;

function askedConsults(sqlite: Sqlite): { id: string; taskId: string }[] {
  const since = new Date(Date.now() - STILL_ASKED_MS).toISOString();
  return dbOf(sqlite)
    .select({ id: consultRequests.id, taskId: consultRequests.taskId })
    .from(consultRequests)
    .where(or(inArray(consultRequests.status, [...OPEN_CONSULT_STATUSES]), gt(consultRequests.updatedAt, since)))
    .orderBy(desc(consultRequests.updatedAt))
    .limit(MAX_ASKED)
    .all();
}

export function consultTaskScope(sqlite: Sqlite): Record<string, string> | null {
  const asked = askedConsults(sqlite);
  return asked.length === 0 ? null : { _id: asked.map((each) => each.taskId).join(',') };
}

export function consultReplyScope(sqlite: Sqlite): Record<string, string> | null {
  const asked = askedConsults(sqlite);
  return asked.length === 0 ? null : { 'based-on': asked.map((each) => `ServiceRequest/${each.id}`).join(',') };
}
