import type { Patient as FhirPatient } from '@medplum/fhirtypes';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { patientOfResource } from '../../../src/main/sync/record-lists';
import { makeResidentId } from '../../../src/shared/resident-id';
import { openTestStation, type TestStation } from '../../support/test-services';
import { until } from '../../support/until';
import { countyTargetInput, useTestPeer } from '../../support/fhir-peer/test-peer';

/**
 * The 同步 screen's truth, against the county peer over mutual TLS: what waits, what failed (reason and action)
 * and what is in conflict, each naming its patient; a platform that is down shows its error and the retry, never
 * 空闲 and never a fresh "last sync".
 */

describe('patientOfResource', () => {
  it.each([
    ['Patient', 'p1', '{}', 'p1'],
    ['Observation', 'o1', JSON.stringify({ subject: { reference: 'Patient/p2' } }), 'p2'],
    ['Appointment', 'a1', JSON.stringify({ patient: { reference: 'Patient/p3' } }), 'p3'],
    ['Task', 't1', JSON.stringify({ for: { reference: 'Patient/p4' } }), 'p4'],
    ['Organization', 'g1', JSON.stringify({ name: 'x' }), null],
    ['Observation', 'o2', JSON.stringify({ subject: { reference: 'Group/g' } }), null],
    ['Observation', 'o3', 'not json', null],
  ])('%s/%s -> %s', (type, id, json, expected) => {
    expect(patientOfResource(type, id, json)).toBe(expected);
  });
});

describe('sync record lists and target state against the county peer', () => {
  const county = useTestPeer();
  let station: TestStation;

  beforeEach(async () => {
    county.peer.repo.clear();
    station = await openTestStation({ withAdmin: true });
  });
  afterEach(async () => {
    await station.services.sync.close();
    station.dispose();
  });

  const d = () => station.services.dispatch;
  const view = async () => (await call(d(), 'sync', 'targets', {})).find((target) => target.id === 'county')!;
  const list = (name: 'waiting' | 'failed' | 'conflict') => call(d(), 'sync', 'records', { id: 'county', list: name });

  async function register(seq: number, name: string) {
    const result = await call(d(), 'patients', 'register', { name, idNumber: makeResidentId('130321', '1970-01-01', seq) });
    if (result.status !== 'created') throw new Error('setup');
    return result.patient;
  }

  it('waiting, then sent; down: failed with reason and action, state waiting-retry, last sync not moved; conflict with its patient', async () => {
    await call(d(), 'sync', 'configure', countyTargetInput(county.pki, county.peer.url));
    await call(d(), 'sync', 'setEnabled', { id: 'county', enabled: false });

    // Paused: the change waits, named by its patient.
    const li = await register(11, '李等待');
    const waiting = await list('waiting');
    expect(waiting.total).toBe(1);
    expect(waiting.records).toEqual([
      expect.objectContaining({ resourceType: 'Patient', resourceId: li.id, patientId: li.id, patientName: '李等待', lastError: null }),
    ]);
    const failedList = await list('failed');
    expect(failedList.total, JSON.stringify(failedList.records)).toBe(0);
    // The count alone names nobody: no audit row for it; the list did write one, naming the patient.
    await call(d(), 'sync', 'records', { id: 'county', list: 'waiting', limit: 0 });
    const sqlite = station.services.store.current.sqlite;
    const rows = sqlite.prepare(`SELECT details FROM audit_log WHERE action = 'sync.records' ORDER BY id`).all() as { details: string }[];
    expect(rows).toHaveLength(1);
    expect(rows[0].details).toContain(`patients=${li.id}`);

    await call(d(), 'sync', 'setEnabled', { id: 'county', enabled: true });
    await until(view, (target) => target.state === 'idle' && target.queued === 0, 'county idle');
    expect((await list('waiting')).total).toBe(0);
    const lastSync = (await view()).lastSyncAt;
    expect(lastSync).not.toBeNull();

    // The platform goes down while a change waits: failed with the reason, never idle, last sync unchanged.
    await county.peer.stop();
    try {
      const wang = await register(12, '王失败');
      const down = await until(view, (target) => target.lastError !== null, 'the failure');
      expect(down.state).toBe('waiting-retry');
      expect(down.lastError).toMatchObject({ code: 'SERVER_UNREACHABLE', action: 'check-network-or-address' });
      expect(down.lastSyncAt).toBe(lastSync);
      expect(down.nextAttemptAt).not.toBeNull();
      const failed = await until(
        () => list('failed'),
        (result) => result.total === 1,
        'the failed list',
      );
      expect(failed.records[0]).toMatchObject({
        resourceId: wang.id,
        patientName: '王失败',
        lastError: { code: 'SERVER_UNREACHABLE', action: 'check-network-or-address' },
      });
      expect(failed.records[0].attempts).toBeGreaterThan(0);
      expect((await call(d(), 'system', 'status', {})).sync.state).toBe('error');
    } finally {
      await county.peer.restart();
    }
    await call(d(), 'sync', 'syncNow', { id: 'county' });
    await until(view, (target) => target.state === 'idle' && target.queued === 0 && target.lastError === null, 'recovery');
    expect((await list('failed')).total).toBe(0);
    expect((await call(d(), 'system', 'status', {})).sync.state).toBe('idle');

    // The county corrects the name; the station edits the address on the old version: a conflict, listed.
    const current = await county.peer.repo.readResource<FhirPatient>('Patient', li.id);
    await county.peer.repo.updateResource<FhirPatient>({ ...current, name: [{ text: '李更正' }] });
    const local = await call(d(), 'patients', 'get', { patientId: li.id });
    await call(d(), 'patients', 'update', { patientId: li.id, version: local.version, address: '东风村3组' });
    const conflicts = await until(
      () => list('conflict'),
      (result) => result.total === 1,
      'the conflict',
    );
    expect(conflicts.records[0]).toMatchObject({
      resourceType: 'Patient',
      resourceId: li.id,
      patientId: li.id,
      lastError: { code: 'CONFLICT', action: 'resolve-conflict' },
    });
    expect(conflicts.records[0].conflictId).not.toBeNull();
    expect((await list('waiting')).total + (await list('failed')).total).toBe(0);
  });
});
