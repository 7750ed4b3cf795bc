import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { call } from '../../src/main/api/dispatcher';
import { BINARY_CONTENT_TYPE, decodeFrame } from '../../src/shared/api/binary';
import { makeResidentId } from '../../src/shared/resident-id';
import type { ApiResult } from '../../src/shared/api/errors';
import { afterAll, beforeAll } from 'vitest';
import { generatePlatformPki, type PlatformPki } from '../support/fhir-peer/certs';
import { startFhirPeer, type FhirPeer } from '../support/fhir-peer/peer';
import { startHarness, type Harness } from '../support/harness/server';
import { chromiumPath } from '../support/chromium';

export { chromiumPath };
import { EVERY_DAY_CALENDAR } from '../support/test-services';
import { readFeatureSetting } from '../../src/main/settings/settings-service';
import { writeWorkingCalendar } from '../../src/main/settings/working-calendar';

export interface E2eContext {
  harness: Harness;
  browser: Browser;
  page: Page;
  dataDir: string;
  stop(): Promise<void>;
}

export const STORE_PASSPHRASE = 'e2e-store-passphrase-0001';

/**
 * `clinicCalendar`: e2e stations are open every day (EVERY_DAY_CALENDAR) unless a test asks for the clinic default
 * (Monday–Friday), so dates computed from today do not move with the weekday the test runs on.
 */
export async function launch(opts: { passphrase?: string | null; dataDir?: string; clinicCalendar?: 'every-day' | 'default' } = {}): Promise<E2eContext> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'tws-e2e-'));
  const harness = await startHarness({ dataDir, passphrase: opts.passphrase === null ? undefined : (opts.passphrase ?? STORE_PASSPHRASE), testControls: true });
  const store = harness.services.store;
  if (store.isOpen && opts.clinicCalendar !== 'default' && readFeatureSetting(store.current.db, 'workingCalendar') === null)
    writeWorkingCalendar(store.current.db, EVERY_DAY_CALENDAR, harness.services.clock);
  const profile = mkdtempSync(path.join(tmpdir(), 'tws-chromium-'));
  process.env.XDG_CONFIG_HOME = path.join(profile, 'config');
  process.env.XDG_CACHE_HOME = path.join(profile, 'cache');
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
      '--disable-quic',
      '--lang=zh-CN',
    ],
  });
  const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1366, height: 860 } });
  page.on('pageerror', (err) => console.error('[page error]', err));
  await page.goto(harness.launchUrl());
  return {
    harness,
    browser,
    page,
    dataDir,
    stop: async () => {
      await browser.close();
      await harness.close();
      rmSync(profile, { recursive: true, force: true });
      if (!opts.dataDir) rmSync(dataDir, { recursive: true, force: true });
    },
  };
}

/** Moves the harness clock (idle lock, lockout expiry) without real waiting. */
export async function advanceClock(ctx: E2eContext, ms: number): Promise<void> {
  const res = await fetch(`${ctx.harness.url}/__test/advance-clock`, {
    method: 'POST',
    headers: { 'x-harness-token': ctx.harness.token },
    body: JSON.stringify({ ms }),
  });
  if (!res.ok) throw new Error(`advance-clock failed: ${res.status}`);
}

/** The administrator every e2e station starts with (the password meets the default policy). */
export const E2E_ADMIN_PASSWORD = 'Clinic2026ok';

/** Unlocks the idle-locked station as the administrator (the lock dialog must be up or coming). */
export async function unlockStation(page: Page, password = E2E_ADMIN_PASSWORD): Promise<void> {
  await page.getByRole('heading', { name: '工作站已锁定' }).waitFor();
  await page.getByRole('dialog').getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '解锁' }).click();
  await page.getByRole('heading', { name: '工作站已锁定' }).waitFor({ state: 'detached' });
}

/**
 * Lets the idle lock fall while the first request on `channel` (e.g. 'ecg.list') is on its way: main refuses it
 * with SESSION_LOCKED, as when a clinician walks away from a page still loading. Returns how many requests passed.
 */
export async function lockDuringFirst(c: E2eContext, channel: string): Promise<() => number> {
  let seen = 0;
  await c.page.route(`**/api/${channel}`, async (route) => {
    if (seen++ === 0) await advanceClock(c, 11 * 60_000);
    await route.continue();
  });
  return () => seen;
}

/** First-run setup through the UI: creates the administrator 王医生 and waits for the app's navigation. */
export async function createAdmin(page: Page, password = E2E_ADMIN_PASSWORD): Promise<void> {
  await page.getByRole('heading', { name: '首次使用：创建管理员' }).waitFor();
  await page.getByLabel('用户名').fill('admin');
  await page.getByLabel('姓名').fill('王医生');
  await page.getByLabel('密码', { exact: true }).fill(password);
  await page.getByLabel('再次输入密码').fill(password);
  await page.getByRole('button', { name: '创建管理员' }).click();
  await page.getByRole('navigation').getByRole('link', { name: '今日门诊' }).waitFor();
}

