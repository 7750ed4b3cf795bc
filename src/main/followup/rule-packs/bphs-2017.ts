import { HYPERTENSION_DANGER_SIGNS, T2DM_DANGER_SIGNS } from '../../../shared/api/followup';
import type { RuleSet } from '../../../shared/followup';
import { ADVISORY_CN_2025 } from './advisory-cn-2025';

/**
 * 国家基本公共卫生服务规范（第三版，2017）: hypertension and type 2 diabetes follow-up, as fixed by
 * specs/followup-rules.md (§1, §2, §3, §7 and assumptions A1–A12). The default rule set of the engine.
 * Every threshold the engine compares against lives here; references in brackets are the spec's sources.
 */
export const BPHS_2017: RuleSet = {
  id: 'bphs-2017',
  version: '2017.3',
  title: { zh: '国家基本公共卫生服务规范（第三版）', en: 'National Basic Public Health Service Standard, 3rd edition' },
  sources: ['高血压患者健康管理服务规范', '2型糖尿病患者健康管理服务规范', '老年人健康管理服务规范'],
  yearStartMonth: 1, // A1: calendar year
  faceToFacePerYear: 4, // ≥4 face-to-face follow-ups a year [S1, S5]
  recheckDays: 14, // A7: "within 2 weeks" = visit + 14 days
  controlledIntervalMonths: 3, // A7: 控制满意 → +3 calendar months
  dueSoonDays: 7,
  elderlyFromAge: 65, // §3
  // 规范管理 = the ≥4 face-to-face follow-ups of the year; the annual check is reported on its own
  // (docs/followup-rules.md, "规范管理").
  standardManagement: { minFaceToFace: 4, requireAnnualHealthCheck: false },
  hypertension: {
    targets: [
      { fromAge: 0, sbpBelow: 140, dbpBelow: 90 },
      // A10: ≥65 target <150/90, applied to the first-uncontrolled threshold as well.
      { fromAge: 65, sbpBelow: 150, dbpBelow: 90 },
    ],
    urgent: {
      sbpAtLeast: 180,
      dbpAtLeast: 110,
      // The signs the visit form asks (one list with the form), and two of the form's routine symptom options:
      // 恶心呕吐 is §1's nausea-and-vomiting sign, and option 6 names two danger signs in one term (心悸胸闷).
      dangerSymptoms: [...HYPERTENSION_DANGER_SIGNS, '恶心呕吐', '心悸胸闷'],
      // Normal BP is <140/90, so "above normal" in pregnancy starts at 140/90 whatever the age band (§7 row 1).
      pregnancySbpAtLeast: 140,
      pregnancyDbpAtLeast: 90,
    },
  },
  t2dm: {
    fbgBelow: 7.0, // 控制满意 = FBG <7.0 mmol/L [S5]
    hypoglycaemiaAdrAtMost: 3.9, // A9
    urgent: {
      glucoseAtLeast: 16.7,
      glucoseAtMost: 3.9,
      sbpAtLeast: 180,
      dbpAtLeast: 110,
      hrAbove: 100,
      temperatureAbove: 39,
      // The signs the visit form asks (one list with the form), 多饮/多尿 (urgent only with another sign, A12) and
      // the combined terms the shared symptom picker offers, each part of which is itself a DM danger sign.
      dangerSymptoms: [...T2DM_DANGER_SIGNS, '多饮', '多尿', '恶心呕吐', '心悸胸闷'],
      urgentOnlyWithOtherSigns: ['多饮', '多尿'], // A12
      // The standard says only "血糖高于正常". Normal fasting plasma glucose in China is <6.1 mmol/L
      // (中国2型糖尿病防治指南), so 6.1 is the line (docs/followup-rules.md).
      pregnancyFbgAtLeast: 6.1,
    },
  },
  advisory: ADVISORY_CN_2025,
};

/** The same 2017 rules without the advisory overlay (for reports that must show the standard alone). */
export const BPHS_2017_WITHOUT_ADVISORY: RuleSet = { ...BPHS_2017, advisory: null };
