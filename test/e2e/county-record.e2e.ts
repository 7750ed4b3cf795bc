import { afterEach, describe, expect, it } from 'vitest';
import { COUNTY_RESIDENTS, seedCountyHospitals } from '../support/fhir-peer/county-hospital';
import { callApi, configureCounty, countyPeerForFile, createAdmin, launch, type E2eContext } from './browser';

let ctx: E2eContext | undefined;

const county = countyPeerForFile((peer) => seedCountyHospitals(peer.repo));
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

describe('调阅县域档案 in the chart, against the county FHIR peer (zh-CN)', () => {
  it("fetches the county hospital's records, marks them as another institution's, and shows the cache when the platform is down", async () => {
    ctx = await launch();
    const { page, harness } = ctx;
    await createAdmin(page);
    await configureCounty(ctx, county);
    const resident = COUNTY_RESIDENTS[0];
    const { patient } = await callApi<{ patient: { id: string } }>(ctx, 'patients.register', {
      name: resident.name,
      idNumber: resident.residentId,
      confirmNotDuplicate: true,
    });

    await page.goto(`${harness.url}/#/patients/${patient.id}`);
    const section = page.getByTestId('county-record');
    await section.getByRole('heading', { name: '县域档案（外院记录）' }).waitFor();
    await section.getByText('尚未调阅该患者的县域档案。').waitFor();
    await section.getByText('不会上传，不计入本院指标', { exact: false }).waitFor();

    await section.getByRole('button', { name: '调阅县域档案' }).click();
    const rows = section.getByTestId('county-record-item');
    await expect.poll(() => rows.count(), { timeout: 20_000 }).toBe(13);
    const discharge = rows.filter({ hasText: '出院小结' });
    await discharge.getByText('前降支近段狭窄85%', { exact: false }).waitFor();
    expect(await discharge.innerText()).toContain('来源：县人民医院');
    expect(await discharge.innerText()).toContain('外院');
    expect(await discharge.innerText()).toContain('2026-03-12 09:00'); // discharge day, clinic time zone
    const tcm = rows.filter({ hasText: '复方丹参滴丸' });
    expect(await tcm.innerText()).toContain('来源：县中医院');
    expect(await rows.filter({ has: page.locator('strong', { hasText: /^肌钙蛋白I$/ }) }).innerText()).toContain('2.35 ng/mL');
    // Every row says where it comes from.
    for (const text of await rows.allInnerTexts()) expect(text).toMatch(/来源：县(人民|中)医院/);
    const fetchedText = await section.getByTestId('county-record-fetched').innerText();
    expect(fetchedText).toMatch(/^调阅时间：\d{4}-\d{2}-\d{2} \d{2}:\d{2}（王医生）$/);

    await county.peer.stop();
    try {
      await section.getByRole('button', { name: '重新调阅' }).click();
      await section.getByText('本次调阅失败（无法连接平台服务器）', { exact: false }).waitFor({ timeout: 20_000 });
      expect(await rows.count()).toBe(13);
    } finally {
      await county.peer.restart();
    }

    const audit = await callApi<{ action: string; outcome: string }[]>(ctx, 'audit.search', { patientId: patient.id, limit: 50 });
    expect(audit.filter((entry) => entry.action === 'countyRecord.fetch').map((entry) => entry.outcome)).toEqual(['ok', 'ok']);
  });
});
