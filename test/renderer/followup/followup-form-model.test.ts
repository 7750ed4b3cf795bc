import { describe, expect, it } from 'vitest';
import { emptyForm, HABITS } from '../../../src/renderer/features/followup/followup-form-model';

describe('follow-up form model', () => {
  it("takes the numeric habits from the contract's lifestyle schema, in its order, without the salt choice", () => {
    expect(HABITS).toEqual(['cigarettesPerDay', 'alcoholLiangPerDay', 'exerciseTimesPerWeek', 'exerciseMinutes', 'stapleFoodG']);
    const form = emptyForm('2026-12-06');
    expect(Object.keys(form.habitsNow).sort()).toEqual([...HABITS].sort());
  });
});
