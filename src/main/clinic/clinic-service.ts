import { randomUUID } from 'node:crypto';
import type { z } from 'zod';
import { desc, eq, sql } from 'drizzle-orm';
import type { QueueEntry, Visit, VitalPoint, VitalsRecord, vitalsInputSchema, visitFieldsSchema } from '../../shared/api/clinic';
import { ApiError } from '../../shared/api/errors';
import { DEFAULT_CLINICAL_RANGES } from '../../shared/clinical-ranges';
import { chinaLocalDate, completedYears } from '../../shared/dates';
import { assessVitals } from '../../shared/vitals';
import type { Clock } from '../clock';
import type { Db, Sqlite } from '../db/open';
import { vitals } from '../db/schema/clinic';
import type { PatientService } from '../patients/patient-service';
import type { Session } from '../session/session';
import { readSettings } from '../settings/settings-service';
import { recordChange } from '../sync/outbox-writer';
import { vitalSeries, type VitalSeriesQuery } from './vital-series';

type VitalsInput = z.output<typeof vitalsInputSchema>;
type VisitFields = z.output<typeof visitFieldsSchema>;

const QUEUE_SQL = `SELECT q.id, q.clinic_date AS clinicDate, q.status, q.priority, q.clinician_id AS clinicianId,
  q.checked_in_at AS checkedInAt, q.started_at AS startedAt, q.finished_at AS finishedAt,
  p.id AS pid, p.name, p.id_number AS idNumber, p.sex, p.birth_date AS birthDate, p.phone, p.village
  FROM queue_entries q JOIN patients p ON p.id = q.patient_id`;

interface QueueRow {
  id: string;
  clinicDate: string;
  status: QueueEntry['status'];
  priority: number;
  clinicianId: number | null;
  checkedInAt: string;
  startedAt: string | null;
  finishedAt: string | null;
  pid: string;
  name: string;
  idNumber: string | null;
  sex: 'M' | 'F' | 'U';
  birthDate: string;
  phone: string | null;
  village: string | null;
}

function toQueueEntry(r: QueueRow): QueueEntry {
  return {
    id: r.id,
    clinicDate: r.clinicDate,
    status: r.status,
    priority: r.priority === 1,
    clinicianId: r.clinicianId,
    checkedInAt: r.checkedInAt,
    startedAt: r.startedAt,
    finishedAt: r.finishedAt,
    patient: { id: r.pid, name: r.name, idNumber: r.idNumber, sex: r.sex, birthDate: r.birthDate, phone: r.phone, village: r.village },
  };
}

const VISIT_SQL = `SELECT id, record_id AS recordId, version, supersedes, patient_id AS patientId, queue_entry_id AS queueEntryId, status,
  chief_complaint AS chiefComplaint, history, examination, diagnoses, plan, prescription, correction_reason AS correctionReason,
  clinician_name AS clinicianName, opened_at AS openedAt, closed_at AS closedAt FROM visits`;

