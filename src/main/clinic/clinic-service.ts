import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import type { QueueEntry, Visit, VitalPoint, VitalsRecord, vitalsInputSchema, visitFieldsSchema } from '../../shared/api/clinic';
import { ApiError } from '../../shared/api/errors';
import { DEFAULT_CLINICAL_RANGES } from '../../shared/clinical-ranges';
import { chinaLocalDate, completedYears } from '../../shared/dates';
import { assessVitals } from '../../shared/vitals';
import type { Clock } from '../clock';
import type { Db, Sqlite } from '../db/open';
import {
  activeClinicians,
  insertQueueEntry,
  insertVisit,
  insertVitals,
  openQueueEntryOf,
  openVisitOf,
  queueEntryById,
  queueOfDay,
  updateQueueEntry,
  updateVisit,
  visitById,
  visitsOfPatient,
  vitalsOfPatient,
  type VisitRow,
} from './repository';
import type { PatientService } from '../patients/patient-service';
import type { Session } from '../session/session';
import { readSettings } from '../settings/settings-service';
import { recordChange } from '../sync/outbox-writer';
import { vitalSeries, type VitalSeriesQuery } from './vital-series';

type VitalsInput = z.output<typeof vitalsInputSchema>;
type VisitFields = z.output<typeof visitFieldsSchema>;

function toVisit(row: VisitRow): Visit {
  const { clinicianId: _clinicianId, updatedAt: _updatedAt, diagnoses, ...visit } = row;
  // The JSON column holds what the contract's schema accepted when written; the output schema checks it again.
  return { ...visit, diagnoses: JSON.parse(diagnoses) as Visit['diagnoses'] };
}

/** Waiting → in consultation → done, or left unseen; a finished entry can be reopened by a clinician. */
const ALLOWED: Record<QueueEntry['status'], QueueEntry['status'][]> = {
  waiting: ['inConsultation', 'left'],
  inConsultation: ['done', 'waiting', 'left'],
  done: ['inConsultation'],
  left: ['waiting'],
};

export class ClinicService {
  constructor(
    private readonly sqlite: () => Sqlite,
    private readonly clock: Clock,
    private readonly session: Session,
    private readonly patients: PatientService,
    private readonly db: () => Db,
  ) {}

  private today(): string {
    return chinaLocalDate(this.clock.now());
  }

  private user() {
    const user = this.session.user;
    if (!user) throw new ApiError('UNAUTHENTICATED', 'sign in first');
    return user;
  }

  queue(opts: { clinicianId?: number; includeFinished: boolean }): QueueEntry[] {
    return queueOfDay(this.db(), { clinicDate: this.today(), ...opts });
  }

  private entry(entryId: string): QueueEntry {
    const row = queueEntryById(this.db(), entryId);
    if (!row) throw new ApiError('NOT_FOUND', `no queue entry ${entryId}`);
    return row;
  }

  checkIn(input: { patientId: string; priority: boolean; clinicianId?: number }): QueueEntry {
    const patient = this.patients.get(input.patientId);
    if (patient.mergedInto) throw new ApiError('CONFLICT', 'this record was merged into another', { reason: 'PATIENT_MERGED', patientId: patient.mergedInto });
    const open = openQueueEntryOf(this.db(), input.patientId, this.today());
    if (open) throw new ApiError('DUPLICATE', 'already in today’s queue', { reason: 'ALREADY_CHECKED_IN', entryId: open.id });
    const id = randomUUID();
    const sqlite = this.sqlite();
    sqlite.transaction(() => {
      insertQueueEntry(this.db(), {
        id,
        patientId: input.patientId,
        clinicDate: this.today(),
        status: 'waiting',
        priority: input.priority,
        clinicianId: input.clinicianId ?? null,
        checkedInAt: this.clock.now().toISOString(),
      });
      // The center's other stations show the same day's queue (sync maps it to an attendance Encounter).
      recordChange(sqlite, 'queue', id);
    })();
    return this.entry(id);
  }

