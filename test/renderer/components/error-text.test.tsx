// @vitest-environment jsdom
import { cleanup, render, screen } from '@testing-library/react';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ErrorText, errorKeys } from '../../../src/renderer/components/error-text';
import i18n from '../../../src/renderer/i18n';
import en from '../../../src/renderer/i18n/locales/en/clinic.json';
import zh from '../../../src/renderer/i18n/locales/zh-CN/clinic.json';
import { ApiError } from '../../../src/shared/api/errors';

beforeAll(async () => {
  await i18n.changeLanguage('zh-CN');
});
afterEach(cleanup);

function shown(error: unknown): string {
  render(<ErrorText error={error} />);
  const text = screen.getByRole('alert').textContent ?? '';
  cleanup();
  return text;
}

describe('errors shown as translated messages for their reason', () => {
  it('resident-ID reasons use the shared ID texts with their parameters', () => {
    const error = new ApiError('VALIDATION', 'resident ID is wrong', { field: 'idNumber', reason: 'ID_CHECKSUM', expected: '7', actual: '1' });
    expect(shown(error)).toBe('第18位校验码应为 7，实际为 1');
  });

  it('vitals reasons use the shared vitals texts with their parameters', () => {
    const error = new ApiError('VALIDATION', 'impossible value', { field: 'systolic', reason: 'SBP_IMPOSSIBLE', reading: 1, value: 1200, min: 40, max: 300 });
    expect(shown(error)).toBe('第1次测量的收缩压1200 mmHg不可能，请核对（可测范围40–300 mmHg）');
  });

  it("the services' own reasons come from clinic:reasons, ID_MISMATCH included (it is not a GB 11643 code)", () => {
    expect(shown(new ApiError('VALIDATION', 'x', { field: 'noIdReason', reason: 'NO_ID_REASON_REQUIRED' }))).toBe('无身份证号时，请选择原因');
    expect(shown(new ApiError('VALIDATION', 'x', { field: 'birthDate', reason: 'ID_MISMATCH' }))).toBe('出生日期或性别与身份证号不一致');
    expect(shown(new ApiError('CONFLICT', 'x', { reason: 'VISIT_CLOSED' }))).toBe('本次就诊已签名，不能再修改；如需修改请使用“更正”');
  });

  it('a refusal is worded from its reason, not from the shape of its details', () => {
    expect(shown(new ApiError('DUPLICATE', 'x', { reason: 'ALREADY_CHECKED_IN', entryId: 'e1' }))).toBe('该患者今天已在候诊队列中');
    expect(shown(new ApiError('CONFLICT', 'x', { reason: 'QUEUE_TRANSITION', from: 'done', to: 'left' }))).toBe('不能从“已完成”改为“未就诊离开”');
    // The same details without a reason are just the code's text: nothing is guessed from them.
    expect(shown(new ApiError('DUPLICATE', 'x', { entryId: 'e1' }))).toBe('记录已存在');
  });

  it('a schema failure names the field by its form label', () => {
    expect(shown(new ApiError('VALIDATION', 'x', { field: 'phone' }))).toBe('输入有误：手机号');
  });

  it('an unknown reason falls back to the text for the code', () => {
    const { keys } = errorKeys(new ApiError('VALIDATION', 'x', { reason: 'SOMETHING_NEW', field: 'name' }));
    expect(keys.at(-1)).toBe('errors:VALIDATION');
    expect(shown(new ApiError('VALIDATION', 'x', { reason: 'SOMETHING_NEW', field: 'name' }))).toBe('输入有误：姓名');
  });
});

/** Every reason the patient and clinic services can send (read from their source, so a new one cannot be missed). */
function serviceReasons(): string[] {
  const files = ['src/main/patients/patient-service.ts', 'src/main/clinic/clinic-service.ts'];
  const reasons = new Set<string>();
  for (const file of files) {
    const source = readFileSync(path.resolve(__dirname, '../../..', file), 'utf8');
    for (const match of source.matchAll(/reason: '([A-Z0-9_]+)'/g)) reasons.add(match[1]);
  }
  return [...reasons];
}

function keysOf(value: unknown, prefix = ''): string[] {
  if (typeof value !== 'object' || value === null) return [prefix];
  return Object.entries(value).flatMap(([key, child]) => keysOf(child, prefix ? `${prefix}.${key}` : key));
}

describe('clinic catalogs', () => {
  it('every reason the services send has a zh-CN and an English text', () => {
    const reasons = serviceReasons();
    expect(reasons.length).toBeGreaterThanOrEqual(10);
    for (const reason of reasons) {
      for (const lng of ['zh-CN', 'en']) expect(i18n.exists(`clinic:reasons.${reason}`, { lng }), `${lng} ${reason}`).toBe(true);
    }
  });

  it('zh-CN and en hold the same keys (English plural forms count as one)', () => {
    const base = (key: string) => key.replace(/_(one|other)$/, '');
    expect(new Set(keysOf(en).map(base))).toEqual(new Set(keysOf(zh)));
  });
});
