import { afterEach, describe, expect, it } from 'vitest';
import { acceptedReplyPdf, MAX_REPLY_PDF_BYTES } from '../../../src/main/consult/consult-service';
import { call } from '../../../src/main/api/dispatcher';
import { CRITICAL_VALUE_EXTENSION } from '../../../src/main/consult/consult-fhir';
import { makeResidentId } from '../../../src/shared/resident-id';
import { countyReport } from '../../support/consult';
import { configureOfflineCounty, openTestStation, type TestStation } from '../../support/test-services';

/** The consult API as the renderer reaches it: the dispatcher, its access rules and its audit rows. */

let station: TestStation | undefined;
afterEach(async () => {
  await station?.services.ecg.close();
  station?.dispose();
  station = undefined;
});

async function stationWithPatient() {
  station = await openTestStation({ withAdmin: true });
  const d = station.services.dispatch;
  const registered = await call(d, 'patients', 'register', { name: '孙丽华', idNumber: makeResidentId('130321', '1970-02-03', 51) });
  if (registered.status !== 'created') throw new Error('setup');
  return { d, patient: registered.patient, services: station.services, station };
}

const request = (patientId: string) => ({
  patientId,
  question: '糖尿病足溃疡换药效果差',
  urgency: 'urgent' as const,
  targetInstitution: '县人民医院',
  specialty: 'general-surgery' as const,
});

function outboxTypes(services: TestStation['services']): string[] {
  return (services.store.current.sqlite.prepare('SELECT resource_type AS type FROM sync_outbox ORDER BY seq').all() as { type: string }[]).map(
    (row) => row.type,
  );
}

describe('consult API', () => {
  it('refuses a request while no county platform is configured, and stores nothing', async () => {
    const { d, patient, services } = await stationWithPatient();
    await expect(call(d, 'consult', 'create', request(patient.id))).rejects.toMatchObject({
      code: 'VALIDATION',
      details: { reason: 'CONSULT_TARGET_NOT_CONFIGURED' },
    });
    expect(await call(d, 'consult', 'list', { patientId: patient.id })).toEqual([]);
    expect(outboxTypes(services)).toEqual([]);
  });

  it('with the county configured: queued in the outbox with the request, pulled reply raises an alert, acknowledgement audited', async () => {
    const { d, patient, services, station: opened } = await stationWithPatient();
    await configureOfflineCounty(opened.services.dispatch);
    const created = await call(d, 'consult', 'create', request(patient.id));
    expect(outboxTypes(services).filter((type) => type !== 'Patient')).toEqual(['ServiceRequest', 'Task']);
    expect((await call(d, 'consult', 'open', {})).map((each) => each.id)).toEqual([created.id]);

    const report = countyReport(created.id, {
      id: 'county-report-1',
      interpreter: '县医院外科 周主任',
      conclusion: '考虑合并骨髓炎，建议转诊',
      extension: [{ url: CRITICAL_VALUE_EXTENSION, valueString: '足部感染伴脓毒症征象' }],
    });
    expect(services.consult.applyPulled(report)).toBe('applied');
    expect(services.consult.applyPulled(report)).toBe('unchanged');
    expect(services.consult.applyPulled({ ...report, id: 'other', basedOn: [{ reference: 'ServiceRequest/unknown' }] })).toBe('not-ours');
    // The same report id naming another of our consults does not overwrite this consult's reply (issue 15.13).
    const second = await call(d, 'consult', 'create', request(patient.id));
    const hijack = { ...report, meta: { versionId: '2' }, basedOn: [{ reference: `ServiceRequest/${second.id}` }], conclusion: '无需处理' };
    expect(services.consult.applyPulled(hijack)).toBe('not-ours');
    const kept = services.store.current.sqlite.prepare('SELECT consult_id AS consultId, conclusion FROM consult_replies WHERE id = ?').get('county-report-1');
    expect(kept).toEqual({ consultId: created.id, conclusion: '考虑合并骨髓炎，建议转诊' });
    // An attachment that is not a PDF, or far too large, is refused; the conclusion still lands.
    const oversized = Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(MAX_REPLY_PDF_BYTES)]).toString('base64');
    for (const [id, data] of [
      ['county-report-junk', Buffer.from('<html>not a pdf</html>').toString('base64')],
      ['county-report-big', oversized],
    ] as const) {
      const withPdf = {
        ...report,
        id,
        extension: undefined,
        basedOn: [{ reference: `ServiceRequest/${second.id}` }],
        presentedForm: [{ contentType: 'application/pdf', data }],
      };
      expect(services.consult.applyPulled(withPdf)).toBe('applied');
      const stored = services.store.current.sqlite.prepare('SELECT conclusion, pdf FROM consult_replies WHERE id = ?').get(id);
      expect(stored).toEqual({ conclusion: report.conclusion, pdf: null });
    }
    expect(acceptedReplyPdf(Buffer.from('%PDF-1.4 small').toString('base64'))?.length).toBe(14);

    const [alert] = await call(d, 'consult', 'alerts', {});
    expect(alert).toMatchObject({ patientName: '孙丽华', text: '足部感染伴脓毒症征象' });
    await expect(call(d, 'consult', 'acknowledge', { patientId: 'someone-else', alertId: alert.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
    await call(d, 'consult', 'acknowledge', { patientId: patient.id, alertId: alert.id });
    expect(await call(d, 'consult', 'alerts', {})).toEqual([]);
    const actions = services.audit.search({ patientId: patient.id, limit: 50 }).map((entry) => [entry.action, entry.outcome]);
    expect(actions).toEqual(
      expect.arrayContaining([
        ['consult.criticalAlert.raised', 'ok'],
        ['consult.acknowledge', 'ok'],
      ]),
    );
    await expect(call(d, 'consult', 'replyPdf', { patientId: patient.id, replyId: 'county-report-1' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });
});
