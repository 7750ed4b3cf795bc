import { describe, expect, it } from 'vitest';
import { ensureTool, missingFigures, type ToolSystem } from '../../../bench/ensure-tool';
import { PARSE_FORMATS, PARSE_KEYS } from '../../../bench/ecg-parse';
import { STREAM_KEYS } from '../../../bench/ecg-stream';

/**
 * Issue 11.8: a bench figure that needs Chromium or socat is measured or the bench fails saying why. ensureTool's
 * decisions are tested with the machine's side effects (who we run as, apt-get) passed in, so nothing is installed.
 */
function machine(options: { root: boolean; installWorks: boolean }, present: { value: boolean }): ToolSystem & { installs: string[] } {
  const installs: string[] = [];
  return {
    installs,
    isRoot: () => options.root,
    aptInstall: (aptPackage) => {
      installs.push(aptPackage);
      if (options.installWorks) present.value = true;
    },
  };
}

describe('ensureTool', () => {
  it('does nothing when the tool is there', () => {
    const present = { value: true };
    const system = machine({ root: true, installWorks: true }, present);
    expect(() => ensureTool('socat', 'socat', () => present.value, 'ecg.stream.*', system)).not.toThrow();
    expect(system.installs).toEqual([]);
  });

  it('installs a missing tool as root and goes on when the install worked', () => {
    const present = { value: false };
    const system = machine({ root: true, installWorks: true }, present);
    expect(() => ensureTool('Chromium', 'chromium', () => present.value, 'ecg.renderFrameMs', system)).not.toThrow();
    expect(system.installs).toEqual(['chromium']);
  });

  it('fails naming the figures and the command when the install did not work', () => {
    const present = { value: false };
    const system = machine({ root: true, installWorks: false }, present);
    expect(() => ensureTool('Chromium', 'chromium', () => present.value, 'ecg.renderFrameMs', system)).toThrow(
      /Chromium is not installed and apt-get could not install it: ecg\.renderFrameMs cannot be measured.*apt-get install chromium/,
    );
  });

  it('fails without trying to install when not root', () => {
    const present = { value: false };
    const system = machine({ root: false, installWorks: true }, present);
    expect(() => ensureTool('socat', 'socat', () => present.value, 'ecg.stream.lostSamples', system)).toThrow(
      /socat is not installed: ecg\.stream\.lostSamples cannot be measured.*apt-get install socat/,
    );
    expect(system.installs).toEqual([]);
  });
});

describe('the ECG benches promise their keys', () => {
  it('missingFigures names absent and non-finite figures (null in JSON)', () => {
    expect(missingFigures({ a: 1, b: Number.NaN, c: Number.POSITIVE_INFINITY, d: 0 }, ['a', 'b', 'c', 'd', 'e'])).toEqual(['b', 'c', 'e']);
    expect(missingFigures({ a: 1 }, ['a'])).toEqual([]);
  });

  it('lists the wall and CPU ratio and the MB/s of every format, their worst, and the stream figures', () => {
    for (const format of PARSE_FORMATS) {
      expect(PARSE_KEYS).toContain(`ecg.parseVsReadRatio.${format}`);
      expect(PARSE_KEYS).toContain(`ecg.parseVsReadCpuRatio.${format}`);
      expect(PARSE_KEYS).toContain(`ecg.parseMBps.${format}`);
    }
    expect(PARSE_KEYS).toEqual(expect.arrayContaining(['ecg.parseVsReadRatio', 'ecg.parseVsReadCpuRatio', 'ecg.parseMBps']));
    expect(STREAM_KEYS).toEqual(['ecg.stream.lostSamples', 'ecg.stream.latencyMsP50', 'ecg.stream.latencyMsP95']);
  });
});
