import type { ecgRecords, followupRecords, followupReferrals, patients } from '../db/schema';
import type { consultReplies, consultRequests } from '../db/schema';
import {
  ADHERENCE_CODE,
  CLASSIFICATION_CODE,
  DORSALIS_PEDIS_CODE,
  FOLLOW_UP_MODE_CODE,
  HYPOGLYCEMIA_CODE,
  LEVEL_CODE,
  REFERRAL_URGENCY_CODE,
  SALT_CODE,
  SEX_CODE,
  VALUE_SETS,
  type ValueSetId,
} from '../../shared/value-sets';
import { OIDS, tsFromDate, tsFromInstant, type CdaDocument, type CdaEntry, type CdaSection, type CdaValue, type NationalDocumentType } from './cda-model';

/**
 * From the station's records to the CdaDocument model, one function per document. Which WS 363 data elements go in
 * which section follows the public templates and drafts named in docs/interop.md; choices the sources leave open are
 * listed there as assumptions. Pure: the caller reads the rows (document-sources.ts).
 */

export type PatientRow = typeof patients.$inferSelect;
export type FollowUpRow = typeof followupRecords.$inferSelect;
export type ReferralRow = typeof followupReferrals.$inferSelect;
export type ConsultRow = typeof consultRequests.$inferSelect;
export type ConsultReplyRow = Pick<typeof consultReplies.$inferSelect, 'conclusion' | 'signer' | 'signedAt'>;
export type EcgRow = Omit<typeof ecgRecords.$inferSelect, 'samples'>;

export interface Institution {
  /** 医疗机构代码 (the institution's national code, e.g. its 组织机构代码 / 统一社会信用代码). */
  code: string;
  name: string;
}

const LOINC = (code: string, displayName: string) => ({ code, codeSystem: OIDS.loinc, displayName });

const pq = (element: string, name: string, value: number | null | undefined, unit: string): CdaEntry[] =>
  value === null || value === undefined ? [] : [{ element, name, value: { type: 'PQ', value, unit } }];
const st = (element: string, name: string, value: string | null | undefined): CdaEntry[] =>
  value === null || value === undefined || value.trim() === '' ? [] : [{ element, name, value: { type: 'ST', text: value } }];
const bl = (element: string, name: string, value: boolean): CdaEntry[] => [{ element, name, value: { type: 'BL', value } }];
const ts = (element: string, name: string, value: string | null | undefined): CdaEntry[] => (value ? [{ element, name, value: { type: 'TS', value } }] : []);

function cd(set: ValueSetId, code: string | null | undefined): CdaValue | undefined {
  if (code === null || code === undefined) return undefined;
  const entry = VALUE_SETS[set].entries.find((item) => item.code === code);
  if (!entry) return undefined;
  return { type: 'CD', code, codeSystem: VALUE_SETS[set].oid, displayName: entry.zh };
}
const coded = (element: string, name: string, set: ValueSetId, code: string | null | undefined): CdaEntry[] => {
  const value = cd(set, code);
  return value ? [{ element, name, value }] : [];
};

function patientHeader(patient: PatientRow): CdaDocument['patient'] {
  return {
    recordNumber: patient.id,
    ...(patient.idNumber ? { idNumber: patient.idNumber } : {}),
    name: patient.name,
    sexCode: SEX_CODE[patient.sex],
    birthDate: tsFromDate(patient.birthDate),
    ...(patient.maritalCode ? { maritalCode: patient.maritalCode } : {}),
    ...(patient.ethnicCode ? { ethnicCode: patient.ethnicCode } : {}),
    ...(patient.address || patient.village ? { address: [patient.village, patient.address].filter(Boolean).join(' ') } : {}),
    ...(patient.phone ? { phone: patient.phone } : {}),
  };
}

