import type { DiagnosticReport, Observation, ServiceRequest, Task } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  consultDocumentReference,
  consultResources,
  consultServiceRequest,
  consultStatusFromTask,
  consultTask,
  CRITICAL_VALUE_EXTENSION,
  nextConsultStatus,
  pulledReply,
  pulledTask,
  referencedId,
  type ConsultDocument,
  type ConsultForFhir,
} from '../../../src/main/consult/consult-fhir';
import { describeIssues, validateForSend } from '../../../src/main/sync/fhir-validate';
import { CONSULT_STATUSES, CONSULT_URGENCIES, type ConsultStatus } from '../../../src/shared/api/consult';

const consult: ConsultForFhir = {
  id: '0f6b7c1e-1111-4a4a-9b9b-000000000001',
  taskId: '0f6b7c1e-2222-4a4a-9b9b-000000000002',
  patientId: 'c0ffee00-0000-4000-8000-000000000003',
  question: '胸闷两天，心电图ST段压低，请协助判读是否为急性冠脉综合征。',
  urgency: 'urgent',
  targetInstitution: '某某县人民医院',
  specialty: 'cardiology',
  status: 'requested',
  requestedAt: '2026-03-02T01:30:00.000Z',
  updatedAt: '2026-03-02T01:30:00.000Z',
  requesterName: '李医生',
  documentIds: ['d0c00000-0000-4000-8000-000000000004', 'd0c00000-0000-4000-8000-000000000005'],
  vitals: [
    {
      id: 'ab12cd34-0000-4000-8000-000000000006',
      measuredAt: '2026-03-02T01:10:00.000Z',
      systolic: 152,
      diastolic: 94,
      heartRate: 88,
      weightKg: 70.5,
      heightCm: 168,
      bmi: 25,
      glucose: { mmolPerL: 7.4, timing: 'fasting' },
    },
  ],
  diagnoses: [
    { code: 'I10', name: '原发性高血压', recordedAt: '2026-02-20T02:00:00.000Z' },
    { code: 'E11.9', name: '2型糖尿病', recordedAt: '2026-02-20T02:00:00.000Z' },
  ],
};

const documents: ConsultDocument[] = [
  {
    id: consult.documentIds[0],
    kind: 'aecg',
    ecgId: 'ecg-1',
    fileName: 'ecg-1.xml',
    xml: '<AnnotatedECG>心电</AnnotatedECG>',
    recordedAt: '2026-03-02T09:20:00+08:00',
  },
  { id: consult.documentIds[1], kind: 'ecg-report-pdf', ecgId: 'ecg-1', fileName: 'ecg-1.pdf', pdf: new Uint8Array([0x25, 0x50, 0x44, 0x46, 0x2d]) },
];

