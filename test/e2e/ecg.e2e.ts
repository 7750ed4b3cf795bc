import { readFileSync, writeFileSync } from 'node:fs';
import type { FileChooser, Page } from 'playwright-core';
import { afterEach, describe, expect, it } from 'vitest';
import { makeResidentId } from '../../src/shared/resident-id';
import { hasSharedSamples, samplePath, SKIP_REASON } from '../support/shared-samples';
import { callApi, createAdmin, launch, type E2eContext } from './browser';

let ctx: E2eContext | undefined;
afterEach(async () => {
  await ctx?.stop();
  ctx = undefined;
});

const MM_IN_PT = 72 / 25.4;

async function registerPatient(c: E2eContext, name: string, idNumber: string): Promise<{ id: string }> {
  const r = await callApi<{ status: string; patient: { id: string } }>(c, 'patients.register', {
    name,
    idNumber,
    phone: '13800001111',
    confirmNotDuplicate: true,
  });
  return r.patient;
}

async function choosePatient(page: Page, name: string) {
  await page.getByLabel('选择患者').fill(name);
  await page.getByRole('list', { name: '查找结果' }).getByRole('button', { name }).click();
  await page.getByTestId('ecg-patient').getByText(name).waitFor();
}

/** The import's file dialog: in the harness the browser's chooser stands in for main's dialog. */
async function chooseFiles(page: Page, files: Parameters<FileChooser['setFiles']>[0]) {
  const [chooser] = await Promise.all([page.waitForEvent('filechooser'), page.getByRole('button', { name: '选择文件…' }).click()]);
  await chooser.setFiles(files);
  await page.getByTestId('ecg-import-file').getByText('已选择：').waitFor();
}

/** The trace canvas as an image, and how many of its pixels are inked (not transparent). */
function traceSnapshot(page: Page): Promise<{ url: string; inked: number }> {
  return page.getByRole('img', { name: '实时心电波形' }).evaluate((canvas: HTMLCanvasElement) => {
    const ctx = canvas.getContext('2d')!;
    const { data } = ctx.getImageData(0, 0, canvas.width, canvas.height);
    let inked = 0;
    for (let i = 3; i < data.length; i += 4) if (data[i] > 0) inked++;
    return { url: canvas.toDataURL(), inked };
  });
}

type Matrix = [number, number, number, number, number, number];
const multiply = (m: Matrix, n: Matrix): Matrix => [
  m[0] * n[0] + m[2] * n[1],
  m[1] * n[0] + m[3] * n[1],
  m[0] * n[2] + m[2] * n[3],
  m[1] * n[2] + m[3] * n[3],
  m[0] * n[4] + m[2] * n[5] + m[4],
  m[1] * n[4] + m[3] * n[5] + m[5],
];
const apply = (m: Matrix, x: number, y: number) => [m[0] * x + m[2] * y + m[4], m[1] * x + m[3] * y + m[5]];

/** pdfjs's path opcodes inside constructPath data (DrawOPS in pdf.mjs; not exported by its public API). */
const DRAW = { moveTo: 0, lineTo: 1, curveTo: 2, quadraticCurveTo: 3 } as const;

interface PdfFacts {
  pages: number;
  widthMm: number;
  heightMm: number;
  text: string;
  /** Straight line segments drawn on page 1, in page mm (origin bottom-left, as PDF has it). */
  segments: { x1: number; y1: number; x2: number; y2: number }[];
  fonts: { name: string; embedded: boolean }[];
}

/**
 * Reads the PDF the way a checker of printed scale would: the page box, the text, every straight segment of every
 * path (pdfjs's operator list: constructPath with its moveTo/lineTo data, placed through the current transform
 * that save/restore/transform build up), and the fonts pdfjs loaded with whether their file is in the PDF.
 */
