import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { ManualClock } from '../../../src/main/clock';
import { watchConsultReplies, type Scheduler } from '../../../src/main/consult/reply-watch';
import { defaultMigrationsFolder } from '../../../src/main/db/open';
import { createServices } from '../../../src/main/services';
import { makeResidentId } from '../../../src/shared/resident-id';
import { createCountyDesk } from '../../support/fhir-peer/county-desk';
import { ADMIN, TEST_PASSPHRASE } from '../../support/test-services';
import { countyTargetInput, useTestPeer } from '../../support/fhir-peer/test-peer';
import { until } from '../../support/until';

/** A scheduler the test ticks by hand: the watch's clock. */
function manualScheduler(): Scheduler & { tick(): void; intervals: number[] } {
  const ticks: (() => void)[] = [];
  const intervals: number[] = [];
  return {
    intervals,
    every(ms, tick) {
      intervals.push(ms);
      ticks.push(tick);
      return () => ticks.splice(ticks.indexOf(tick), 1);
    },
    tick: () => ticks.forEach((tick) => tick()),
  };
}

describe('consult reply watch', () => {
  it('polls on each tick only while a consult awaits its answer, and survives a failing check', () => {
    const scheduler = manualScheduler();
    let awaiting = false;
    let polls = 0;
    const stop = watchConsultReplies({
      awaiting: () => {
        if (awaiting === null) throw new Error('store closed');
        return awaiting;
      },
      poll: () => polls++,
      scheduler,
    });
    expect(scheduler.intervals).toEqual([5_000]);
    scheduler.tick();
    expect(polls).toBe(0);
    awaiting = true;
    scheduler.tick();
    scheduler.tick();
    expect(polls).toBe(2);
    (awaiting as unknown) = null;
    scheduler.tick();
    expect(polls).toBe(2);
    awaiting = true;
    stop();
    scheduler.tick();
    expect(polls).toBe(2);
  });
});

describe('a critical consult reply arrives without 立即同步, through the county peer over mutual TLS', () => {
  const county = useTestPeer();

  it('the watch tick brings the signed STEMI read and its alert; the 5-minute poll alone would not', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'tws-watch-'));
    const scheduler = manualScheduler();
    const services = createServices({
      dataDir,
      migrationsFolder: defaultMigrationsFolder(),
      clock: new ManualClock(),
      appVersion: 'test',
      consultPollScheduler: scheduler,
    });
    try {
      await services.store.openWithPassphrase(TEST_PASSPHRASE);
      const d = services.dispatch;
      await call(d, 'auth', 'setupAdmin', ADMIN);
      await call(d, 'sync', 'configure', countyTargetInput(county.pki, county.peer.url));
      const registered = await call(d, 'patients', 'register', { name: '周国强', idNumber: makeResidentId('130321', '1958-03-03', 41) });
      if (registered.status !== 'created') throw new Error('setup');
      const consult = await call(d, 'consult', 'create', {
        patientId: registered.patient.id,
        question: '胸痛40分钟，心电图示V1–V4 ST段抬高，请判读',
        urgency: 'stat',
        targetInstitution: '县人民医院',
        specialty: 'cardiology',
        includeVitals: false,
        includeDiagnoses: false,
      });
      // Saving nudged sync: the request reaches the county, then the target goes idle until its 5-minute poll.
      await until(
        async () => (await county.peer.repo.all('Task')).length,
        (n) => n === 1,
        'the Task on the county platform',
      );
      // Idle twice, half a second apart: a cycle the first pull set off (the consult's Task coming back) may still
      // start right after the first idle, and it would pull the reply signed below.
      for (let i = 0; i < 2; i += 1) {
        await new Promise((resolve) => setTimeout(resolve, i * 500));
        await until(
          async () => (await call(d, 'sync', 'targets', {})).find((t) => t.id === 'county')!,
          (t) => t.state === 'idle' && t.queued === 0,
          'county idle',
        );
      }
      expect(services.consult.awaitingReply()).toBe(true);

      await createCountyDesk(county.peer).sign(consult.taskId, '急性前壁ST段抬高型心肌梗死', '县人民医院心内科 孙主任', '急性前壁心肌梗死，立即转诊');
      // Nothing pulls it yet: the engine sleeps until its 5-minute poll, and nobody pressed 立即同步.
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      expect(await call(d, 'consult', 'alerts', {})).toEqual([]);

      scheduler.tick();
      const alerts = await until(
        () => call(d, 'consult', 'alerts', {}),
        (list) => list.length === 1,
        'the critical alert',
      );
      expect(alerts[0]).toMatchObject({ patientId: registered.patient.id, text: '急性前壁心肌梗死，立即转诊' });
      const answered = await call(d, 'consult', 'get', { patientId: registered.patient.id, consultId: consult.id });
      expect(answered.consult.status).toBe('completed');
      expect(answered.replies.map((reply) => reply.conclusion)).toEqual(['急性前壁ST段抬高型心肌梗死']);
      // Answered: the watch stops asking.
      expect(services.consult.awaitingReply()).toBe(false);
    } finally {
      services.stopConsultWatch();
      await services.sync.close();
      services.store.close();
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
