import type { QuestionnaireResponse } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import type { followupRecords } from '../../../src/main/db/schema/followup';
import { followupVisitFromFhir, followupVisitToFhir } from '../../../src/main/sync/mapping/followup-visit';

type RecordRow = typeof followupRecords.$inferSelect;

const row: RecordRow = {
  id: '0f8f3a52-7c1e-4b7a-9a51-3f1f6d1d2e01',
  patientId: '0f8f3a52-7c1e-4b7a-9a51-3f1f6d1d2e02',
  enrolmentId: '0f8f3a52-7c1e-4b7a-9a51-3f1f6d1d2e03',
  disease: 'hypertension',
  visitDate: '2026-03-02',
  mode: 'clinic',
  faceToFace: true,
  symptoms: '["头痛头晕"]',
  symptomsOther: null,
  sbp: 152,
  dbp: 94,
  heartRate: 78,
  heartRatePersistent: null,
  weightKg: 70.5,
  weightTargetKg: null,
  heightCm: 168,
  bmi: 25,
  bmiTarget: null,
  temperatureC: null,
  dorsalisPedis: null,
  signsOther: null,
  fbg: null,
  randomGlucose: null,
  hba1c: null,
  hba1cDate: null,
  testsOther: null,
  lifestyle: '{}',
  adherence: '规律',
  adr: false,
  adrDesc: null,
  hypoglycemiaReaction: null,
  newComplication: false,
  complicationDesc: null,
  pregnant: false,
  lactating: false,
  selfReportedHomeBp: false,
  withHealthCheck: false,
  medications: '[]',
  insulin: null,
  medicationAdvice: null,
  classification: '控制不满意',
  action: 'adjust_medication',
  engineNextDate: '2026-03-16',
  nextDueDate: '2026-03-16',
  overrideReason: null,
  nextDateShiftReason: null,
  nextDateShiftName: null,
  referralReason: null,
  reasons: '[]',
  ruleSet: '2026.1',
  notes: null,
  doctorId: 7,
  doctorName: '王医生',
  createdAt: '2026-03-02T02:00:00.000Z',
};

function form(): QuestionnaireResponse {
  return followupVisitToFhir(row)[1];
}

function withItem(f: QuestionnaireResponse, linkId: string, answer: NonNullable<QuestionnaireResponse['item']>[number]['answer'] | null) {
  const item = (f.item ?? []).filter((i) => i.linkId !== linkId);
  return { ...f, item: answer === null ? item : [...item, { linkId, answer }] };
}

describe('followupVisitFromFhir', () => {
  it('gives back the row it was made from (the local doctor id is no user here: 0)', () => {
    expect(followupVisitFromFhir(form())).toEqual({ ...row, doctorId: 0 });
  });

  it("fills a missing field that has a default with the schema's default", () => {
    const back = followupVisitFromFhir(withItem(withItem(form(), 'symptoms', null), 'pregnant', null));
    expect(back.symptoms).toBe('[]');
    expect(back.pregnant).toBe(false);
  });

  it.each([
    ['a required field is missing', withItem(form(), 'visitDate', null), /the form has no visitDate/],
    ['a value outside the enum', withItem(form(), 'mode', [{ valueString: 'video' }]), /mode = video is not one of clinic, home, phone/],
    ['a string where a number belongs', withItem(form(), 'sbp', [{ valueString: '152' }]), /sbp is not a number/],
    ['a number where a flag belongs', withItem(form(), 'adr', [{ valueInteger: 1 }]), /adr is not a boolean/],
  ])('refuses a form where %s', (_name, f, message) => {
    expect(() => followupVisitFromFhir(f)).toThrow(message);
  });
});
