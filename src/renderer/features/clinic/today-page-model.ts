import type { QueueEntry } from '../../../shared/api/clinic';
import { minutesBetween } from '../../components/dates';

type Status = QueueEntry['status'];

/** The moves a desk makes from each status (the service allows these and refuses the rest). */
export const STATUS_ACTIONS: Record<Status, Status[]> = {
  waiting: ['inConsultation', 'left'],
  inConsultation: ['done', 'waiting'],
  done: [],
  left: ['waiting'],
};

/** Minutes waited: until now while waiting, until the consultation began once it has. */
export function waitMinutes(entry: Pick<QueueEntry, 'status' | 'checkedInAt' | 'startedAt' | 'finishedAt'>, now: Date): number {
  if (entry.status === 'waiting') return minutesBetween(entry.checkedInAt, now);
  const end = entry.startedAt ?? entry.finishedAt;
  return end ? minutesBetween(entry.checkedInAt, new Date(end)) : minutesBetween(entry.checkedInAt, now);
}
