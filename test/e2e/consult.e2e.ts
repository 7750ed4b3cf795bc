import type { ServiceRequest, Task } from '@medplum/fhirtypes';
import { readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { CRITICAL_VALUE_EXTENSION } from '../../src/main/consult/consult-fhir';
import { synthesizeEcg } from '../../src/main/ecg/devices/synthetic-ecg';
import { writeAecg } from '../../src/main/ecg/formats/aecg-writer';
import { makeResidentId } from '../../src/shared/resident-id';
import { createCountyDesk } from '../support/fhir-peer/county-desk';
import { pdfFacts } from '../support/pdf/pdf-facts';
import { callApi, configureCounty, countyPeerForFile, createAdmin, launch, type E2eContext } from './browser';

const SIGNED_PDF = Buffer.from('%PDF-1.4\n% county signed consult report\n%%EOF\n', 'latin1');

let ctx: E2eContext | undefined;

const county = countyPeerForFile();
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

describe('remote consult in the browser, answered by the county through the FHIR peer', () => {
  it('request from the UI, sync, county accepts and signs a critical report, reply and banner appear, acknowledged', async () => {
    ctx = await launch();
    const { page } = ctx;
    await createAdmin(page);

    await step('Given the county platform is configured and a patient has an ECG', async () => {
      await configureCounty(ctx!, county);
    });
    const patient = (
      await callApi<{ patient: { id: string } }>(ctx, 'patients.register', {
        name: '钱卫东',
        idNumber: makeResidentId('130321', '1961-04-09', 33),
        confirmNotDuplicate: true,
      })
    ).patient;
    const synthetic = synthesizeEcg({ seed: 9, durationS: 10, sampleRateHz: 500, heartRateBpm: 88 });
    const file = path.join(ctx.dataDir, 'cart.xml');
    writeFileSync(file, writeAecg({ format: 'hl7-aecg', sampleRateHz: synthetic.sampleRateHz, leads: synthetic.leads }));
    const ecg = await callApi<{ id: string }>(ctx, 'ecg.importFile', { patientId: patient.id, file: ctx.harness.services.files.register(file, 'ecg').handle });

    await step('When I request a consult for the patient in 会诊', async () => {
      await page.getByRole('navigation').getByRole('link', { name: '会诊' }).click();
      await page.getByLabel('为患者新建会诊').fill('钱卫东');
      await page.getByRole('link', { name: '为 钱卫东 申请会诊' }).click();
      await page.getByRole('heading', { name: '会诊申请：钱卫东' }).waitFor();
      await page.getByLabel('会诊问题').fill('活动后胸痛，心电图请上级医院判读');
      await page.getByLabel('紧急程度').selectOption('stat');
      await page.getByLabel('专科').selectOption('cardiology');
      await page.getByRole('checkbox', { name: /心率/ }).check();
      await page.getByRole('button', { name: '提交会诊申请' }).click();
      await page.getByRole('heading', { name: '会诊：钱卫东' }).waitFor();
      await expect.poll(() => page.getByTestId('consult-status').first().getAttribute('data-status')).toBe('requested');
      // The ECG went with its printed report (rendered by headless Chromium in the harness, printToPDF in the app).
      await page.getByText('附心电图 1 份 · 报告 PDF 1 份', { exact: false }).waitFor();
    });

    const [consult] = await callApi<{ id: string; taskId: string; ecgIds: string[] }[]>(ctx, 'consult.list', { patientId: patient.id });
    expect(consult.ecgIds).toEqual([ecg.id]);

    await step('And sync runs: the request is on the county platform', async () => {
      await callApi(ctx!, 'sync.syncNow', { id: 'county' });
      await expect.poll(async () => (await county.peer.repo.all('Task')).length, { timeout: 30_000 }).toBe(1);
      const request = await county.peer.repo.readResource<ServiceRequest>('ServiceRequest', consult.id);
      expect(request).toMatchObject({ priority: 'stat', subject: { reference: `Patient/${patient.id}` } });
      // The waveform (aECG) and the report as printed here (PDF), beside each other.
      await expect.poll(async () => (await county.peer.repo.all('DocumentReference')).length).toBe(2);
    });

    await step('And the county reader opens the waveform and the PDF from the consult', async () => {
      const desk = createCountyDesk(county.peer);
      const open = await desk.openConsults();
      expect(open.map((line) => [line.taskId, line.priority, line.patient])).toEqual([[consult.taskId, 'stat', '钱卫东']]);
      const opened = await desk.open(consult.taskId, path.join(ctx!.dataDir, 'county-desk'));
      expect(opened.question).toBe('活动后胸痛，心电图请上级医院判读');
      expect(opened.ecgs).toHaveLength(1);
      const [attached] = opened.ecgs;
      expect(attached.leads).toContain('V5');
      expect(attached.sampleRateHz).toBe(500);
      const pdf = await pdfFacts(readFileSync(attached.pdfPath!));
      // The ECG report route, A4 landscape, one page, with the patient's name in it.
      expect(pdf.pages).toBe(1);
      expect(Math.round(pdf.widthMm)).toBe(297);
      expect(Math.round(pdf.heightMm)).toBe(210);
      expect(pdf.text).toContain('钱卫东');
    });

    await step('Then the county accepts, completes and signs a report with a critical value', async () => {
      const task = (await county.peer.repo.all('Task'))[0] as Task & { id: string };
      expect(task.id).toBe(consult.taskId);
      await county.peer.county.setTaskStatus(task.id, 'accepted');
      await county.peer.county.setTaskStatus(task.id, 'completed');
      const report = await county.peer.county.createDiagnosticReport({
        serviceRequest: { reference: `ServiceRequest/${consult.id}` },
        subject: { reference: `Patient/${patient.id}` },
        conclusion: '急性下壁心肌梗死（II、III、aVF ST段抬高）',
        signer: '县医院心内科 孙主任',
        presentedForm: [{ contentType: 'application/pdf', data: SIGNED_PDF.toString('base64') }],
      });
      await county.peer.repo.updateResource({ ...report, extension: [{ url: CRITICAL_VALUE_EXTENSION, valueString: '急性心肌梗死，立即转诊' }] });
      await callApi(ctx!, 'sync.syncNow', { id: 'county' });
      await expect
        .poll(
          async () => (await callApi<{ consult: { status: string } }>(ctx!, 'consult.get', { patientId: patient.id, consultId: consult.id })).consult.status,
          { timeout: 30_000 },
        )
        .toBe('completed');
      await expect.poll(async () => (await callApi<unknown[]>(ctx!, 'consult.alerts', {})).length).toBe(1);
    });

    await step('And the reply and the critical banner show; the banner stays until acknowledged', async () => {
      await page.reload();
      const banner = page.getByTestId('critical-banner');
      await banner.getByText('钱卫东：急性心肌梗死，立即转诊', { exact: false }).waitFor();
      await page.getByTestId('reply-conclusion').getByText('急性下壁心肌梗死（II、III、aVF ST段抬高）').waitFor();
      await page.getByTestId('reply-signer').getByText('县医院心内科 孙主任', { exact: false }).waitFor();
      await expect.poll(() => page.getByTestId('consult-status').first().getAttribute('data-status')).toBe('completed');
      await page.getByRole('button', { name: '查看签名报告（PDF）' }).click();
      await page.getByTestId('reply-pdf-link').waitFor();
      // Navigating away does not clear it: only an acknowledgement does.
      await page.getByRole('navigation').getByRole('link', { name: '今日门诊' }).click();
      await banner.waitFor();
      await banner.getByRole('button', { name: '已知晓并处理' }).click();
      await banner.waitFor({ state: 'detached' });
      expect(await callApi<unknown[]>(ctx!, 'consult.alerts', {})).toEqual([]);
      const audit = await callApi<{ action: string; outcome: string }[]>(ctx!, 'audit.search', { patientId: patient.id, limit: 50 });
      expect(audit.map((entry) => entry.action)).toEqual(expect.arrayContaining(['consult.acknowledge', 'consult.criticalAlert.raised']));
    });

    await step('And the county reply shows on the ECG it was about', async () => {
      const reply = await callApi<{ conclusion: string } | null>(ctx!, 'consult.replyForEcg', { patientId: patient.id, ecgId: ecg.id });
      expect(reply?.conclusion).toBe('急性下壁心肌梗死（II、III、aVF ST段抬高）');
    });
  });
});

describe('a critical county reply reaches the chart without 立即同步', () => {
  it('the county desk signs a STEMI read; the banner appears while nobody presses 立即同步', async () => {
    ctx = await launch();
    const { page } = ctx;
    await createAdmin(page);
    await configureCounty(ctx, county);
    const { patient } = await callApi<{ patient: { id: string } }>(ctx, 'patients.register', {
      name: '郑急诊',
      idNumber: makeResidentId('130321', '1957-12-12', 71),
      confirmNotDuplicate: true,
    });
    const consult = await callApi<{ id: string; taskId: string }>(ctx, 'consult.create', {
      patientId: patient.id,
      question: '胸痛1小时，V1–V4 ST段抬高',
      urgency: 'stat',
      targetInstitution: '县人民医院',
      specialty: 'cardiology',
      includeVitals: false,
      includeDiagnoses: false,
    });
    // Saving wakes sync: the request reaches the county with nobody pressing anything.
    await expect.poll(async () => (await county.peer.repo.all('Task')).map((task) => task.id), { timeout: 30_000 }).toContain(consult.taskId);
    await expect.poll(async () => (await callApi<{ id: string; state: string }[]>(ctx!, 'sync.targets', {}))[0]?.state, { timeout: 30_000 }).toBe('idle');

    await createCountyDesk(county.peer).sign(consult.taskId, '急性前壁ST段抬高型心肌梗死', '县人民医院心内科 孙主任', '急性前壁心肌梗死，立即转诊');
    // The station's 5-minute poll is far away; the consult watch (every 5 s) brings it, and the banner shows it.
    const banner = page.getByTestId('critical-banner');
    await banner.getByText('郑急诊：急性前壁心肌梗死，立即转诊', { exact: false }).waitFor({ timeout: 30_000 });
    const answered = await callApi<{ consult: { status: string } }>(ctx, 'consult.get', { patientId: patient.id, consultId: consult.id });
    expect(answered.consult.status).toBe('completed');
  });
});

/** Steps read like the task (OpenMRS style) without a Playwright test runner. */
async function step(_title: string, body: () => Promise<void>): Promise<void> {
  await body();
}
