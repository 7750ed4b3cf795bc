import { randomUUID } from 'node:crypto';
import type { Patient, PatientDuplicate, PatientSummary } from '../../shared/api/patients';
import { patientInputSchema } from '../../shared/api/patients';
import { ApiError } from '../../shared/api/errors';
import { chinaLocalDate } from '../../shared/dates';
import { parseResidentId } from '../../shared/resident-id';
import type { z } from 'zod';
import type { Clock } from '../clock';
import type { Sqlite } from '../db/open';
import { searchColumnsFor } from './patient-keys';
import { repointPatient } from './patient-merge';
import { searchPatients } from './patient-search';
import {
  insertPatientRow,
  patientIdWithIdNumber,
  patientRecord,
  possibleDuplicates,
  pulledDuplicatePairs,
  recordCountsOf,
  updatePatientAtVersion,
  type PatientChanges,
} from './repository';

export { insertPatientRow, type PatientRowInput } from './repository';

type PatientInputParsed = z.output<typeof patientInputSchema>;

/** Chinese names (with · for minority and transliterated names) or Latin names for foreign residents. */
const NAME = /^(?:[\p{Script=Han}·•]{1,20}|[A-Za-z][A-Za-z .'-]{0,39})$/u;
const MOBILE = /^1\d{10}$/;

export interface ResolvedIdentity {
  idNumber: string | null;
  idSuffix: string | null;
  noIdReason: string | null;
  sex: 'M' | 'F' | 'U';
  birthDate: string;
}

/**
 * The ID decides birth date and sex (GB 11643); without an ID a reason is required, and then birth date and sex
 * must be entered. A wrong ID is refused with every wrong part named (details.reason is the first).
 */
export function resolveIdentity(
  input: Pick<PatientInputParsed, 'idNumber' | 'noIdReason' | 'noIdNote' | 'sex' | 'birthDate'>,
  today: string,
): ResolvedIdentity {
  if (input.idNumber) {
    const parsed = parseResidentId(input.idNumber, today);
    if (!parsed.ok) {
      const first = parsed.errors[0];
      throw new ApiError('VALIDATION', `resident ID is wrong: ${parsed.errors.map((e) => e.code).join(', ')}`, {
        field: 'idNumber',
        reason: first.code,
        ...Object.fromEntries(Object.entries(first).filter(([k, v]) => k !== 'code' && (typeof v === 'string' || typeof v === 'number'))),
      });
    }
    if (input.birthDate && input.birthDate !== parsed.birthDate)
      throw new ApiError('VALIDATION', 'birth date contradicts the resident ID', { field: 'birthDate', reason: 'ID_MISMATCH' });
    if (input.sex && input.sex !== 'U' && input.sex !== parsed.sex)
      throw new ApiError('VALIDATION', 'sex contradicts the resident ID', { field: 'sex', reason: 'ID_MISMATCH' });
    return { idNumber: parsed.normalized, idSuffix: parsed.normalized.slice(-6), noIdReason: null, sex: parsed.sex, birthDate: parsed.birthDate };
  }
  if (!input.noIdReason)
    throw new ApiError('VALIDATION', 'without a resident ID a reason is required', { field: 'noIdReason', reason: 'NO_ID_REASON_REQUIRED' });
  if (input.noIdReason === 'other' && !input.noIdNote)
    throw new ApiError('VALIDATION', 'say why there is no resident ID', { field: 'noIdNote', reason: 'NO_ID_NOTE_REQUIRED' });
  if (!input.birthDate || input.birthDate > today || input.birthDate < '1900-01-01')
    throw new ApiError('VALIDATION', 'birth date is required and must be a past date', { field: 'birthDate', reason: 'BIRTH_DATE_REQUIRED' });
  if (!input.sex) throw new ApiError('VALIDATION', 'sex is required without a resident ID', { field: 'sex', reason: 'SEX_REQUIRED' });
  return {
    idNumber: null,
    idSuffix: null,
    noIdReason: input.noIdNote ? `${input.noIdReason}: ${input.noIdNote}` : input.noIdReason,
    sex: input.sex,
    birthDate: input.birthDate,
  };
}

export class PatientService {
  constructor(
    private readonly sqlite: () => Sqlite,
    private readonly clock: Clock,
    private readonly villages: () => string[],
    /** Called inside the write transaction (outbox for sync). */
    private readonly onChanged: (patientId: string, version: number) => void = () => {},
    /** Called inside the merge transaction after the re-pointing (sync re-sends the re-pointed records). */
    private readonly onMerged: (keepId: string, mergeId: string) => void = () => {},
  ) {}

  search(query: string, limit: number) {
    return searchPatients(this.sqlite(), query, limit);
  }

  get(id: string): Patient {
    const row = patientRecord(this.sqlite(), id);
    if (!row) throw new ApiError('NOT_FOUND', `no patient ${id}`);
    return row;
  }

  private validateContact(input: Partial<PatientInputParsed>): void {
    if (input.name !== undefined && !NAME.test(input.name))
      throw new ApiError('VALIDATION', 'name has characters a name cannot have', { field: 'name', reason: 'NAME_INVALID' });
    if (input.phone && !MOBILE.test(input.phone))
      throw new ApiError('VALIDATION', 'mobile number must be 11 digits starting with 1', { field: 'phone', reason: 'PHONE_INVALID' });
    const villages = this.villages();
    if (input.village && villages.length > 0 && !villages.includes(input.village))
      throw new ApiError('VALIDATION', 'village is not in the configured list', { field: 'village', reason: 'VILLAGE_UNKNOWN' });
    if (input.contractDate && !input.contractDoctor)
      throw new ApiError('VALIDATION', 'a family-doctor contract needs the doctor', { field: 'contractDoctor', reason: 'CONTRACT_DOCTOR_REQUIRED' });
  }

  private findDuplicates(name: string, birthDate: string, phone: string | undefined): PatientSummary[] {
    return possibleDuplicates(this.sqlite(), { name, birthDate, phone: phone ?? null });
  }

  /**
   * Pulled records that carry the resident ID of a local one (the same resident registered on two stations while
   * offline), each beside the local record with what each holds, for a user to merge.
   */
  duplicates(): PatientDuplicate[] {
    const sqlite = this.sqlite();
    return pulledDuplicatePairs(sqlite).map(({ id, duplicateOf }) => ({
      local: this.get(duplicateOf),
      pulled: this.get(id),
      records: { local: recordCountsOf(sqlite, duplicateOf), pulled: recordCountsOf(sqlite, id) },
    }));
  }

  register(
    input: PatientInputParsed & { confirmNotDuplicate: boolean },
  ): { status: 'created'; patient: Patient } | { status: 'possibleDuplicates'; candidates: PatientSummary[] } {
    this.validateContact(input);
    const identity = resolveIdentity(input, chinaLocalDate(this.clock.now()));
    const sqlite = this.sqlite();
    if (identity.idNumber) {
      const existing = patientIdWithIdNumber(sqlite, identity.idNumber);
      if (existing)
        throw new ApiError('DUPLICATE', 'a patient with this resident ID exists', { reason: 'DUPLICATE_ID', patientId: existing, field: 'idNumber' });
    }
    const keys = searchColumnsFor(input.name);
    if (!input.confirmNotDuplicate) {
      const candidates = this.findDuplicates(keys.name, identity.birthDate, input.phone);
      if (candidates.length > 0) return { status: 'possibleDuplicates', candidates };
    }
    const now = this.clock.now().toISOString();
    const id = randomUUID();
    sqlite
      .transaction(() => {
        insertPatientRow(sqlite, {
          id,
          ...keys,
          ...identity,
          phone: input.phone ?? null,
          healthCardNumber: input.healthCardNumber ?? null,
          village: input.village ?? null,
          address: input.address ?? null,
          household: input.household ?? null,
          contractDoctor: input.contractDoctor ?? null,
          contractDate: input.contractDate ?? null,
          hypertension: input.hypertension,
          diabetes: input.diabetes,
          allergies: input.allergies ?? null,
          ethnicCode: input.ethnicCode ?? null,
          maritalCode: input.maritalCode ?? null,
          educationCode: input.educationCode ?? null,
          occupationCode: input.occupationCode ?? null,
          idDocTypeCode: input.idDocTypeCode ?? (identity.idNumber ? '01' : null),
          createdAt: now,
        });
        this.onChanged(id, 1);
      })
      .immediate();
    return { status: 'created', patient: this.get(id) };
  }

  update(input: Partial<PatientInputParsed> & { patientId: string; version: number }): Patient {
    const current = this.get(input.patientId);
    if (current.version !== input.version)
      throw new ApiError('CONFLICT', 'the record was changed by someone else; reload it', { reason: 'STALE_VERSION', field: 'version' });
    this.validateContact(input);
    const identityTouched = input.idNumber !== undefined || input.noIdReason !== undefined || input.birthDate !== undefined || input.sex !== undefined;
    const identity = identityTouched
      ? resolveIdentity(
          {
            idNumber: input.idNumber ?? current.idNumber ?? undefined,
            noIdReason: input.noIdReason ?? ((current.noIdReason?.split(':')[0] as PatientInputParsed['noIdReason']) || undefined),
            noIdNote: input.noIdNote,
            sex: input.sex ?? current.sex,
            birthDate: input.birthDate ?? current.birthDate,
          },
          chinaLocalDate(this.clock.now()),
        )
      : null;
    if (identity?.idNumber && identity.idNumber !== current.idNumber) {
      const existing = patientIdWithIdNumber(this.sqlite(), identity.idNumber, current.id);
      if (existing)
        throw new ApiError('DUPLICATE', 'a patient with this resident ID exists', { reason: 'DUPLICATE_ID', patientId: existing, field: 'idNumber' });
    }
    const keys = input.name ? searchColumnsFor(input.name) : null;
    const now = this.clock.now().toISOString();
    const next = current.version + 1;
    const changes: PatientChanges = {
      ...(keys ?? {}),
      ...(identity ?? {}),
      phone: input.phone ?? current.phone,
      healthCardNumber: input.healthCardNumber ?? current.healthCardNumber,
      village: input.village ?? current.village,
      address: input.address ?? current.address,
      household: input.household ?? current.household,
      contractDoctor: input.contractDoctor ?? current.contractDoctor,
      contractDate: input.contractDate ?? current.contractDate,
      hypertension: input.hypertension ?? current.hypertension,
      diabetes: input.diabetes ?? current.diabetes,
      allergies: input.allergies ?? current.allergies,
      ethnicCode: input.ethnicCode ?? current.ethnicCode,
      maritalCode: input.maritalCode ?? current.maritalCode,
      educationCode: input.educationCode ?? current.educationCode,
      occupationCode: input.occupationCode ?? current.occupationCode,
      idDocTypeCode: input.idDocTypeCode ?? (identity?.idNumber && !current.idDocTypeCode ? '01' : current.idDocTypeCode),
    };
    const sqlite = this.sqlite();
    sqlite
      .transaction(() => {
        if (!updatePatientAtVersion(sqlite, { id: current.id, version: current.version, now, changes }))
          throw new ApiError('CONFLICT', 'the record was changed by someone else; reload it', { reason: 'STALE_VERSION', field: 'version' });
        this.onChanged(current.id, next);
      })
      .immediate();
    return this.get(current.id);
  }

  /**
   * Re-points every row that refers to `mergeId` (any table with a patient_id column) to `keepId`, in one
   * transaction, and marks the merged record. The merged record's ID number moves to the kept one if it has none.
   * Resolving a pulled duplicate (either side may be kept) is the same merge; sync sends it as the merged Patient
   * (active false, link replaced-by) with the re-pointed records, and the other station applies the same merge.
   */
  merge(keepId: string, mergeId: string): { patient: Patient; repointed: Record<string, number> } {
    if (keepId === mergeId) throw new ApiError('VALIDATION', 'cannot merge a record into itself', { field: 'mergeId', reason: 'MERGE_SELF' });
    const keep = this.get(keepId);
    const gone = this.get(mergeId);
    if (keep.mergedInto || gone.mergedInto) throw new ApiError('CONFLICT', 'one of the records is already merged', { reason: 'ALREADY_MERGED' });
    const sqlite = this.sqlite();
    let repointed: Record<string, number> = {};
    const now = this.clock.now().toISOString();
    const repoint = sqlite.transaction(() => {
      repointed = repointPatient(sqlite, keepId, mergeId, now);
      this.onChanged(keepId, keep.version + 1);
      this.onChanged(mergeId, gone.version + 1);
      this.onMerged(keepId, mergeId);
    });
    try {
      repoint.immediate();
    } catch (err) {
      // E.g. both records have an open enrolment in the same programme: nothing was changed (rolled back).
      if ((err as { code?: string }).code?.startsWith('SQLITE_CONSTRAINT')) {
        throw new ApiError('CONFLICT', `the two records hold records that cannot be combined: ${String((err as Error).message)}`, {
          reason: 'MERGE_CONFLICTING_RECORDS',
        });
      }
      throw err;
    }
    return { patient: this.get(keepId), repointed };
  }
}
