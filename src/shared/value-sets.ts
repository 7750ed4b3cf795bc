/**
 * National value sets (WS 364 卫生信息数据元值域代码 and the GB/T tables it points to), one table for the store, the
 * forms, FHIR (Coding.system = `urn:oid:<oid>`) and the shared documents (CDA `codeSystem`). Pure TypeScript.
 *
 * Every set names its source and says how sure its OID is: `confirmed` = the OID appears in published shared-document
 * templates (see docs/interop.md §Sources); `inferred` = taken from the 2012 WS/T 483 draft numbering (SD.11.a.b),
 * whose numbers matched the final 2.16.156.10011.2.3.a.b wherever both could be compared; `local` = no national OID
 * was found, the station's own arc is used and the platform must map it. docs/interop.md lists the assumptions.
 */

export type OidCertainty = 'confirmed' | 'inferred' | 'local';

export interface ValueSetEntry {
  readonly code: string;
  readonly zh: string;
  readonly en: string;
}

export interface ValueSet {
  readonly id: ValueSetId;
  readonly oid: string;
  readonly name: string;
  readonly source: string;
  readonly certainty: OidCertainty;
  readonly entries: readonly ValueSetEntry[];
}

/** The station's own arc for sets with no published OID; a platform maps these by name. */
export const LOCAL_VALUE_SET_ARC = '2.16.156.10011.2.3.9999';

const e = (code: string, zh: string, en: string): ValueSetEntry => ({ code, zh, en });

/** A set's entries written as a table, one `code | 中文 | English` a line: the sets read as the standards print them. */
function table(text: string): ValueSetEntry[] {
  return text
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line.length > 0)
    .map((line) => {
      const [code, zh, en] = line.split('|').map((cell) => cell.trim());
      return e(code, zh, en);
    });
}

/** The follow-up form's three-step rating (psychological adjustment, compliance). */
const GOOD_FAIR_POOR = table(`
  1 | 良好 | good
  2 | 一般 | fair
  3 | 差 | poor
`);

const ETHNIC_NAMES = [
  '汉族',
  '蒙古族',
  '回族',
  '藏族',
  '维吾尔族',
  '苗族',
  '彝族',
  '壮族',
  '布依族',
  '朝鲜族',
  '满族',
  '侗族',
  '瑶族',
  '白族',
  '土家族',
  '哈尼族',
  '哈萨克族',
  '傣族',
  '黎族',
  '傈僳族',
  '佤族',
  '畲族',
  '高山族',
  '拉祜族',
  '水族',
  '东乡族',
  '纳西族',
  '景颇族',
  '柯尔克孜族',
  '土族',
  '达斡尔族',
  '仫佬族',
  '羌族',
  '布朗族',
  '撒拉族',
  '毛南族',
  '仡佬族',
  '锡伯族',
  '阿昌族',
  '普米族',
  '塔吉克族',
  '怒族',
  '乌孜别克族',
  '俄罗斯族',
  '鄂温克族',
  '德昂族',
  '保安族',
  '裕固族',
  '京族',
  '塔塔尔族',
  '独龙族',
  '鄂伦春族',
  '赫哲族',
  '门巴族',
  '珞巴族',
  '基诺族',
] as const;
const ETHNIC_EN = [
  'Han',
  'Mongol',
  'Hui',
  'Tibetan',
  'Uyghur',
  'Miao',
  'Yi',
  'Zhuang',
  'Bouyei',
  'Korean',
  'Manchu',
  'Dong',
  'Yao',
  'Bai',
  'Tujia',
  'Hani',
  'Kazakh',
  'Dai',
  'Li',
  'Lisu',
  'Va',
  'She',
  'Gaoshan',
  'Lahu',
  'Sui',
  'Dongxiang',
  'Naxi',
  'Jingpo',
  'Kyrgyz',
  'Tu',
  'Daur',
  'Mulao',
  'Qiang',
  'Blang',
  'Salar',
  'Maonan',
  'Gelao',
  'Xibe',
  'Achang',
  'Pumi',
  'Tajik',
  'Nu',
  'Uzbek',
  'Russian',
  'Evenki',
  "De'ang",
  'Bonan',
  'Yugur',
  'Gin',
  'Tatar',
  'Derung',
  'Oroqen',
  'Hezhen',
  'Monpa',
  'Lhoba',
  'Jino',
] as const;

