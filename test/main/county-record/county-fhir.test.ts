import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { compareCountyItems, countyRecordItem, narrativeText, sourceInstitutionOf, type OwnRecords } from '../../../src/main/county-record/county-fhir';
import { relativeNext } from '../../../src/main/county-record/county-record-service';
import { INSTITUTION_CODE_SYSTEM } from '../../../src/shared/institution';

const subject = { reference: 'Patient/x' };
const hospital = { display: '县人民医院', identifier: { system: INSTITUTION_CODE_SYSTEM, value: 'H1' } };
const nobodyOwns: OwnRecords = { has: () => false, institutionCode: null };

describe('sourceInstitutionOf', () => {
  it.each<[string, Resource, { name: string | null; code: string | null }]>([
    [
      'institution tag wins',
      {
        resourceType: 'Encounter',
        status: 'finished',
        class: { code: 'AMB' },
        meta: { tag: [{ system: INSTITUTION_CODE_SYSTEM, code: 'T1', display: '县中医院' }] },
        serviceProvider: hospital,
      },
      { name: '县中医院', code: 'T1' },
    ],
    [
      'Encounter.serviceProvider',
      { resourceType: 'Encounter', status: 'finished', class: { code: 'AMB' }, serviceProvider: hospital },
      { name: '县人民医院', code: 'H1' },
    ],
    [
      'Observation.performer',
      { resourceType: 'Observation', status: 'final', code: {}, performer: [{ reference: 'Practitioner/1' }, hospital] },
      { name: '县人民医院', code: 'H1' },
    ],
    [
      'DocumentReference.custodian',
      { resourceType: 'DocumentReference', status: 'current', content: [], custodian: { display: '县妇幼保健院' } },
      { name: '县妇幼保健院', code: null },
    ],
    [
      'MedicationRequest.requester',
      { resourceType: 'MedicationRequest', status: 'active', intent: 'order', subject, requester: hospital },
      { name: '县人民医院', code: 'H1' },
    ],
    [
      'a tag of another system is not an institution',
      { resourceType: 'Condition', subject, meta: { tag: [{ system: 'urn:other', code: 'x', display: 'y' }] } },
      { name: null, code: null },
    ],
    ['nothing said', { resourceType: 'Condition', subject }, { name: null, code: null }],
  ])('%s', (_name, resource, expected) => {
    expect(sourceInstitutionOf(resource)).toEqual(expected);
  });
});

