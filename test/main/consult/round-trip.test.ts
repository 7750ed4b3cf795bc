import type { DocumentReference, ServiceRequest, Task } from '@medplum/fhirtypes';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { CRITICAL_VALUE_EXTENSION } from '../../../src/main/consult/consult-fhir';
import { synthesizeEcg } from '../../../src/main/ecg/devices/synthetic-ecg';
import { readAecg } from '../../../src/main/ecg/formats/aecg';
import { writeAecg } from '../../../src/main/ecg/formats/aecg-writer';
import { createSyncEngine, type SyncEngine } from '../../../src/main/sync/engine';
import { createFhirHttpClient } from '../../../src/main/sync/http';
import { makeResidentId } from '../../../src/shared/resident-id';
import type { SyncTargetConfig } from '../../../src/shared/sync';
import { generatePlatformPki, type PlatformPki } from '../../support/fhir-peer/certs';
import { startFhirPeer, type FhirPeer } from '../../support/fhir-peer/peer';
import { MemoryOutboxStore } from '../../support/memory-outbox';
import { consultServiceOf } from '../../support/consult';
import { openTestStation, type TestStation } from '../../support/test-services';

/**
 * The whole consult as the county sees it: the station's request reaches a FHIR platform over mutual TLS, a county
 * clinician works the Task and signs a report with a critical value, and the station's pull brings it home.
 */

const SIGNED_PDF = Buffer.from('%PDF-1.4\n% county signed report\n%%EOF\n', 'latin1');

