import { describe, expect, it } from 'vitest';
import { canonicalLeadName, canonicalLeadNames, opensInRhythmView, standardLeadFor, standardOrder } from '../../src/shared/ecg-leads';
import { STANDARD_LEADS } from '../../src/shared/ecg';

describe('lead aliases → standard names (one table)', () => {
  it.each([
    ['MLII', 'II'],
    ['ML2', 'II'],
    ['DII', 'II'],
    ['D2', 'II'],
    ['Lead II', 'II'],
    ['LEAD_II', 'II'],
    ['ECG II', 'II'],
    ['ii', 'II'],
    ['MLI', 'I'],
    ['DIII', 'III'],
    ['AVR', 'aVR'],
    ['avl', 'aVL'],
    ['Lead aVF', 'aVF'],
    ['MV1', 'V1'],
    ['MCL1', 'V1'],
    ['C5', 'V5'],
    ['v6', 'V6'],
  ])('%s is %s', (label, standard) => expect(standardLeadFor(label)).toBe(standard));

  it.each(['Pleth', 'ABP', 'RESP', 'signal 3', 'V7', 'X', '', 'IIII'])('%j is none of the twelve and keeps its label', (label) => {
    expect(standardLeadFor(label)).toBeUndefined();
    expect(canonicalLeadName(label)).toBe(label.trim());
  });

  it('every standard name maps to itself', () => {
    for (const lead of STANDARD_LEADS) expect(standardLeadFor(lead)).toBe(lead);
  });

  it('keeps both labels when two leads of one file would get the same standard name', () => {
    expect(canonicalLeadNames(['II', 'MLII', 'V1'])).toEqual(['II', 'MLII', 'V1']);
    expect(canonicalLeadNames(['MLII', 'V1'])).toEqual(['II', 'V1']);
  });

  it('orders the standard twelve first, the rest as the file had them', () => {
    expect(standardOrder([{ name: 'Pleth' }, { name: 'V1' }, { name: 'II' }, { name: 'ABP' }]).map((l) => l.name)).toEqual(['II', 'V1', 'Pleth', 'ABP']);
  });

  it('opens fewer than twelve leads, or more than a resting ECG, in the rhythm view', () => {
    expect(opensInRhythmView(['II', 'V1'], 1805)).toBe(true);
    expect(opensInRhythmView(['II', 'V1'], 10)).toBe(true);
    expect(opensInRhythmView([...STANDARD_LEADS], 10)).toBe(false);
    expect(opensInRhythmView([...STANDARD_LEADS], 47)).toBe(true);
  });
});
