import type { Task } from '@medplum/fhirtypes';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { countyAnswerFromTask, referralTaskId } from '../../../src/main/sync/mapping/referral';
import { createCountyDesk, type CountyDesk } from '../../support/fhir-peer/county-desk';
import type { PlatformPki } from '../../support/fhir-peer/certs';
import { startCountyPeer } from '../../support/fhir-peer/county-peer';
import type { FhirPeer } from '../../support/fhir-peer/peer';
import { openSyncingStation, syncOnce, closeSyncingStations } from '../../support/station/in-process-station';
import type { TestStation } from '../../support/test-services';
import { clinicVisit, dayFrom, resident } from '../followup/service-fixtures';

/**
 * Issue 10 item 3: the county's answer to a referral (双向转诊) comes back. Station A refers (an urgent follow-up
 * value), the county desk accepts the referral into a department and later completes it with the patient's return
 * (回转); both stations of the center pull the Task and show the answer on the referral list and the patient's
 * follow-up page, and the return is recorded. A's own later push keeps the county's answer on the platform.
 */

const CENTER = '12130321MB0000019T';

let pki: PlatformPki;
let peer: FhirPeer;
let desk: CountyDesk;
let a: TestStation;
let b: TestStation;

beforeAll(async () => {
  ({ pki, peer } = await startCountyPeer());
  desk = createCountyDesk(peer);
  a = await openSyncingStation(peer, pki, CENTER);
  b = await openSyncingStation(peer, pki, CENTER);
});
afterAll(async () => {
  await closeSyncingStations([a, b]);
  await peer.stop();
});

describe("the county's answer to a referral", () => {
  it('accepted into a department, then completed with the return: both stations show it and record the return', async () => {
    const patient = await resident(a, { name: '赵德明', age: 63, village: '北沟村' });
    const d = a.services.dispatch;
    await call(d, 'followup', 'enrol', { patientId: patient.id, disease: 't2dm', howFound: 'screening', enrolledOn: dayFrom(a, -60) });
    const saved = await call(d, 'followup', 'save', { patientId: patient.id, disease: 't2dm', form: clinicVisit(dayFrom(a, -3), { fbg: 18.2 }) });
    const referral = saved.referral!;
    expect(referral).toMatchObject({ urgency: 'urgent', county: null });
    await syncOnce(a);
    await syncOnce(b);
    expect((await call(b.services.dispatch, 'followup', 'referrals', { patientId: patient.id })).map((each) => each.id)).toEqual([referral.id]);

    const waiting = await desk.referrals();
    expect(waiting).toContainEqual(expect.objectContaining({ taskId: referralTaskId(referral.id), priority: 'urgent', patient: '赵德明' }));
    await desk.answerReferral(referralTaskId(referral.id), { status: 'accepted', institution: '县人民医院', department: '内分泌科', note: '已收入院' });
    await syncOnce(a);
    await syncOnce(b);
    for (const station of [a, b]) {
      const [onPage] = await call(station.services.dispatch, 'followup', 'referrals', { patientId: patient.id });
      expect(onPage).toMatchObject({
        state: 'awaiting_check',
        county: { status: 'accepted', institution: '县人民医院', department: '内分泌科', note: '已收入院' },
      });
      const list = await call(station.services.dispatch, 'followup', 'referrals', {});
      expect(list.find((each) => each.id === referral.id)?.county?.status).toBe('accepted');
    }

    // A edits the referral's contact: its push carries the county's answer along instead of undoing it.
    await call(d, 'followup', 'updateReferral', {
      patientId: patient.id,
      referralId: referral.id,
      institution: '县人民医院',
      department: '内分泌科',
      contactName: '李医生',
    });
    await syncOnce(a);
    const onPlatform = await peer.repo.readResource<Task>('Task', referralTaskId(referral.id));
    expect(onPlatform).toMatchObject({ status: 'accepted', owner: { display: '县人民医院' }, location: { display: '内分泌科' } });

    const back = dayFrom(a, -1);
    await desk.answerReferral(referralTaskId(referral.id), {
      status: 'completed',
      institution: '县人民医院',
      department: '内分泌科',
      returnedOn: back,
      note: '血糖控制后出院，回转社区随访',
    });
    await syncOnce(a);
    await syncOnce(b);
    for (const station of [a, b]) {
      const [onPage] = await call(station.services.dispatch, 'followup', 'referrals', { patientId: patient.id, open: false });
      expect(onPage).toMatchObject({ state: 'returned', returnedOn: back, returnNote: '血糖控制后出院，回转社区随访', county: { status: 'completed' } });
      expect(await call(station.services.dispatch, 'followup', 'referrals', { open: true })).toEqual([]);
    }
    expect(await desk.referrals()).toEqual([]);
  }, 60_000);

  it('reads the answer from the Task alone: refused with why, an instant of return as the China day; ours and consults are not answers', () => {
    const base: Task = { resourceType: 'Task', id: referralTaskId('r1'), status: 'rejected', intent: 'order', focus: { reference: 'ServiceRequest/r1' } };
    const cases: [Task, ReturnType<typeof countyAnswerFromTask>][] = [
      [
        { ...base, owner: { display: '县人民医院' }, statusReason: { text: '床位已满，请转市医院' }, lastModified: '2026-12-01T02:00:00Z' },
        {
          referralId: 'r1',
          status: 'rejected',
          institution: '县人民医院',
          department: null,
          note: '床位已满，请转市医院',
          returnedOn: null,
          updatedAt: '2026-12-01T02:00:00Z',
        },
      ],
      [
        {
          ...base,
          status: 'completed',
          owner: { display: '县中医院' },
          executionPeriod: { end: '2026-12-01T17:30:00Z' },
          lastModified: '2026-12-02T00:00:00Z',
        },
        {
          referralId: 'r1',
          status: 'completed',
          institution: '县中医院',
          department: null,
          note: null,
          returnedOn: '2026-12-02',
          updatedAt: '2026-12-02T00:00:00Z',
        },
      ],
      // Our own Task coming back names no receiving institution.
      [{ ...base, status: 'completed', executionPeriod: { end: '2026-12-01' } }, null],
      [{ ...base, status: 'in-progress', owner: { display: '县人民医院' } }, null],
      // A consult's Task: its id is not the referral's child id.
      [{ ...base, id: 'consult-task-9', owner: { display: '县人民医院' } }, null],
    ];
    for (const [task, expected] of cases) expect(countyAnswerFromTask(task, '2026-12-06T00:00:00Z')).toEqual(expected);
  });
});
