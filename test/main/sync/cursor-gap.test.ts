import type { Resource } from '@medplum/fhirtypes';
import { describe, expect, it } from 'vitest';
import { createSyncEngine, systemClock } from '../../../src/main/sync/engine';
import { createFhirHttpClient } from '../../../src/main/sync/http';
import { MemoryOutboxStore } from '../../support/memory-outbox';
import { heartRate, patient, targetFor } from './setup';
import { useTestPeer } from '../../support/fhir-peer/test-peer';

/**
 * The cursor gap: a version the server stamped before the instant the station's cursor already passed (its
 * transaction became visible late) is not in the next `_lastUpdated=ge<cursor>` page. The periodic look back
 * (lookbackMs behind the cursor, every lookbackEveryMs) finds it; until then it is missed, which is the gap.
 */
describe('pull: the periodic look back closes the cursor gap', () => {
  const county = useTestPeer();

  it('a version made visible behind the cursor arrives at the next look back, once', async () => {
    let now = Date.parse('2026-12-06T08:00:00Z');
    const outbox = new MemoryOutboxStore();
    const applied: string[] = [];
    const engine = createSyncEngine({
      targets: [targetFor(county.pki, county.peer.url, { pullResourceTypes: ['Observation'], lookbackMs: 120_000, lookbackEveryMs: 600_000 })],
      outbox,
      http: createFhirHttpClient(),
      clock: { now: () => now, sleep: systemClock.sleep },
      applyRemote: (target, resource: Resource) => {
        applied.push(resource.id ?? '');
        outbox.acceptRemote(target, resource);
      },
    });
    try {
      const person = patient(1);
      county.peer.repo.seed([heartRate(person, 70, 'hr-on-time')]);
      expect((await engine.syncOnce('county')).ok).toBe(true);
      expect(applied).toEqual(['hr-on-time']);

      const cursorAt = Date.parse((await county.peer.repo.readResource('Observation', 'hr-on-time')).meta?.lastUpdated ?? '');
      county.peer.repo.seed([heartRate(person, 88, 'hr-late')], { lastUpdated: new Date(cursorAt - 60_000).toISOString() });
      await engine.syncOnce('county');
      expect(applied).toEqual(['hr-on-time']); // behind the cursor: the plain pull cannot see it

      now += 600_000;
      await engine.syncOnce('county');
      expect(applied.filter((id) => id === 'hr-late')).toEqual(['hr-late']);

      expect(outbox.local.get('Observation/hr-late')).toMatchObject({ valueQuantity: { value: 88 } });
      // Between look backs the pull starts at the cursor again: nothing is read twice.
      const before = applied.length;
      await engine.syncOnce('county');
      expect(applied.slice(before)).toEqual([]);
    } finally {
      await engine.stop();
    }
  });
});