function header(
  type: NationalDocumentType,
  recordId: string,
  version: number,
  at: string,
  patient: PatientRow,
  institution: Institution,
  author: { id: string; name: string },
) {
  // The serial number changes with every change of the record (a re-signed ECG, a newer consult reply keep their
  // version number but not their time): a platform that acknowledges a known id without reading it again must not
  // mistake a changed document for a resend of the old one.
  return {
    type,
    id: `${type}-${recordId}-v${version}-${tsFromInstant(at).slice(0, 14)}`,
    setId: `${type}-${recordId}`,
    version,
    effectiveTime: tsFromInstant(at),
    patient: patientHeader(patient),
    author: { ...author, time: tsFromInstant(at) },
    custodian: institution,
  };
}

/** Drops sections with nothing in them: an empty section says nothing and some platforms refuse it. */
const nonEmpty = (sections: CdaSection[]) => sections.filter((section) => section.entries.length > 0 || (section.media?.length ?? 0) > 0);

// ---- EHR-SD-1 个人基本健康信息登记 -------------------------------------------------------------------------------

export function buildRegistration(patient: PatientRow, institution: Institution): CdaDocument {
  const pastDiseases: CdaEntry[] = [
    ...(patient.hypertension ? coded('DE02.10.021.00', '既往患病种类代码', 'pastDisease', '2') : []),
    ...(patient.diabetes ? coded('DE02.10.021.00', '既往患病种类代码', 'pastDisease', '3') : []),
  ];
  return {
    ...header('EHR-SD-1', patient.id, patient.version, patient.updatedAt, patient, institution, {
      id: patient.contractDoctor ?? 'station',
      name: patient.contractDoctor ?? institution.name,
    }),
    sections: nonEmpty([
      {
        title: '人口学信息',
        entries: [
          ...coded('DE02.01.031.00', '身份证件类别代码', 'idDocumentType', patient.idDocTypeCode),
          ...st('DE02.01.030.00', '身份证件号码', patient.idNumber),
          ...coded('DE02.01.041.00', '学历代码', 'education', patient.educationCode),
          ...coded('DE02.01.052.00', '职业类别代码', 'occupation', patient.occupationCode),
          ...st('DE01.00.021.00', '居民健康卡号', patient.healthCardNumber),
          ...st('DE02.01.039.00', '责任医生姓名', patient.contractDoctor),
        ],
      },
      { code: LOINC('48765-2', 'Allergies, adverse reactions, alerts'), title: '过敏史', entries: st('DE02.10.022.00', '过敏史', patient.allergies) },
      {
        code: LOINC('11348-0', 'History of past illness'),
        title: '既往史',
        entries: pastDiseases.length > 0 ? pastDiseases : coded('DE02.10.021.00', '既往患病种类代码', 'pastDisease', '1'),
      },
    ]),
  };
}

// ---- EHR-SD-12 / EHR-SD-13 随访服务 -----------------------------------------------------------------------------

interface Habits {
  cigarettesPerDay?: number;
  alcoholLiangPerDay?: number;
  exerciseTimesPerWeek?: number;
  exerciseMinutes?: number;
  salt?: keyof typeof SALT_CODE;
  stapleFoodG?: number;
}
interface Lifestyle {
  now?: Habits;
  psychological?: keyof typeof LEVEL_CODE;
  compliance?: keyof typeof LEVEL_CODE;
}
interface Medication {
  name: string;
  timesPerDay?: number;
  doseMg?: number;
}

