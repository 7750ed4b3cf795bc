import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHarness, type Harness } from '../support/harness/server';

/** Debian's Chromium where present (Playwright's own browser download is not possible here). */
export function chromiumPath(): string | undefined {
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
}

export interface E2eContext {
  harness: Harness;
  browser: Browser;
  page: Page;
  dataDir: string;
  stop(): Promise<void>;
}

export const STORE_PASSPHRASE = 'e2e-store-passphrase-0001';

export async function launch(opts: { passphrase?: string | null; dataDir?: string } = {}): Promise<E2eContext> {
  const dataDir = opts.dataDir ?? mkdtempSync(path.join(tmpdir(), 'tws-e2e-'));
  const harness = await startHarness({ dataDir, passphrase: opts.passphrase === null ? undefined : (opts.passphrase ?? STORE_PASSPHRASE) });
  const profile = mkdtempSync(path.join(tmpdir(), 'tws-chromium-'));
  process.env.XDG_CONFIG_HOME = path.join(profile, 'config');
  process.env.XDG_CACHE_HOME = path.join(profile, 'cache');
  const browser = await chromium.launch({
    executablePath: chromiumPath(),
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic', '--lang=zh-CN'],
  });
  const page = await browser.newPage({ locale: 'zh-CN', viewport: { width: 1366, height: 860 } });
  page.on('pageerror', (err) => console.error('[page error]', err));
  await page.goto(harness.url);
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
  const res = await fetch(`${ctx.harness.url}/__test/advance-clock`, { method: 'POST', headers: { 'x-harness-token': ctx.harness.token }, body: JSON.stringify({ ms }) });
  if (!res.ok) throw new Error(`advance-clock failed: ${res.status}`);
}
