import type { Patient as FhirPatient } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { INSTITUTION_CODE_SYSTEM } from '../../src/shared/institution';
import { makeResidentId } from '../../src/shared/resident-id';
import type { PlatformPki } from '../support/fhir-peer/certs';
import { startCountyPeer } from '../support/fhir-peer/county-peer';
import type { FhirPeer } from '../support/fhir-peer/peer';
import { callApi, configurePlatform, createAdmin, launch, type E2eContext } from './browser';

/**
 * Issue 10 items 3 and 5 on screen: the same resident registered here and, while this station was offline, on
 * another station of the center (its Patient already on the county platform). After 立即同步 the 患者 page shows
 * both records side by side; the administrator keeps one, and the merge goes back to the platform as replaced-by.
 */

const CENTER = '12130321MB0000019T';
let ctx: E2eContext | undefined;
let pki: PlatformPki;
let county: FhirPeer;

beforeAll(async () => {
  ({ pki, peer: county } = await startCountyPeer());
});
afterAll(() => county.stop());
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

describe('a duplicate registration from another station, resolved on 患者', () => {
  it('shows both records side by side and merges on 保留此档案; the platform receives the merge', async () => {
    ctx = await launch();
    await createAdmin(ctx.page);
    const { page } = ctx;
    await callApi(ctx, 'settings.update', { facilityName: '石桥镇卫生院', institutionCode: CENTER });
    const idNumber = makeResidentId('130321', '1957-05-20', 63);
    const ours = await callApi<{ patient: { id: string } }>(ctx, 'patients.register', { name: '孟凡荣', idNumber, phone: '13903111111' });
    // The other station's registration of the same resident, already on the county platform under the center's tag.
    const theirsId = randomUUID();
    await county.repo.createResource<FhirPatient>({
      resourceType: 'Patient',
      id: theirsId,
      meta: { tag: [{ system: INSTITUTION_CODE_SYSTEM, code: CENTER }] },
      active: true,
      identifier: [{ use: 'official', system: 'urn:oid:2.16.156.10011.1.1', value: idNumber }],
      name: [{ use: 'official', text: '孟凡荣' }],
      gender: 'male',
      birthDate: '1957-05-20',
      telecom: [{ system: 'phone', value: '13903112222', use: 'mobile' }],
    });

    await page.getByRole('navigation').getByRole('link', { name: '同步' }).click();
    await configurePlatform(ctx, '县级平台', { baseUrl: county.url, pki });
    await page.getByRole('button', { name: '立即同步' }).first().click();

    await page.getByRole('navigation').getByRole('link', { name: '患者' }).click();
    const panel = page.getByRole('region', { name: '重复档案待合并' });
    await panel.waitFor({ timeout: 30_000 });
    // Side by side: this station's record and the one from sync, the phones differing.
    await expect.poll(() => panel.locator('tr', { hasText: '手机号' }).textContent()).toBe('手机号1390311111113903112222');
    page.once('dialog', (dialog) => void dialog.accept());
    await panel.getByRole('button', { name: '保留此档案' }).first().click();
    await panel.waitFor({ state: 'detached', timeout: 10_000 });

    const gone = await callApi<{ mergedInto: string | null }>(ctx, 'patients.get', { patientId: theirsId });
    expect(gone.mergedInto).toBe(ours.patient.id);
    await page.getByRole('navigation').getByRole('link', { name: '同步' }).click();
    await page.getByRole('button', { name: '立即同步' }).first().click();
    await expect
      .poll(async () => (await county.repo.readResource<FhirPatient>('Patient', theirsId)).link?.[0]?.other.reference, { timeout: 20_000 })
      .toBe(`Patient/${ours.patient.id}`);
  });
});
