import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { makeResidentId } from '../../../src/shared/resident-id';
import { countyReport } from '../../support/consult';
import { configureOfflineCounty, openTestStation, type TestStation } from '../../support/test-services';

/** Issue 14 point 7: the chart lists every consult with its state and answer; the list filters by state. */

let station: TestStation | undefined;
afterEach(async () => {
  await station?.services.ecg.close();
  station?.dispose();
  station = undefined;
});

describe('consult history', () => {
  it('a completed consult keeps its answer in the patient’s list; byStatus filters, open by default', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const registered = await call(d, 'patients', 'register', { name: '孙丽华', idNumber: makeResidentId('130321', '1970-02-03', 51) });
    if (registered.status !== 'created') throw new Error('setup');
    const patientId = registered.patient.id;
    await configureOfflineCounty(station.services.dispatch);
    const ask = (question: string) =>
      call(d, 'consult', 'create', { patientId, question, urgency: 'routine', targetInstitution: '县人民医院', specialty: 'cardiology' });
    const answered = await ask('心电图ST段改变请判读');
    const waiting = await ask('血压控制不佳，用药建议');
    const withdrawn = await ask('重复申请');
    await call(d, 'consult', 'cancel', { patientId, consultId: withdrawn.id });

    station.services.consult.applyPulled({
      resourceType: 'Task',
      id: answered.taskId,
      status: 'completed',
      intent: 'order',
      basedOn: [{ reference: `ServiceRequest/${answered.id}` }],
    });
    station.services.consult.applyPulled(
      countyReport(answered.id, { id: 'county-report-9', interpreter: '县医院心内科 孙主任', conclusion: '窦性心律，非特异性ST-T改变' }),
    );

    const history = await call(d, 'consult', 'list', { patientId });
    const byId = new Map(history.map((c) => [c.id, c]));
    expect(history).toHaveLength(3);
    expect(byId.get(answered.id)).toMatchObject({
      status: 'completed',
      answer: { conclusion: '窦性心律，非特异性ST-T改变', signer: '县医院心内科 孙主任', signedAt: '2026-03-03T08:00:00.000Z', critical: false },
    });
    expect(byId.get(waiting.id)).toMatchObject({ status: 'requested', answer: null });
    expect(byId.get(withdrawn.id)?.status).toBe('cancelled');

    expect((await call(d, 'consult', 'byStatus', {})).map((c) => c.id)).toEqual([waiting.id]);
    expect((await call(d, 'consult', 'byStatus', { statuses: ['completed'] })).map((c) => c.id)).toEqual([answered.id]);
    expect((await call(d, 'consult', 'byStatus', { statuses: ['completed', 'cancelled', 'requested'] })).map((c) => c.id).sort()).toEqual(
      [answered.id, waiting.id, withdrawn.id].sort(),
    );
    await expect(call(d, 'consult', 'byStatus', { statuses: [] })).rejects.toMatchObject({ code: 'VALIDATION' });
  });
});