export function buildFollowUp(record: FollowUpRow, patient: PatientRow, institution: Institution, referral?: ReferralRow): CdaDocument {
  const diabetes = record.disease === 't2dm';
  const type: NationalDocumentType = diabetes ? 'EHR-SD-13' : 'EHR-SD-12';
  const lifestyle = JSON.parse(record.lifestyle) as Lifestyle;
  const now = lifestyle.now ?? {};
  const symptoms = JSON.parse(record.symptoms) as string[];
  const medications = JSON.parse(record.medications) as Medication[];
  const visitTime = tsFromDate(record.visitDate);
  const referred = record.action === 'refer' || record.action === 'urgent_refer';
  const insulin = record.insulin ? (JSON.parse(record.insulin) as { type: string; dose: string }) : null;
  return {
    ...header(type, record.id, 1, record.createdAt, patient, institution, { id: String(record.doctorId), name: record.doctorName }),
    sections: nonEmpty([
      {
        title: '随访事件',
        entries: [
          { element: 'DE06.00.108.00', name: '随访方式代码', value: cd('followUpMode', FOLLOW_UP_MODE_CODE[record.mode]) as CdaValue, time: visitTime },
        ],
      },
      {
        code: LOINC('11450-4', 'Problem list'),
        title: '症状',
        entries: st('DE04.01.117.00', '症状描述', [...symptoms, record.symptomsOther].filter(Boolean).join('；')),
      },
      {
        code: LOINC('8716-3', 'Vital signs'),
        title: '体征',
        entries: [
          ...pq('DE04.10.174.00', '收缩压', record.sbp, 'mmHg'),
          ...pq('DE04.10.176.00', '舒张压', record.dbp, 'mmHg'),
          ...pq('DE04.10.188.00', '体重', record.weightKg, 'kg'),
          ...pq('DE04.10.167.00', '身高', record.heightCm, 'cm'),
          ...pq('DE05.10.075.00', '体质指数', record.bmi, 'kg/m2'),
          ...(diabetes
            ? coded('DE04.10.237.00', '足背动脉搏动', 'dorsalisPedis', record.dorsalisPedis ? DORSALIS_PEDIS_CODE[record.dorsalisPedis] : null)
            : pq('DE04.10.206.00', '心率', record.heartRate, '/min')),
          ...st('DE04.10.143.00', '其他阳性体征', record.signsOther),
        ],
      },
      {
        title: '生活方式',
        entries: [
          ...pq('DE03.00.053.00', '日吸烟量', now.cigarettesPerDay, '支'),
          ...pq('DE03.00.054.00', '日饮酒量', now.alcoholLiangPerDay, '两'),
          ...pq('DE03.00.087.00', '运动频率', now.exerciseTimesPerWeek, '次/周'),
          ...pq('DE03.00.088.00', '每次运动时间', now.exerciseMinutes, 'min'),
          ...(diabetes
            ? pq('DE03.00.055.00', '日主食量', now.stapleFoodG, 'g')
            : coded('DE03.00.094.00', '摄盐情况', 'saltIntake', now.salt ? SALT_CODE[now.salt] : null)),
          ...coded('DE05.10.083.00', '心理调整评价', 'psychologicalAdjustment', lifestyle.psychological ? LEVEL_CODE[lifestyle.psychological] : null),
          ...coded('DE05.10.068.00', '遵医行为评价', 'complianceBehaviour', lifestyle.compliance ? LEVEL_CODE[lifestyle.compliance] : null),
        ],
      },
      {
        code: LOINC('30954-2', 'Relevant diagnostic tests and/or laboratory data'),
        title: '辅助检查',
        entries: [
          ...(diabetes ? pq('DE04.50.037.00', '空腹血糖值', record.fbg, 'mmol/L') : []),
          ...(diabetes ? pq('DE04.50.083.00', '糖化血红蛋白值', record.hba1c, '%') : []),
          ...st('DE04.30.009.00', '辅助检查结果', record.testsOther),
        ],
      },
      {
        code: LOINC('10160-0', 'History of medication use'),
        title: '用药情况',
        entries: [
          ...coded('DE06.00.027.00', '服药依从性代码', 'medicationAdherence', record.adherence ? ADHERENCE_CODE[record.adherence] : null),
          ...bl('DE06.00.129.00', '药物不良反应标志', record.adr),
          ...st('DE06.00.128.00', '药物不良反应描述', record.adrDesc),
          ...(diabetes
            ? coded('DE04.50.024.00', '低血糖反应', 'hypoglycemiaReaction', record.hypoglycemiaReaction ? HYPOGLYCEMIA_CODE[record.hypoglycemiaReaction] : null)
            : []),
          ...(diabetes && insulin ? st('DE08.50.013.00', '胰岛素用法用量', `${insulin.type} ${insulin.dose}`.trim()) : []),
          ...medications.flatMap((medication) =>
            st(
              'DE08.50.022.00',
              '药物名称',
              [medication.name, medication.timesPerDay ? `每日${medication.timesPerDay}次` : '', medication.doseMg ? `每次${medication.doseMg}mg` : '']
                .filter(Boolean)
                .join(' '),
            ),
          ),
        ],
      },
      {
        title: '随访评价',
        entries: coded('DE05.10.066.00', '此次随访分类', 'followUpClassification', record.classification ? CLASSIFICATION_CODE[record.classification] : null),
      },
      {
        title: '转诊',
        entries: [
          ...bl('DE06.00.174.00', '转诊标志', referred),
          ...(referred ? st('DE06.00.177.00', '转诊原因', record.referralReason ?? referral?.reason) : []),
          ...(referred ? st('DE08.10.026.00', '转入医疗机构科室名称', referral?.department) : []),
          ...(referred ? st('DE08.10.013.00', '转入医疗机构名称', referral?.institution) : []),
        ],
      },
      {
        code: { code: '185389009', codeSystem: OIDS.snomed, displayName: 'Follow-up visit' },
        title: '下次随访',
        entries: ts('DE06.00.109.00', '下次随访日期', record.nextDueDate ? tsFromDate(record.nextDueDate) : null),
      },
    ]),
  };
}

