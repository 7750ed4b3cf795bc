import { afterEach, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { openTestStation, type TestStation } from '../../support/test-services';

let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

it('an update changes only the fields it sends (saving the security policy keeps the institution code and the zone)', async () => {
  station = await openTestStation({ withAdmin: true });
  const d = station.services.dispatch;
  const set = await call(d, 'settings', 'update', { institutionCode: '12130321MB0000000X', clinicTimeZone: 'Asia/Urumqi', facilityName: '东湾镇卫生院' });
  await call(d, 'settings', 'update', { villages: ['东湾村'] });
  await call(d, 'settings', 'update', { security: set.security });
  const after = await call(d, 'settings', 'get', {});
  expect(after).toMatchObject({ institutionCode: set.institutionCode, clinicTimeZone: 'Asia/Urumqi', facilityName: '东湾镇卫生院', villages: ['东湾村'] });
});