/** A call through the harness's loopback API, in the session the browser signed in. */
export async function callApi<T>(c: E2eContext, channel: string, input: unknown): Promise<T> {
  const res = await fetch(`${c.harness.url}/api/${channel}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', 'x-harness-token': c.harness.token },
    body: JSON.stringify(input),
  });
  // Answers carrying samples come as binary frames, as the renderer receives them.
  const result = (
    res.headers.get('content-type') === BINARY_CONTENT_TYPE ? decodeFrame(new Uint8Array(await res.arrayBuffer())) : await res.json()
  ) as ApiResult<T>;
  if (!result.ok) throw new Error(`${channel}: ${result.error.code} ${result.error.message}`);
  return result.value;
}

/**
 * Configures a platform on the 同步 screen as an administrator does: address, certificates chosen in the file
 * dialog (the harness's chooser stands in for main's; never typed), passphrase; `documents` sets a national-documents
 * platform with its CDA schema folder. `caPath` defaults to the platform's own CA.
 */
export async function configurePlatform(
  c: E2eContext,
  targetName: string,
  values: { baseUrl: string; pki: PlatformPki; caPath?: string; documents?: { schemaDir: string } },
): Promise<void> {
  const card = c.page.getByRole('article', { name: targetName });
  await card.getByRole('button', { name: '配置' }).click();
  const form = card.getByRole('form', { name: '平台设置' });
  if (values.documents) {
    await form.getByLabel('平台接收格式').selectOption('documents');
    await form.getByLabel('HL7 CDA R2 模式文件夹（用于校验文档）').fill(values.documents.schemaDir);
  }
  await form.getByLabel('FHIR 服务器地址 (https)').fill(values.baseUrl);
  for (const [label, file] of [
    ['平台 CA 证书文件 (PEM)', values.caPath ?? values.pki.ca.certPath],
    ['本站客户端证书文件 (.p12/.pfx)', values.pki.client.pfxPath],
  ]) {
    const [chooser] = await Promise.all([c.page.waitForEvent('filechooser'), form.getByRole('button', { name: `${label} — 选择文件…` }).click()]);
    await chooser.setFiles(file);
    await form.getByText(path.basename(file)).waitFor();
  }
  await form.getByLabel('证书口令').fill(values.pki.client.passphrase);
  await form.getByRole('button', { name: '保存' }).click();
  await card.getByText('服务器地址').waitFor();
}

export interface CountyPeer {
  readonly pki: PlatformPki;
  readonly peer: FhirPeer;
}

/**
 * The county's FHIR platform for a test file: its own PKI and a peer started once before the file's tests (and
 * seeded, when `seed` is given), stopped after them.
 */
export function countyPeerForFile(seed?: (peer: FhirPeer) => Promise<unknown>): CountyPeer {
  let pki: PlatformPki | undefined;
  let peer: FhirPeer | undefined;
  beforeAll(async () => {
    pki = generatePlatformPki({ name: 'county' });
    peer = await startFhirPeer({ ca: pki.ca.certPem, serverCert: pki.server.certPem, serverKey: pki.server.keyPem });
    if (seed) await seed(peer);
  });
  afterAll(() => peer?.stop());
  return {
    get pki() {
      if (!pki) throw new Error('the county PKI exists once the file starts');
      return pki;
    },
    get peer() {
      if (!peer) throw new Error('the county peer runs once the file starts');
      return peer;
    },
  };
}

/** Points the station's county target at the peer, with its certificates (through the API, as a script would). */
export async function configureCounty(c: E2eContext, county: CountyPeer): Promise<void> {
  await callApi(c, 'sync.configure', {
    id: 'county',
    baseUrl: county.peer.url,
    caCertificatePath: county.pki.ca.certPath,
    clientPkcs12Path: county.pki.client.pfxPath,
    clientPassphrase: county.pki.client.passphrase,
  });
}

/** A resident registered through the API (the registration screen has its own e2e), with a valid synthetic ID. */
export async function registerResident(c: E2eContext, name: string, birthDate: string, seq: number, village = '东湾村') {
  const result = await call(c.harness.services.dispatch, 'patients', 'register', {
    name,
    idNumber: makeResidentId('130321', birthDate, seq),
    phone: `1390000${String(seq).padStart(4, '0')}`,
    village,
    contractDoctor: '刘医生',
    confirmNotDuplicate: true,
  });
  if (result.status !== 'created') throw new Error('registration failed');
  return result.patient;
}

/** The registration screen, reached the way a user reaches it (患者 → 患者登记). */
export async function openRegistration(page: Page): Promise<void> {
  await page.getByRole('navigation').getByRole('link', { name: '患者' }).click();
  await page.getByRole('link', { name: '患者登记' }).click();
  await page.getByRole('heading', { name: '患者登记' }).waitFor();
}

/** A fresh station in the browser with the administrator created and signed in. */
export async function launchWithAdmin(): Promise<E2eContext> {
  const c = await launch();
  await createAdmin(c.page);
  return c;
}
