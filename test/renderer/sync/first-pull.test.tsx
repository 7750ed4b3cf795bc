// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import { FirstPull } from '../../../src/renderer/features/sync/sync-page';
import i18n from '../../../src/renderer/i18n';

afterEach(cleanup);

describe('同步: a first sync shows count of total and the time left', () => {
  it('words the count, the total and the time left in zh-CN and English', async () => {
    await i18n.changeLanguage('zh-CN');
    render(<FirstPull targetId="county" pull={{ received: 12_000, total: 250_000, etaS: 95 }} />);
    expect(screen.getByTestId('sync-first-pull-county').textContent).toBe('首次同步：已接收 12,000 / 250,000 条记录 · 约剩 1 分 35 秒');
    expect(screen.getByRole('progressbar', { name: '首次同步进度' })).toHaveProperty('value', 12_000);
    cleanup();
    await i18n.changeLanguage('en');
    render(<FirstPull targetId="county" pull={{ received: 0, total: 250_000, etaS: null }} />);
    expect(screen.getByTestId('sync-first-pull-county').textContent).toBe('First sync: 0 of 250,000 records received · estimating the time left…');
    await i18n.changeLanguage('zh-CN');
  });

  it('disappears once everything has arrived', () => {
    render(<FirstPull targetId="county" pull={{ received: 250_000, total: 250_000, etaS: 0 }} />);
    expect(screen.queryByTestId('sync-first-pull-county')).toBeNull();
  });
});
