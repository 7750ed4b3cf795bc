import type {
  Attachment,
  CodeableConcept,
  Condition,
  DiagnosticReport,
  DocumentReference,
  Observation,
  Patient,
  Reference,
  Resource,
  ServiceRequest,
  Task,
} from '@medplum/fhirtypes';
import type { ConsultSpecialty, ConsultStatus, ConsultUrgency } from '../../shared/api/consult';
import type { ResourceWithId } from '../sync/outbox';

/**
 * Remote consult ⇄ FHIR R4, both ways, as pure functions.
 *
 * Out: ServiceRequest (what is asked; the recent vitals and diagnoses contained in it) + Task (the workflow the
 * county moves along) + one DocumentReference per attached file (aECG, ECG report PDF).
 * Back: the county's Task (status, note) and DiagnosticReport (conclusion, signer, signed PDF, 危急值 flag).
 */

export const LOINC = 'http://loinc.org';
const SNOMED = 'http://snomed.info/sct';
const UCUM = 'http://unitsofmeasure.org';
const ICD10 = 'http://hl7.org/fhir/sid/icd-10';
const OBSERVATION_CATEGORY = 'http://terminology.hl7.org/CodeSystem/observation-category';
const V3_INTERPRETATION = 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation';

/** Our own code systems and extension. The namespace is the project's; a county platform adopting them may map them to its own. */
export const CONSULT_NAMESPACE = 'https://township-workstation.cn/fhir';
export const SPECIALTY_SYSTEM = `${CONSULT_NAMESPACE}/CodeSystem/consult-specialty`;
export const BUSINESS_STATUS_SYSTEM = `${CONSULT_NAMESPACE}/CodeSystem/consult-business-status`;
/** On a DiagnosticReport: valueString = the critical finding as the county words it (危急值). */
export const CRITICAL_VALUE_EXTENSION = `${CONSULT_NAMESPACE}/StructureDefinition/critical-value`;

/** SNOMED CT 11429006 |Consultation (procedure)|. */
export const CONSULT_CODE: CodeableConcept = {
  coding: [{ system: SNOMED, code: '11429006', display: 'Consultation' }],
  text: '远程会诊',
};
/** LOINC 11524-6 EKG study: the document type for both the aECG and the ECG report PDF. */
const ECG_DOCUMENT_TYPE: CodeableConcept = { coding: [{ system: LOINC, code: '11524-6', display: 'EKG study' }] };

/** v3 ObservationInterpretation codes that mean a critical value when a report carries them in conclusionCode. */
const CRITICAL_INTERPRETATIONS = new Set(['AA', 'HH', 'LL']);

export interface ConsultVitals {
  id: string;
  measuredAt: string;
  systolic?: number;
  diastolic?: number;
  heartRate?: number;
  weightKg?: number;
  heightCm?: number;
  bmi?: number;
  glucose?: { mmolPerL: number; timing: 'fasting' | 'random' };
}

export interface ConsultDiagnosis {
  code: string;
  name: string;
  /** When the visit that made it was signed (or opened). */
  recordedAt: string;
}

export type ConsultDocument =
  | { id: string; kind: 'aecg'; ecgId: string; fileName: string; xml: string; recordedAt?: string }
  | { id: string; kind: 'ecg-report-pdf'; ecgId: string; fileName: string; pdf: Uint8Array };

export interface ConsultForFhir {
  id: string;
  taskId: string;
  patientId: string;
  question: string;
  urgency: ConsultUrgency;
  targetInstitution: string;
  specialty: ConsultSpecialty;
  status: ConsultStatus;
  requestedAt: string;
  updatedAt: string;
  requesterName: string;
  /** All attachments, with content (documents go out in full the first time only). */
  documentIds: readonly string[];
  vitals: readonly ConsultVitals[];
  diagnoses: readonly ConsultDiagnosis[];
}

const patientRef = (patientId: string): Reference<Patient> => ({ reference: `Patient/${patientId}` });
const serviceRequestRef = (id: string): Reference<ServiceRequest> => ({ reference: `ServiceRequest/${id}` });

/** ServiceRequest.status: the request itself stays active until the workflow ends. */
export function serviceRequestStatus(status: ConsultStatus): ServiceRequest['status'] {
  if (status === 'completed') return 'completed';
  if (status === 'rejected' || status === 'cancelled') return 'revoked';
  return 'active';
}

/** Our statuses are Task statuses by name, so the mapping out is the identity; named for the reader. */
export function taskStatus(status: ConsultStatus): Task['status'] {
  return status;
}

