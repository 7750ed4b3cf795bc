import type { CodeableConcept, Coding, DocumentReference, Observation, Reference, Resource } from '@medplum/fhirtypes';
import type { CountyRecordItem, CountyRecordKind } from '../../shared/api/county-record';
import { INSTITUTION_CODE_SYSTEM } from '../../shared/institution';

/**
 * Pure mapping from what the county platform returns to the chart's read-only county-record items. The platform is
 * any FHIR R4 server and the writers are other institutions' systems, so every field is optional here: an item
 * always gets a title, and says "not stated" (null) rather than inventing a source or a date.
 */

/** The resource types asked for, each by `subject`; in the order the chart lists kinds. */
export const COUNTY_RECORD_TYPES = [
  'Encounter',
  'Condition',
  'Observation',
  'DiagnosticReport',
  'DocumentReference',
  'Composition',
  'MedicationRequest',
  'MedicationStatement',
] as const;

/** A signed consult read by the county hospital about our own ECG: coded 11524-6 / 45033-8 with category EC. */
const ECG_CODES = new Set(['11524-6', '45033-8', '11523-8', '34534-8']);

function text(concept: CodeableConcept | undefined): string | null {
  if (!concept) return null;
  return concept.text ?? concept.coding?.find((coding) => coding.display)?.display ?? concept.coding?.[0]?.code ?? null;
}

function codes(concept: CodeableConcept | CodeableConcept[] | undefined): Coding[] {
  const list = Array.isArray(concept) ? concept : concept ? [concept] : [];
  return list.flatMap((each) => each.coding ?? []);
}

function referenceName(reference: Reference | undefined): { name: string | null; code: string | null } | null {
  if (!reference) return null;
  const code = reference.identifier?.system === INSTITUTION_CODE_SYSTEM ? (reference.identifier.value ?? null) : null;
  if (!reference.display && !code) return null;
  return { name: reference.display ?? null, code };
}

/**
 * Who wrote the record: the institution `meta.tag` every station-written resource carries (issue 10, point 1),
 * else the resource's own standard place for the organisation.
 */
export function sourceInstitutionOf(resource: Resource): { name: string | null; code: string | null } {
  const tag = resource.meta?.tag?.find((each) => each.system === INSTITUTION_CODE_SYSTEM);
  const fromResource = (() => {
    switch (resource.resourceType) {
      case 'Encounter':
        return referenceName(resource.serviceProvider);
      case 'Observation':
      case 'DiagnosticReport':
        return (resource.performer ?? []).map(referenceName).find((each) => each !== null) ?? null;
      case 'DocumentReference':
        return referenceName(resource.custodian) ?? (resource.author ?? []).map(referenceName).find((each) => each !== null) ?? null;
      case 'Composition':
        return referenceName(resource.custodian) ?? (resource.author ?? []).map(referenceName).find((each) => each !== null) ?? null;
      case 'MedicationRequest':
        return referenceName(resource.performer) ?? referenceName(resource.requester);
      case 'MedicationStatement':
        return referenceName(resource.informationSource);
      case 'Condition':
        return referenceName(resource.asserter) ?? referenceName(resource.recorder);
      default:
        return null;
    }
  })();
  return {
    name: tag?.display ?? fromResource?.name ?? null,
    code: tag?.code ?? fromResource?.code ?? null,
  };
}

function kindOf(resource: Resource): CountyRecordKind | null {
  switch (resource.resourceType) {
    case 'Encounter':
      return 'encounter';
    case 'Condition':
      return 'diagnosis';
    case 'Observation': {
      const categories = codes(resource.category).map((coding) => coding.code);
      if (categories.includes('laboratory')) return 'lab';
      // Vital signs and survey answers the county took are shown with the labs: one list of results.
      return 'lab';
    }
    case 'DiagnosticReport': {
      const categories = codes(resource.category).map((coding) => coding.code);
      if (categories.includes('EC') || codes(resource.code).some((coding) => ECG_CODES.has(coding.code ?? ''))) return 'ecg';
      if (categories.includes('LAB')) return 'lab';
      return 'report';
    }
    case 'DocumentReference':
    case 'Composition':
      return 'document';
    case 'MedicationRequest':
    case 'MedicationStatement':
      return 'medication';
    default:
      return null;
  }
}

