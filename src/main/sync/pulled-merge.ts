import type { Sqlite } from '../db/open';
import { readQuery, readRow } from '../db/read-sql';
import { patients } from '../db/schema';
import { repointPatient } from '../patients/patient-merge';
import { insertPatientRow } from '../patients/patient-service';
import { searchColumnsFor } from '../patients/patient-keys';
import type { PatientFromFhir } from './mapping/patient';
import { MissingDependency } from './pulled/store';

/** What a pulled Patient sets of the local row (its demographics and search keys). */
export function pulledDemographics(remote: PatientFromFhir) {
  return {
    ...searchColumnsFor(remote.name),
    id: remote.id,
    idNumber: remote.idNumber,
    idSuffix: remote.idNumber?.slice(-6) ?? null,
    sex: remote.sex,
    birthDate: remote.birthDate,
    phone: remote.phone,
    healthCardNumber: remote.healthCardNumber,
    village: remote.village,
    address: remote.address,
  };
}

/** What the platform does not carry (household, contract, marks, allergies): a record new here starts without. */
export const LOCAL_ONLY = {
  household: null,
  contractDoctor: null,
  contractDate: null,
  hypertension: false,
  diabetes: false,
  allergies: null,
} as const;

const MERGED_INTO = readQuery('SELECT merged_into AS mergedInto FROM patients WHERE id = ?', { mergedInto: patients.mergedInto });

/**
 * A Patient merged on another station (duplicate resolution there) arrives as active false, replaced-by the kept
 * record: this station makes the same merge — every row of the gone record moves to the kept one, the gone record
 * is marked merged — so both stations show one patient with all records. Nothing is queued: the station that
 * merged already sent the re-pointed records. Applying it again changes nothing.
 */
export function applyPulledMerge(sqlite: Sqlite, remote: PatientFromFhir & { replacedBy: string }, now: string): void {
  const keepId = remote.replacedBy;
  // The kept record arrives on its own (the Patient stream has no order): the merge waits for it.
  if (readRow(sqlite, MERGED_INTO, keepId) === undefined) throw new MissingDependency('Patient', keepId);
  const gone = readRow(sqlite, MERGED_INTO, remote.id);
  const mergedInto = gone === undefined ? undefined : gone.mergedInto;
  if (mergedInto === undefined) {
    // Never seen here: kept (merged, hidden) so a record still naming it finds its patient.
    insertPatientRow(sqlite, { ...pulledDemographics(remote), idNumber: null, idSuffix: null, noIdReason: 'unknown', ...LOCAL_ONLY, createdAt: now });
  } else if (mergedInto !== null) {
    return;
  }
  repointPatient(sqlite, keepId, remote.id, now);
}
