import type { DiagnosticReport, Resource, Task } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { OPEN_CONSULT_STATUSES, consultInputSchema, type Consult, type ConsultReply, type ConsultStatus, type CriticalAlert } from '../../shared/api/consult';
import { ApiError } from '../../shared/api/errors';
import type { SyncTargetId } from '../../shared/sync';
import type { AuditEvent } from '../audit/audit-log';
import type { ClinicService } from '../clinic/clinic-service';
import type { Clock } from '../clock';
import type { Sqlite } from '../db/open';
import type { EcgService } from '../ecg/ecg-service';
import { writeAecg } from '../ecg/formats/aecg-writer';
import type { PatientService } from '../patients/patient-service';
import type { RenderPdf } from '../pdf/render-pdf';
import type { Session } from '../session/session';
import type { ResourceWithId } from '../sync/outbox';
import {
  consultResources,
  consultTask,
  nextConsultStatus,
  pulledReply,
  pulledTask,
  type ConsultDiagnosis,
  type ConsultDocument,
  type ConsultForFhir,
  type ConsultVitals,
} from './consult-fhir';
import type { z } from 'zod';
import { recordDocumentChange } from '../sync/outbox-writer';
import {
  acknowledgeAlertRow,
  alertRow,
  consultPatient,
  consultRow,
  consultRowsInStatus,
  consultRowsOfPatient,
  consultStatusByTask,
  insertConsultAttachments,
  insertConsultRequest,
  insertCriticalAlert,
  latestReplyRowForEcg,
  markConsultCancelled,
  openConsultRows,
  replyPdfRow,
  replyRowsOfConsult,
  someConsultAwaitsReply,
  storedReplyVersion,
  unacknowledgedAlertRows,
  updateConsultStatus,
  upsertReply,
  type ConsultListRow,
} from './repository';
import { vitalsDerived } from '../clinic/vitals-derived';

/**
 * Same shape as the sync module's `enqueueResources`: writes outbox rows, opens no transaction of its own, and
 * returns how many it queued (none for a target this station has not configured).
 */
export type EnqueueResources = (sqlite: Sqlite, items: { target: SyncTargetId; resource: ResourceWithId }[]) => number;

export interface ConsultServiceDeps {
  sqlite: () => Sqlite;
  clock: Clock;
  session: Session;
  patients: PatientService;
  clinic: ClinicService;
  ecg: EcgService;
  enqueue: EnqueueResources;
  audit: (event: AuditEvent) => void;
  /**
   * Renders the ECG report route to the PDF that goes beside each aECG (Electron printToPDF in the app, Chromium
   * in the harness). Absent where no renderer runs (the CLI): the consult then carries the aECG alone.
   */
  renderPdf?: RenderPdf;
}

/** Consults go to the county platform; the provincial one receives only the public-health subset. */
const CONSULT_TARGET: SyncTargetId = 'county';
/** The summary a county reader needs: the last few measurements and the standing diagnoses. */
const SUMMARY_VITALS = 3;
const SUMMARY_DIAGNOSES = 10;
/** Medplum's validator (ours before sending, and Medplum-based platforms) refuses any FHIR string over 1 MiB. */
const MAX_FHIR_STRING_CHARS = 1024 * 1024;

function toConsult(row: ConsultListRow): Consult {
  const { updatedAt: _updatedAt, ...rest } = row;
  return {
    ...rest,
    ecgIds: row.ecgIds ? (JSON.parse(row.ecgIds) as string[]) : [],
    answer: parseAnswer(row.answer),
  };
}

/** The latest reply as json_object() built it (critical is SQLite's 0/1). */
function parseAnswer(json: string | null): Consult['answer'] {
  if (!json) return null;
  const a = JSON.parse(json) as { conclusion: string; signer: string; signedAt: string; critical: number };
  return { conclusion: a.conclusion, signer: a.signer, signedAt: a.signedAt, critical: a.critical === 1 };
}