async function readPdf(bytes: Buffer): Promise<PdfFacts> {
  const pdfjs = await import('pdfjs-dist/legacy/build/pdf.mjs');
  const doc = await pdfjs.getDocument({ data: new Uint8Array(bytes), useSystemFonts: false, isEvalSupported: false }).promise;
  const page = await doc.getPage(1);
  const [x0, y0, x1, y1] = page.view;
  const content = await page.getTextContent();
  // Chromium's subset CJK fonts map glyphs shared with a Kangxi radical (心 / ⼼) back to the radical in ToUnicode;
  // NFKC folds them into the ideographs a reader searches for (and full-width punctuation into ASCII).
  const text = content.items
    .map((item) => ('str' in item ? item.str : ''))
    .join('')
    .normalize('NFKC');
  const ops = await page.getOperatorList();
  const segments: PdfFacts['segments'] = [];
  let ctm: Matrix = [1, 0, 0, 1, 0, 0];
  const stack: Matrix[] = [];
  const toMm = (p: number[]) => p.map((v) => v / MM_IN_PT);
  for (let i = 0; i < ops.fnArray.length; i++) {
    const fn = ops.fnArray[i];
    const args = ops.argsArray[i] as unknown[];
    if (fn === pdfjs.OPS.save) stack.push(ctm);
    else if (fn === pdfjs.OPS.restore) ctm = stack.pop() ?? [1, 0, 0, 1, 0, 0];
    else if (fn === pdfjs.OPS.transform) ctm = multiply(ctm, args as Matrix);
    else if (fn === pdfjs.OPS.constructPath) {
      const data = (args[1] as (Float32Array | null)[])[0];
      if (!data) continue;
      let pen: number[] | null = null;
      for (let k = 0; k < data.length;) {
        const op = data[k++];
        if (op === DRAW.moveTo) {
          pen = apply(ctm, data[k], data[k + 1]);
          k += 2;
        } else if (op === DRAW.lineTo) {
          const to = apply(ctm, data[k], data[k + 1]);
          k += 2;
          if (pen) {
            const [ax, ay] = toMm(pen);
            const [bx, by] = toMm(to);
            segments.push({ x1: ax, y1: ay, x2: bx, y2: by });
          }
          pen = to;
        } else if (op === DRAW.curveTo) k += 6;
        else if (op === DRAW.quadraticCurveTo) k += 4;
      }
    }
  }
  const fonts: PdfFacts['fonts'] = [];
  for (const [, obj] of page.commonObjs as unknown as Iterable<[string, { missingFile?: boolean; name?: string } | null]>) {
    if (obj && typeof obj === 'object' && 'missingFile' in obj) fonts.push({ name: String(obj.name), embedded: obj.missingFile === false });
  }
  return { pages: doc.numPages, widthMm: (x1 - x0) / MM_IN_PT, heightMm: (y1 - y0) / MM_IN_PT, text, segments, fonts };
}

/** Positions of the long vertical (or horizontal) lines of a given length: the grid, not the traces. */
function gridLines(segments: PdfFacts['segments'], direction: 'vertical' | 'horizontal', lengthMm: number): number[] {
  const positions = segments
    .filter((s) => (direction === 'vertical' ? Math.abs(s.x1 - s.x2) < 0.005 : Math.abs(s.y1 - s.y2) < 0.005))
    .filter((s) => Math.abs(Math.hypot(s.x2 - s.x1, s.y2 - s.y1) - lengthMm) < lengthMm * 0.01)
    .map((s) => (direction === 'vertical' ? s.x1 : s.y1));
  return [...new Set(positions.map((p) => Math.round(p * 1000) / 1000))].sort((a, b) => a - b);
}

const spacings = (positions: number[]) => positions.slice(1).map((p, i) => p - positions[i]);