describe('consult → FHIR', () => {
  it('every resource a request sends is valid R4', () => {
    for (const resource of consultResources(consult, documents)) {
      const result = validateForSend(resource);
      expect(result.valid ? '' : describeIssues(result.issues), `${resource.resourceType}/${resource.id}`).toBe('');
    }
  });

  it('a request without attachments or summary is valid too, with no empty arrays', () => {
    const bare = { ...consult, documentIds: [], vitals: [], diagnoses: [] };
    const request = consultServiceRequest(bare);
    expect(request.contained).toBeUndefined();
    expect(request.supportingInfo).toBeUndefined();
    expect(validateForSend(request).valid).toBe(true);
  });

  it('the ServiceRequest carries the question, urgency, target, specialty and subject', () => {
    const request = consultServiceRequest(consult);
    expect(request).toMatchObject({
      status: 'active',
      intent: 'order',
      priority: 'urgent',
      subject: { reference: `Patient/${consult.patientId}` },
      performer: [{ display: '某某县人民医院' }],
      reasonCode: [{ text: consult.question }],
      note: [{ text: consult.question }],
      performerType: { coding: [{ code: 'cardiology' }] },
    });
  });

  it.each(CONSULT_URGENCIES)('urgency %s is the FHIR priority of both resources', (urgency) => {
    const changed = { ...consult, urgency };
    expect(consultServiceRequest(changed).priority).toBe(urgency);
    expect(consultTask(changed).priority).toBe(urgency);
  });

  it('the summary is contained and every contained resource is referenced from supportingInfo (dom-3)', () => {
    const request = consultServiceRequest(consult);
    const containedIds = (request.contained ?? []).map((resource) => resource.id);
    expect(new Set(containedIds).size).toBe(containedIds.length);
    const referenced = (request.supportingInfo ?? []).map((ref) => ref.reference);
    for (const id of containedIds) expect(referenced).toContain(`#${id}`);
    for (const id of consult.documentIds) expect(referenced).toContain(`DocumentReference/${id}`);
    const codes = (request.contained ?? [])
      .filter((resource): resource is Observation => resource.resourceType === 'Observation')
      .map((observation) => observation.code.coding?.[0].code);
    expect(codes).toEqual(['85354-9', '8867-4', '29463-7', '8302-2', '39156-5', '14771-0']);
    const bp = (request.contained ?? []).find((resource) => resource.id?.endsWith('-bp')) as Observation;
    expect(bp.component?.map((c) => [c.code.coding?.[0].code, c.valueQuantity?.value, c.valueQuantity?.code])).toEqual([
      ['8480-6', 152, 'mm[Hg]'],
      ['8462-4', 94, 'mm[Hg]'],
    ]);
  });

  it('a random glucose is not coded as fasting', () => {
    const random = consultServiceRequest({ ...consult, vitals: [{ ...consult.vitals[0], glucose: { mmolPerL: 11.2, timing: 'random' } }] });
    const codes = (random.contained ?? []).map((resource) => (resource as Observation).code?.coding?.[0].code);
    expect(codes).toContain('15074-8');
    expect(codes).not.toContain('14771-0');
  });

  it('the Task is an order based on the ServiceRequest, for the patient, owned by the target', () => {
    const task = consultTask(consult);
    expect(task).toMatchObject({
      status: 'requested',
      intent: 'order',
      basedOn: [{ reference: `ServiceRequest/${consult.id}` }],
      focus: { reference: `ServiceRequest/${consult.id}` },
      for: { reference: `Patient/${consult.patientId}` },
      owner: { display: '某某县人民医院' },
      businessStatus: { coding: [{ code: 'awaiting-acceptance' }] },
    });
  });

  it('a withdrawn request revokes the ServiceRequest and cancels the Task', () => {
    const cancelled = { ...consult, status: 'cancelled' as const };
    expect(consultServiceRequest(cancelled).status).toBe('revoked');
    expect(consultTask(cancelled).status).toBe('cancelled');
  });

  it('the aECG travels as application/hl7-v3+xml, base64 of its UTF-8 bytes; the PDF as application/pdf', () => {
    const [aecg, pdf] = documents.map((document) => consultDocumentReference(consult, document));
    const attachment = aecg.content[0].attachment;
    expect(attachment.contentType).toBe('application/hl7-v3+xml');
    expect(Buffer.from(attachment.data ?? '', 'base64').toString('utf8')).toBe('<AnnotatedECG>心电</AnnotatedECG>');
    expect(attachment.size).toBe(Buffer.byteLength('<AnnotatedECG>心电</AnnotatedECG>'));
    expect(attachment.creation).toBe('2026-03-02T09:20:00+08:00');
    expect(aecg.context?.related).toEqual([{ reference: `ServiceRequest/${consult.id}` }]);
    expect(pdf.content[0].attachment).toMatchObject({ contentType: 'application/pdf', data: Buffer.from('%PDF-').toString('base64'), size: 5 });
  });

  it('a recording time without a zone is left out rather than sent as an invalid dateTime', () => {
    const [aecg] = documents;
    const reference = consultDocumentReference(consult, { ...aecg, recordedAt: '2026-03-02T09:20:00' } as ConsultDocument);
    expect(reference.content[0].attachment.creation).toBeUndefined();
    expect(validateForSend(reference).valid).toBe(true);
  });
});

