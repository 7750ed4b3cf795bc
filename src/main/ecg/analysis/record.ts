import type { EcgRecord } from '../../../shared/ecg';
import { canonicalLeadNames, standardOrder } from '../../../shared/ecg-leads';

/**
 * A decoded record as the app stores and analyses it: lead aliases (MLII, "Lead II", DII …) under their standard
 * names and the standard twelve first in their order. The store, the screen's analysis and the bench's scoring all
 * take records through here, so the lead the detector decides on is the same everywhere (for MIT-BIH: MLII, as
 * its reference annotations were made on it).
 */
export function normaliseLeads(record: EcgRecord): EcgRecord {
  const names = canonicalLeadNames(record.leads.map((lead) => lead.name));
  return { ...record, leads: standardOrder(record.leads.map((lead, i) => ({ ...lead, name: names[i] }))) };
}