describe('ECG end to end (harness + Chromium)', () => {
  it('streams the demo device, captures 10 s into a patient, signs a reading and prints a true-scale report', async () => {
    ctx = await launch();
    const { page } = ctx;
    await createAdmin(page);
    // Born 1958-06-15, sequence 124 (even → female).
    const patient = await registerPatient(ctx, '李秀英', makeResidentId('430522', '1958-06-15', 124));
    await callApi(ctx, 'settings.update', { facilityName: '石桥镇卫生院' });

    // 心电: choose the patient, start the demo device and watch the sweep draw.
    await page.getByRole('navigation').getByRole('link', { name: '心电' }).click();
    await page.getByRole('heading', { name: '心电', exact: true }).waitFor();
    await choosePatient(page, '李秀英');
    await page.getByLabel('门诊号（可选）').fill('MZ20261206-017');
    const capture = page.getByRole('button', { name: '采集10秒' });
    expect(await capture.isDisabled()).toBe(true);
    await page.getByLabel('心电设备').selectOption('demo');
    await page.getByRole('button', { name: '开始' }).click();
    await expect.poll(() => page.getByRole('status', { name: '设备状态' }).textContent()).toContain('正在传输');
    await expect.poll(async () => (await traceSnapshot(page)).inked, { timeout: 10_000 }).toBeGreaterThan(500);
    const first = await traceSnapshot(page);
    await expect.poll(async () => (await traceSnapshot(page)).url, { timeout: 5_000 }).not.toBe(first.url);
    await page.screenshot({ path: '/tmp/ecg-live.png', fullPage: true });

    // The server needs 10 s of signal; the button waits for it, then the capture lands in the patient's chart.
    await expect.poll(() => capture.isEnabled(), { timeout: 20_000 }).toBe(true);
    await capture.click();
    await page.getByText('已保存到 李秀英 的病历').waitFor();
    await page.getByRole('button', { name: '停止' }).click();
    await expect.poll(() => page.getByRole('status', { name: '设备状态' }).textContent()).toContain('已断开');

    // Calibrate the screen: the 100 mm bar "measures" 94.4882 mm, i.e. this screen shows 4 px per mm.
    const bar = page.getByTestId('calibration-bar');
    const drawn = (await bar.boundingBox())!.width;
    expect(drawn).toBeCloseTo(100 * (96 / 25.4), 0);
    await page.getByLabel('量得长度（mm）').fill(String((drawn / 4).toFixed(4)));
    await page.getByRole('button', { name: '应用' }).click();
    await expect.poll(async () => (await bar.boundingBox())!.width).toBeCloseTo(400, 0);

    // Open the recording from the notice: the section lists it, the viewer shows the paper.
    await page.getByRole('link', { name: '查看' }).click();
    await page.getByRole('heading', { name: '心电图', exact: true }).waitFor();
    const row = page.getByRole('table', { name: '心电图' }).getByRole('row').nth(1);
    await expect.poll(() => row.textContent()).toContain('设备采集');
    await expect.poll(() => row.textContent()).toContain('待解读');
    const paper = page.getByRole('img', { name: '心电图波形' });
    await paper.waitFor();
    // 3×4 + rhythm at 25 mm/s on a 4 px/mm screen: 10 mm calibration zone + 250 mm of trace = 1040 px wide.
    expect((await paper.boundingBox())!.width).toBeCloseTo(1040, 0);

    // Calipers: 20 mm across is 800 ms, 75 /min; 10 mm up is +1 mV.
    const box = (await paper.boundingBox())!;
    await page.mouse.move(box.x + 100, box.y + 100);
    await page.mouse.down();
    await page.mouse.move(box.x + 140, box.y + 80, { steps: 4 });
    await page.mouse.move(box.x + 180, box.y + 60, { steps: 4 });
    await page.mouse.up();
    await expect.poll(() => page.getByRole('status', { name: '测量尺读数' }).textContent()).toBe('Δt 800 ms · 75 次/分 · Δ 1000 µV（10.0 mm）');

    // The measurements table has the rate with its normal range.
    const measurements = page.getByRole('table', { name: '自动测量' });
    await expect.poll(() => measurements.getByRole('row', { name: /心率/ }).textContent()).toMatch(/心率\d+ 次\/分60–100 次\/分/);
    await page.screenshot({ path: '/tmp/ecg-viewer.png', fullPage: true });

    // Sign the reading: who and when is shown, and the list says it is signed.
    await page.getByLabel('医师解读').fill('窦性心律，正常心电图。');
    await page.getByRole('button', { name: '签名确认' }).click();
    await expect.poll(() => page.getByTestId('ecg-signature').textContent()).toMatch(/^王医生 签名于 \d{4}-\d{2}-\d{2} \d{2}:\d{2}$/);
    await expect.poll(() => row.textContent()).toContain('已签名（王医生）');

    // aECG export downloads the HL7 XML of this recording.
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: '导出 aECG' }).click()]);
    const xml = readFileSync((await download.path())!, 'utf8');
    expect(download.suggestedFilename()).toMatch(/^ecg-.+\.xml$/);
    expect(xml).toContain('<AnnotatedECG');
    expect(xml).toContain('MDC_ECG_LEAD_V6');

    // The printed report: one A4 landscape page at true scale.
    await page.getByRole('link', { name: '打印报告' }).click();
    await page.locator('svg.ecg-report[data-state="ready"]').waitFor();
    await page.screenshot({ path: '/tmp/ecg-report.png', fullPage: true });
    expect(page.url()).toContain(`#/print/ecg/${patient.id}/`);
    const pdf = await page.pdf({ width: '297mm', height: '210mm', printBackground: true });
    writeFileSync('/tmp/ecg-report.pdf', pdf);
    const facts = await readPdf(pdf);
    expect(facts.pages).toBe(1);
    // Playwright turns mm into px at 3.78 px/mm and Chromium rounds the sheet to its print units, so the media box
    // comes out a fraction of a mm off (here 297.01 × 210.23 mm); the drawing's own scale is checked on the grid.
    expect(Math.abs(facts.widthMm - 297)).toBeLessThan(0.5);
    expect(Math.abs(facts.heightMm - 210)).toBeLessThan(0.5);

    // The grid: 3×4 + rhythm is 260 mm × 4 rows of 35 mm. Its lines span the whole paper area, so they are told
    // from trace segments by their length; consecutive lines must be 1 mm apart within 1 %.
    const vertical = gridLines(facts.segments, 'vertical', 140);
    const horizontal = gridLines(facts.segments, 'horizontal', 260);
    expect(vertical).toHaveLength(261);
    expect(horizontal).toHaveLength(141);
    for (const gap of [...spacings(vertical), ...spacings(horizontal)]) expect(Math.abs(gap - 1)).toBeLessThan(0.01);
    // And the whole grid is true size end to end (no creeping error over 260 lines).
    expect(vertical.at(-1)! - vertical[0]).toBeCloseTo(260, 1);
    // The calibration pulses: 10 mm high (1 mV at 10 mm/mV), 5 mm wide (200 ms at 25 mm/s).
    const pulseSides = facts.segments.filter((s) => Math.abs(s.x1 - s.x2) < 0.005 && Math.abs(Math.abs(s.y2 - s.y1) - 10) < 0.1);
    expect(pulseSides.length).toBeGreaterThanOrEqual(8); // rise and fall of 4 pulses
    const pulseTops = facts.segments.filter((s) => Math.abs(s.y1 - s.y2) < 0.005 && Math.abs(Math.abs(s.x2 - s.x1) - 5) < 0.05);
    expect(pulseTops.length).toBeGreaterThanOrEqual(4);

    expect(facts.text).toContain('石桥镇卫生院');
    expect(facts.text).toContain('MZ20261206-017');
    expect(facts.text).toContain('李秀英');
    expect(facts.text).toContain('窦性心律,正常心电图。'.normalize('NFKC'));
    expect(facts.text).toContain('430522********');
    expect(facts.text).not.toContain(makeResidentId('430522', '1958-06-15', 124));
    expect(facts.fonts.length).toBeGreaterThan(0);
    expect(facts.fonts.filter((f) => !f.embedded)).toEqual([]);
  });

  it('names a bad import file in zh-CN and prints the calibration page at true scale', async () => {
    ctx = await launch();
    const { page } = ctx;
    await createAdmin(page);
    await registerPatient(ctx, '赵建国', makeResidentId('430522', '1970-01-20', 123));
    await page.goto(`${ctx.harness.url}/#/ecg`);
    await choosePatient(page, '赵建国');
    // A WFDB header chosen without its .dat: no path is typed, main's dialog (here: the harness's upload) picks it.
    await chooseFiles(page, [{ name: 'record.hea', mimeType: 'text/plain', buffer: Buffer.from('record 1 250 2500\nrecord.dat 16 200 16 0 0 0 0 I\n') }]);
    await page.getByRole('button', { name: '导入到所选患者' }).click();
    await expect.poll(() => page.getByRole('alert').first().textContent()).toBe('找不到心电文件或其配套文件（如 WFDB 的 .dat）');

    await page.getByRole('link', { name: '打印机比例校验页' }).click();
    await page.locator('svg.ecg-calibration-sheet').waitFor();
    const facts = await readPdf(await page.pdf({ width: '297mm', height: '210mm', printBackground: true }));
    expect(facts.pages).toBe(1);
    expect(Math.abs(facts.heightMm - 210)).toBeLessThan(0.5);
    // The ruler's 101 ticks, 1 mm apart, 100 mm end to end.
    const ticks = facts.segments.filter((s) => Math.abs(s.x1 - s.x2) < 0.005 && [3, 4.5, 6].some((len) => Math.abs(Math.abs(s.y2 - s.y1) - len) < 0.01));
    const xs = [...new Set(ticks.map((s) => Math.round(s.x1 * 1000) / 1000))].sort((a, b) => a - b);
    expect(xs).toHaveLength(101);
    expect(xs.at(-1)! - xs[0]).toBeCloseTo(100, 1);
    // 页 comes back as ⻚ (U+2EDA, a radicals-supplement code point NFKC leaves alone): matched without it.
    expect(facts.text).toContain('心电图打印比例校验');
  });

  describe.skipIf(!hasSharedSamples)(`imports a shared sample file (${SKIP_REASON.replace('skipped: ', 'skipped when ')})`, () => {
    it('asks before attaching a file that names another patient, then shows its time as the cart wrote it and the automatic statements for the clinician', async () => {
      ctx = await launch();
      const { page } = ctx;
      await createAdmin(page);
      const patient = await registerPatient(ctx, '孙丽', makeResidentId('430522', '1985-09-09', 222));
      await page.goto(`${ctx.harness.url}/#/ecg`);
      await choosePatient(page, '孙丽');
      await chooseFiles(page, samplePath('hl7-aecg', 'Example_aECG.xml'));
      await page.getByRole('button', { name: '导入到所选患者' }).click();
      // The file is Clark's (SBJ-123): nothing is attached until the clinician says it is this patient.
      const check = page.getByTestId('ecg-identity-check');
      await check.waitFor();
      expect(await check.textContent()).toContain('Clark');
      expect(await check.textContent()).toContain('SBJ-123');
      expect(await callApi<unknown[]>(ctx, 'ecg.list', { patientId: patient.id })).toHaveLength(0);
      await check.getByRole('button', { name: '确认是该患者，导入' }).click();
      await page.getByText('已保存到 孙丽 的病历').waitFor();
      await page.goto(`${ctx.harness.url}/#/ecg/patient/${patient.id}`);
      const row = page.getByRole('table', { name: '心电图' }).getByRole('row').nth(1);
      await expect.poll(() => row.textContent()).toContain('Example_aECG.xml');
      // The cart's clock says 09:10 with no zone: shown as written, not 17:10.
      expect(await row.textContent()).toContain('2002-11-22 09:10');
      await row.getByRole('button', { name: '查看' }).click();
      await page.getByRole('img', { name: '心电图波形' }).waitFor();
      await page.getByRole('heading', { name: '心电图 2002-11-22 09:10' }).waitFor();
      await page.getByTestId('ecg-machine-note').getByText('机器自动分析，需医师确认').waitFor();
      const statements = (await page.getByTestId('ecg-statements').allTextContents()).join('');
      expect(statements).toMatch(/窦性|心房颤动可能/);
      await page.getByRole('button', { name: '采用到诊断意见' }).click();
      const reading = page.getByLabel('医师解读');
      await expect.poll(() => reading.inputValue()).toMatch(/窦性|心房颤动可能/);
      // Copied, editable, and not signed by itself.
      // One term for an unread recording everywhere (issue 14.9): 待解读.
      await page.getByText('待解读').first().waitFor();
      expect(await page.getByTestId('ecg-signature').count()).toBe(0);
    });

    it('opens MIT-BIH 208 (MLII + V1, 30 min) in a rhythm view of II and V1 with paging, analysed on the whole record', async () => {
      ctx = await launch();
      const { page } = ctx;
      await createAdmin(page);
      const patient = await registerPatient(ctx, '钱多', makeResidentId('430522', '1960-02-02', 331));
      await page.goto(`${ctx.harness.url}/#/ecg`);
      await choosePatient(page, '钱多');
      // A WFDB record is its header, its signal file and its annotations, chosen together.
      await chooseFiles(page, [samplePath('wfdb/mitdb', '208.hea'), samplePath('wfdb/mitdb', '208.dat'), samplePath('wfdb/mitdb', '208.atr')]);
      await page.getByRole('button', { name: '导入到所选患者' }).click();
      await page.getByText('已保存到 钱多 的病历').waitFor({ timeout: 30_000 });
      const [summary] = await callApi<{ leadNames: string[]; measurements: { beatCount: number; heartRateBpm: number } }[]>(ctx, 'ecg.list', {
        patientId: patient.id,
      });
      expect(summary.leadNames).toEqual(['II', 'V1']);
      expect(Math.abs(summary.measurements.beatCount - 2955)).toBeLessThan(40);
      await page.goto(`${ctx.harness.url}/#/ecg/patient/${patient.id}`);
      await page.getByRole('table', { name: '心电图' }).getByRole('row').nth(1).getByRole('button', { name: '查看' }).click();
      await page.getByTestId('ecg-rhythm-view').getByText('II, V1').waitFor();
      await page.getByText(/0–10\.0 秒 \/ 共 1805\.\d 秒/).waitFor();
      // Both rows drawn, not a 3×4 grid of empty cells: ink in the top and the bottom half of the trace layer.
      const ink = () =>
        page.getByRole('img', { name: '心电图波形' }).evaluate((canvas: HTMLCanvasElement) => {
          const { data } = canvas.getContext('2d')!.getImageData(0, 0, canvas.width, canvas.height);
          const half = (data.length / 4 / 2) | 0;
          let top = 0;
          let bottom = 0;
          for (let p = 0; p < data.length / 4; p++) {
            if (data[p * 4 + 3] === 0) continue;
            if (p < half) top++;
            else bottom++;
          }
          return { top, bottom };
        });
      await expect.poll(async () => Math.min(...Object.values(await ink()))).toBeGreaterThan(500);
      await page.getByRole('button', { name: '后 10 秒' }).click();
      await page.getByText(/10–20\.0 秒 \/ 共/).waitFor();
      const table = page.getByRole('table', { name: '自动测量' });
      await expect.poll(() => table.textContent()).toMatch(/9[6-9] 次\/分|100 次\/分/);
    });
  });
});
