// @vitest-environment jsdom
import { cleanup, render, screen, within } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { CartReportPanel } from '../../../src/renderer/features/ecg/cart-report-panel';
import i18n from '../../../src/renderer/i18n';
import type { CartReport } from '../../../src/shared/api/ecg';

beforeAll(async () => {
  await i18n.changeLanguage('zh-CN');
});
afterEach(cleanup);

const ours = { heartRateBpm: 71, prMs: 158, pDurationMs: 98, qrsMs: 92, qtMs: 400, beatCount: 12, medianBeatCount: 10 };

describe("the cart's own report beside ours", () => {
  it('names an SCP-ECG cart, lists P duration beside ours and says the statements were not confirmed', () => {
    const cart: CartReport = {
      vendor: 'scp-ecg',
      measurements: { heartRateBpm: 70, prMs: 160, pDurationMs: 100, qrsMs: 90 },
      statements: ['Sinus rhythm'],
      confirmed: false,
    };
    render(<CartReportPanel cart={cart} ours={ours} />);
    const panel = screen.getByTestId('ecg-cart-report');
    expect(within(panel).getByRole('heading', { level: 4 }).textContent).toBe('心电图机自带分析（SCP-ECG）');
    const row = within(panel).getByRole('rowheader', { name: 'P 波时限' }).closest('tr')!;
    expect([...row.querySelectorAll('td')].map((c) => c.textContent)).toEqual([i18n.t('ecg:unit.ms', { value: 98 }), i18n.t('ecg:unit.ms', { value: 100 })]);
    expect(within(panel).getByText('心电图机文件注明：结论未经医师确认')).toBeTruthy();
    expect(within(panel).getByText('Sinus rhythm')).toBeTruthy();
  });

  it('says nothing about confirmation when the format does not carry it (aECG)', () => {
    render(<CartReportPanel cart={{ vendor: 'hl7-aecg', measurements: { qrsMs: 120 }, statements: ['Sinus Rhythm'] }} ours={ours} />);
    const panel = screen.getByTestId('ecg-cart-report');
    expect(panel.textContent).toContain('HL7 aECG');
    expect(panel.textContent).not.toContain('医师确认');
  });
});