const TABLE = {
  sex: {
    oid: '2.16.156.10011.2.3.3.4',
    name: '生理性别代码 (GB/T 2261.1-2003)',
    source: 'GB/T 2261.1-2003; OID from WS/T 500 templates (bzrrr/cda template06.ftl)',
    certainty: 'confirmed',
    entries: table(`
      0 | 未知的性别 | unknown
      1 | 男性 | male
      2 | 女性 | female
      9 | 未说明的性别 | not stated
    `),
  },
  maritalStatus: {
    oid: '2.16.156.10011.2.3.3.5',
    name: '婚姻状况代码 (GB/T 2261.2-2003)',
    source: 'GB/T 2261.2-2003; OID from WS/T 500 templates (bzrrr/cda)',
    certainty: 'confirmed',
    entries: table(`
      10 | 未婚 | never married
      20 | 已婚 | married
      21 | 初婚 | first marriage
      22 | 再婚 | remarried
      23 | 复婚 | remarried to former spouse
      30 | 丧偶 | widowed
      40 | 离婚 | divorced
      90 | 未说明的婚姻状况 | not stated
    `),
  },
  ethnicGroup: {
    oid: '2.16.156.10011.2.3.3.3',
    name: '民族代码 (GB/T 3304-1991)',
    source: 'GB/T 3304-1991 (codes 01–56 in the standard order); OID from WS/T 500 templates (bzrrr/cda)',
    certainty: 'confirmed',
    entries: [
      ...ETHNIC_NAMES.map((zh, index) => e(String(index + 1).padStart(2, '0'), zh, ETHNIC_EN[index] ?? zh)),
      e('97', '其他', 'other'),
      e('98', '外国血统中国籍人士', 'Chinese citizen of foreign origin'),
    ],
  },
  education: {
    oid: '2.16.156.10011.2.3.3.6',
    name: '学历代码 (GB/T 4658-2006)',
    source: 'GB/T 4658-2006 (the major levels used by the 居民个人基本信息表); OID from the WS/T 483 draft SD.11.3.6',
    certainty: 'inferred',
    entries: table(`
      10 | 研究生教育 | postgraduate
      20 | 大学本科 | bachelor
      30 | 大学专科和专科学校 | college
      40 | 中等职业教育 | secondary vocational
      60 | 普通高级中学教育 | senior high school
      70 | 初级中学教育 | junior high school
      80 | 小学教育 | primary school
      90 | 其他 | other or none
    `),
  },
  occupation: {
    oid: '2.16.156.10011.2.3.3.7',
    name: '职业分类与代码 (GB/T 6565, major groups as numbered on the 居民个人基本信息表)',
    source: 'GB/T 6565-2009 major groups, numbered 0–8 as on the 2017 BPHS resident form; OID from the WS/T 483 draft SD.11.3.7',
    certainty: 'inferred',
    entries: table(`
      0 | 国家机关、党群组织、企业、事业单位负责人 | heads of organisations
      1 | 专业技术人员 | professionals
      2 | 办事人员和有关人员 | clerical staff
      3 | 商业、服务业人员 | commerce and services
      4 | 农、林、牧、渔、水利业生产人员 | farming, forestry, animal husbandry, fishery
      5 | 生产、运输设备操作人员及有关人员 | production and transport operators
      6 | 军人 | armed forces
      7 | 不便分类的其他从业人员 | other workers
      8 | 无职业 | no occupation
    `),
  },
  idDocumentType: {
    oid: '2.16.156.10011.2.3.1.2',
    name: '身份证件类别代码 (WS 364 CV02.01.101)',
    source: 'WS 364.3 CV02.01.101; the OID arc number (.2.3.1.2) is not confirmed by any public sample',
    certainty: 'inferred',
    entries: table(`
      01 | 居民身份证 | resident identity card
      02 | 居民户口簿 | household register
      03 | 护照 | passport
      04 | 军官证 | military officer card
      05 | 驾驶证 | driving licence
      06 | 港澳居民来往内地通行证 | Hong Kong/Macao travel permit
      07 | 台湾居民来往大陆通行证 | Taiwan travel permit
      99 | 其他法定有效证件 | other legal document
    `),
  },
  followUpMode: {
    oid: '2.16.156.10011.2.3.1.183',
    name: '随访方式代码 (WS 364, DE06.00.108.00)',
    source: 'Codes of the 2017 BPHS follow-up form (1 门诊 2 家庭 3 电话); OID from the WS/T 483 draft SD.11.1.183',
    certainty: 'inferred',
    entries: table(`
      1 | 门诊 | clinic
      2 | 家庭 | home
      3 | 电话 | phone
    `),
  },
  followUpClassification: {
    oid: '2.16.156.10011.2.3.1.150',
    name: '此次随访分类 (DE05.10.066.00)',
    source: 'Codes of the 2017 BPHS follow-up form; OID from the WS/T 483 draft SD.11.1.150',
    certainty: 'inferred',
    entries: table(`
      1 | 控制满意 | controlled
      2 | 控制不满意 | not controlled
      3 | 不良反应 | adverse reaction
      4 | 并发症 | complication
    `),
  },
  medicationAdherence: {
    oid: '2.16.156.10011.2.3.2.12',
    name: '服药依从性代码 (DE06.00.027.00)',
    source: 'Codes of the 2017 BPHS follow-up form; OID from the WS/T 483 draft SD.11.2.12',
    certainty: 'inferred',
    entries: table(`
      1 | 规律 | regular
      2 | 间断 | intermittent
      3 | 不服药 | not taking
    `),
  },
  saltIntake: {
    oid: '2.16.156.10011.2.3.2.25',
    name: '摄盐情况 (DE03.00.094.00)',
    source: 'Codes of the 2017 BPHS hypertension form (轻/中/重); OID from the WS/T 483 draft SD.11.2.25',
    certainty: 'inferred',
    entries: table(`
      1 | 轻 | light
      2 | 中 | moderate
      3 | 重 | heavy
    `),
  },
  psychologicalAdjustment: {
    oid: '2.16.156.10011.2.3.2.26',
    name: '心理调整评价 (DE05.10.083.00)',
    source: 'Codes of the 2017 BPHS follow-up form (良好/一般/差); OID from the WS/T 483 draft SD.11.2.26',
    certainty: 'inferred',
    entries: GOOD_FAIR_POOR,
  },
  complianceBehaviour: {
    oid: '2.16.156.10011.2.3.2.27',
    name: '遵医行为评价 (DE05.10.068.00)',
    source: 'Codes of the 2017 BPHS follow-up form (良好/一般/差); OID from the WS/T 483 draft SD.11.2.27',
    certainty: 'inferred',
    entries: GOOD_FAIR_POOR,
  },
  hypoglycemiaReaction: {
    oid: '2.16.156.10011.2.3.2.28',
    name: '低血糖反应 (DE04.50.024.00)',
    source: 'Codes of the 2017 BPHS diabetes form (无/偶尔/频繁); OID from the WS/T 483 draft SD.11.2.28',
    certainty: 'inferred',
    entries: table(`
      1 | 无 | none
      2 | 偶尔 | occasional
      3 | 频繁 | frequent
    `),
  },
  dorsalisPedis: {
    oid: `${LOCAL_VALUE_SET_ARC}.1`,
    name: '足背动脉搏动 (DE04.10.237.00)',
    source: 'Codes of the 2017 BPHS diabetes form (1 触及正常 2 减弱 3 消失); no published OID found',
    certainty: 'local',
    entries: table(`
      1 | 触及正常 | normal
      2 | 减弱 | weakened
      3 | 消失 | absent
    `),
  },
  referralUrgency: {
    oid: `${LOCAL_VALUE_SET_ARC}.2`,
    name: '转诊紧急程度',
    source: 'Station terms (紧急转诊 within 2 hours / 常规转诊, spec §1); no published OID found',
    certainty: 'local',
    entries: table(`
      1 | 紧急 | urgent
      2 | 常规 | routine
    `),
  },
  pastDisease: {
    oid: '2.16.156.10011.2.3.1.12',
    name: '既往常见疾病种类代码 (DE02.10.021.00)',
    source: 'Codes of the 2017 BPHS 居民个人基本信息表 (既往史: 1 无 … 13 其他); OID from the WS/T 483 draft SD.11.1.12',
    certainty: 'inferred',
    entries: table(`
      1 | 无 | none
      2 | 高血压 | hypertension
      3 | 糖尿病 | diabetes
      4 | 冠心病 | coronary heart disease
      5 | 慢性阻塞性肺疾病 | COPD
      6 | 恶性肿瘤 | malignant tumour
      7 | 脑卒中 | stroke
      8 | 严重精神障碍 | severe mental disorder
      9 | 结核病 | tuberculosis
      10 | 肝炎 | hepatitis
      11 | 其他法定传染病 | other notifiable infectious disease
      12 | 职业病 | occupational disease
      13 | 其他 | other
    `),
  },
  examResult: {
    oid: '2.16.156.10011.2.3.2.38',
    name: '检查(检验)结果代码 (DE04.30.017.00)',
    source: 'WS 364; OID from the WS/T 500 检查报告 template (bzrrr/cda template06.ftl); codes assumed 1 正常 2 异常 3 不确定',
    certainty: 'confirmed',
    entries: table(`
      1 | 正常 | normal
      2 | 异常 | abnormal
      3 | 不确定 | indeterminate
    `),
  },
} as const satisfies Record<string, Omit<ValueSet, 'id'>>;

