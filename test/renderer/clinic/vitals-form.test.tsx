// @vitest-environment jsdom
import { cleanup, fireEvent, render, screen, waitFor } from '@testing-library/react';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import i18n from '../../../src/renderer/i18n';
import { VitalsForm } from '../../../src/renderer/features/clinic/vitals-form';
import { assessDraft, EMPTY_VITALS, parseMeasurement, toVitalsInput, type VitalsInput } from '../../../src/renderer/features/clinic/vitals-form-model';

beforeAll(async () => {
  await i18n.changeLanguage('zh-CN');
});
afterEach(cleanup);

const ADULT_MAN = { sex: 'M' as const, ageYears: 52 };

function setup(patient = ADULT_MAN) {
  const saved: VitalsInput[] = [];
  render(<VitalsForm patient={patient} onSave={async (input) => void saved.push(input)} />);
  const field = (label: string) => screen.getByLabelText(label);
  const type = (label: string, value: string) => fireEvent.change(field(label), { target: { value } });
  return { saved, field, type };
}

describe('vitals form: live feedback from the shared rules', () => {
  it('refuses an impossible systolic beside its reading and does not save', async () => {
    const { saved, field, type } = setup();
    type('第1次收缩压', '1200');
    type('第1次舒张压', '80');
    expect(screen.getByText('第1次测量的收缩压1200 mmHg不可能，请核对（可测范围40–300 mmHg）')).toBeTruthy();
    expect(field('第1次收缩压').getAttribute('aria-invalid')).toBe('true');
    fireEvent.click(screen.getByRole('button', { name: '保存体征' }));
    await screen.findByText('有 1 项数值不可能，请先核对标红的项目');
    expect(saved).toEqual([]);
  });

  it('shows the mean of two readings live and flags it by level', () => {
    const { type } = setup();
    type('第1次收缩压', '182');
    type('第1次舒张压', '96');
    type('第2次收缩压', '186');
    type('第2次舒张压', '98');
    expect(screen.getByTestId('bp-mean').textContent).toContain('184/97 mmHg');
    const critical = screen.getByText('收缩压184 mmHg，危急高值（≥180 mmHg）');
    expect(critical.className).toContain('flag-critical');
    expect(screen.getByText('舒张压97 mmHg，偏高（≥90 mmHg）').className).toContain('flag-high');
  });

  it('asks for a third reading when two differ by more than 5 mmHg, and averages all three', () => {
    const { type } = setup();
    expect(screen.queryByLabelText('第3次收缩压')).toBeNull();
    type('第1次收缩压', '150');
    type('第1次舒张压', '90');
    type('第2次收缩压', '138');
    type('第2次舒张压', '88');
    expect(screen.getByText(/两次血压读数相差超过5 mmHg（收缩压差12，舒张压差2）/)).toBeTruthy();
    type('第3次收缩压', '141');
    type('第3次舒张压', '86');
    expect(screen.getByTestId('bp-mean').textContent).toContain('143/88 mmHg');
  });

  it('computes BMI as height and weight are typed, and names a height typed in metres', () => {
    const { type } = setup();
    type('体重', '70');
    type('身高', '1.7');
    expect(screen.getByText('身高1.7像是以米填写，请按厘米填写（170 cm）')).toBeTruthy();
    expect(screen.getByTestId('bmi').textContent).toBe('—');
    type('身高', '170');
    expect(screen.getByTestId('bmi').textContent).toBe('24.2');
    expect(screen.getByText('体质指数24.2，超重（≥24）')).toBeTruthy();
  });

  it('does not apply adult cut-offs to a child, and says so', () => {
    const { type } = setup({ sex: 'M', ageYears: 9 });
    type('心率', '110');
    expect(screen.queryByText(/心动过速/)).toBeNull();
    expect(screen.getByText('患者9岁，未满18岁：血压、心率、呼吸频率、体质指数和腰围未按成人标准判断')).toBeTruthy();
  });

  it('saves exactly what was typed, as numbers, with the glucose timing', async () => {
    const { saved, type } = setup();
    type('第1次收缩压', '128');
    type('第1次舒张压', '78');
    type('第2次收缩压', '126');
    type('第2次舒张压', '80');
    type('体温（腋温）', '３６．８'); // full-width, as a Chinese IME may type it
    type('血糖', '7.2');
    fireEvent.click(screen.getByLabelText('随机'));
    fireEvent.click(screen.getByRole('button', { name: '保存体征' }));
    await waitFor(() => expect(saved).toHaveLength(1));
    expect(saved).toEqual([
      {
        bloodPressure: [
          { systolic: 128, diastolic: 78 },
          { systolic: 126, diastolic: 80 },
        ],
        temperatureC: 36.8,
        glucose: { mmolPerL: 7.2, timing: 'random' },
      },
    ]);
  });
});

describe('vitals form model', () => {
  it.each([
    ['', undefined],
    ['  ', undefined],
    ['120', 120],
    ['36.5', 36.5],
    ['３６．５', 36.5],
    ['36。5', 36.5],
    ['.5', 0.5],
    ['12O', Number.NaN],
    ['1,20', Number.NaN],
  ])('parseMeasurement(%j) = %s', (text, expected) => {
    expect(parseMeasurement(text)).toBe(expected);
  });

  it('keeps a gap in the BP rows so messages name the reading the nurse sees', () => {
    const draft = {
      ...EMPTY_VITALS,
      bp: [
        { systolic: '', diastolic: '' },
        { systolic: '140', diastolic: '' },
        { systolic: '', diastolic: '' },
      ],
    };
    expect(toVitalsInput(draft).bloodPressure).toEqual([
      { systolic: undefined, diastolic: undefined },
      { systolic: 140, diastolic: undefined },
    ]);
    const live = assessDraft(draft, ADULT_MAN);
    expect(live.errors).toEqual([{ code: 'BP_DIASTOLIC_MISSING', field: 'diastolic', reading: 2 }]);
  });

  it('text that is not a number is refused by name, not dropped', () => {
    const live = assessDraft({ ...EMPTY_VITALS, heartRate: '8o' }, ADULT_MAN);
    expect(live.ok).toBe(false);
    expect(live.errors.map((e) => e.code)).toEqual(['HR_NOT_A_NUMBER']);
  });
});
