import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import type { EcgRecord } from '../../../../src/shared/ecg';
import { readEcgFile } from '../../../../src/main/ecg/formats/index';
import { hasSharedSamples, samplePath, SKIP_REASON } from '../../../support/shared-samples';

/**
 * The HL7 aECG example, the C# ECG Toolkit's Example.scp and its Example.dcm are one recording written three ways
 * (the toolkit converted the HL7 example). Three independent readers must therefore agree sample for sample: a
 * scaling, lead-order or difference-decoding slip in any of them shows up here.
 */

const sharedTitle = (title: string) => (hasSharedSamples ? title : `${title} (${SKIP_REASON})`);

/** The corpus's DICOM file is pydicom's Mortara example, a different recording; the toolkit's Example.dcm may be added beside it. */
const toolkitDicom = samplePath('dicom', 'Example.dcm');
const hasToolkitDicom = hasSharedSamples && existsSync(toolkitDicom);
const dicomTitle = 'Example.dcm decodes identically to the HL7 example';

function expectSameRecording(actual: EcgRecord, expected: EcgRecord): void {
  expect(actual.sampleRateHz).toBe(expected.sampleRateHz);
  expect([...actual.leads.map((lead) => lead.name)].sort()).toEqual([...expected.leads.map((lead) => lead.name)].sort());
  for (const lead of expected.leads) {
    const other = actual.leads.find((candidate) => candidate.name === lead.name)!;
    expect(other.microvolts.length, lead.name).toBe(lead.microvolts.length);
    const firstDifference = lead.microvolts.findIndex((value, i) => value !== other.microvolts[i]);
    expect(firstDifference, `${lead.name}: first differing sample`).toBe(-1);
  }
}

describe.skipIf(!hasSharedSamples)(sharedTitle('one recording in three formats'), () => {
  it('Example.scp decodes identically to the HL7 aECG example (12 leads × 5000 samples)', async () => {
    const aecg = await readEcgFile(samplePath('hl7-aecg', 'Example_aECG.xml'));
    const scp = await readEcgFile(samplePath('scp-ecg', 'Example.scp'));
    expect(aecg.format).toBe('hl7-aecg');
    expect(scp.format).toBe('scp-ecg');
    expect(scp.leads).toHaveLength(12);
    expectSameRecording(scp, aecg);
  });

  it.skipIf(!hasToolkitDicom)(hasToolkitDicom ? dicomTitle : `${dicomTitle} (skipped: ${toolkitDicom} is not in the corpus)`, async () => {
    const aecg = await readEcgFile(samplePath('hl7-aecg', 'Example_aECG.xml'));
    const dicom = await readEcgFile(toolkitDicom);
    expect(dicom.format).toBe('dicom');
    expectSameRecording(dicom, aecg);
  });
});
