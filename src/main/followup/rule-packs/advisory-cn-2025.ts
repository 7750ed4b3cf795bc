import type { AdvisoryPack } from '../../../shared/followup';

/**
 * Newer Chinese guideline targets (specs/followup-rules.md §5), shown as advice beside the 2017 classification.
 * 考核 still counts by the 2017 standard, so nothing here may change a classification, an action or a due date.
 */
export const ADVISORY_CN_2025: AdvisoryPack = {
  id: 'cn-guidelines-advisory',
  version: '2025.1',
  title: { zh: '新版指南目标', en: 'newer guideline targets' },
  hypertension: {
    bpTargets: [
      // 2025 primary-care HTN guideline: under 80, <130/80 [S8].
      { fromAge: 0, sbpBelow: 130, dbpBelow: 80, source: '高血压基层诊疗指南（2025）' },
      // Same guideline: 80 and over, <140/90 (was <150/90 in 2020) [S8].
      { fromAge: 80, sbpBelow: 140, dbpBelow: 90, source: '高血压基层诊疗指南（2025）' },
    ],
  },
  t2dm: {
    // CDS 2020/2024 and the 2022 primary-care DM guideline: HbA1c <7% for most adults [S12].
    hba1cBelow: 7.0,
    hba1cSource: '中国糖尿病防治指南（2020/2024）',
    // Same guidelines: fasting plasma glucose 4.4–7.0 mmol/L, both ends inclusive as printed (4.4～7.0).
    fbgRange: { atLeast: 4.4, atMost: 7.0, source: '中国糖尿病防治指南（2020/2024）' },
    bpTarget: { sbpBelow: 130, dbpBelow: 80, source: '中国糖尿病防治指南（2020/2024）' },
  },
};
