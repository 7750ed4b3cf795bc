/**
 * The one way main turns a renderer route into a PDF (the ECG report a consult carries, later other printouts):
 * Electron's `webContents.printToPDF` in the app (src/main/shell/electron-pdf.ts), headless Chromium through
 * playwright-core in the harness and the tests (test/support/pdf/chromium-pdf.ts). Both load the same built
 * renderer route and wait for its print-ready mark (src/shared/print.ts), so what the county opens is what the
 * station prints.
 */

export interface PdfOptions {
  pageSize: 'A4' | 'A5';
  landscape: boolean;
}

export type RenderPdf = (route: string, options: PdfOptions) => Promise<Buffer>;

/** How long a route may take to become ready (an ECG report loads the waveform and filters it first). */
export const PDF_READY_TIMEOUT_MS = 30_000;

/** Sheet sizes in mm, portrait. */
export const PAGE_SIZES_MM: Record<PdfOptions['pageSize'], { widthMm: number; heightMm: number }> = {
  A4: { widthMm: 210, heightMm: 297 },
  A5: { widthMm: 148, heightMm: 210 },
};

/** Only the app's own print routes are rendered: nothing else is loaded into a hidden window. */
export function checkPrintRoute(route: string): string {
  if (!/^\/print\/[A-Za-z0-9/_-]+$/.test(route)) throw new Error(`not a print route: ${route}`);
  return route;
}

/** A renderer that produced something other than a PDF failed, whatever it says. */
export function checkPdf(bytes: Buffer): Buffer {
  if (bytes.subarray(0, 5).toString('latin1') !== '%PDF-') throw new Error('the renderer did not produce a PDF');
  return bytes;
}