function toVisit(r: Omit<Visit, 'diagnoses'> & { diagnoses: string }): Visit {
  return { ...r, diagnoses: JSON.parse(r.diagnoses) as Visit['diagnoses'] };
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
    const where = ['q.clinic_date = @today'];
    if (opts.clinicianId !== undefined) where.push('q.clinician_id = @clinicianId');
    if (!opts.includeFinished) where.push(`q.status IN ('waiting', 'inConsultation')`);
    const rows = this.sqlite()
      .prepare(
        `${QUEUE_SQL} WHERE ${where.join(' AND ')} ORDER BY CASE q.status WHEN 'inConsultation' THEN 0 WHEN 'waiting' THEN 1 ELSE 2 END, q.priority DESC, q.checked_in_at`,
      )
      .all({ today: this.today(), clinicianId: opts.clinicianId ?? null }) as QueueRow[];
    return rows.map(toQueueEntry);
  }

  private entry(entryId: string): QueueEntry {
    const row = this.sqlite().prepare(`${QUEUE_SQL} WHERE q.id = ?`).get(entryId) as QueueRow | undefined;
    if (!row) throw new ApiError('NOT_FOUND', `no queue entry ${entryId}`);
    return toQueueEntry(row);
  }

  checkIn(input: { patientId: string; priority: boolean; clinicianId?: number }): QueueEntry {
    const patient = this.patients.get(input.patientId);
    if (patient.mergedInto) throw new ApiError('CONFLICT', 'this record was merged into another', { reason: 'PATIENT_MERGED', patientId: patient.mergedInto });
    const open = this.sqlite()
      .prepare(`SELECT id FROM queue_entries WHERE patient_id = ? AND clinic_date = ? AND status IN ('waiting', 'inConsultation')`)
      .get(input.patientId, this.today()) as { id: string } | undefined;
    if (open) throw new ApiError('DUPLICATE', 'already in today’s queue', { reason: 'ALREADY_CHECKED_IN', entryId: open.id });
    const id = randomUUID();
    const sqlite = this.sqlite();
    sqlite.transaction(() => {
      sqlite
        .prepare(`INSERT INTO queue_entries (id, patient_id, clinic_date, status, priority, clinician_id, checked_in_at) VALUES (?, ?, ?, 'waiting', ?, ?, ?)`)
        .run(id, input.patientId, this.today(), Number(input.priority), input.clinicianId ?? null, this.clock.now().toISOString());
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
      sqlite
        .prepare('UPDATE queue_entries SET status = ?, started_at = ?, finished_at = ?, clinician_id = ? WHERE id = ?')
        .run(status, started, finished, clinician, entryId);
      recordChange(sqlite, 'queue', entryId);
    })();
    return this.entry(entryId);
  }

  setPriority(entryId: string, priority: boolean): QueueEntry {
    this.entry(entryId);
    const sqlite = this.sqlite();
    sqlite.transaction(() => {
      sqlite.prepare('UPDATE queue_entries SET priority = ? WHERE id = ?').run(Number(priority), entryId);
      recordChange(sqlite, 'queue', entryId);
    })();
    return this.entry(entryId);
  }

  clinicians(): { id: number; displayName: string }[] {
    return this.sqlite()
      .prepare(`SELECT id, display_name AS displayName FROM users WHERE active = 1 AND role IN ('doctor', 'admin') ORDER BY display_name`)
      .all() as {
      id: number;
      displayName: string;
    }[];
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
      sqlite
        .prepare(
          `INSERT INTO vitals (id, patient_id, visit_id, measured_at, input, derived, flags, systolic, diastolic, source, recorded_by, created_at)
           VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          patientId,
          visitId ?? null,
          now,
          JSON.stringify(input),
          JSON.stringify(assessment.derived),
          JSON.stringify(assessment.flags),
          assessment.derived.systolic ?? null,
          assessment.derived.diastolic ?? null,
          source,
          this.user().id,
          now,
        );
      recordChange(sqlite, 'vitals', id);
    })();
    return this.listVitals(patientId, 1)[0];
  }

  listVitals(patientId: string, limit: number): VitalsRecord[] {
    const rows = this.db()
      .select()
      .from(vitals)
      .where(eq(vitals.patientId, patientId))
      .orderBy(desc(vitals.measuredAt), desc(sql`rowid`))
      .limit(limit)
      .all();
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
    const row = this.sqlite().prepare(`${VISIT_SQL} WHERE id = ?`).get(visitId) as (Omit<Visit, 'diagnoses'> & { diagnoses: string }) | undefined;
    if (!row || row.patientId !== patientId) throw new ApiError('NOT_FOUND', `no visit ${visitId} for this patient`);
    return toVisit(row);
  }

  openVisit(patientId: string, queueEntryId?: string): Visit {
    this.patients.get(patientId);
    const existing = this.sqlite().prepare(`SELECT id FROM visits WHERE patient_id = ? AND status = 'open' ORDER BY opened_at DESC LIMIT 1`).get(patientId) as
      { id: string } | undefined;
    if (existing) return this.visit(existing.id, patientId);
    const user = this.user();
    const id = randomUUID();
    const now = this.clock.now().toISOString();
    this.sqlite()
      .prepare(
        `INSERT INTO visits (id, record_id, version, patient_id, queue_entry_id, status, clinician_id, clinician_name, opened_at, updated_at) VALUES (?, ?, 1, ?, ?, 'open', ?, ?, ?, ?)`,
      )
      .run(id, id, patientId, queueEntryId ?? null, user.id, user.displayName, now, now);
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
    this.sqlite()
      .prepare(
        `UPDATE visits SET chief_complaint = ?, history = ?, examination = ?, diagnoses = ?, plan = ?, prescription = ?, updated_at = ? WHERE id = ? AND status = 'open'`,
      )
      .run(
        next.chiefComplaint,
        next.history,
        next.examination,
        JSON.stringify(next.diagnoses),
        next.plan,
        next.prescription,
        this.clock.now().toISOString(),
        visitId,
      );
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
      this.sqlite()
        .prepare(`UPDATE visits SET status = 'closed', closed_at = ?, clinician_id = ?, clinician_name = ?, updated_at = ? WHERE id = ?`)
        .run(now, user.id, user.displayName, now, visitId);
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
      this.sqlite().prepare(`UPDATE visits SET status = 'superseded', updated_at = ? WHERE id = ? AND status = 'closed'`).run(now, visitId);
      this.sqlite()
        .prepare(
          `INSERT INTO visits (id, record_id, version, supersedes, patient_id, queue_entry_id, status, chief_complaint, history, examination, diagnoses, plan, prescription,
           correction_reason, clinician_id, clinician_name, opened_at, closed_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, 'closed', ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
        )
        .run(
          id,
          current.recordId,
          current.version + 1,
          visitId,
          patientId,
          current.queueEntryId,
          fields.chiefComplaint,
          fields.history,
          fields.examination,
          JSON.stringify(fields.diagnoses),
          fields.plan,
          fields.prescription,
          reason,
          user.id,
          user.displayName,
          current.openedAt,
          now,
          now,
        );
      recordChange(this.sqlite(), 'visit', id);
    })();
    return this.visit(id, patientId);
  }

  listVisits(patientId: string, includeSuperseded: boolean): Visit[] {
    const rows = this.sqlite()
      .prepare(`${VISIT_SQL} WHERE patient_id = ? ${includeSuperseded ? '' : `AND status <> 'superseded'`} ORDER BY opened_at DESC, version DESC`)
      .all(patientId) as (Omit<Visit, 'diagnoses'> & { diagnoses: string })[];
    return rows.map(toVisit);
  }

  getVisit(patientId: string, visitId: string): Visit {
    return this.visit(visitId, patientId);
  }
}