export function consultServiceRequest(consult: ConsultForFhir): ResourceWithId & ServiceRequest {
  const contained: Resource[] = [
    ...consult.vitals.flatMap((vitals) => vitalsObservations(consult.patientId, vitals)),
    ...consult.diagnoses.map((diagnosis, index) => diagnosisCondition(consult.patientId, diagnosis, index)),
  ];
  const supportingInfo: Reference[] = [
    ...consult.documentIds.map((documentId) => ({ reference: `DocumentReference/${documentId}` })),
    ...contained.map((resource) => ({ reference: `#${resource.id}` })),
  ];
  return {
    resourceType: 'ServiceRequest',
    id: consult.id,
    ...(contained.length > 0 ? { contained } : {}),
    status: serviceRequestStatus(consult.status),
    intent: 'order',
    category: [{ coding: [{ system: SNOMED, code: '11429006', display: 'Consultation' }] }],
    priority: consult.urgency,
    code: CONSULT_CODE,
    subject: patientRef(consult.patientId),
    authoredOn: consult.requestedAt,
    requester: { display: consult.requesterName },
    performerType: specialtyConcept(consult.specialty),
    performer: [{ display: consult.targetInstitution }],
    reasonCode: [{ text: consult.question }],
    note: [{ text: consult.question, time: consult.requestedAt, authorString: consult.requesterName }],
    ...(supportingInfo.length > 0 ? { supportingInfo } : {}),
  };
}

export function specialtyConcept(specialty: ConsultSpecialty): CodeableConcept {
  return { coding: [{ system: SPECIALTY_SYSTEM, code: specialty }] };
}

export function consultTask(consult: ConsultForFhir): ResourceWithId & Task {
  return {
    resourceType: 'Task',
    id: consult.taskId,
    basedOn: [serviceRequestRef(consult.id)],
    status: taskStatus(consult.status),
    businessStatus: { coding: [{ system: BUSINESS_STATUS_SYSTEM, code: businessStatus(consult.status) }] },
    intent: 'order',
    priority: consult.urgency,
    code: CONSULT_CODE,
    focus: serviceRequestRef(consult.id),
    for: patientRef(consult.patientId),
    authoredOn: consult.requestedAt,
    lastModified: consult.updatedAt,
    requester: { display: consult.requesterName },
    owner: { display: consult.targetInstitution },
    description: consult.question,
  };
}

/** What the station is waiting for, in words a county dashboard can filter on. */
function businessStatus(status: ConsultStatus): string {
  switch (status) {
    case 'requested':
      return 'awaiting-acceptance';
    case 'accepted':
    case 'in-progress':
      return 'awaiting-report';
    case 'completed':
      return 'report-received';
    case 'rejected':
      return 'declined';
    case 'cancelled':
      return 'withdrawn';
  }
}

export function consultDocumentReference(
  consult: Pick<ConsultForFhir, 'id' | 'patientId' | 'requestedAt'>,
  document: ConsultDocument,
): ResourceWithId & DocumentReference {
  const attachment: Attachment =
    document.kind === 'aecg'
      ? {
          contentType: 'application/hl7-v3+xml',
          data: Buffer.from(document.xml, 'utf8').toString('base64'),
          size: Buffer.byteLength(document.xml, 'utf8'),
          title: document.fileName,
          ...(isFhirDateTime(document.recordedAt) ? { creation: document.recordedAt } : {}),
        }
      : {
          contentType: 'application/pdf',
          data: Buffer.from(document.pdf).toString('base64'),
          size: document.pdf.byteLength,
          title: document.fileName,
        };
  return {
    resourceType: 'DocumentReference',
    id: document.id,
    status: 'current',
    docStatus: 'final',
    type: ECG_DOCUMENT_TYPE,
    subject: patientRef(consult.patientId),
    date: consult.requestedAt,
    description: document.kind === 'aecg' ? 'HL7 aECG' : 'ECG report',
    content: [{ attachment }],
    context: { related: [serviceRequestRef(consult.id)] },
  };
}

/** FHIR dateTime with a time needs a zone; device clocks often give none, and then the element is left out. */
function isFhirDateTime(value: string | undefined): value is string {
  if (!value) return false;
  return /^\d{4}-\d{2}-\d{2}(T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2}))?$/.test(value);
}

