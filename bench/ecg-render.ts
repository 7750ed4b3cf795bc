/**
 * ECG display and import figures:
 * - `ecg.renderFrameMs`: one frame of a static ECG (12 leads × 10 s at 500 Hz, 12×1 layout, 25 mm/s, 10 mm/mV)
 *   as the screen draws it: the trace layer (TraceLayer of src/renderer/features/ecg/ecg-canvas.ts, bundled with
 *   Vite) cleared and redrawn over the paper layer, which is drawn once on its own canvas underneath; each frame
 *   pages by a sample so nothing carries over. Median of 30 draws after 3 warm-ups, timed inside Debian Chromium
 *   with performance.now(). Each draw ends with a one-pixel getImageData, which makes Chromium rasterise the
 *   deferred canvas commands, so the time is the whole frame and not only the recording of commands.
 * - `ecg.renderPaperLayerMs`: the paper layer (grid, pulses, labels), drawn when the layout or scale changes.
 * - `ecg.renderSingleCanvasMs`: paper and traces together on one canvas (drawEcgPaper, for one-off images).
 * - `ecg.renderFrameDevicePx`: device pixels of that canvas (a count, so the figure above can be compared across
 *   screens).
 * - `ecg.parseVsReadRatio` and `ecg.parseVsReadRatio.<format>`: see ecg-parse.ts.
 * Chromium missing: installed with apt-get when running as root; otherwise the bench fails with the command to run
 * (the parse figures are still printed with the failure). `performance` is the
 * global one on both sides: the page function is serialised into Chromium, so it may not close over Node imports.
 */

import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { chromium } from 'playwright-core';
import { build, type Rollup } from 'vite';
import { synthesizeEcg } from '../src/main/ecg/devices/synthetic-ecg';
import { STANDARD_LEADS } from '../src/shared/ecg';
import { chromiumPath } from '../test/support/chromium';
import { PARSE_KEYS, parseFigures } from './ecg-parse';
import { ensureTool, missingFigures, PartialBenchError } from './ensure-tool';
import { median, round } from './stats';

const SAMPLE_RATE_HZ = 500;
const SECONDS = 10;
const WARM_UPS = 3;
const DRAWS = 30;

const ROOT = path.resolve(__dirname, '..');

/** Every key this section prints: a missing or non-finite one fails the section with its name (issue 11.8). */
export const RENDER_KEYS = [...PARSE_KEYS, 'ecg.renderFrameMs', 'ecg.renderPaperLayerMs', 'ecg.renderSingleCanvasMs', 'ecg.renderFrameDevicePx'];
const ENTRY_ID = '\0ecg-render-bench-entry';

/** The renderer's canvas code as one IIFE that puts what the bench needs on window.__ecgBench. */
async function bundleCanvasCode(): Promise<string> {
  const entry = `
    import { drawEcgPaper, drawPaperLayer, TraceLayer } from ${JSON.stringify(path.join(ROOT, 'src/renderer/features/ecg/ecg-canvas.ts'))};
    import { placeLayout } from ${JSON.stringify(path.join(ROOT, 'src/shared/ecg-paper.ts'))};
    window.__ecgBench = { drawEcgPaper, drawPaperLayer, TraceLayer, placeLayout };
  `;
  const output = (await build({
    configFile: false,
    logLevel: 'silent',
    root: ROOT,
    plugins: [{ name: 'ecg-render-bench-entry', resolveId: (id) => (id === ENTRY_ID ? id : null), load: (id) => (id === ENTRY_ID ? entry : null) }],
    build: { write: false, minify: false, rollupOptions: { input: ENTRY_ID, output: { format: 'iife' } } },
  })) as Rollup.RollupOutput | Rollup.RollupOutput[];
  const chunk = (Array.isArray(output) ? output[0] : output).output.find((o): o is Rollup.OutputChunk => o.type === 'chunk');
  if (!chunk) throw new Error('vite produced no chunk for the render bench');
  return chunk.code;
}

function twelveLeads(): number[][] {
  const record = synthesizeEcg({ seed: 7, durationS: SECONDS + 2, sampleRateHz: SAMPLE_RATE_HZ });
  const n = SECONDS * SAMPLE_RATE_HZ;
  return STANDARD_LEADS.map((name) => {
    const lead = record.leads.find((l) => l.name === name);
    if (!lead || lead.microvolts.length < n) throw new Error(`synthetic ECG lacks ${SECONDS} s of ${name}`);
    return Array.from(lead.microvolts.subarray(0, n));
  });
}

interface PageBench {
  drawEcgPaper: (ctx: CanvasRenderingContext2D, placed: unknown, recording: unknown, scale: unknown) => void;
  drawPaperLayer: (ctx: CanvasRenderingContext2D, placed: unknown, scale: unknown) => void;
  TraceLayer: new () => { draw: (ctx: CanvasRenderingContext2D, placed: unknown, recording: unknown, scale: unknown, startSample: number) => void };
  placeLayout: (layout: string, scale: unknown, options: unknown) => { widthMm: number; heightMm: number };
}