// ---- EHR-SD-20 转诊(院)记录 --------------------------------------------------------------------------------------

const DISEASE_ICD10 = { hypertension: { code: 'I10', name: '特发性(原发性)高血压' }, t2dm: { code: 'E11', name: '2型糖尿病' } } as const;

export function buildReferral(referral: ReferralRow, patient: PatientRow, institution: Institution, doctor: { id: string; name: string }): CdaDocument {
  const diagnosis = DISEASE_ICD10[referral.disease];
  return {
    ...header('EHR-SD-20', referral.id, 1, referral.createdAt, patient, institution, doctor),
    sections: nonEmpty([
      {
        code: LOINC('46241-6', 'Hospital admission diagnosis'),
        title: '诊断',
        entries: [
          { element: 'DE05.01.024.00', name: '疾病诊断编码', value: { type: 'CD', code: diagnosis.code, codeSystem: OIDS.icd10, displayName: diagnosis.name } },
        ],
      },
      {
        title: '转诊',
        entries: [
          ...bl('DE06.00.174.00', '转诊标志', true),
          ...ts('DE06.00.175.00', '转诊日期', tsFromDate(referral.referredOn)),
          ...st('DE06.00.177.00', '转诊原因', referral.reason),
          ...coded('DE06.00.176.00', '转诊紧急程度', 'referralUrgency', REFERRAL_URGENCY_CODE[referral.urgency]),
          ...st('DE08.10.026.00', '转入医疗机构科室名称', referral.department),
          ...st('DE08.10.013.00', '转入医疗机构名称', referral.institution),
        ],
      },
    ]),
  };
}

// ---- EHR-SD-19 会诊记录 -----------------------------------------------------------------------------------------

export function buildConsult(consult: ConsultRow, patient: PatientRow, institution: Institution, reply?: ConsultReplyRow): CdaDocument {
  return {
    ...header('EHR-SD-19', consult.id, reply ? 2 : 1, reply?.signedAt ?? consult.requestedAt, patient, institution, {
      id: String(consult.requesterId),
      name: consult.requesterName,
    }),
    ...(reply ? { legalAuthenticator: { id: reply.signer, name: reply.signer, time: tsFromInstant(reply.signedAt) } } : {}),
    sections: nonEmpty([
      {
        title: '会诊原因',
        entries: [
          ...st('DE06.00.039.00', '会诊原因', consult.question),
          ...st('DE08.10.013.00', '会诊医疗机构名称', consult.targetInstitution),
          ...st('DE08.10.026.00', '会诊科室名称', consult.specialty),
        ],
      },
      { title: '会诊意见', entries: st('DE06.00.038.00', '会诊意见', reply?.conclusion) },
    ]),
  };
}