export type PulledOutcome = 'applied' | 'unchanged' | 'not-ours';

/** A signed report PDF is a few hundred KiB; one far larger is refused rather than stored in the database (issue 15.13). */
export const MAX_REPLY_PDF_BYTES = 20 * 1024 * 1024;

/** The decoded PDF, or null when it is too large or not a PDF at all. The size is checked before decoding. */
export function acceptedReplyPdf(base64: string): Buffer | null {
  if (Math.floor((base64.length * 3) / 4) > MAX_REPLY_PDF_BYTES + 3) return null;
  const bytes = Buffer.from(base64, 'base64');
  if (bytes.length > MAX_REPLY_PDF_BYTES || bytes.subarray(0, 5).toString('latin1') !== '%PDF-') return null;
  return bytes;
}

export class ConsultService {
  constructor(private readonly deps: ConsultServiceDeps) {}

  private get db(): Sqlite {
    return this.deps.sqlite();
  }

  private user() {
    const user = this.deps.session.user;
    if (!user) throw new ApiError('UNAUTHENTICATED', 'sign in first');
    return user;
  }

  private now(): string {
    return this.deps.clock.now().toISOString();
  }

  /**
   * Saves the request and queues ServiceRequest + Task + one DocumentReference per ECG in one transaction: the
   * request exists locally at once and leaves whenever sync next reaches the county.
   */
  async create(rawInput: z.input<typeof consultInputSchema>): Promise<Consult> {
    const input = consultInputSchema.parse(rawInput);
    const user = this.user();
    this.deps.patients.get(input.patientId);
    const ecgIds = [...new Set(input.ecgIds)];
    const documents: ConsultDocument[] = ecgIds.map((ecgId) => {
      const summary = this.deps.ecg.list(input.patientId).find((ecg) => ecg.id === ecgId);
      if (!summary) throw new ApiError('NOT_FOUND', `no ECG ${ecgId} for this patient`);
      return {
        id: randomUUID(),
        kind: 'aecg',
        ecgId,
        fileName: `ecg-${ecgId}.xml`,
        xml: this.consultAecg(input.patientId, ecgId),
        recordedAt: summary.recordedAt,
      };
    });
    // The report PDF beside each aECG, so a county reader without an aECG viewer sees the tracing as printed here.
    for (const ecgId of ecgIds) {
      const pdf = await this.reportPdf(input.patientId, ecgId);
      if (pdf) documents.push({ id: randomUUID(), kind: 'ecg-report-pdf', ecgId, fileName: `ecg-${ecgId}.pdf`, pdf });
    }
    const now = this.now();
    const consult: ConsultForFhir = {
      id: randomUUID(),
      taskId: randomUUID(),
      patientId: input.patientId,
      question: input.question,
      urgency: input.urgency,
      targetInstitution: input.targetInstitution,
      specialty: input.specialty,
      status: 'requested',
      requestedAt: now,
      updatedAt: now,
      requesterName: user.displayName,
      documentIds: documents.map((document) => document.id),
      vitals: input.includeVitals ? this.recentVitals(input.patientId) : [],
      diagnoses: input.includeDiagnoses ? this.standingDiagnoses(input.patientId) : [],
    };
    const resources = consultResources(consult, documents);
    this.db.transaction(() => {
      insertConsultRequest(this.db, {
        id: consult.id,
        taskId: consult.taskId,
        patientId: consult.patientId,
        question: consult.question,
        urgency: consult.urgency,
        targetInstitution: consult.targetInstitution,
        specialty: consult.specialty,
        includeVitals: input.includeVitals,
        includeDiagnoses: input.includeDiagnoses,
        requestedAt: now,
        requesterId: user.id,
        requesterName: user.displayName,
        createdAt: now,
        updatedAt: now,
      });
      insertConsultAttachments(
        this.db,
        documents.map((document) => ({ id: document.id, consultId: consult.id, kind: document.kind, ecgId: document.ecgId, createdAt: now })),
      );
      const queued =
        this.deps.enqueue(
          this.db,
          resources.map((resource) => ({ target: CONSULT_TARGET, resource })),
        ) + recordDocumentChange(this.db, { kind: 'consult', id: consult.id });
      // Without a county target the request would wait forever with nobody told: refuse it (rolls back) instead.
      if (queued === 0) {
        throw new ApiError('VALIDATION', 'the county platform is not configured on this station', { reason: 'CONSULT_TARGET_NOT_CONFIGURED' });
      }
    })();
    return this.consult(consult.id);
  }

