import type { BrowserWindow, BrowserWindowConstructorOptions, WebContents } from 'electron';
import { PRINT_READY_SELECTOR } from '../../shared/print';
import { checkPdf, checkPrintRoute, PDF_READY_TIMEOUT_MS, type RenderPdf } from '../pdf/render-pdf';
import { secureWindowOptions } from './security';

/**
 * RenderPdf in the app: a hidden window with the main window's security settings loads the app at the print route,
 * waits for the page's print-ready mark, and `webContents.printToPDF` prints it. The window's id is in
 * `printWindows` while it lives, so the IPC sender check lets its API calls through; it is destroyed afterwards
 * whatever happened.
 */
/** The part of a BrowserWindow this uses; main.ts passes `(options) => new BrowserWindow(options)`. */
export type PrintWindow = Pick<BrowserWindow, 'loadURL' | 'destroy'> & { webContents: Pick<WebContents, 'id' | 'executeJavaScript' | 'printToPDF'> };

export interface ElectronPdfOptions {
  /** Only main.ts imports Electron at run time, so the window comes from there. */
  openWindow(options: BrowserWindowConstructorOptions): PrintWindow;
  preloadPath: string;
  /** Packaged apps render without DevTools, like the main window. */
  packaged?: boolean;
  /** The app URL for a route (dev server or app://, hash routing). */
  pageUrl(route: string): string;
  printWindows: Set<number>;
  /** Poll interval for the ready mark. */
  pollMs?: number;
}

export function createElectronPdf(options: ElectronPdfOptions): RenderPdf {
  return async (route, pdf) => {
    checkPrintRoute(route);
    const window = options.openWindow({
      ...secureWindowOptions(options.preloadPath, { packaged: options.packaged ?? true }),
      show: false,
      width: 1400,
      height: 1000,
    });
    const id = window.webContents.id;
    options.printWindows.add(id);
    try {
      await window.loadURL(options.pageUrl(route));
      await waitForReady(window.webContents, options.pollMs ?? 100);
      const bytes = await window.webContents.printToPDF({
        landscape: pdf.landscape,
        pageSize: pdf.pageSize,
        printBackground: true,
        margins: { top: 0, bottom: 0, left: 0, right: 0 },
      });
      return checkPdf(Buffer.from(bytes));
    } finally {
      options.printWindows.delete(id);
      window.destroy();
    }
  };
}

async function waitForReady(contents: PrintWindow['webContents'], pollMs: number): Promise<void> {
  const deadline = Date.now() + PDF_READY_TIMEOUT_MS;
  const probe = `document.querySelector(${JSON.stringify(PRINT_READY_SELECTOR)}) !== null`;
  while (!(await contents.executeJavaScript(probe))) {
    if (Date.now() > deadline) throw new Error(`the print route did not become ready within ${PDF_READY_TIMEOUT_MS} ms`);
    await new Promise((resolve) => setTimeout(resolve, pollMs));
  }
}