describe('countyRecordItem', () => {
  it.each<[string, Resource, string | null]>([
    ['inpatient encounter', { resourceType: 'Encounter', id: 'e', status: 'finished', class: { code: 'IMP', display: '住院' }, subject }, 'encounter'],
    ['diagnosis', { resourceType: 'Condition', id: 'c', subject, code: { text: '2型糖尿病' } }, 'diagnosis'],
    ['refuted diagnosis', { resourceType: 'Condition', id: 'c2', subject, verificationStatus: { coding: [{ code: 'refuted' }] } }, null],
    ['lab result', { resourceType: 'Observation', id: 'o', status: 'final', code: { text: '肌酐' } }, 'lab'],
    ['lab entered in error', { resourceType: 'Observation', id: 'o2', status: 'entered-in-error', code: { text: '血糖' } }, null],
    ['ECG report by category', { resourceType: 'DiagnosticReport', id: 'd', status: 'final', code: {}, category: [{ coding: [{ code: 'EC' }] }] }, 'ecg'],
    [
      'ECG report by LOINC',
      { resourceType: 'DiagnosticReport', id: 'd2', status: 'final', code: { coding: [{ system: 'http://loinc.org', code: '11524-6' }] } },
      'ecg',
    ],
    ['lab panel report', { resourceType: 'DiagnosticReport', id: 'd3', status: 'final', code: {}, category: [{ coding: [{ code: 'LAB' }] }] }, 'lab'],
    ['imaging report', { resourceType: 'DiagnosticReport', id: 'd4', status: 'final', code: { text: '胸部CT' } }, 'report'],
    ['preliminary report', { resourceType: 'DiagnosticReport', id: 'd5', status: 'preliminary', code: { text: '胸部CT' } }, null],
    ['discharge summary document', { resourceType: 'DocumentReference', id: 'r', status: 'current', content: [] }, 'document'],
    ['composition', { resourceType: 'Composition', id: 'k', status: 'final', type: {}, date: '2026-01-01', author: [], title: '出院小结' }, 'document'],
    ['medication', { resourceType: 'MedicationStatement', id: 'm', status: 'active', subject }, 'medication'],
    ['a type the view does not show', { resourceType: 'Organization', id: 'g' }, null],
    ['no id', { resourceType: 'Condition', subject }, null],
  ])('%s -> %s', (_name, resource, kind) => {
    expect(countyRecordItem(resource, nobodyOwns)?.kind ?? null).toBe(kind);
  });

  it("leaves out the center's own records: queued by this station, or tagged with its institution code", () => {
    const condition: Resource = {
      resourceType: 'Condition',
      id: 'mine',
      subject,
      code: { text: '高血压' },
      meta: { tag: [{ system: INSTITUTION_CODE_SYSTEM, code: 'OURS' }] },
    };
    expect(countyRecordItem(condition, { has: (key) => key === 'Condition/mine', institutionCode: null })).toBeNull();
    expect(countyRecordItem(condition, { has: () => false, institutionCode: 'OURS' })).toBeNull();
    expect(countyRecordItem(condition, { has: () => false, institutionCode: 'OTHER' })).toMatchObject({ title: '高血压', sourceInstitutionCode: 'OURS' });
  });

  it('words a lab value with unit, interpretation and range, and decodes a text discharge summary', () => {
    const lab = countyRecordItem(
      {
        resourceType: 'Observation',
        id: 'o',
        status: 'final',
        code: { text: '空腹血糖' },
        valueQuantity: { value: 9.8, unit: 'mmol/L' },
        interpretation: [{ text: '偏高' }],
        referenceRange: [{ low: { value: 3.9 }, high: { value: 6.1 } }],
        effectiveDateTime: '2026-05-10T07:50:00+08:00',
      },
      nobodyOwns,
    );
    expect(lab).toMatchObject({ title: '空腹血糖', detail: '9.8 mmol/L；偏高；(3.9–6.1)', effectiveAt: '2026-05-10T07:50:00+08:00' });
    const summary = countyRecordItem(
      {
        resourceType: 'DocumentReference',
        id: 'r',
        status: 'current',
        type: { text: '出院小结' },
        date: '2026-03-12',
        content: [{ attachment: { contentType: 'text/plain; charset=utf-8', data: Buffer.from('好转出院', 'utf8').toString('base64') } }],
      },
      nobodyOwns,
    );
    expect(summary).toMatchObject({ title: '出院小结', detail: '好转出院', effectiveAt: '2026-03-12' });
  });
});

describe('narrativeText', () => {
  it.each<[string | undefined, string | null]>([
    [undefined, null],
    ['<div xmlns="http://www.w3.org/1999/xhtml"></div>', null],
    ['<div>慢阻肺<br/>肺部感染</div>', '慢阻肺\n肺部感染'],
    ['<div><p>A &amp; B</p><p>&lt;5&gt;</p></div>', 'A & B\n<5>'],
  ])('%s', (xhtml, expected) => {
    expect(narrativeText(xhtml)).toBe(expected);
  });
});

describe('compareCountyItems and relativeNext', () => {
  it('orders newest first, a date-only record by its day, undated last', () => {
    const items = [
      { effectiveAt: null, title: 'x' },
      { effectiveAt: '2026-03-02T10:20:00+08:00', title: 'a' },
      { effectiveAt: '2026-03-12', title: 'b' },
      { effectiveAt: '2026-01-08T16:00:00+08:00', title: 'c' },
    ];
    expect([...items].sort(compareCountyItems).map((item) => item.title)).toEqual(['b', 'a', 'c', 'x']);
  });

  it.each<[string | undefined, string | undefined]>([
    [undefined, undefined],
    ['https://county.example/fhir/R4/Encounter?_count=200&_offset=200', 'Encounter?_count=200&_offset=200'],
    ['https://elsewhere.example/fhir/R4/Encounter?_offset=200', undefined],
  ])('next %s -> %s', (next, expected) => {
    expect(relativeNext('https://county.example/fhir/R4/', next)).toBe(expected);
  });
});
