import type { Extension, HumanName, Identifier, Patient as FhirPatient } from '@medplum/fhirtypes';
import type { Patient } from '../../../shared/api/patients';
import { nationalCoding, SEX_CODE, type ValueSetId } from '../../../shared/value-sets';
import type { ResourceWithId } from '../outbox';
import { SYSTEMS } from './codes';

export type FhirPatientWithId = FhirPatient & ResourceWithId;

const GENDER_TO_FHIR = { M: 'male', F: 'female', U: 'unknown' } as const;

/**
 * Extensions carrying the national codes FHIR R4 Patient has no element for (sex as GB/T 2261.1 beside the
 * administrative gender, ethnic group, education, occupation). The URLs are the station's own: the HL7 China
 * profiles that may define these were not available (docs/interop.md, assumption F1); the Coding inside carries the
 * national value set as its system, which is what a platform matches on.
 */
export const NATIONAL_EXTENSION_BASE = 'urn:township-workstation:fhir:StructureDefinition';
const PATIENT_EXTENSIONS = [
  ['national-sex', 'sex'],
  ['ethnic-group', 'ethnicGroup'],
  ['education', 'education'],
  ['occupation', 'occupation'],
] as const satisfies readonly (readonly [string, ValueSetId])[];

function nationalExtensions(patient: Patient): Extension[] {
  const codes: Record<(typeof PATIENT_EXTENSIONS)[number][1], string | null> = {
    sex: SEX_CODE[patient.sex],
    ethnicGroup: patient.ethnicCode,
    education: patient.educationCode,
    occupation: patient.occupationCode,
  };
  return PATIENT_EXTENSIONS.flatMap(([name, set]) => {
    const coding = nationalCoding(set, codes[set]);
    return coding ? [{ url: `${NATIONAL_EXTENSION_BASE}/${name}`, valueCoding: coding }] : [];
  });
}

/** The station's patient as FHIR R4 Patient; the id is our UUID, so a retried PUT lands on the same record. */
export function patientToFhir(patient: Patient): FhirPatientWithId {
  const identifier: Identifier[] = [];
  if (patient.idNumber) {
    const docType = nationalCoding('idDocumentType', patient.idDocTypeCode ?? '01');
    identifier.push({ use: 'official', ...(docType ? { type: { coding: [docType] } } : {}), system: SYSTEMS.residentId, value: patient.idNumber });
  }
  if (patient.healthCardNumber) identifier.push({ use: 'secondary', system: SYSTEMS.healthCard, value: patient.healthCardNumber });
  const resource: FhirPatientWithId = {
    resourceType: 'Patient',
    id: patient.id,
    active: patient.mergedInto === null,
    // Chinese names are written whole: splitting 欧阳娜娜 into family/given needs a compound-surname table.
    name: [{ use: 'official', text: patient.name }],
    gender: GENDER_TO_FHIR[patient.sex],
    birthDate: patient.birthDate,
  };
  if (identifier.length > 0) resource.identifier = identifier;
  const extensions = nationalExtensions(patient);
  if (extensions.length > 0) resource.extension = extensions;
  const marital = nationalCoding('maritalStatus', patient.maritalCode);
  if (marital) resource.maritalStatus = { coding: [marital], text: marital.display };
  if (patient.phone) resource.telecom = [{ system: 'phone', value: patient.phone, use: 'mobile' }];
  if (patient.address || patient.village) {
    resource.address = [
      {
        use: 'home',
        ...(patient.address ? { text: patient.address } : {}),
        ...(patient.village ? { line: [patient.village] } : {}),
        country: 'CN',
      },
    ];
  }
  if (patient.mergedInto) resource.link = [{ other: { reference: `Patient/${patient.mergedInto}` }, type: 'replaced-by' }];
  return resource;
}

/**
 * What a pulled Patient can change locally: demographics and contact, never local flags; and a merge done on
 * another station (active false + link replaced-by), which the station applies as its own merge.
 */
export interface PatientFromFhir {
  id: string;
  /** The record this one was merged into on another station; null for a live record. */
  replacedBy: string | null;
  name: string;
  idNumber: string | null;
  healthCardNumber: string | null;
  sex: 'M' | 'F' | 'U';
  birthDate: string;
  phone: string | null;
  address: string | null;
  village: string | null;
}

export function patientFromFhir(resource: FhirPatient): PatientFromFhir {
  if (!resource.id) throw new Error('a Patient without an id cannot be stored');
  if (!resource.birthDate) throw new Error(`Patient/${resource.id} has no birth date`);
  const name = nameText(resource.name);
  if (!name) throw new Error(`Patient/${resource.id} has no name`);
  const address = resource.address?.find((each) => each.use === 'home') ?? resource.address?.[0];
  const replacedBy = resource.active === false ? resource.link?.find((each) => each.type === 'replaced-by')?.other.reference : undefined;
  return {
    id: resource.id,
    replacedBy: replacedBy?.startsWith('Patient/') ? replacedBy.slice('Patient/'.length) : null,
    name,
    idNumber: identifierValue(resource.identifier, SYSTEMS.residentId),
    healthCardNumber: identifierValue(resource.identifier, SYSTEMS.healthCard),
    sex: resource.gender === 'male' ? 'M' : resource.gender === 'female' ? 'F' : 'U',
    birthDate: resource.birthDate,
    phone: resource.telecom?.find((each) => each.system === 'phone')?.value ?? null,
    address: address?.text ?? null,
    village: address?.line?.[0] ?? null,
  };
}

function nameText(names: HumanName[] | undefined): string | null {
  const name = names?.find((each) => each.use === 'official') ?? names?.[0];
  if (!name) return null;
  // A platform may send family + given only: Chinese order, family first, no space.
  return name.text ?? ([name.family, ...(name.given ?? [])].filter(Boolean).join('') || null);
}

function identifierValue(identifiers: Identifier[] | undefined, system: string): string | null {
  return identifiers?.find((each) => each.system === system)?.value ?? null;
}
