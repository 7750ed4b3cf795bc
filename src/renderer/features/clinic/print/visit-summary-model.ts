import type { Visit, VitalsRecord } from '../../../../shared/api/clinic';
import { clinicDayOf } from '../../../components/dates';

export const PAPER_SIZES = ['A5', 'A4'] as const;
export type PaperSize = (typeof PAPER_SIZES)[number];

export function paperSizeOf(query: string | null): PaperSize {
  return query?.toUpperCase() === 'A4' ? 'A4' : 'A5';
}

/** The vitals that belong on the summary: recorded against this visit, or measured on the visit's clinic day. */
export function vitalsOfVisitDay(records: readonly VitalsRecord[], visit: Pick<Visit, 'id' | 'openedAt'>): VitalsRecord[] {
  const day = clinicDayOf(visit.openedAt);
  return records.filter((r) => r.visitId === visit.id || clinicDayOf(r.measuredAt) === day);
}