export type ValueSetId = keyof typeof TABLE;

/** Codes of one set, as a literal union (e.g. `ValueSetCode<'sex'>` = '0' | '1' | '2' | '9'). */
export type ValueSetCode<Id extends ValueSetId> = (typeof TABLE)[Id]['entries'][number]['code'];

export const VALUE_SETS: { readonly [Id in ValueSetId]: ValueSet } = Object.fromEntries(
  Object.entries(TABLE).map(([id, set]) => [id, { id, ...set }]),
) as unknown as { readonly [Id in ValueSetId]: ValueSet }; // fromEntries loses the keys; every key of TABLE is mapped

export const VALUE_SET_IDS = Object.keys(TABLE) as ValueSetId[];

/** The codes of a set, for a zod enum: `z.enum(valueSetCodes('ethnicGroup'))`. */
export function valueSetCodes<Id extends ValueSetId>(id: Id): [ValueSetCode<Id>, ...ValueSetCode<Id>[]] {
  return VALUE_SETS[id].entries.map((entry) => entry.code) as [ValueSetCode<Id>, ...ValueSetCode<Id>[]];
}

/** Narrows a form's string to a code of the set (a select offers only those, but its value is typed string). */
export function isValueSetCode<Id extends ValueSetId>(id: Id, value: string): value is ValueSetCode<Id> {
  return VALUE_SETS[id].entries.some((entry) => entry.code === value);
}

