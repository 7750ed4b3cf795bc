import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { call } from '../../src/main/api/dispatcher';
import { ApiError } from '../../src/shared/api/errors';
import { ManualClock } from '../../src/main/clock';
import { defaultMigrationsFolder } from '../../src/main/db/open';
import { createServices, type Services } from '../../src/main/services';
import { readFeatureSetting } from '../../src/main/settings/settings-service';
import { writeWorkingCalendar } from '../../src/main/settings/working-calendar';
import type { WorkingCalendar } from '../../src/shared/working-calendar';
import type { OsKeystore } from '../../src/main/db/key-protection';
import { generatePlatformPki } from './fhir-peer/certs';

/** What a call ended with: 'ok', or the refusal's code (so a test can tabulate many attempts at once). */
export async function codeOf(p: Promise<unknown>): Promise<string> {
  try {
    await p;
    return 'ok';
  } catch (err) {
    if (err instanceof ApiError) return err.code;
    throw err;
  }
}

export const TEST_PASSPHRASE = 'test-store-passphrase';
export const ADMIN = { username: 'admin', displayName: '管理员', password: 'Clinic2026ok' };

export interface TestStation {
  services: Services;
  clock: ManualClock;
  dataDir: string;
  dispose(): void;
}

/** A real station (encrypted store, real services, the dispatcher) in a temp folder. */
/**
 * A clinic open every day: what test stations use unless a test asks for the clinic default (Monday–Friday), so that
 * tests of the rules' intervals do not depend on which weekday the computed date falls (issue 14.6; the calendar's
 * own tests ask for `clinicCalendar: 'default'` or set one).
 */
export const EVERY_DAY_CALENDAR: WorkingCalendar = { workingWeekdays: [1, 2, 3, 4, 5, 6, 7], days: [] };

export async function openTestStation(
  opts: { dataDir?: string; keystore?: OsKeystore; open?: boolean; withAdmin?: boolean; clinicCalendar?: 'every-day' | 'default' } = {},
): Promise<TestStation> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'tws-test-'));
  const clock = new ManualClock();
  const services = createServices({ dataDir, migrationsFolder: defaultMigrationsFolder(), clock, keystore: opts.keystore, appVersion: 'test' });
  if (opts.open !== false) await services.store.openWithPassphrase(TEST_PASSPHRASE);
  // A station reopened keeps the calendar it has.
  if (services.store.isOpen && opts.clinicCalendar !== 'default' && readFeatureSetting(services.store.current.db, 'workingCalendar') === null)
    writeWorkingCalendar(services.store.current.db, EVERY_DAY_CALENDAR, clock);
  if (opts.withAdmin) await call(services.dispatch, 'auth', 'setupAdmin', ADMIN);
  return {
    services,
    clock,
    dataDir,
    dispose: () => {
      services.stopConsultWatch();
      services.store.close();
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** A real OsKeystore implementation (AES with an in-memory key) standing in for the OS's, with a switchable backend. */
export function memoryKeystore(backend = 'gnome_libsecret'): OsKeystore & { backend: string } {
  const secret = randomBytes(32);
  const ks = {
    backend,
    isAsyncEncryptionAvailable: async () => true,
    getSelectedStorageBackend: () => ks.backend,
    encryptStringAsync: async (plain: string) => {
      const iv = randomBytes(12);
      const c = createCipheriv('aes-256-gcm', secret, iv);
      const data = Buffer.concat([c.update(plain, 'utf8'), c.final()]);
      return Buffer.concat([iv, c.getAuthTag(), data]);
    },
    decryptStringAsync: async (buf: Buffer) => {
      const d = createDecipheriv('aes-256-gcm', secret, buf.subarray(0, 12));
      d.setAuthTag(buf.subarray(12, 28));
      return { result: Buffer.concat([d.update(buf.subarray(28)), d.final()]).toString('utf8'), shouldReEncrypt: false };
    },
  };
  return ks;
}

/**
 * A county platform configured but switched off, at an address nothing answers (port 9, discard): consults and
 * national records can be queued for it, and nothing is ever sent.
 */
export async function configureOfflineCounty(dispatch: Services['dispatch']): Promise<void> {
  const pki = generatePlatformPki({ name: 'county' });
  await call(dispatch, 'sync', 'configure', {
    id: 'county',
    baseUrl: 'https://127.0.0.1:9/fhir/R4/',
    enabled: false,
    caCertificatePem: pki.ca.certPem,
    clientPkcs12Path: pki.client.pfxPath,
    clientPassphrase: pki.client.passphrase,
  });
}