function vitalSign(
  patientId: string,
  id: string,
  measuredAt: string,
  loinc: [code: string, display: string],
  category: 'vital-signs' | 'laboratory',
): Observation {
  return {
    resourceType: 'Observation',
    id,
    status: 'final',
    category: [{ coding: [{ system: OBSERVATION_CATEGORY, code: category }] }],
    code: { coding: [{ system: LOINC, code: loinc[0], display: loinc[1] }] },
    subject: patientRef(patientId),
    effectiveDateTime: measuredAt,
  };
}

function quantity(value: number, unit: string, code: string) {
  return { value, unit, system: UCUM, code };
}

/** LOINC codes as ARCHITECTURE §7 lists them; contained ids are local to the ServiceRequest. */
export function vitalsObservations(patientId: string, vitals: ConsultVitals): Observation[] {
  const prefix = `v-${vitals.id.slice(0, 8)}`;
  const at = vitals.measuredAt;
  const out: Observation[] = [];
  if (vitals.systolic !== undefined && vitals.diastolic !== undefined) {
    out.push({
      ...vitalSign(patientId, `${prefix}-bp`, at, ['85354-9', 'Blood pressure panel'], 'vital-signs'),
      component: [
        {
          code: { coding: [{ system: LOINC, code: '8480-6', display: 'Systolic blood pressure' }] },
          valueQuantity: quantity(vitals.systolic, 'mmHg', 'mm[Hg]'),
        },
        {
          code: { coding: [{ system: LOINC, code: '8462-4', display: 'Diastolic blood pressure' }] },
          valueQuantity: quantity(vitals.diastolic, 'mmHg', 'mm[Hg]'),
        },
      ],
    });
  }
  const simple: [number | undefined, string, [string, string], ReturnType<typeof quantity>['unit'], string][] = [
    [vitals.heartRate, 'hr', ['8867-4', 'Heart rate'], '/min', '/min'],
    [vitals.weightKg, 'wt', ['29463-7', 'Body weight'], 'kg', 'kg'],
    [vitals.heightCm, 'ht', ['8302-2', 'Body height'], 'cm', 'cm'],
    [vitals.bmi, 'bmi', ['39156-5', 'Body mass index (BMI) [Ratio]'], 'kg/m2', 'kg/m2'],
  ];
  for (const [value, suffix, loinc, unit, code] of simple) {
    if (value === undefined) continue;
    out.push({ ...vitalSign(patientId, `${prefix}-${suffix}`, at, loinc, 'vital-signs'), valueQuantity: quantity(value, unit, code) });
  }
  if (vitals.glucose) {
    // 14771-0 is fasting glucose; a random draw is plain blood glucose (15074-8).
    const loinc: [string, string] =
      vitals.glucose.timing === 'fasting' ? ['14771-0', 'Fasting glucose [Moles/volume] in Serum or Plasma'] : ['15074-8', 'Glucose [Moles/volume] in Blood'];
    out.push({
      ...vitalSign(patientId, `${prefix}-glu`, at, loinc, 'laboratory'),
      valueQuantity: quantity(vitals.glucose.mmolPerL, 'mmol/L', 'mmol/L'),
    });
  }
  return out;
}

export function diagnosisCondition(patientId: string, diagnosis: ConsultDiagnosis, index: number): Condition {
  return {
    resourceType: 'Condition',
    id: `dx-${index + 1}`,
    clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }] },
    verificationStatus: {
      coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-ver-status', code: 'confirmed' }],
    },
    category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-category', code: 'encounter-diagnosis' }] }],
    code: { coding: [{ system: ICD10, code: diagnosis.code, display: diagnosis.name }], text: diagnosis.name },
    subject: patientRef(patientId),
    recordedDate: diagnosis.recordedAt,
  };
}

/** Everything a new request sends, in an order where each reference points back to something already listed. */
export function consultResources(consult: ConsultForFhir, documents: readonly ConsultDocument[]): ResourceWithId[] {
  return [...documents.map((document) => consultDocumentReference(consult, document)), consultServiceRequest(consult), consultTask(consult)];
}

// ---- back from the county ---------------------------------------------------------------------------------

/** Task.status → ours. Statuses without a station meaning fold into the nearest one the clinician acts on. */
export function consultStatusFromTask(status: Task['status']): ConsultStatus {
  switch (status) {
    case 'draft':
    case 'requested':
    case 'received':
      return 'requested';
    case 'accepted':
    case 'ready':
      return 'accepted';
    case 'in-progress':
    case 'on-hold':
      return 'in-progress';
    case 'completed':
      return 'completed';
    case 'rejected':
    case 'failed':
      return 'rejected';
    case 'cancelled':
    case 'entered-in-error':
      return 'cancelled';
  }
}

