import { STANDARD_LEADS, type StandardLead } from './ecg';

/**
 * The names carts, Holters and databases give the standard leads, mapped to the standard name: one table for every
 * reader and screen. Matching ignores case, spaces, dashes, dots and underscores and a leading "ECG" or "lead", so
 * "Lead II", "LEAD_II", "ECG II", "ii" and "II" are one name. Modified limb leads of Holter and monitoring recordings (MLII, ML2, the
 * MIT-BIH "modified lead II") are taken as the limb lead they imitate, as their databases describe them; modified
 * chest leads (MV1, MCL1 …) as the chest lead. Anything not here keeps the file's own label.
 */
const ALIASES: Readonly<Record<StandardLead, readonly string[]>> = {
  I: ['I', 'DI', 'D1', 'MLI', 'ML1'],
  II: ['II', 'DII', 'D2', 'MLII', 'ML2'],
  III: ['III', 'DIII', 'D3', 'MLIII', 'ML3'],
  aVR: ['AVR', 'VR'],
  aVL: ['AVL', 'VL'],
  aVF: ['AVF', 'VF'],
  V1: ['V1', 'C1', 'MV1', 'MCL1'],
  V2: ['V2', 'C2', 'MV2', 'MCL2'],
  V3: ['V3', 'C3', 'MV3', 'MCL3'],
  V4: ['V4', 'C4', 'MV4', 'MCL4'],
  V5: ['V5', 'C5', 'MV5', 'MCL5'],
  V6: ['V6', 'C6', 'MV6', 'MCL6'],
};

function key(label: string): string {
  return label
    .toUpperCase()
    .replace(/[\s._-]+/g, '')
    .replace(/^(ECG)?(LEAD)?/, '');
}

const BY_KEY = new Map<string, StandardLead>(Object.entries(ALIASES).flatMap(([lead, names]) => names.map((n) => [key(n), lead as StandardLead] as const)));

/** The standard name a label stands for, or undefined when it is not one of the twelve. */
export function standardLeadFor(label: string): StandardLead | undefined {
  return BY_KEY.get(key(label));
}

/** The standard name where the label is an alias of one, else the label as the file gave it (trimmed). */
export function canonicalLeadName(label: string): string {
  return standardLeadFor(label) ?? label.trim();
}

/**
 * Names for a record's leads: aliases become standard names, except where two leads would end up with one name
 * (a file with both "II" and "MLII"): then both keep their own labels, since guessing which is which would put the
 * wrong trace under a standard name.
 */
export function canonicalLeadNames(labels: readonly string[]): string[] {
  const mapped = labels.map(canonicalLeadName);
  const count = new Map<string, number>();
  for (const name of mapped) count.set(name, (count.get(name) ?? 0) + 1);
  return mapped.map((name, i) => ((count.get(name) ?? 0) > 1 ? labels[i].trim() : name));
}

/** Display and analysis order: the standard twelve first in their order, then the rest as the file had them. */
export function standardOrder<T extends { name: string }>(leads: readonly T[]): T[] {
  const rank = (name: string) => {
    const i = (STANDARD_LEADS as readonly string[]).indexOf(name);
    return i === -1 ? STANDARD_LEADS.length : i;
  };
  return [...leads].sort((a, b) => rank(a.name) - rank(b.name));
}

/** True when a record carries all twelve standard leads. */
export function hasTwelveLeads(names: readonly string[]): boolean {
  return STANDARD_LEADS.every((lead) => names.includes(lead));
}

/** A resting ECG is 10 s; carts store up to a few seconds more. Anything longer is a rhythm recording. */
export const RESTING_ECG_MAX_SECONDS = 12;

/**
 * Records shown as full-length rows of the leads they have, paged through the whole recording, rather than in a
 * 12-lead layout: fewer than twelve standard leads, or longer than a resting ECG.
 */
export function opensInRhythmView(names: readonly string[], durationS: number): boolean {
  return !hasTwelveLeads(names) || durationS > RESTING_ECG_MAX_SECONDS;
}
