import type { WithId } from '@medplum/core';
import type { Attachment, DiagnosticReport, Reference, ServiceRequest, Task } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import type { PeerRepository } from './repository';

/**
 * What a county clinician does on the platform's side of a remote consult, applied straight to the peer's
 * store (as the platform's own UI would): each call commits a new version that the station sees on pull.
 */
export interface CountyActions {
  readTask(id: string): Promise<WithId<Task>>;
  /** Moves a consult Task along requested → accepted → in-progress → completed / rejected. */
  setTaskStatus(id: string, status: Task['status'], note?: string): Promise<WithId<Task>>;
  updateTask(id: string, change: (task: WithId<Task>) => Task): Promise<WithId<Task>>;
  createDiagnosticReport(report: CountyReport): Promise<WithId<DiagnosticReport>>;
}

export interface CountyReport {
  serviceRequest: Reference<ServiceRequest>;
  subject: DiagnosticReport['subject'];
  conclusion: string;
  signer: string;
  /** A signed PDF, usually; base64 data inline. */
  presentedForm?: Attachment[];
}

// LOINC 45033-8 is not used here on purpose: the station maps its own ECG reports; the county's read is
// coded as 11524-6 "EKG study" so a test can tell the two apart.
const COUNTY_ECG_READ = { system: 'http://loinc.org', code: '11524-6', display: 'EKG study' };

export function createCountyActions(repo: PeerRepository): CountyActions {
  const readTask = (id: string) => repo.readResource<Task>('Task', id) as Promise<WithId<Task>>;
  const updateTask = async (id: string, change: (task: WithId<Task>) => Task) => {
    const current = await readTask(id);
    return repo.updateResource<Task>({ ...change(structuredClone(current)), id });
  };
  return {
    readTask,
    updateTask,
    setTaskStatus(id, status, note) {
      return updateTask(id, (task) => ({
        ...task,
        status,
        lastModified: new Date().toISOString(),
        ...(note ? { note: [...(task.note ?? []), { text: note }] } : {}),
      }));
    },
    createDiagnosticReport(report) {
      return repo.createResource<DiagnosticReport>({
        resourceType: 'DiagnosticReport',
        id: randomUUID(),
        status: 'final',
        basedOn: [report.serviceRequest],
        category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'EC' }] }],
        code: { coding: [COUNTY_ECG_READ] },
        subject: report.subject,
        issued: new Date().toISOString(),
        resultsInterpreter: [{ display: report.signer }],
        conclusion: report.conclusion,
        ...(report.presentedForm ? { presentedForm: report.presentedForm } : {}),
      });
    },
  };
}
