// @vitest-environment jsdom
import { cleanup, render } from '@testing-library/react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { useScanListener } from '../../../src/renderer/features/idcard/use-scan-listener';
import type { ScannedInput } from '../../../src/shared/idcard';
import { makeResidentId } from '../../../src/shared/resident-id';

afterEach(cleanup);

const ID = makeResidentId('130608', '1972-08-15', 35);

function Probe({ onScan }: { onScan: (s: ScannedInput) => void }) {
  useScanListener(onScan);
  return <input aria-label="box" />;
}

/** Keys at the given gap (ms) by their event timestamps, as the browser stamps them, then Enter. */
function typeKeys(text: string, gapMs: number): KeyboardEvent {
  let t = 1000;
  let enter: KeyboardEvent | null = null;
  for (const key of [...text, 'Enter']) {
    const e = new KeyboardEvent('keydown', { key, bubbles: true, cancelable: true });
    Object.defineProperty(e, 'timeStamp', { value: t });
    t += gapMs;
    document.querySelector('input')!.dispatchEvent(e);
    if (key === 'Enter') enter = e;
  }
  return enter!;
}

describe('keyboard-mode scanner detection', () => {
  it.each([
    ['an ID number typed by a reader (5 ms gaps)', ID, 5, { kind: 'residentId', idNumber: ID }],
    ['a plain QR payload (2 ms gaps)', `sfzh=${ID}&xm=王五`, 2, { kind: 'qr', idNumber: ID, name: '王五', phone: null, source: 'keyValue' }],
  ])('hands over %s and keeps its Enter from submitting', (_label, text, gap, expected) => {
    const onScan = vi.fn();
    render(<Probe onScan={onScan} />);
    const enter = typeKeys(text, gap);
    expect(onScan).toHaveBeenCalledWith(expected);
    expect(enter.defaultPrevented).toBe(true);
  });

  it.each([
    ['a person typing the same ID quickly (60 ms gaps)', ID, 60],
    ['a fast burst that is not an ID or payload', 'abcdefghijklmnopqrstu', 3],
  ])('ignores %s (Enter left alone)', (_label, text, gap) => {
    const onScan = vi.fn();
    render(<Probe onScan={onScan} />);
    const enter = typeKeys(text, gap);
    expect(onScan).not.toHaveBeenCalled();
    expect(enter.defaultPrevented).toBe(false);
  });
});