  /**
   * The ECG report as printed (A4 landscape, true scale), or null when this process has no renderer. A renderer
   * failure does not hold the consult back: the aECG carries the tracing, and a STEMI question must still go.
   */
  private async reportPdf(patientId: string, ecgId: string): Promise<Buffer | null> {
    if (!this.deps.renderPdf) return null;
    let pdf: Buffer;
    try {
      pdf = await this.deps.renderPdf(`/print/ecg/${patientId}/${ecgId}`, { pageSize: 'A4', landscape: true });
    } catch (error) {
      console.error('[consult] ECG report PDF not rendered; the consult goes with the aECG only', error);
      return null;
    }
    if (Math.ceil(pdf.byteLength / 3) * 4 > MAX_FHIR_STRING_CHARS) {
      throw new ApiError('VALIDATION', `the report PDF of ECG ${ecgId} is too large to attach to a consult`, { field: 'ecgIds', reason: 'ECG_TOO_LARGE' });
    }
    return pdf;
  }

  /**
   * The aECG for the county, at 1 µV resolution: the writer keeps every float bit otherwise (~13 digits a sample,
   * 0.8 MB for 10 s of 12 leads, over the limit below), and 1 µV is finer than diagnostic ECG amplifiers resolve
   * (commonly 2.5–5 µV a step). Refused at once if it still exceeds what a FHIR string may hold, rather than being
   * held by validation later where the clinician would not see it.
   */
  private consultAecg(patientId: string, ecgId: string): string {
    const patient = this.deps.patients.get(patientId);
    const record = this.deps.ecg.recordOf(patientId, ecgId);
    const xml = writeAecg({
      ...record,
      patient: { id: patient.idNumber ?? patient.id, name: patient.name, sex: patient.sex, birthDate: patient.birthDate },
      leads: record.leads.map((lead) => ({ name: lead.name, microvolts: Float32Array.from(lead.microvolts, Math.round) })),
    });
    if (Math.ceil(Buffer.byteLength(xml, 'utf8') / 3) * 4 > MAX_FHIR_STRING_CHARS) {
      throw new ApiError('VALIDATION', `the ECG ${ecgId} is too long to attach to a consult`, { field: 'ecgIds', reason: 'ECG_TOO_LARGE' });
    }
    return xml;
  }

  private recentVitals(patientId: string): ConsultVitals[] {
    return this.deps.clinic.listVitals(patientId, SUMMARY_VITALS).map((record) => {
      const derived = vitalsDerived(record.derived);
      return {
        id: record.id,
        measuredAt: record.measuredAt,
        systolic: derived.systolic,
        diastolic: derived.diastolic,
        heartRate: record.input.heartRate,
        weightKg: record.input.weightKg,
        heightCm: record.input.heightCm,
        bmi: derived.bmi,
        glucose: record.input.glucose,
      };
    });
  }

  /** Distinct ICD-10 codes from current visit versions, newest first. */
  private standingDiagnoses(patientId: string): ConsultDiagnosis[] {
    const seen = new Map<string, ConsultDiagnosis>();
    const visits = this.deps.clinic.listVisits(patientId, false).sort((a, b) => b.openedAt.localeCompare(a.openedAt));
    for (const visit of visits) {
      for (const diagnosis of visit.diagnoses) {
        if (!seen.has(diagnosis.code)) seen.set(diagnosis.code, { ...diagnosis, recordedAt: visit.closedAt ?? visit.openedAt });
      }
    }
    return [...seen.values()].slice(0, SUMMARY_DIAGNOSES);
  }