  setStatus(entryId: string, status: QueueEntry['status']): QueueEntry {
    const current = this.entry(entryId);
    if (current.status === status) return current;
    if (!ALLOWED[current.status].includes(status))
      throw new ApiError('CONFLICT', `cannot go from ${current.status} to ${status}`, { reason: 'QUEUE_TRANSITION', from: current.status, to: status });
    const now = this.clock.now().toISOString();
    const started = status === 'inConsultation' ? now : current.startedAt;
    const finished = status === 'done' || status === 'left' ? now : null;
    const clinician = status === 'inConsultation' && current.clinicianId === null ? this.user().id : current.clinicianId;
    const sqlite = this.sqlite();
    sqlite.transaction(() => {
      updateQueueEntry(this.db(), entryId, { status, startedAt: started, finishedAt: finished, clinicianId: clinician });
      recordChange(sqlite, 'queue', entryId);
    })();
    return this.entry(entryId);
  }

  setPriority(entryId: string, priority: boolean): QueueEntry {
    this.entry(entryId);
    const sqlite = this.sqlite();
    sqlite.transaction(() => {
      updateQueueEntry(this.db(), entryId, { priority });
      recordChange(sqlite, 'queue', entryId);
    })();
    return this.entry(entryId);
  }

  clinicians(): { id: number; displayName: string }[] {
    return activeClinicians(this.db());
  }

  recordVitals(patientId: string, visitId: string | undefined, input: VitalsInput, source: VitalsRecord['source'] = 'clinic'): VitalsRecord {
    const patient = this.patients.get(patientId);
    const today = this.today();
    const assessment = assessVitals(
      { ...input, sex: patient.sex === 'U' ? undefined : patient.sex, ageYears: completedYears(patient.birthDate, today) },
      DEFAULT_CLINICAL_RANGES,
    );
    if (!assessment.ok) {
      const first = assessment.errors[0];
      throw new ApiError('VALIDATION', `impossible value: ${assessment.errors.map((e) => e.code).join(', ')}`, {
        reason: first.code,
        field: first.field,
        ...Object.fromEntries(Object.entries(first).filter(([k, v]) => k !== 'code' && k !== 'field' && (typeof v === 'number' || typeof v === 'string'))),
      });
    }
    const id = randomUUID();
    const now = this.clock.now().toISOString();
    const sqlite = this.sqlite();
    sqlite.transaction(() => {
      insertVitals(this.db(), {
        id,
        patientId,
        visitId: visitId ?? null,
        measuredAt: now,
        input: JSON.stringify(input),
        derived: JSON.stringify(assessment.derived),
        flags: JSON.stringify(assessment.flags),
        systolic: assessment.derived.systolic ?? null,
        diastolic: assessment.derived.diastolic ?? null,
        source,
        recordedBy: this.user().id,
        createdAt: now,
      });
      recordChange(sqlite, 'vitals', id);
    })();
    return this.listVitals(patientId, 1)[0];
  }

  listVitals(patientId: string, limit: number): VitalsRecord[] {
    const rows = vitalsOfPatient(this.db(), patientId, limit);
    // The JSON columns hold what the contract's schema accepted when written; the output schema checks them again.
    return rows.map((r) => ({
      id: r.id,
      patientId: r.patientId,
      visitId: r.visitId,
      source: r.source,
      measuredAt: r.measuredAt,
      input: JSON.parse(r.input),
      derived: JSON.parse(r.derived),
      flags: JSON.parse(r.flags),
      recordedBy: r.recordedBy,
    }));
  }

  /** The one vital-sign history: clinic, ECG room and follow-up measurements (vital-series.ts). */
  vitalSeries(query: VitalSeriesQuery): VitalPoint[] {
    const db = this.db();
    return vitalSeries(db, query, readSettings(db).clinicTimeZone);
  }

  private visit(visitId: string, patientId: string): Visit {
    const row = visitById(this.db(), visitId);
    if (!row || row.patientId !== patientId) throw new ApiError('NOT_FOUND', `no visit ${visitId} for this patient`);
    return toVisit(row);
  }

