import type { DiagnosticReport, DocumentReference, Patient, ServiceRequest, Task } from '@medplum/fhirtypes';
import { mkdirSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { CRITICAL_VALUE_EXTENSION } from '../../../src/main/consult/consult-fhir';
import { readAecg } from '../../../src/main/ecg/formats/aecg';
import type { FhirPeer } from './peer';

/**
 * The county reader's desk over the county peer: list open consults, open one (its question, the waveform as HL7
 * aECG and the station's ECG report PDF, written to files a viewer opens), and sign the answer — a DiagnosticReport
 * the station pulls into the chart. Used by `npm run platforms` and by the consult loop tests.
 */

const OPEN: readonly Task['status'][] = ['requested', 'received', 'accepted', 'in-progress', 'ready'];

export interface OpenConsultLine {
  taskId: string;
  status: Task['status'];
  priority: string;
  patient: string;
  question: string;
  requestedAt: string;
}

export interface OpenedConsult {
  taskId: string;
  question: string;
  /** One per attached ECG: where the files were written and what the aECG holds. */
  ecgs: { aecgPath: string | null; pdfPath: string | null; leads: string[]; sampleRateHz: number | null; durationS: number | null }[];
}

/** A referral (双向转诊) a station sent up, as the county's referral desk lists it. */
export interface ReferralLine {
  taskId: string;
  status: Task['status'];
  priority: string;
  patient: string;
  reason: string;
  referredOn: string;
}

/** The receiving institution's answer: accept, refuse (with why), or complete with the patient's return (回转). */
export type ReferralAnswer =
  | { status: 'accepted'; institution: string; department?: string; note?: string }
  | { status: 'rejected'; institution: string; department?: string; note: string }
  | { status: 'completed'; institution: string; department?: string; note?: string; returnedOn?: string };

export interface CountyDesk {
  openConsults(): Promise<OpenConsultLine[]>;
  /** Referral Tasks not yet completed or refused, urgent first. */
  referrals(): Promise<ReferralLine[]>;
  /** Writes the answer on the referral's Task (owner, location, note or status reason, the return as its end). */
  answerReferral(taskId: string, answer: ReferralAnswer): Promise<Task>;
  open(taskId: string, outDir: string): Promise<OpenedConsult>;
  /** Completes the Task and signs a DiagnosticReport on its ServiceRequest; `critical` adds the 危急值 extension. */
  sign(taskId: string, conclusion: string, signer: string, critical?: string): Promise<DiagnosticReport>;
}

/** 危急 (stat) first, then urgent, then oldest first: the order a county desk works a queue in. */
function byUrgency<T extends { priority: string }>(lines: T[], when: (line: T) => string): T[] {
  const rank = (priority: string) => (priority === 'stat' ? 0 : priority === 'urgent' ? 1 : 2);
  return lines.sort((a, b) => rank(a.priority) - rank(b.priority) || when(a).localeCompare(when(b)));
}

function isReferralRequest(request: ServiceRequest): boolean {
  return request.category?.some((category) => category.coding?.some((coding) => coding.code === '3457005')) ?? false;
}

function requestOf(task: Task): string | undefined {
  return task.focus?.reference ?? task.basedOn?.[0]?.reference;
}

export function createCountyDesk(peer: FhirPeer): CountyDesk {
  const { repo } = peer;
  async function requestFor(task: Task): Promise<ServiceRequest> {
    const reference = requestOf(task);
    if (!reference?.startsWith('ServiceRequest/')) throw new Error(`Task/${task.id} names no ServiceRequest`);
    return repo.readResource<ServiceRequest>('ServiceRequest', reference.slice('ServiceRequest/'.length));
  }
  async function patientName(request: ServiceRequest): Promise<string> {
    const subject = request.subject?.reference;
    const fallback = request.subject?.display ?? subject ?? '-';
    if (!subject?.startsWith('Patient/')) return fallback;
    const person = await repo.readResource<Patient>('Patient', subject.slice('Patient/'.length)).catch(() => undefined);
    return person?.name?.[0]?.text ?? fallback;
  }
  return {
    async openConsults() {
      const tasks = (await repo.all<Task>('Task')).filter((task) => OPEN.includes(task.status));
      const lines: OpenConsultLine[] = [];
      for (const task of tasks) {
        const request = await requestFor(task);
        if (isReferralRequest(request)) continue;
        const patient = await patientName(request);
        lines.push({
          taskId: task.id ?? '',
          status: task.status,
          priority: request.priority ?? 'routine',
          patient,
          question: request.note?.map((note) => note.text).join(' ') ?? '',
          requestedAt: request.authoredOn ?? '',
        });
      }
      return byUrgency(lines, (line) => line.requestedAt);
    },

    async referrals() {
      const tasks = (await repo.all<Task>('Task')).filter((task) => OPEN.includes(task.status));
      const lines: ReferralLine[] = [];
      for (const task of tasks) {
        const request = await requestFor(task).catch(() => undefined);
        if (!request || !isReferralRequest(request)) continue;
        lines.push({
          taskId: task.id ?? '',
          status: task.status,
          priority: request.priority ?? 'routine',
          patient: await patientName(request),
          reason: request.reasonCode?.map((reason) => reason.text).join(' ') ?? '',
          referredOn: request.authoredOn ?? '',
        });
      }
      return byUrgency(lines, (line) => line.referredOn);
    },

    async answerReferral(taskId, answer) {
      return peer.county.updateTask(taskId, (task) => ({
        ...task,
        status: answer.status,
        lastModified: new Date().toISOString(),
        owner: { display: answer.institution },
        ...(answer.department ? { location: { display: answer.department } } : {}),
        ...(answer.status === 'rejected' ? { statusReason: { text: answer.note } } : {}),
        ...(answer.note ? { note: [...(task.note ?? []), { text: answer.note }] } : {}),
        ...(answer.status === 'completed' && answer.returnedOn
          ? { executionPeriod: { ...task.executionPeriod, start: task.executionPeriod?.start ?? task.authoredOn, end: answer.returnedOn } }
          : {}),
      }));
    },

    async open(taskId, outDir) {
      const task = await repo.readResource<Task>('Task', taskId);
      const request = await requestFor(task);
      mkdirSync(outDir, { recursive: true });
      const documents = await Promise.all(
        (request.supportingInfo ?? [])
          .map((ref) => ref.reference)
          .filter((ref): ref is string => ref?.startsWith('DocumentReference/') === true)
          .map((ref) => repo.readResource<DocumentReference>('DocumentReference', ref.slice('DocumentReference/'.length))),
      );
      const byEcg = new Map<string, OpenedConsult['ecgs'][number]>();
      for (const document of documents) {
        const attachment = document.content[0]?.attachment;
        if (!attachment?.data) continue;
        const bytes = Buffer.from(attachment.data, 'base64');
        const name = attachment.title ?? `${document.id}`;
        const ecgKey = name.replace(/\.(xml|pdf)$/, '');
        const entry = byEcg.get(ecgKey) ?? { aecgPath: null, pdfPath: null, leads: [], sampleRateHz: null, durationS: null };
        const file = path.join(outDir, name);
        writeFileSync(file, bytes);
        if (attachment.contentType === 'application/pdf') entry.pdfPath = file;
        else {
          entry.aecgPath = file;
          const record = readAecg(bytes);
          entry.leads = record.leads.map((lead) => lead.name);
          entry.sampleRateHz = record.sampleRateHz;
          entry.durationS = (record.leads[0]?.microvolts.length ?? 0) / record.sampleRateHz;
        }
        byEcg.set(ecgKey, entry);
      }
      return { taskId, question: request.note?.map((note) => note.text).join(' ') ?? '', ecgs: [...byEcg.values()] };
    },

    async sign(taskId, conclusion, signer, critical) {
      const task = await repo.readResource<Task>('Task', taskId);
      const request = requestOf(task);
      if (!request) throw new Error(`Task/${taskId} names no ServiceRequest`);
      if (task.status === 'requested') await peer.county.setTaskStatus(taskId, 'accepted');
      const report = await peer.county.createDiagnosticReport({
        serviceRequest: { reference: request },
        subject: (task.for ?? { display: 'unknown' }) as DiagnosticReport['subject'],
        conclusion,
        signer,
      });
      const signed = critical
        ? await repo.updateResource<DiagnosticReport>({ ...report, extension: [{ url: CRITICAL_VALUE_EXTENSION, valueString: critical }] })
        : report;
      await peer.county.setTaskStatus(taskId, 'completed');
      return signed;
    },
  };
}
