// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { EcgPaperCanvas } from '../../../src/renderer/features/ecg/ecg-paper-canvas';
import i18n from '../../../src/renderer/i18n';
import { DEFAULT_PX_PER_MM, placeLayout, STANDARD_SCALE } from '../../../src/shared/ecg-paper';

beforeAll(async () => {
  await i18n.changeLanguage('zh-CN');
  // jsdom has no media queries; the paper only listens for pixel-ratio changes through them.
  vi.stubGlobal('matchMedia', () => ({ addEventListener: () => undefined, removeEventListener: () => undefined }));
});
afterEach(cleanup);

const placed = placeLayout('12x1', STANDARD_SCALE, { durationS: 10, otherLeads: ['II', 'V1'] });
const recording = { sampleRateHz: 360, leads: ['II', 'V1'].map((name) => ({ name, microvolts: new Float32Array(3600) })) };

describe('the paper marks what the analysis could not read', () => {
  it('hatches the unreadable and the noisy seconds of the shown page, in every row, titled in the language', () => {
    render(
      <EcgPaperCanvas
        placed={placed}
        recording={recording}
        pxPerMm={DEFAULT_PX_PER_MM}
        label="ECG"
        pageStartS={10}
        qualityStretches={[
          { startS: 0, endS: 12, reason: 'flat' },
          { startS: 15, endS: 20, reason: 'beats-disagree' },
          { startS: 30, endS: 40, reason: 'saturated' },
        ]}
      />,
    );
    const unreadable = screen.getAllByTestId('ecg-quality-unreadable');
    const noisy = screen.getAllByTestId('ecg-quality-noisy');
    expect(unreadable).toHaveLength(2);
    expect(noisy).toHaveLength(2);
    expect(unreadable.map((r) => r.textContent)).toEqual(['不可分析', '不可分析']);
    expect(noisy.map((r) => r.textContent)).toEqual(['噪声干扰', '噪声干扰']);
    // 10–12 s of the page is 2 s wide, 15–20 s is 5 s wide, at 25 mm/s.
    expect(Number(unreadable[0].getAttribute('width'))).toBeCloseTo(50 * DEFAULT_PX_PER_MM, 3);
    expect(Number(noisy[0].getAttribute('width'))).toBeCloseTo(125 * DEFAULT_PX_PER_MM, 3);
  });

  it('draws no overlay when the whole recording was readable', () => {
    const { container } = render(<EcgPaperCanvas placed={placed} recording={recording} pxPerMm={DEFAULT_PX_PER_MM} label="ECG" />);
    expect(container.querySelector('.ecg-quality')).toBeNull();
  });
});