function effectiveOf(resource: Resource): string | null {
  switch (resource.resourceType) {
    case 'Encounter':
      return resource.period?.start ?? null;
    case 'Condition':
      return resource.onsetDateTime ?? resource.recordedDate ?? null;
    case 'Observation':
      return resource.effectiveDateTime ?? resource.effectivePeriod?.start ?? resource.issued ?? null;
    case 'DiagnosticReport':
      return resource.effectiveDateTime ?? resource.effectivePeriod?.start ?? resource.issued ?? null;
    case 'DocumentReference':
      return resource.context?.period?.end ?? resource.date ?? resource.context?.period?.start ?? null;
    case 'Composition':
      return resource.date ?? null;
    case 'MedicationRequest':
      return resource.authoredOn ?? null;
    case 'MedicationStatement':
      return resource.effectiveDateTime ?? resource.effectivePeriod?.start ?? resource.dateAsserted ?? null;
    default:
      return null;
  }
}

function joinParts(parts: (string | null | undefined)[]): string | null {
  const kept = parts.filter((part): part is string => typeof part === 'string' && part.trim() !== '');
  return kept.length > 0 ? kept.join('；') : null;
}

/** XHTML narrative → plain text (the chart shows text, never the platform's markup). */
export function narrativeText(xhtml: string | undefined): string | null {
  if (!xhtml) return null;
  const plain = xhtml
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/(p|div|li|tr|h\d)>/gi, '\n')
    .replace(/<[^>]*>/g, '')
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&quot;/g, '"')
    .replace(/&#39;/g, "'")
    .replace(/&nbsp;/g, ' ')
    .replace(/&amp;/g, '&')
    .replace(/[ \t]+\n/g, '\n')
    .replace(/\n{3,}/g, '\n\n')
    .trim();
  return plain === '' ? null : plain;
}

function observationValue(observation: Observation): string | null {
  if (observation.valueQuantity) {
    const { value, unit, code } = observation.valueQuantity;
    return value === undefined ? null : `${value}${(unit ?? code) ? ` ${unit ?? code}` : ''}`;
  }
  return (
    observation.valueString ?? text(observation.valueCodeableConcept) ?? (observation.valueBoolean === undefined ? null : String(observation.valueBoolean))
  );
}

function referenceRange(observation: Observation): string | null {
  const range = observation.referenceRange?.[0];
  if (!range) return null;
  if (range.text) return range.text;
  if (range.low?.value !== undefined || range.high?.value !== undefined) return `${range.low?.value ?? ''}–${range.high?.value ?? ''}`;
  return null;
}

/** Text of a document attachment when it travels inline as text; PDFs and links are named, not decoded. */
function attachmentText(document: DocumentReference): string | null {
  for (const { attachment } of document.content ?? []) {
    if (attachment.data && (attachment.contentType ?? '').startsWith('text/plain')) {
      return Buffer.from(attachment.data, 'base64').toString('utf8').trim() || null;
    }
  }
  return null;
}