  private consult(consultId: string): Consult {
    const row = consultRow(this.db, consultId);
    if (!row) throw new ApiError('NOT_FOUND', `no consult ${consultId}`);
    return toConsult(row);
  }

  private owned(patientId: string, consultId: string): Consult {
    const consult = this.consult(consultId);
    if (consult.patientId !== patientId) throw new ApiError('NOT_FOUND', `no consult ${consultId} for this patient`);
    return consult;
  }

  list(patientId: string): Consult[] {
    this.deps.patients.get(patientId);
    return consultRowsOfPatient(this.db, patientId).map(toConsult);
  }

  open(): Consult[] {
    return openConsultRows(this.db).map(toConsult);
  }

  /**
   * Whether some consult still waits for the county: open, or completed within the last day with no report here
   * yet (the Task can arrive completed a pull before its DiagnosticReport).
   */
  awaitingReply(): boolean {
    const since = new Date(this.deps.clock.now().getTime() - 24 * 3600_000).toISOString();
    return someConsultAwaitsReply(this.db, since);
  }

  byStatus(statuses: readonly ConsultStatus[], limit: number): Consult[] {
    return consultRowsInStatus(this.db, statuses, limit).map(toConsult);
  }

  get(patientId: string, consultId: string): { consult: Consult; replies: ConsultReply[] } {
    const consult = this.owned(patientId, consultId);
    const replies = replyRowsOfConsult(this.db, consultId);
    return { consult, replies };
  }

  /**
   * Withdraws a request the county has not finished. Only the Task changes (the workflow lives there): if the county
   * moved it meanwhile, the push meets their version and becomes a visible conflict instead of overwriting it.
   */
  cancel(patientId: string, consultId: string): Consult {
    const consult = this.owned(patientId, consultId);
    if (!OPEN_CONSULT_STATUSES.includes(consult.status)) {
      throw new ApiError('CONFLICT', `the consult is already ${consult.status}`, { reason: 'CONSULT_CLOSED' });
    }
    const now = this.now();
    const task = consultTask({ ...consult, status: 'cancelled', updatedAt: now, documentIds: [], vitals: [], diagnoses: [] });
    this.db.transaction(() => {
      markConsultCancelled(this.db, consultId, now);
      this.deps.enqueue(this.db, [{ target: CONSULT_TARGET, resource: task }]);
      recordDocumentChange(this.db, { kind: 'consult', id: consultId });
    })();
    return this.consult(consultId);
  }

  replyPdf(patientId: string, replyId: string): { fileName: string; base64: string } {
    const row = replyPdfRow(this.db, replyId);
    if (!row || row.patientId !== patientId || !row.pdf) throw new ApiError('NOT_FOUND', `no signed PDF for reply ${replyId}`);
    return { fileName: `consult-reply-${replyId}.pdf`, base64: row.pdf.toString('base64') };
  }

  /** The newest reply to any consult that carried this ECG. */
  replyForEcg(patientId: string, ecgId: string): ConsultReply | null {
    return latestReplyRowForEcg(this.db, patientId, ecgId) ?? null;
  }

  alerts(): CriticalAlert[] {
    return unacknowledgedAlertRows(this.db);
  }

  /** The first acknowledgement stands (who and when); acknowledging again changes nothing. */
  acknowledge(patientId: string, alertId: string): CriticalAlert {
    const user = this.user();
    const before = this.alert(alertId);
    if (before.patientId !== patientId) throw new ApiError('NOT_FOUND', `no alert ${alertId} for this patient`);
    acknowledgeAlertRow(this.db, alertId, { userId: user.id, name: user.displayName, at: this.now() });
    return this.alert(alertId);
  }

