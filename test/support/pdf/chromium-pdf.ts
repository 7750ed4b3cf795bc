import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium, type Browser } from 'playwright-core';
import { checkPdf, checkPrintRoute, PAGE_SIZES_MM, PDF_READY_TIMEOUT_MS, type RenderPdf } from '../../../src/main/pdf/render-pdf';
import { PRINT_READY_SELECTOR } from '../../../src/shared/print';

/**
 * RenderPdf for the harness and the tests: headless Debian Chromium (playwright-core) opens the harness's own
 * renderer at the print route — same page, same API session as the station's window — and prints it.
 */
export interface ChromiumPdf {
  render: RenderPdf;
  close(): Promise<void>;
}

export function chromiumExecutable(): string | undefined {
  return process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
}

/** `pageUrl(route)`: where the print route opens, as a URL that also gives the new browser its harness session. */
export function createChromiumPdf(pageUrl: (route: string) => string): ChromiumPdf {
  let browser: Promise<Browser> | undefined;
  let profile: string | undefined;
  const launch = () => {
    profile = mkdtempSync(path.join(tmpdir(), 'tws-pdf-'));
    return chromium.launch({
      executablePath: chromiumExecutable(),
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
      env: { ...process.env, XDG_CONFIG_HOME: path.join(profile, 'config'), XDG_CACHE_HOME: path.join(profile, 'cache') },
    });
  };
  return {
    async render(route, options) {
      checkPrintRoute(route);
      browser ??= launch();
      const page = await (await browser).newPage({ locale: 'zh-CN' });
      try {
        await page.goto(pageUrl(route));
        await page.locator(PRINT_READY_SELECTOR).waitFor({ timeout: PDF_READY_TIMEOUT_MS });
        const sheet = PAGE_SIZES_MM[options.pageSize];
        const [width, height] = options.landscape ? [sheet.heightMm, sheet.widthMm] : [sheet.widthMm, sheet.heightMm];
        return checkPdf(await page.pdf({ width: `${width}mm`, height: `${height}mm`, printBackground: true }));
      } finally {
        await page.close();
      }
    },
    async close() {
      const open = browser;
      browser = undefined;
      if (open) await (await open).close();
      if (profile) rmSync(profile, { recursive: true, force: true });
    },
  };
}