export function lookupCode(id: ValueSetId, code: string | null | undefined): ValueSetEntry | undefined {
  if (code === null || code === undefined) return undefined;
  return VALUE_SETS[id].entries.find((entry) => entry.code === code);
}

/** FHIR Coding system for a set (FHIR R4 §2.24.0.1: an OID is written as urn:oid:). */
export function fhirSystem(id: ValueSetId): string {
  return `urn:oid:${VALUE_SETS[id].oid}`;
}

export interface NationalCoding {
  system: string;
  code: string;
  display: string;
}

export function nationalCoding(id: ValueSetId, code: string | null | undefined): NationalCoding | undefined {
  const entry = lookupCode(id, code);
  return entry ? { system: fhirSystem(id), code: entry.code, display: entry.zh } : undefined;
}

/** The set whose FHIR system is this, for reading a Coding back. */
export function valueSetBySystem(system: string | undefined): ValueSet | undefined {
  return VALUE_SET_IDS.map((id) => VALUE_SETS[id]).find((set) => `urn:oid:${set.oid}` === system);
}

// ---- the station's enumerations → national codes (the enum already is the code's meaning, so no extra columns) ----

export const SEX_CODE = { M: '1', F: '2', U: '0' } as const satisfies Record<'M' | 'F' | 'U', ValueSetCode<'sex'>>;
export const FOLLOW_UP_MODE_CODE = { clinic: '1', home: '2', phone: '3' } as const satisfies Record<'clinic' | 'home' | 'phone', ValueSetCode<'followUpMode'>>;
export const CLASSIFICATION_CODE = { 控制满意: '1', 控制不满意: '2', 不良反应: '3', 并发症: '4' } as const satisfies Record<
  '控制满意' | '控制不满意' | '不良反应' | '并发症',
  ValueSetCode<'followUpClassification'>
>;
export const ADHERENCE_CODE = { 规律: '1', 间断: '2', 不服药: '3' } as const satisfies Record<'规律' | '间断' | '不服药', ValueSetCode<'medicationAdherence'>>;
export const SALT_CODE = { light: '1', moderate: '2', heavy: '3' } as const satisfies Record<'light' | 'moderate' | 'heavy', ValueSetCode<'saltIntake'>>;
export const LEVEL_CODE = { good: '1', fair: '2', poor: '3' } as const satisfies Record<'good' | 'fair' | 'poor', ValueSetCode<'psychologicalAdjustment'>>;
export const HYPOGLYCEMIA_CODE = { none: '1', occasional: '2', frequent: '3' } as const satisfies Record<
  'none' | 'occasional' | 'frequent',
  ValueSetCode<'hypoglycemiaReaction'>
>;
export const DORSALIS_PEDIS_CODE = { normal: '1', weakened: '2', absent: '3' } as const satisfies Record<
  'normal' | 'weakened' | 'absent',
  ValueSetCode<'dorsalisPedis'>
>;
export const REFERRAL_URGENCY_CODE = { urgent: '1', routine: '2' } as const satisfies Record<'urgent' | 'routine', ValueSetCode<'referralUrgency'>>;

/** Patient-level coded fields kept as columns (migration 0014); the registration form picks from these sets. */
export const PATIENT_CODED_FIELDS = {
  ethnicCode: 'ethnicGroup',
  maritalCode: 'maritalStatus',
  educationCode: 'education',
  occupationCode: 'occupation',
  idDocTypeCode: 'idDocumentType',
} as const satisfies Record<string, ValueSetId>;
export type PatientCodedField = keyof typeof PATIENT_CODED_FIELDS;
