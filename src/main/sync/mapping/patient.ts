import type { HumanName, Identifier, Patient as FhirPatient } from '@medplum/fhirtypes';
import type { Patient } from '../../../shared/api/patients';
import type { ResourceWithId } from '../outbox';
import { SYSTEMS } from './codes';

export type FhirPatientWithId = FhirPatient & ResourceWithId;

const GENDER_TO_FHIR = { M: 'male', F: 'female', U: 'unknown' } as const;

/** The station's patient as FHIR R4 Patient; the id is our UUID, so a retried PUT lands on the same record. */
export function patientToFhir(patient: Patient): FhirPatientWithId {
  const identifier: Identifier[] = [];
  if (patient.idNumber) identifier.push({ use: 'official', system: SYSTEMS.residentId, value: patient.idNumber });
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

/** What a pulled Patient can change locally: demographics and contact; never the merge state or local flags. */
export interface PatientFromFhir {
  id: string;
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
  return {
    id: resource.id,
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
