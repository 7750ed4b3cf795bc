import { existsSync, readFileSync, readdirSync } from 'node:fs';
import { execFileSync } from 'node:child_process';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import type { ApiError } from '../../../src/shared/api/errors';
import { buildStandinLibrary, STANDIN_CARD, STANDIN_PORT } from '../../support/idcard/standin';
import { openTestStation, type TestStation } from '../../support/test-services';

let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

async function outcome(p: Promise<unknown>): Promise<string> {
  return p.then(
    () => 'ok',
    (e: ApiError) => `${e.code}${e.details?.reason ? `:${String(e.details.reason)}` : ''}`,
  );
}

let library = '';
const hasCc = (() => {
  try {
    execFileSync('cc', ['--version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
})();

beforeAll(() => {
  if (hasCc) library = buildStandinLibrary();
});

async function stationWithReader(port: number, timeoutMs = 8000) {
  station = await openTestStation({ withAdmin: true });
  const d = station.services.dispatch;
  await call(d, 'idcard', 'updateSettings', { driver: 'sdt', libraryPath: library, port, timeoutMs });
  return d;
}

describe.skipIf(!hasCc)('ID-card reader through the C API (stand-in library built with cc, loaded by koffi in a child process)', () => {
  it('reads a card: fields decoded from the UCS-2 layout, photo kept, and attached (encrypted) after registration', async () => {
    const d = await stationWithReader(STANDIN_PORT.ok);
    const { card, existing } = await call(d, 'idcard', 'read', {});
    expect(existing).toBeNull();
    expect(card).toMatchObject({
      name: STANDIN_CARD.name,
      sex: 'F',
      ethnicCode: '01',
      birthDate: '1965-03-12',
      idNumber: STANDIN_CARD.idNumber,
      address: '河北省保定市清苑区东闾乡东闾村12号',
      authority: '清苑县公安局',
      validFrom: '2015-06-01',
      validTo: '2035-06-01',
      photo: { format: 'wlt', size: 1024, dataUrl: null },
    });
    const reg = await call(d, 'patients', 'register', { name: card.name, idNumber: card.idNumber, address: card.address });
    if (reg.status !== 'created') throw new Error('not created');
    expect(await call(d, 'idcard', 'attach', { patientId: reg.patient.id, readId: card.readId })).toEqual({ photoStored: true, ethnicCodeSet: true });
    const photo = await call(d, 'idcard', 'photo', { patientId: reg.patient.id });
    expect(photo).toMatchObject({ format: 'wlt', size: 1024, dataUrl: null });
    // The photo is in the SQLCipher file only: its bytes are nowhere in plain in the data folder.
    const marker = Buffer.from([0x57, 0x4c, 0x66, 3 * 7, 4 * 7, 5 * 7, 6 * 7]);
    for (const name of readdirSync(station!.dataDir, { recursive: true }) as string[]) {
      const file = `${station!.dataDir}/${name}`;
      if (existsSync(file) && !name.endsWith('/') && readFileSync(file, { flag: 'r' }).includes(marker)) throw new Error(`photo in plain in ${name}`);
    }
    // The same read cannot be attached twice; a second read finds the registered patient.
    expect(await outcome(call(d, 'idcard', 'attach', { patientId: reg.patient.id, readId: card.readId }))).toBe('DEVICE:IDCARD_READ_EXPIRED');
    const again = await call(d, 'idcard', 'read', {});
    expect(again.existing).toMatchObject({ id: reg.patient.id, idNumber: STANDIN_CARD.idNumber });
  });

  it('names what went wrong: no card, no reader, garbage text, library missing', async () => {
    let d = await stationWithReader(STANDIN_PORT.noCard);
    expect(await outcome(call(d, 'idcard', 'read', {}))).toBe('DEVICE:IDCARD_NO_CARD');
    await call(d, 'idcard', 'updateSettings', { port: STANDIN_PORT.noDevice });
    expect(await outcome(call(d, 'idcard', 'read', {}))).toBe('DEVICE:IDCARD_NO_DEVICE');
    await call(d, 'idcard', 'updateSettings', { port: STANDIN_PORT.garbage });
    expect(await outcome(call(d, 'idcard', 'read', {}))).toBe('DEVICE:IDCARD_BAD_TEXT');
    await call(d, 'idcard', 'updateSettings', { libraryPath: `${library}.missing`, port: STANDIN_PORT.ok });
    expect(await outcome(call(d, 'idcard', 'read', {}))).toBe('DEVICE:IDCARD_DRIVER_NOT_INSTALLED');
    d = station!.services.dispatch;
    await call(d, 'idcard', 'updateSettings', { driver: 'insuranceVoucher' });
    expect(await outcome(call(d, 'idcard', 'read', {}))).toBe('DEVICE:IDCARD_DRIVER_NOT_INSTALLED');
    await call(d, 'idcard', 'updateSettings', { driver: 'off' });
    expect(await outcome(call(d, 'idcard', 'read', {}))).toBe('DEVICE:IDCARD_DRIVER_OFF');
    await call(d, 'idcard', 'updateSettings', { driver: 'keyboard' });
    expect(await outcome(call(d, 'idcard', 'read', {}))).toBe('DEVICE:IDCARD_KEYBOARD_MODE');
  });

  it('a library that aborts or hangs takes only its own process down: main answers with the refusal and reads again', async () => {
    const d = await stationWithReader(STANDIN_PORT.abort, 3000);
    expect(await outcome(call(d, 'idcard', 'read', {}))).toBe('DEVICE:IDCARD_DRIVER_CRASHED');
    await call(d, 'idcard', 'updateSettings', { port: STANDIN_PORT.hang });
    expect(await outcome(call(d, 'idcard', 'read', {}))).toBe('DEVICE:IDCARD_TIMEOUT');
    await call(d, 'idcard', 'updateSettings', { port: STANDIN_PORT.ok });
    expect((await call(d, 'idcard', 'read', {})).card.idNumber).toBe(STANDIN_CARD.idNumber);
  }, 30_000);

  it('only an administrator changes the driver settings', async () => {
    const d = await stationWithReader(STANDIN_PORT.ok);
    await call(d, 'users', 'create', { username: 'nurse1', displayName: '护士', password: 'Clinic2026ok', role: 'nurse' });
    await call(d, 'auth', 'signOut', {});
    await call(d, 'auth', 'signIn', { username: 'nurse1', password: 'Clinic2026ok' });
    expect(await outcome(call(d, 'idcard', 'updateSettings', { driver: 'off' }))).toBe('FORBIDDEN');
    expect((await call(d, 'idcard', 'settings', {})).driver).toBe('sdt');
  });
});