async function renderFrameFigures(): Promise<Record<string, number>> {
  ensureTool('Chromium', 'chromium', () => chromiumPath() !== undefined, 'ecg.renderFrameMs and ecg.renderFrameDevicePx');
  const executablePath = chromiumPath()!;
  const code = await bundleCanvasCode();
  const profile = mkdtempSync(path.join(tmpdir(), 'ecg-bench-chromium-'));
  process.env.XDG_CONFIG_HOME = path.join(profile, 'config');
  process.env.XDG_CACHE_HOME = path.join(profile, 'cache');
  const browser = await chromium.launch({
    executablePath,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run'],
  });
  try {
    const page = await browser.newPage({ viewport: { width: 1366, height: 1000 }, deviceScaleFactor: 1 });
    // Two stacked canvases, as on the screen: the paper layer drawn once, the trace layer redrawn per frame.
    await page.setContent(
      '<!doctype html><html><body style="margin:0"><div style="position:relative"><canvas id="paper"></canvas><canvas id="traces" style="position:absolute;left:0;top:0"></canvas><canvas id="single"></canvas></div></body></html>',
    );
    await page.addScriptTag({ content: code });
    // tsx compiles with keepNames: the page function's inner closures call esbuild's __name helper.
    await page.addScriptTag({ content: 'window.__name = (fn) => fn;' });
    const result = await page.evaluate(
      ({ leads, names, sampleRateHz, seconds, warmUps, draws }) => {
        const bench = (window as unknown as { __ecgBench: PageBench }).__ecgBench;
        const paper = { speedMmPerS: 25, gainMmPerMv: 10 };
        const scale = { pxPerMm: 96 / 25.4, devicePixelRatio: 1 };
        const placed = bench.placeLayout('12x1', paper, { durationS: seconds });
        const recording = { sampleRateHz, leads: leads.map((values, i) => ({ name: names[i], microvolts: Float32Array.from(values) })) };
        const context = (id: string) => {
          const canvas = document.getElementById(id) as HTMLCanvasElement;
          canvas.width = Math.ceil(placed.widthMm * scale.pxPerMm);
          canvas.height = Math.ceil(placed.heightMm * scale.pxPerMm);
          return canvas.getContext('2d')!;
        };
        const paperCtx = context('paper');
        const traceCtx = context('traces');
        const singleCtx = context('single');
        const time = (draw: () => void, ctx: CanvasRenderingContext2D) => {
          const times: number[] = [];
          for (let i = 0; i < warmUps + draws; i++) {
            const started = performance.now();
            draw();
            ctx.getImageData(0, 0, 1, 1);
            if (i >= warmUps) times.push(performance.now() - started);
          }
          return times;
        };
        const layer = new bench.TraceLayer();
        // Each frame pages by one sample so nothing can be cached between frames but the paper layer.
        let page = 0;
        const frames = time(() => layer.draw(traceCtx, placed, recording, scale, page++ % 2), traceCtx);
        const paperTimes = time(() => bench.drawPaperLayer(paperCtx, placed, scale), paperCtx);
        const single = time(() => bench.drawEcgPaper(singleCtx, placed, recording, scale), singleCtx);
        return { frames, paperTimes, single, devicePx: traceCtx.canvas.width * traceCtx.canvas.height };
      },
      { leads: twelveLeads(), names: [...STANDARD_LEADS], sampleRateHz: SAMPLE_RATE_HZ, seconds: SECONDS, warmUps: WARM_UPS, draws: DRAWS },
    );
    const ms = (times: number[]) => round(median(times), 2);
    return {
      'ecg.renderFrameMs': ms(result.frames),
      'ecg.renderPaperLayerMs': ms(result.paperTimes),
      'ecg.renderSingleCanvasMs': ms(result.single),
      'ecg.renderFrameDevicePx': result.devicePx,
    };
  } finally {
    await browser.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

export async function benchEcgRender(): Promise<Record<string, number>> {
  // Parse figures first: a render failure (no Chromium) must not take them with it, nor pass unnoticed.
  const figures = await parseFigures();
  try {
    Object.assign(figures, await renderFrameFigures());
  } catch (error) {
    throw new PartialBenchError(`ecg.renderFrameMs not measured: ${error instanceof Error ? error.message : String(error)}`, figures, { cause: error });
  }
  const missing = missingFigures(figures, RENDER_KEYS);
  if (missing.length > 0) throw new PartialBenchError(`ECG render figures not measured: ${missing.join(', ')}`, figures);
  return figures;
}

if (require.main === module) {
  void benchEcgRender().then((figures) => process.stdout.write(`${JSON.stringify(figures, null, 2)}\n`));
}
