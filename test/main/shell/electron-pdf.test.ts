import { describe, expect, it } from 'vitest';
import { makeSenderCheck, type InvokeEventLike } from '../../../src/main/api/ipc';
import { createElectronPdf } from '../../../src/main/shell/electron-pdf';
import { PRINT_READY_SELECTOR } from '../../../src/shared/print';

/**
 * The app's RenderPdf against a recording stand-in for BrowserWindow (the Electron binary cannot run here): what
 * window it opens, what it loads, that it waits for the print-ready mark, prints with printToPDF, lets the window's
 * API calls through only while it lives, and always destroys it.
 */

interface FakeWindow {
  options: Record<string, unknown>;
  loaded: string[];
  destroyed: boolean;
  probes: string[];
  printed: Record<string, unknown>[];
  webContents: {
    id: number;
    executeJavaScript(code: string): Promise<boolean>;
    printToPDF(options: Record<string, unknown>): Promise<Buffer>;
  };
}

const state = {
  windows: [] as FakeWindow[],
  readyAfterProbes: 2,
  pdfBytes: Buffer.from('%PDF-1.7\n%fake\n', 'latin1'),
  loadFails: false,
  nextId: 100,
};

class BrowserWindow {
  readonly record: FakeWindow;
  constructor(options: object) {
    const id = state.nextId++;
    const record: FakeWindow = {
      options: { ...options },
      loaded: [],
      destroyed: false,
      probes: [],
      printed: [],
      webContents: {
        id,
        executeJavaScript: async (code: string) => {
          record.probes.push(code);
          return record.probes.length >= state.readyAfterProbes;
        },
        printToPDF: async (printOptions: Record<string, unknown>) => {
          record.printed.push(printOptions);
          return state.pdfBytes;
        },
      },
    };
    this.record = record;
    state.windows.push(record);
  }
  get webContents() {
    return this.record.webContents;
  }
  async loadURL(url: string): Promise<void> {
    this.record.loaded.push(url);
    if (state.loadFails) throw new Error('ERR_FAILED');
  }
  destroy(): void {
    this.record.destroyed = true;
  }
}

const ORIGIN = 'app://workstation';
function renderer(printWindows = new Set<number>()) {
  const render = createElectronPdf({
    openWindow: (options) => new BrowserWindow(options),
    preloadPath: '/app/preload.js',
    pageUrl: (route) => `${ORIGIN}/index.html#${route}`,
    printWindows,
    pollMs: 1,
  });
  return { render, printWindows };
}

describe('Electron printToPDF renderer', () => {
  it('opens a hidden, sandboxed window at the print route, waits for ready, prints A4 landscape, then destroys it', async () => {
    state.windows.length = 0;
    state.readyAfterProbes = 3;
    const { render, printWindows } = renderer();
    const pdf = await render('/print/ecg/p1/e1', { pageSize: 'A4', landscape: true });
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const [window] = state.windows;
    expect(window.options).toMatchObject({
      show: false,
      webPreferences: { sandbox: true, contextIsolation: true, nodeIntegration: false, preload: '/app/preload.js' },
    });
    expect(window.loaded).toEqual([`${ORIGIN}/index.html#/print/ecg/p1/e1`]);
    expect(window.probes).toHaveLength(3);
    expect(window.probes[0]).toContain(JSON.stringify(PRINT_READY_SELECTOR));
    expect(window.printed).toEqual([{ landscape: true, pageSize: 'A4', printBackground: true, margins: { top: 0, bottom: 0, left: 0, right: 0 } }]);
    expect(window.destroyed).toBe(true);
    expect(printWindows.size).toBe(0);
  });

  it("lets the print window's API calls through only while it lives", async () => {
    state.windows.length = 0;
    state.readyAfterProbes = 1;
    const printWindows = new Set<number>();
    const check = makeSenderCheck({ webContentsId: () => 1, allowedOrigins: [ORIGIN], printWindows: () => printWindows });
    const from = (id: number): InvokeEventLike => ({ sender: { id }, senderFrame: { url: `${ORIGIN}/index.html`, parent: null } }) as InvokeEventLike;
    const { render } = renderer(printWindows);
    const during: boolean[] = [];
    state.pdfBytes = Buffer.from('%PDF-1.7\n', 'latin1');
    const rendering = render('/print/ecg/p1/e1', { pageSize: 'A4', landscape: true });
    await Promise.resolve();
    during.push(check(from(state.windows[0].webContents.id)));
    await rendering;
    expect(during).toEqual([true]);
    expect(check(from(state.windows[0].webContents.id))).toBe(false);
    expect(check(from(1))).toBe(true);
    expect(check(from(999))).toBe(false);
  });

  it('refuses anything but a print route without opening a window, and destroys the window when loading or printing fails', async () => {
    state.windows.length = 0;
    const { render, printWindows } = renderer();
    await expect(render('https://evil.example/', { pageSize: 'A4', landscape: true })).rejects.toThrow(/not a print route/);
    await expect(render('/settings', { pageSize: 'A4', landscape: true })).rejects.toThrow(/not a print route/);
    expect(state.windows).toHaveLength(0);

    state.loadFails = true;
    await expect(render('/print/ecg/p1/e1', { pageSize: 'A4', landscape: true })).rejects.toThrow('ERR_FAILED');
    state.loadFails = false;
    state.readyAfterProbes = 1;
    state.pdfBytes = Buffer.from('<html>error</html>', 'utf8');
    await expect(render('/print/ecg/p1/e1', { pageSize: 'A4', landscape: true })).rejects.toThrow(/did not produce a PDF/);
    expect(state.windows.map((window) => window.destroyed)).toEqual([true, true]);
    expect(printWindows.size).toBe(0);
  });
});