  openVisit(patientId: string, queueEntryId?: string): Visit {
    this.patients.get(patientId);
    const existing = openVisitOf(this.db(), patientId);
    if (existing) return this.visit(existing.id, patientId);
    const user = this.user();
    const id = randomUUID();
    const now = this.clock.now().toISOString();
    insertVisit(this.db(), {
      id,
      recordId: id,
      version: 1,
      patientId,
      queueEntryId: queueEntryId ?? null,
      status: 'open',
      clinicianId: user.id,
      clinicianName: user.displayName,
      openedAt: now,
      updatedAt: now,
    });
    if (queueEntryId) {
      const entry = this.entry(queueEntryId);
      if (entry.status === 'waiting') this.setStatus(queueEntryId, 'inConsultation');
    }
    return this.visit(id, patientId);
  }

  saveVisit(patientId: string, visitId: string, fields: Partial<VisitFields>): Visit {
    const current = this.visit(visitId, patientId);
    if (current.status !== 'open') throw new ApiError('CONFLICT', 'a signed visit is read-only; record a correction instead', { reason: 'VISIT_CLOSED' });
    const next = { ...current, ...fields };
    updateVisit(this.db(), visitId, 'open', {
      chiefComplaint: next.chiefComplaint,
      history: next.history,
      examination: next.examination,
      diagnoses: JSON.stringify(next.diagnoses),
      plan: next.plan,
      prescription: next.prescription,
      updatedAt: this.clock.now().toISOString(),
    });
    return this.visit(visitId, patientId);
  }

  closeVisit(patientId: string, visitId: string): Visit {
    const current = this.visit(visitId, patientId);
    if (current.status !== 'open') throw new ApiError('CONFLICT', 'this visit is already signed', { reason: 'VISIT_CLOSED' });
    if (current.diagnoses.length === 0)
      throw new ApiError('VALIDATION', 'a visit needs at least one diagnosis before it is signed', { field: 'diagnoses', reason: 'DIAGNOSIS_REQUIRED' });
    const user = this.user();
    const now = this.clock.now().toISOString();
    this.sqlite().transaction(() => {
      updateVisit(this.db(), visitId, null, { status: 'closed', closedAt: now, clinicianId: user.id, clinicianName: user.displayName, updatedAt: now });
      if (current.queueEntryId) {
        const entry = this.entry(current.queueEntryId);
        if (entry.status === 'inConsultation') this.setStatus(current.queueEntryId, 'done');
      }
      recordChange(this.sqlite(), 'visit', visitId);
    })();
    return this.visit(visitId, patientId);
  }

  correctVisit(patientId: string, visitId: string, fields: VisitFields, reason: string): Visit {
    const current = this.visit(visitId, patientId);
    if (current.status !== 'closed') throw new ApiError('CONFLICT', 'only the current signed version can be corrected', { reason: 'VISIT_NOT_CLOSED' });
    if (fields.diagnoses.length === 0)
      throw new ApiError('VALIDATION', 'a visit needs at least one diagnosis', { field: 'diagnoses', reason: 'DIAGNOSIS_REQUIRED' });
    const user = this.user();
    const id = randomUUID();
    const now = this.clock.now().toISOString();
    this.sqlite().transaction(() => {
      updateVisit(this.db(), visitId, 'closed', { status: 'superseded', updatedAt: now });
      insertVisit(this.db(), {
        id,
        recordId: current.recordId,
        version: current.version + 1,
        supersedes: visitId,
        patientId,
        queueEntryId: current.queueEntryId,
        status: 'closed',
        chiefComplaint: fields.chiefComplaint,
        history: fields.history,
        examination: fields.examination,
        diagnoses: JSON.stringify(fields.diagnoses),
        plan: fields.plan,
        prescription: fields.prescription,
        correctionReason: reason,
        clinicianId: user.id,
        clinicianName: user.displayName,
        openedAt: current.openedAt,
        closedAt: now,
        updatedAt: now,
      });
      recordChange(this.sqlite(), 'visit', id);
    })();
    return this.visit(id, patientId);
  }

  listVisits(patientId: string, includeSuperseded: boolean): Visit[] {
    return visitsOfPatient(this.db(), patientId, includeSuperseded).map(toVisit);
  }

  getVisit(patientId: string, visitId: string): Visit {
    return this.visit(visitId, patientId);
  }
}