const STATUS_RANK: Record<ConsultStatus, number> = {
  requested: 0,
  accepted: 1,
  'in-progress': 2,
  completed: 3,
  rejected: 3,
  cancelled: 3,
};

/**
 * The status after a pulled Task: a workflow only moves forward, and an end (completed, rejected, cancelled) is
 * final. An older version of the Task (our own push echoed back, a page replayed) never moves it back.
 */
export function nextConsultStatus(current: ConsultStatus, pulled: ConsultStatus): ConsultStatus {
  if (STATUS_RANK[current] === 3) return current;
  return STATUS_RANK[pulled] > STATUS_RANK[current] ? pulled : current;
}

export interface PulledTask {
  taskId: string;
  serviceRequestId: string | null;
  status: ConsultStatus;
  /** The last note on the Task (the county's reason for rejecting, say). */
  note: string | null;
  changedAt: string | null;
}

export function pulledTask(task: Task): PulledTask | null {
  if (!task.id) return null;
  const basis = [...(task.basedOn ?? []), ...(task.focus ? [task.focus] : [])];
  const serviceRequestId = basis.map((ref) => referencedId(ref, 'ServiceRequest')).find((id) => id !== null) ?? null;
  const notes = task.note ?? [];
  return {
    taskId: task.id,
    serviceRequestId,
    status: consultStatusFromTask(task.status),
    note: notes.length > 0 ? (notes[notes.length - 1].text ?? null) : null,
    changedAt: task.lastModified ?? task.meta?.lastUpdated ?? null,
  };
}

export interface PulledReply {
  reportId: string;
  serviceRequestId: string;
  conclusion: string;
  signer: string;
  signedAt: string;
  /** Base64 of the first PDF in presentedForm. */
  pdfBase64: string | null;
  critical: boolean;
  criticalText: string | null;
  version: string | null;
}

/** A report answers a consult when it is based on one of our ServiceRequests; anything else is not a reply. */
export function pulledReply(report: DiagnosticReport): PulledReply | null {
  if (!report.id) return null;
  const serviceRequestId = (report.basedOn ?? []).map((ref) => referencedId(ref, 'ServiceRequest')).find((id) => id !== null) ?? null;
  if (!serviceRequestId) return null;
  const critical = criticalFinding(report);
  return {
    reportId: report.id,
    serviceRequestId,
    conclusion:
      report.conclusion ??
      report.conclusionCode
        ?.map((code) => code.text)
        .filter(Boolean)
        .join('; ') ??
      '',
    signer: signerOf(report),
    signedAt: report.issued ?? report.meta?.lastUpdated ?? '',
    pdfBase64: report.presentedForm?.find((form) => form.contentType?.startsWith('application/pdf') && form.data)?.data ?? null,
    critical: critical !== null,
    criticalText: critical,
    version: report.meta?.versionId ?? null,
  };
}

/** resultsInterpreter is who read and signed; performer (the department) is the fallback. */
function signerOf(report: DiagnosticReport): string {
  const people = [...(report.resultsInterpreter ?? []), ...(report.performer ?? [])];
  return people.map((ref) => ref.display ?? ref.reference).find((name): name is string => Boolean(name)) ?? '';
}

/**
 * The critical finding's text, or null. Two ways in: our extension (valueString, or valueBoolean true), or a
 * conclusionCode from v3 ObservationInterpretation AA / HH / LL (critical abnormal / high / low).
 */
export function criticalFinding(report: DiagnosticReport): string | null {
  const extension = report.extension?.find((each) => each.url === CRITICAL_VALUE_EXTENSION);
  if (extension?.valueString) return extension.valueString;
  const coded = report.conclusionCode?.find((concept) =>
    concept.coding?.some((coding) => coding.system === V3_INTERPRETATION && CRITICAL_INTERPRETATIONS.has(coding.code ?? '')),
  );
  if (extension?.valueBoolean === true || coded) {
    return coded?.text ?? report.conclusion ?? '危急值';
  }
  return null;
}

/** `ServiceRequest/abc`, `https://…/ServiceRequest/abc/_history/2` → abc; another type → null. */
export function referencedId(reference: Reference | undefined, type: string): string | null {
  const value = reference?.reference;
  if (!value) return null;
  const match = new RegExp(`(?:^|/)${type}/([A-Za-z0-9\\-.]{1,64})(?:/_history/[^/]+)?$`).exec(value);
  return match ? match[1] : null;
}