  private alert(alertId: string): CriticalAlert {
    const row = alertRow(this.db, alertId);
    if (!row) throw new ApiError('NOT_FOUND', `no alert ${alertId}`);
    return row;
  }

  // ---- pulled from the county ---------------------------------------------------------------------------

  /** The sync pull hook: Tasks and DiagnosticReports; anything that is not about one of our consults is left alone. */
  applyPulled(resource: Resource): PulledOutcome {
    if (resource.resourceType === 'Task') return this.applyTask(resource);
    if (resource.resourceType === 'DiagnosticReport') return this.applyReport(resource);
    return 'not-ours';
  }

  applyTask(task: Task): PulledOutcome {
    const pulled = pulledTask(task);
    if (!pulled) return 'not-ours';
    const row = consultStatusByTask(this.db, pulled.taskId);
    if (!row) return 'not-ours';
    const next = nextConsultStatus(row.status, pulled.status);
    const note = pulled.note ?? row.statusNote;
    if (next === row.status && note === row.statusNote) return 'unchanged';
    const now = this.now();
    updateConsultStatus(this.db, { id: row.id, status: next, statusNote: note, now, statusChanged: next !== row.status, reachedAt: pulled.changedAt ?? now });
    return 'applied';
  }

  /** Stores the county's report as the reply (a later version replaces it) and raises one alert per critical report. */
  applyReport(report: DiagnosticReport): PulledOutcome {
    const reply = pulledReply(report);
    if (!reply) return 'not-ours';
    const consult = consultPatient(this.db, reply.serviceRequestId);
    if (!consult) return 'not-ours';
    const existing = storedReplyVersion(this.db, reply.reportId);
    // A report id is the county's; one that arrives again naming ANOTHER consult is not a new version of this reply
    // (a platform mix-up, or a crafted answer): it must never replace what a clinician already read (issue 15.13).
    if (existing && existing.consultId !== consult.id) return 'not-ours';
    if (existing && reply.version !== null && existing.version === reply.version) return 'unchanged';
    const now = this.now();
    let raised: string | null = null;
    const pdf = reply.pdfBase64 ? acceptedReplyPdf(reply.pdfBase64) : null;
    this.db.transaction(() => {
      upsertReply(this.db, {
        id: reply.reportId,
        consultId: consult.id,
        conclusion: reply.conclusion,
        signer: reply.signer,
        signedAt: reply.signedAt || now,
        pdf,
        critical: reply.critical,
        criticalText: reply.criticalText,
        version: reply.version,
        now,
      });
      // The consult record now has its 会诊意见: a new version of EHR-SD-19 for platforms that take documents.
      recordDocumentChange(this.db, { kind: 'consult', id: consult.id });
      if (reply.critical) {
        const alertId = randomUUID();
        const inserted = insertCriticalAlert(this.db, {
          id: alertId,
          replyId: reply.reportId,
          consultId: consult.id,
          patientId: consult.patientId,
          text: reply.criticalText ?? reply.conclusion,
          raisedAt: now,
        });
        if (inserted) raised = alertId;
      }
    })();
    if (reply.pdfBase64 && !pdf) {
      // The conclusion still lands (it may be critical); only the attachment is refused, and the audit says so.
      this.deps.audit({
        userId: null,
        username: null,
        action: 'consult.reply.pdfRefused',
        kind: 'write',
        patientId: consult.patientId,
        outcome: 'denied',
        details: `report ${reply.reportId}: not a PDF of at most ${MAX_REPLY_PDF_BYTES} bytes`,
      });
    }
    if (raised) {
      // Raised by the platform, not by a user: the audit row says so, and the acknowledgement names the user.
      this.deps.audit({
        userId: null,
        username: null,
        action: 'consult.criticalAlert.raised',
        kind: 'write',
        patientId: consult.patientId,
        outcome: 'ok',
        details: `alert ${raised}, report ${reply.reportId}`,
      });
    }
    return 'applied';
  }
}
