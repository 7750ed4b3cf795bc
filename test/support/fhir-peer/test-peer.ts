import { afterAll, beforeAll } from 'vitest';
import { startFaultProxy, type FaultProxy } from '../fault-proxy';
import type { PlatformPki } from './certs';
import { startCountyPeer } from './county-peer';
import type { FhirPeer } from './peer';

export { countyTargetInput } from './county-peer';

export interface TestPeer {
  readonly pki: PlatformPki;
  readonly peer: FhirPeer;
  /** Present when asked for with `{ faultProxy: true }`: the station talks to the peer through it. */
  readonly proxy: FaultProxy;
}

/**
 * The county peer over mutual TLS for one describe block: a fresh PKI and peer before its tests (and a fault proxy
 * in front when asked), all stopped after. Read the fields inside tests and hooks, once beforeAll has run.
 */
export function useTestPeer(options: { faultProxy?: boolean } = {}): TestPeer {
  let started: { pki: PlatformPki; peer: FhirPeer; proxy?: FaultProxy } | undefined;
  beforeAll(async () => {
    const { pki, peer } = await startCountyPeer();
    started = { pki, peer };
    if (options.faultProxy) started.proxy = await startFaultProxy({ target: { host: peer.host, port: peer.port } });
  });
  afterAll(async () => {
    await started?.proxy?.close();
    await started?.peer.stop();
  });
  const current = () => {
    if (!started) throw new Error('the test peer is not started yet (read it inside a test or hook)');
    return started;
  };
  return {
    get pki() {
      return current().pki;
    },
    get peer() {
      return current().peer;
    },
    get proxy() {
      const { proxy } = current();
      if (!proxy) throw new Error('useTestPeer was not asked for a fault proxy');
      return proxy;
    },
  };
}