describe('remote consult round trip through a county FHIR peer over mutual TLS', () => {
  let pki: PlatformPki;
  let peer: FhirPeer;
  let station: TestStation | undefined;
  let engine: SyncEngine | undefined;

  beforeAll(async () => {
    pki = generatePlatformPki({ name: 'county' });
    peer = await startFhirPeer({ ca: pki.ca.certPem, serverCert: pki.server.certPem, serverKey: pki.server.keyPem });
  });
  afterAll(() => peer.stop());
  afterEach(async () => {
    await engine?.stop();
    engine = undefined;
    await station?.services.ecg.close();
    station?.dispose();
    station = undefined;
    peer.repo.clear();
  });

  function countyTarget(): SyncTargetConfig {
    return {
      id: 'county',
      baseUrl: peer.url,
      caCertificatePem: pki.ca.certPem,
      clientPkcs12: new Uint8Array(pki.client.pfx),
      clientPassphrase: pki.client.passphrase,
      pullResourceTypes: ['Task', 'DiagnosticReport'],
      requestTimeoutMs: 5_000,
    };
  }

  /** A station with a patient who has vitals, a signed hypertension visit and a 12-lead ECG in the chart. */
  async function stationWithChart() {
    station = await openTestStation({ withAdmin: true });
    const { services } = station;
    const d = services.dispatch;
    const registered = await call(d, 'patients', 'register', { name: '赵建国', idNumber: makeResidentId('130321', '1956-07-01', 17) });
    if (registered.status !== 'created') throw new Error('setup: patient');
    const patient = registered.patient;
    await call(d, 'vitals', 'record', { patientId: patient.id, input: { bloodPressure: [{ systolic: 168, diastolic: 98 }], heartRate: 96 } });
    const entry = await call(d, 'clinic', 'checkIn', { patientId: patient.id });
    const visit = await call(d, 'visits', 'open', { patientId: patient.id, queueEntryId: entry.id });
    await call(d, 'visits', 'save', { patientId: patient.id, visitId: visit.id, chiefComplaint: '胸闷', diagnoses: [{ code: 'I10', name: '原发性高血压' }] });
    await call(d, 'visits', 'close', { patientId: patient.id, visitId: visit.id });
    const synthetic = synthesizeEcg({ seed: 5, durationS: 10, sampleRateHz: 500, heartRateBpm: 96 });
    const file = path.join(station.dataDir, 'cart.xml');
    writeFileSync(file, writeAecg({ format: 'hl7-aecg', sampleRateHz: synthetic.sampleRateHz, leads: synthetic.leads }));
    const ecg = await call(d, 'ecg', 'importFile', { patientId: patient.id, file: services.files.register(file, 'ecg').handle });

    const outbox = new MemoryOutboxStore();
    const consults = consultServiceOf(station, {
      enqueue: (_sqlite, items) => {
        for (const { target, resource } of items) outbox.save(resource, [target]);
        return items.length;
      },
    });
    engine = createSyncEngine({
      targets: [countyTarget()],
      outbox,
      http: createFhirHttpClient(),
      applyRemote: (target, resource) => {
        outbox.acceptRemote(target, resource);
        consults.applyPulled(resource);
      },
      backoff: { baseMs: 10, capMs: 100 },
    });
    return { services, patient, ecg, outbox, consults, sync: engine };
  }

  it('request out, county accepts, completes and signs a critical report; the station shows it and must acknowledge', async () => {
    const { services, patient, ecg, outbox, consults, sync } = await stationWithChart();

    // Offline: saved and queued, nothing on the platform yet.
    const created = await consults.create({
      patientId: patient.id,
      question: '胸闷伴心悸，请会诊判读心电图',
      urgency: 'stat',
      targetInstitution: '某某县人民医院',
      specialty: 'cardiology',
      ecgIds: [ecg.id],
    });
    expect(created).toMatchObject({ status: 'requested', ecgIds: [ecg.id], patientName: '赵建国', requesterName: '管理员' });
    expect(outbox.countPending('county')).toBe(3);
    expect(await peer.repo.all('ServiceRequest')).toEqual([]);

    // Sync: ServiceRequest + Task + DocumentReference arrive on the platform.
    expect(await sync.syncOnce('county')).toMatchObject({ ok: true, pushedResources: 3 });
    const request = await peer.repo.readResource<ServiceRequest>('ServiceRequest', created.id);
    expect(request).toMatchObject({ priority: 'stat', subject: { reference: `Patient/${patient.id}` }, note: [{ text: '胸闷伴心悸，请会诊判读心电图' }] });
    expect((request.contained ?? []).map((resource) => resource.resourceType).sort()).toEqual(['Condition', 'Observation', 'Observation']);
    const task = await peer.repo.readResource<Task>('Task', created.taskId);
    expect(task).toMatchObject({ status: 'requested', basedOn: [{ reference: `ServiceRequest/${created.id}` }] });
    const [document] = (await peer.repo.all('DocumentReference')) as DocumentReference[];
    const attachment = document.content[0].attachment;
    expect(attachment.contentType).toBe('application/hl7-v3+xml');
    const sent = readAecg(Buffer.from(attachment.data ?? '', 'base64'));
    expect(sent.leads.map((lead) => lead.name)).toContain('V5');
    expect(sent.sampleRateHz).toBe(500);
    // Sent at 1 µV resolution (small enough for a FHIR string), equal to the stored tracing within rounding.
    const stored = services.ecg.recordOf(patient.id, ecg.id);
    for (const lead of stored.leads) {
      const out = sent.leads.find((each) => each.name === lead.name)?.microvolts ?? new Float32Array();
      expect(out.length).toBe(lead.microvolts.length);
      expect(Math.max(...lead.microvolts.map((value, index) => Math.abs(value - out[index])))).toBeLessThanOrEqual(0.5);
    }
    expect((attachment.data ?? '').length).toBeLessThan(1024 * 1024);

    // The county accepts: after pull the station shows it.
    await peer.county.setTaskStatus(created.taskId, 'accepted');
    await sync.syncOnce('county');
    const accepted = consults.get(patient.id, created.id).consult;
    expect(accepted.status).toBe('accepted');
    expect(accepted.acceptedAt).not.toBeNull();

    // Read, completed, and a signed report with a critical value.
    await peer.county.setTaskStatus(created.taskId, 'in-progress');
    await peer.county.setTaskStatus(created.taskId, 'completed');
    const report = await peer.county.createDiagnosticReport({
      serviceRequest: { reference: `ServiceRequest/${created.id}` },
      subject: { reference: `Patient/${patient.id}` },
      conclusion: '窦性心动过速，V1–V4 ST段抬高 0.3 mV，考虑急性前壁心肌梗死',
      signer: '县医院心内科 王主任',
      presentedForm: [{ contentType: 'application/pdf', data: SIGNED_PDF.toString('base64'), title: '会诊报告.pdf' }],
    });
    await peer.repo.updateResource({ ...report, extension: [{ url: CRITICAL_VALUE_EXTENSION, valueString: '急性前壁心肌梗死，请立即转诊' }] });
    expect(await sync.syncOnce('county')).toMatchObject({ ok: true });

    const { consult, replies } = consults.get(patient.id, created.id);
    expect(consult).toMatchObject({ status: 'completed', hasReply: true, critical: true });
    expect(consult.completedAt).not.toBeNull();
    expect(replies).toHaveLength(1);
    expect(replies[0]).toMatchObject({
      conclusion: '窦性心动过速，V1–V4 ST段抬高 0.3 mV，考虑急性前壁心肌梗死',
      signer: '县医院心内科 王主任',
      hasPdf: true,
      critical: true,
      criticalText: '急性前壁心肌梗死，请立即转诊',
    });
    expect(Buffer.from(consults.replyPdf(patient.id, replies[0].id).base64, 'base64')).toEqual(SIGNED_PDF);
    expect(consults.replyForEcg(patient.id, ecg.id)).toEqual(replies[0]);

    // The alert is open until a clinician acknowledges it; a later pull of the same report raises no second one.
    const [alert] = consults.alerts();
    expect(consults.alerts()).toHaveLength(1);
    expect(alert).toMatchObject({ patientId: patient.id, patientName: '赵建国', text: '急性前壁心肌梗死，请立即转诊', acknowledgedAt: null });
    await sync.syncOnce('county');
    expect(consults.alerts()).toHaveLength(1);
    const acknowledged = consults.acknowledge(patient.id, alert.id);
    expect(acknowledged).toMatchObject({ acknowledgedByName: '管理员' });
    expect(acknowledged.acknowledgedAt).not.toBeNull();
    expect(consults.alerts()).toEqual([]);
    const raised = services.audit.search({ action: 'consult.criticalAlert.raised', patientId: patient.id, limit: 10 });
    expect(raised).toHaveLength(1);
  });

  it('the county declines: the station shows rejected with the county note, and a withdrawn request cannot be cancelled again', async () => {
    const { patient, consults, sync } = await stationWithChart();
    const created = await consults.create({
      patientId: patient.id,
      question: '血压控制不佳，请调整方案',
      urgency: 'routine',
      targetInstitution: '某某县中医院',
      specialty: 'internal-medicine',
      includeVitals: false,
      includeDiagnoses: false,
    });
    await sync.syncOnce('county');
    expect((await peer.repo.readResource<ServiceRequest>('ServiceRequest', created.id)).contained).toBeUndefined();
    await peer.county.setTaskStatus(created.taskId, 'rejected', '本院该专科暂停远程会诊，请联系市医院');
    await sync.syncOnce('county');
    expect(consults.get(patient.id, created.id).consult).toMatchObject({ status: 'rejected', statusNote: '本院该专科暂停远程会诊，请联系市医院' });
    expect(() => consults.cancel(patient.id, created.id)).toThrow(expect.objectContaining({ code: 'CONFLICT' }));
    expect(consults.open()).toEqual([]);
  });

  it('a withdrawal goes out as the cancelled Task, on top of the version the station knows', async () => {
    const { patient, consults, sync, outbox } = await stationWithChart();
    const created = await consults.create({
      patientId: patient.id,
      question: '复查心电图',
      urgency: 'urgent',
      targetInstitution: '某某县人民医院',
      specialty: 'cardiology',
    });
    await sync.syncOnce('county');
    expect(consults.open().map((each) => each.id)).toEqual([created.id]);
    expect(consults.cancel(patient.id, created.id).status).toBe('cancelled');
    await sync.syncOnce('county');
    expect((await peer.repo.readResource<Task>('Task', created.taskId)).status).toBe('cancelled');
    expect(peer.repo.versionsOf('Task', created.taskId)).toHaveLength(2);
    expect(outbox.conflicts).toEqual([]);
    expect(consults.get(patient.id, created.id).consult.status).toBe('cancelled');
  });
});
