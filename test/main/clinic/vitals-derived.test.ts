import { describe, expect, it } from 'vitest';
import { vitalsDerived } from '../../../src/main/clinic/vitals-derived';

describe('vitalsDerived', () => {
  it.each([
    ['all three figures', { systolic: 142, diastolic: 91, bmi: 24.3 }, { systolic: 142, diastolic: 91, bmi: 24.3 }],
    ['none derived', {}, {}],
    ['only BMI', { bmi: 27.1 }, { bmi: 27.1 }],
    ['other keys ignored', { systolic: 120, flags: 3, classification: 'grade1' }, { systolic: 120 }],
    ['a string is not a figure', { systolic: '140', diastolic: 90 }, { diastolic: 90 }],
    ['null and non-finite dropped', { systolic: null, diastolic: Number.NaN, bmi: Number.POSITIVE_INFINITY }, {}],
  ])('%s', (_name, derived, expected) => {
    expect(vitalsDerived(derived)).toEqual(expected);
  });
});
