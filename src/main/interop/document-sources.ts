import { and, asc, desc, eq, gte, isNotNull, lt } from 'drizzle-orm';
import type { Db } from '../db/open';
import { consultReplies, consultRequests, ecgRecords, followupRecords, followupReferrals, patients } from '../db/schema';
import { readFeatureSetting } from '../settings/settings-service';
import { buildConsult, buildEcgExam, buildFollowUp, buildReferral, buildRegistration, type Institution } from './builders';
import type { CdaDocument, NationalDocumentType } from './cda-model';
import { ecgReportPdf } from './ecg-report-pdf';

/**
 * Reads the station's own records and hands them to the builders: one place that knows which rows make which national
 * document, shared by the documents outbox (document-queue.ts), the file export and the command line.
 */

/** What a document is made from: its type and the id of the record it describes. */
export interface DocumentRef {
  type: NationalDocumentType;
  recordId: string;
}

export class DocumentSourceMissing extends Error {}

/**
 * The custodian of every document. The institution's code lives in the station settings (`institutionCode`, set in
 * 设置 with the station identity); it is read raw here so this is the one line to change if the settings schema moves.
 * Without a code the station's own id stands in, and the required-element check refuses to send (see validate.ts).
 */
export function stationInstitution(db: Db): Institution {
  const raw = readFeatureSetting(db, 'station');
  const settings = typeof raw === 'object' && raw !== null ? (raw as Record<string, unknown>) : {};
  const code = typeof settings.institutionCode === 'string' ? settings.institutionCode.trim() : '';
  const name = typeof settings.facilityName === 'string' ? settings.facilityName.trim() : '';
  return { code, name: name || '乡镇卫生院' };
}

function patientRow(db: Db, id: string) {
  const row = db.select().from(patients).where(eq(patients.id, id)).get();
  if (!row) throw new DocumentSourceMissing(`no patient ${id}`);
  return row;
}

export function buildDocument(db: Db, ref: DocumentRef, institution: Institution = stationInstitution(db)): CdaDocument {
  switch (ref.type) {
    case 'EHR-SD-1':
      return buildRegistration(patientRow(db, ref.recordId), institution);
    case 'EHR-SD-12':
    case 'EHR-SD-13': {
      const record = db.select().from(followupRecords).where(eq(followupRecords.id, ref.recordId)).get();
      if (!record) throw new DocumentSourceMissing(`no follow-up ${ref.recordId}`);
      const referral = db.select().from(followupReferrals).where(eq(followupReferrals.recordId, record.id)).get();
      return buildFollowUp(record, patientRow(db, record.patientId), institution, referral);
    }
    case 'EHR-SD-20': {
      const referral = db.select().from(followupReferrals).where(eq(followupReferrals.id, ref.recordId)).get();
      if (!referral) throw new DocumentSourceMissing(`no referral ${ref.recordId}`);
      const record = db
        .select({ doctorId: followupRecords.doctorId, doctorName: followupRecords.doctorName })
        .from(followupRecords)
        .where(eq(followupRecords.id, referral.recordId))
        .get();
      const doctor = record ? { id: String(record.doctorId), name: record.doctorName } : { id: String(referral.createdBy), name: institution.name };
      return buildReferral(referral, patientRow(db, referral.patientId), institution, doctor);
    }
    case 'EHR-SD-19': {
      const consult = db.select().from(consultRequests).where(eq(consultRequests.id, ref.recordId)).get();
      if (!consult) throw new DocumentSourceMissing(`no consult ${ref.recordId}`);
      const reply = db
        .select({ conclusion: consultReplies.conclusion, signer: consultReplies.signer, signedAt: consultReplies.signedAt })
        .from(consultReplies)
        .where(eq(consultReplies.consultId, consult.id))
        .orderBy(desc(consultReplies.signedAt))
        .get();
      return buildConsult(consult, patientRow(db, consult.patientId), institution, reply);
    }
    case 'C0006': {
      const ecg = db.select().from(ecgRecords).where(eq(ecgRecords.id, ref.recordId)).get();
      if (!ecg?.patientId) throw new DocumentSourceMissing(`no ECG exam ${ref.recordId} for a patient`);
      const patient = patientRow(db, ecg.patientId);
      const { samples, ...summary } = ecg;
      const pdf = ecgReportPdf({ ecg: summary, samples, patient, institution });
      return buildEcgExam(summary, patient, institution, pdf);
    }
  }
}

/** Every record that makes a national document, optionally limited to records dated in [from, to). */
export function listDocumentRefs(db: Db, range?: { from: string; to: string }): DocumentRef[] {
  const refs: DocumentRef[] = [];
  const within = (column: Parameters<typeof gte>[0]) => (range ? and(gte(column, range.from), lt(column, range.to)) : undefined);
  for (const row of db.select({ id: patients.id }).from(patients).where(within(patients.createdAt)).orderBy(asc(patients.createdAt)).all()) {
    refs.push({ type: 'EHR-SD-1', recordId: row.id });
  }
  for (const row of db
    .select({ id: followupRecords.id, disease: followupRecords.disease })
    .from(followupRecords)
    .where(within(followupRecords.visitDate))
    .orderBy(asc(followupRecords.visitDate))
    .all()) {
    refs.push({ type: row.disease === 't2dm' ? 'EHR-SD-13' : 'EHR-SD-12', recordId: row.id });
  }
  for (const row of db
    .select({ id: followupReferrals.id })
    .from(followupReferrals)
    .where(within(followupReferrals.referredOn))
    .orderBy(asc(followupReferrals.referredOn))
    .all()) {
    refs.push({ type: 'EHR-SD-20', recordId: row.id });
  }
  for (const row of db
    .select({ id: consultRequests.id })
    .from(consultRequests)
    .where(within(consultRequests.requestedAt))
    .orderBy(asc(consultRequests.requestedAt))
    .all()) {
    refs.push({ type: 'EHR-SD-19', recordId: row.id });
  }
  const ecgWhere = range
    ? and(isNotNull(ecgRecords.patientId), gte(ecgRecords.recordedAt, range.from), lt(ecgRecords.recordedAt, range.to))
    : isNotNull(ecgRecords.patientId);
  for (const row of db.select({ id: ecgRecords.id }).from(ecgRecords).where(ecgWhere).orderBy(asc(ecgRecords.recordedAt)).all()) {
    refs.push({ type: 'C0006', recordId: row.id });
  }
  return refs;
}

/** `<document type code>-<record id>.xml`, the file name the export and the command line use. */
export function documentFileName(ref: DocumentRef): string {
  return `${ref.type}-${ref.recordId.replace(/[^A-Za-z0-9_.-]/g, '_')}.xml`;
}