// ---- C0006 检查报告 (心电图) --------------------------------------------------------------------------------------

interface Measurements {
  heartRateBpm?: number | null;
  prMs?: number | null;
  qrsMs?: number | null;
  qtMs?: number | null;
  qtcBazettMs?: number | null;
  qtcFridericiaMs?: number | null;
  axisDeg?: number | null;
}

const ECG_MEASURES: { key: keyof Measurements; name: string; unit: string }[] = [
  { key: 'heartRateBpm', name: '心率', unit: '/min' },
  { key: 'prMs', name: 'PR间期', unit: 'ms' },
  { key: 'qrsMs', name: 'QRS时限', unit: 'ms' },
  { key: 'qtMs', name: 'QT间期', unit: 'ms' },
  { key: 'qtcBazettMs', name: 'QTc(Bazett)', unit: 'ms' },
  { key: 'qtcFridericiaMs', name: 'QTc(Fridericia)', unit: 'ms' },
  { key: 'axisDeg', name: '额面电轴', unit: 'deg' },
];

export function buildEcgExam(ecg: EcgRow, patient: PatientRow, institution: Institution, pdf: Uint8Array | null): CdaDocument {
  const measurements = JSON.parse(ecg.measurements) as Measurements;
  const quantitative = ECG_MEASURES.flatMap(({ key, name, unit }) => {
    const value = measurements[key];
    return typeof value === 'number' && Number.isFinite(value)
      ? [{ element: 'DE04.30.015.00', name, value: { type: 'PQ' as const, value: Math.round(value), unit } }]
      : [];
  });
  const findings = quantitative.map((entry) => `${entry.name} ${entry.value.value} ${entry.value.unit}`).join('，');
  const signer = ecg.interpretedBy ?? institution.name;
  return {
    ...header('C0006', ecg.id, ecg.signedAt ? 2 : 1, ecg.signedAt ?? ecg.recordedAt, patient, institution, { id: signer, name: signer }),
    ...(ecg.signedAt && ecg.interpretedBy ? { legalAuthenticator: { id: ecg.interpretedBy, name: ecg.interpretedBy, time: tsFromInstant(ecg.signedAt) } } : {}),
    sections: nonEmpty([
      {
        code: LOINC('29545-1', 'Physical findings'),
        title: '检查',
        entries: [
          { element: 'DE04.30.018.00', name: '检查类别', value: { type: 'ST', text: '心电图' }, time: tsFromInstant(ecg.recordedAt) },
          {
            element: 'DE04.30.019.00',
            name: '检查项目代码',
            value: { type: 'ST', text: `${ecg.leadNames.startsWith('[') ? (JSON.parse(ecg.leadNames) as string[]).length : 12}导联静息心电图` },
          },
          ...quantitative,
        ],
      },
      {
        title: '检查报告',
        entries: [
          ...st('DE04.50.131.00', '检查报告结果-客观所见', findings),
          ...st('DE04.50.131.00', '检查报告结果-主观提示', ecg.interpretation),
          ...st('DE08.10.013.00', '检查报告机构名称', institution.name),
        ],
        ...(pdf
          ? {
              media: [
                { id: `ecg-report-${ecg.id}`.replace(/[^A-Za-z0-9_.-]/g, '-'), mediaType: 'application/pdf', base64: Buffer.from(pdf).toString('base64') },
              ],
            }
          : {}),
      },
    ]),
  };
}
