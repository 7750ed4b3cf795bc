/**
 * SCP-ECG section 3 lead identification codes (EN 1064 Table 25, the same numbering as ISO/IEEE 11073
 * MDC_ECG_LEAD_*). Codes 31–60 are leads derived rather than recorded ("d" prefix); the twelve standard leads map to
 * the names of shared/ecg.ts.
 */
const LEAD_NAMES: readonly string[] = [
  'unspecified', 'I', 'II', 'V1', 'V2', 'V3', 'V4', 'V5', 'V6', 'V7', // 0–9
  'V2R', 'V3R', 'V4R', 'V5R', 'V6R', 'V7R', 'X', 'Y', 'Z', 'CC5', // 10–19
  'CM5', 'LA', 'RA', 'LL', 'fI', 'fE', 'fC', 'fA', 'fM', 'fF', // 20–29
  'fH', 'dI', 'dII', 'dV1', 'dV2', 'dV3', 'dV4', 'dV5', 'dV6', 'dV7', // 30–39
  'dV2R', 'dV3R', 'dV4R', 'dV5R', 'dV6R', 'dV7R', 'dX', 'dY', 'dZ', 'dCC5', // 40–49
  'dCM5', 'dLA', 'dRA', 'dLL', 'dfI', 'dfE', 'dfC', 'dfA', 'dfM', 'dfF', // 50–59
  'dfH', 'III', 'aVR', 'aVL', 'aVF', '-aVR', 'V8', 'V9', 'V8R', 'V9R', // 60–69
  'D', 'A', 'J', 'Defib', 'Extern', 'A1', 'A2', 'A3', 'A4', 'dV8', // 70–79
  'dV9', 'dV8R', 'dV9R', 'dD', 'dA', 'dJ', 'Chest', 'V', 'VR', 'VL', // 80–89
  'VF', 'MCL', 'MCL1', 'MCL2', 'MCL3', 'MCL4', 'MCL5', 'MCL6', 'CC', 'CC1', // 90–99
  'CC2', 'CC3', 'CC4', 'CC6', 'CC7', 'CM', 'CM1', 'CM2', 'CM3', 'CM4', // 100–109
  'CM6', 'dIII', 'daVR', 'daVL', 'daVF', // 110–114
];

export function scpLeadName(code: number): string {
  return LEAD_NAMES[code] ?? `lead code ${code}`;
}