describe('FHIR → consult', () => {
  it.each<[Task['status'], ConsultStatus]>([
    ['draft', 'requested'],
    ['requested', 'requested'],
    ['received', 'requested'],
    ['accepted', 'accepted'],
    ['ready', 'accepted'],
    ['in-progress', 'in-progress'],
    ['on-hold', 'in-progress'],
    ['completed', 'completed'],
    ['rejected', 'rejected'],
    ['failed', 'rejected'],
    ['cancelled', 'cancelled'],
    ['entered-in-error', 'cancelled'],
  ])('Task %s → %s', (fhir, ours) => {
    expect(consultStatusFromTask(fhir)).toBe(ours);
  });

  it('our statuses survive the trip out and back', () => {
    for (const status of CONSULT_STATUSES) expect(consultStatusFromTask(consultTask({ ...consult, status }).status)).toBe(status);
  });

  it('a pulled Task names its ServiceRequest, status and the county note', () => {
    const task: Task = {
      ...consultTask(consult),
      status: 'rejected',
      note: [{ text: 'first' }, { text: '请转上级医院急诊' }],
      basedOn: [{ reference: `https://county.example/fhir/R4/ServiceRequest/${consult.id}/_history/3` }],
    };
    expect(pulledTask(task)).toMatchObject({ taskId: consult.taskId, serviceRequestId: consult.id, status: 'rejected', note: '请转上级医院急诊' });
  });

  it('status moves only forward and an end is final, whatever order Task versions arrive in', () => {
    const rank = (status: ConsultStatus) => ['requested', 'accepted', 'in-progress'].indexOf(status);
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...CONSULT_STATUSES), { maxLength: 12 }), (pulls) => {
        let current: ConsultStatus = 'requested';
        for (const pulled of pulls) {
          const next = nextConsultStatus(current, pulled);
          const ended = rank(current) === -1;
          if (ended) expect(next).toBe(current);
          else expect(next === current || rank(next) === -1 || rank(next) > rank(current)).toBe(true);
          if (!ended && next !== current) expect(next).toBe(pulled);
          current = next;
        }
        const firstEnd = pulls.find((status) => rank(status) === -1);
        if (firstEnd) expect(current).toBe(firstEnd);
      }),
    );
  });

  const report = (change: Partial<DiagnosticReport> = {}): DiagnosticReport => ({
    resourceType: 'DiagnosticReport',
    id: 'rep-1',
    meta: { versionId: '2', lastUpdated: '2026-03-02T03:00:00.000Z' },
    status: 'final',
    code: { coding: [{ system: 'http://loinc.org', code: '11524-6' }] },
    basedOn: [{ reference: `ServiceRequest/${consult.id}` }],
    subject: { reference: `Patient/${consult.patientId}` },
    issued: '2026-03-02T02:55:00.000Z',
    resultsInterpreter: [{ display: '王主任' }],
    conclusion: '窦性心律，V4–V6 ST段压低 0.2 mV',
    presentedForm: [
      { contentType: 'text/plain', data: 'eA==' },
      { contentType: 'application/pdf', data: 'JVBERi0=' },
    ],
    ...change,
  });

  it('a report becomes a reply with conclusion, signer, signed time, PDF and version', () => {
    expect(pulledReply(report())).toEqual({
      reportId: 'rep-1',
      serviceRequestId: consult.id,
      conclusion: '窦性心律，V4–V6 ST段压低 0.2 mV',
      signer: '王主任',
      signedAt: '2026-03-02T02:55:00.000Z',
      pdfBase64: 'JVBERi0=',
      critical: false,
      criticalText: null,
      version: '2',
    });
  });

  it('the performer signs when no interpreter is named', () => {
    expect(pulledReply(report({ resultsInterpreter: undefined, performer: [{ display: '县医院心电诊断中心' }] }))?.signer).toBe('县医院心电诊断中心');
  });

  it('a critical value is read from our extension or from a v3 critical interpretation code', () => {
    const byExtension = pulledReply(report({ extension: [{ url: CRITICAL_VALUE_EXTENSION, valueString: '急性前壁心肌梗死' }] }));
    expect(byExtension).toMatchObject({ critical: true, criticalText: '急性前壁心肌梗死' });
    const byCode = pulledReply(
      report({
        conclusionCode: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'AA' }], text: '室性心动过速' }],
      }),
    );
    expect(byCode).toMatchObject({ critical: true, criticalText: '室性心动过速' });
    const abnormalOnly = pulledReply(
      report({ conclusionCode: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'A' }] }] }),
    );
    expect(abnormalOnly?.critical).toBe(false);
  });

  it('a report not based on a ServiceRequest is not a consult reply', () => {
    expect(pulledReply(report({ basedOn: undefined }))).toBeNull();
    expect(pulledReply(report({ basedOn: [{ reference: 'CarePlan/x' }] }))).toBeNull();
  });

  it('references resolve by type, relative or absolute, with or without a version', () => {
    expect(referencedId({ reference: 'ServiceRequest/a-1' }, 'ServiceRequest')).toBe('a-1');
    expect(referencedId({ reference: 'https://x/fhir/R4/ServiceRequest/a-1/_history/9' }, 'ServiceRequest')).toBe('a-1');
    expect(referencedId({ reference: 'Task/a-1' }, 'ServiceRequest')).toBeNull();
    expect(referencedId({ reference: 'MyServiceRequest/a-1' }, 'ServiceRequest')).toBeNull();
    expect(referencedId(undefined, 'ServiceRequest')).toBeNull();
  });

  it('the ServiceRequest our mapping writes reads back as the same consult reference', () => {
    const request: ServiceRequest = consultServiceRequest(consult);
    expect(referencedId({ reference: `ServiceRequest/${request.id}` }, 'ServiceRequest')).toBe(consult.id);
  });
});
