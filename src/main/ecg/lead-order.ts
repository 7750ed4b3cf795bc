import { STANDARD_LEADS, type EcgRecord } from '../../shared/ecg';

/** Leads in display order (I, II, III, aVR, aVL, aVF, V1–V6, then the rest as the file lists them). */
export function orderLeads(record: EcgRecord): EcgRecord['leads'] {
  const rank = (name: string) => {
    const i = (STANDARD_LEADS as readonly string[]).indexOf(name);
    return i === -1 ? STANDARD_LEADS.length : i;
  };
  return [...record.leads].sort((a, b) => rank(a.name) - rank(b.name));
}
