import type { Resource } from '@medplum/fhirtypes';
import { ecgToFhir } from '../../../src/main/sync/mapping/ecg';
import { patientToFhir } from '../../../src/main/sync/mapping/patient';
import { visitToFhir } from '../../../src/main/sync/mapping/visit';
import { vitalsToObservations } from '../../../src/main/sync/mapping/vitals';
import { withInstitutionTag } from '../../../src/main/sync/institution';
import { makeResidentId } from '../../../src/shared/resident-id';
import type { PeerRepository } from './repository';

/**
 * A center's records as its stations would have pushed them (the station's own mappings, the institution tag),
 * written straight into the peer's repository: a year of a township's clinic — per patient a registration, a
 * signed visit with its diagnosis, and a vitals session (blood pressure and glucose) — and every `ecgEvery`-th
 * patient an ECG. Five resources a patient, so 50,000 patients are 250,000 resources.
 */
export interface CenterSeed {
  institutionCode: string;
  patients: number;
  /** Distinguishes two centers' ids (and resident IDs) on one peer. */
  prefix: string;
  /** One 3-lead, 2 s ECG (DiagnosticReport + 3 lead Observations) every this many patients; 0 for none. */
  ecgEvery?: number;
  /** Area code of the resident IDs (another county's residents for another center). */
  areaCode?: string;
}

const SURNAMES = '王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗';
const GIVEN = '伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀英华';

function uuidLike(prefix: string, kind: string, index: number): string {
  const hex = index.toString(16).padStart(12, '0');
  return `${prefix}${kind}`.padEnd(8, '0').slice(0, 8) + `-0000-4000-8000-${hex}`;
}

/** The resources of patient `index`, in push order (patient first). */
export function centerPatientResources(seed: CenterSeed, index: number): Resource[] {
  const tag = <T extends Resource>(resource: T) => withInstitutionTag(resource, seed.institutionCode);
  const patientId = uuidLike(seed.prefix, 'a', index);
  const day = new Date(Date.UTC(2026, 0, 1) + (index % 365) * 86_400_000);
  const at = (hour: number) => new Date(day.getTime() + hour * 3_600_000).toISOString();
  const name = `${SURNAMES[index % SURNAMES.length]}${GIVEN[Math.floor(index / SURNAMES.length) % GIVEN.length]}${GIVEN[Math.floor(index / 400) % GIVEN.length]}`;
  // Resident IDs must be unique across the whole center (the station refuses a second patient with one): the
  // sequence number takes index % 1000 and the birth date moves one day per thousand patients.
  const birth = new Date(Date.UTC(1940 + (index % 60), 0, 1) + Math.floor(index / 1000) * 86_400_000).toISOString().slice(0, 10);
  const resources: Resource[] = [
    tag(
      patientToFhir({
        id: patientId,
        name,
        idNumber: makeResidentId(seed.areaCode ?? '130321', birth, index % 1000),
        noIdReason: null,
        sex: index % 2 ? 'M' : 'F',
        birthDate: birth,
        phone: null,
        healthCardNumber: null,
        village: ['东村', '西庄', '河口村'][index % 3],
        address: null,
        household: null,
        contractDoctor: null,
        contractDate: null,
        hypertension: false,
        diabetes: false,
        allergies: null,
        ethnicCode: '01',
        maritalCode: null,
        educationCode: null,
        occupationCode: null,
        idDocTypeCode: '01',
        mergedInto: null,
        version: 1,
        createdAt: at(8),
        updatedAt: at(8),
      }),
    ),
  ];
  const visitId = uuidLike(seed.prefix, 'b', index);
  const [encounter, condition] = visitToFhir({
    id: visitId,
    recordId: visitId,
    version: 1,
    supersedes: null,
    patientId,
    queueEntryId: null,
    status: 'closed',
    chiefComplaint: '头晕',
    history: '高血压病史',
    examination: '心肺无异常',
    diagnoses: [{ code: 'I10', name: '原发性高血压' }],
    plan: '复查血压',
    prescription: '氨氯地平 5mg qd',
    correctionReason: null,
    clinicianName: '李医生',
    openedAt: at(9),
    closedAt: at(10),
  });
  resources.push(tag(encounter), tag(condition));
  const vitals = vitalsToObservations({
    id: uuidLike(seed.prefix, 'c', index),
    patientId,
    visitId: null,
    measuredAt: at(9),
    input: { bloodPressure: [{ systolic: 120 + (index % 50), diastolic: 70 + (index % 25) }], glucose: { mmolPerL: 5 + (index % 40) / 10, timing: 'fasting' } },
    derived: { systolic: 120 + (index % 50), diastolic: 70 + (index % 25) },
  });
  resources.push(...vitals.map(tag));
  if (seed.ecgEvery && index % seed.ecgEvery === 0) {
    const n = 1000;
    const leads = ['I', 'II', 'V1'].map((lead, l) => ({
      name: lead,
      microvolts: Float32Array.from({ length: n }, (_, i) => Math.round(Math.sin(i / 20) * 900) + l),
    }));
    const ecg = ecgToFhir(
      {
        id: uuidLike(seed.prefix, 'd', index),
        patientId,
        recordedAt: at(11),
        source: 'device',
        sourceName: '演示设备',
        format: 'device',
        sampleRateHz: 500,
        sampleCount: n,
        durationS: 2,
        leadNames: leads.map((lead) => lead.name),
        annotationCount: 0,
        measurements: { beatCount: 2, medianBeatCount: 0 },
        interpretation: '窦性心律',
        interpretedBy: '李医生',
        signedAt: at(12),
      },
      leads,
    );
    resources.push(...ecg.map(tag));
  }
  return resources;
}

/** Writes the center into the repository as committed versions; returns how many resources. */
export async function seedCenter(repo: PeerRepository, seed: CenterSeed): Promise<number> {
  let count = 0;
  for (let index = 0; index < seed.patients; index++) {
    const resources = centerPatientResources(seed, index);
    repo.seed(resources);
    count += resources.length;
  }
  return Promise.resolve(count);
}