function describe(resource: Resource): { title: string; detail: string | null } {
  switch (resource.resourceType) {
    case 'Encounter': {
      const encounter = resource;
      const title = text(encounter.type?.[0]) ?? encounter.class?.display ?? encounter.class?.code ?? 'Encounter';
      return {
        title,
        detail: joinParts([
          ...(encounter.reasonCode ?? []).map(text),
          encounter.period?.end ? `→ ${encounter.period.end}` : null,
          text(encounter.hospitalization?.dischargeDisposition),
        ]),
      };
    }
    case 'Condition': {
      const condition = resource;
      const icd = condition.code?.coding?.find((coding) => coding.system?.includes('icd'))?.code;
      return {
        title: text(condition.code) ?? 'Condition',
        detail: joinParts([icd, text(condition.clinicalStatus), ...(condition.note ?? []).map((note) => note.text)]),
      };
    }
    case 'Observation': {
      const observation = resource;
      return {
        title: text(observation.code) ?? 'Observation',
        detail: joinParts([
          observationValue(observation),
          ...(observation.interpretation ?? []).map(text),
          referenceRange(observation) ? `(${referenceRange(observation)})` : null,
        ]),
      };
    }
    case 'DiagnosticReport': {
      const report = resource;
      return { title: text(report.code) ?? 'DiagnosticReport', detail: report.conclusion ?? narrativeText(report.text?.div) };
    }
    case 'DocumentReference': {
      const document = resource;
      return { title: text(document.type) ?? document.description ?? 'DocumentReference', detail: attachmentText(document) ?? document.description ?? null };
    }
    case 'Composition': {
      const composition = resource;
      const sections = (composition.section ?? []).map((section) => {
        const body = narrativeText(section.text?.div);
        return section.title ? `${section.title}：${body ?? ''}` : body;
      });
      return { title: composition.title || text(composition.type) || 'Composition', detail: sections.filter(Boolean).join('\n') || null };
    }
    case 'MedicationRequest': {
      const request = resource;
      return {
        title: text(request.medicationCodeableConcept) ?? request.medicationReference?.display ?? 'MedicationRequest',
        detail: joinParts((request.dosageInstruction ?? []).map((dose) => dose.text)),
      };
    }
    case 'MedicationStatement': {
      const statement = resource;
      return {
        title: text(statement.medicationCodeableConcept) ?? statement.medicationReference?.display ?? 'MedicationStatement',
        detail: joinParts((statement.dosage ?? []).map((dose) => dose.text)),
      };
    }
    default:
      return { title: resource.resourceType, detail: null };
  }
}

/** Not a record to show: drafts, entered-in-error and cancelled records are the writer's own business. */
function withdrawn(resource: Resource): boolean {
  const status = 'status' in resource && typeof resource.status === 'string' ? resource.status : undefined;
  const verification = resource.resourceType === 'Condition' ? codes(resource.verificationStatus).map((coding) => coding.code) : [];
  return (
    status === 'entered-in-error' ||
    status === 'cancelled' ||
    status === 'preliminary' ||
    status === 'draft' ||
    verification.includes('entered-in-error') ||
    verification.includes('refuted')
  );
}

export interface OwnRecords {
  /** `Type/id` of every resource this station queued for the platform: ours, whoever else holds a copy. */
  has(typeAndId: string): boolean;
  /** The station's institution code when it has one; records tagged with it are the center's own. */
  institutionCode: string | null;
}

/**
 * The county-record item of one fetched resource, or null when it is not one: ours (written by this center),
 * withdrawn, or of a type the view does not show.
 */
export function countyRecordItem(resource: Resource, own: OwnRecords): CountyRecordItem | null {
  if (!resource.id) return null;
  if (own.has(`${resource.resourceType}/${resource.id}`)) return null;
  const kind = kindOf(resource);
  if (!kind || withdrawn(resource)) return null;
  const source = sourceInstitutionOf(resource);
  if (own.institutionCode !== null && source.code === own.institutionCode) return null;
  const { title, detail } = describe(resource);
  return {
    resourceType: resource.resourceType,
    resourceId: resource.id,
    kind,
    title,
    detail,
    effectiveAt: effectiveOf(resource),
    sourceInstitution: source.name,
    sourceInstitutionCode: source.code,
  };
}

/** Newest first; undated records last (the chart reads as a timeline). */
export function compareCountyItems(a: Pick<CountyRecordItem, 'effectiveAt' | 'title'>, b: Pick<CountyRecordItem, 'effectiveAt' | 'title'>): number {
  if (a.effectiveAt === b.effectiveAt) return a.title.localeCompare(b.title);
  if (a.effectiveAt === null) return 1;
  if (b.effectiveAt === null) return -1;
  return Date.parse(b.effectiveAt) - Date.parse(a.effectiveAt) || b.effectiveAt.localeCompare(a.effectiveAt);
}
