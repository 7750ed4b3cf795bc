import { and, asc, eq, gte, lt } from 'drizzle-orm';
import type { Db } from '../db/open';
import { followupRecords, followupReferrals, patients } from '../db/schema';
import { csvLine, UTF8_BOM } from '../followup/call-list';
import * as codes from '../../shared/value-sets';

/**
 * The year's follow-ups as one CSV row per visit, in the order of the national follow-up forms (国家基本公共卫生服务
 * 规范 第三版: 高血压 / 2型糖尿病患者随访服务记录表), for 公卫 systems that import files. Coded answers are given as the
 * national code and its name side by side (the importer takes the code; a person reads the name). UTF-8 with BOM and
 * formula cells defused, like the call list (call-list.ts).
 */

const COLUMNS = [
  '随访日期',
  '疾病',
  '健康档案标识号',
  '姓名',
  '身份证号',
  '性别代码',
  '随访方式代码',
  '随访方式',
  '症状',
  '收缩压(mmHg)',
  '舒张压(mmHg)',
  '体重(kg)',
  '身高(cm)',
  '体质指数',
  '心率(次/分)',
  '足背动脉搏动',
  '空腹血糖(mmol/L)',
  '糖化血红蛋白(%)',
  '日吸烟量(支)',
  '日饮酒量(两)',
  '运动(次/周)',
  '每次运动(分钟)',
  '摄盐情况代码',
  '日主食量(克)',
  '心理调整代码',
  '遵医行为代码',
  '服药依从性代码',
  '服药依从性',
  '药物不良反应',
  '低血糖反应代码',
  '此次随访分类代码',
  '此次随访分类',
  '用药情况',
  '转诊原因',
  '转诊机构及科室',
  '下次随访日期',
  '随访医生',
] as const;

const num = (value: number | null | undefined) => (value === null || value === undefined ? '' : String(value));
const named = (set: codes.ValueSetId, code: string | undefined) => (code ? (codes.lookupCode(set, code)?.zh ?? '') : '');

interface Lifestyle {
  now?: {
    cigarettesPerDay?: number;
    alcoholLiangPerDay?: number;
    exerciseTimesPerWeek?: number;
    exerciseMinutes?: number;
    salt?: keyof typeof codes.SALT_CODE;
    stapleFoodG?: number;
  };
  psychological?: keyof typeof codes.LEVEL_CODE;
  compliance?: keyof typeof codes.LEVEL_CODE;
}

export function followUpYearCsv(db: Db, year: number): { fileName: string; content: string; rows: number } {
  const from = `${year}-01-01`;
  const to = `${year + 1}-01-01`;
  const rows = db
    .select({ record: followupRecords, patient: patients })
    .from(followupRecords)
    .innerJoin(patients, eq(patients.id, followupRecords.patientId))
    .where(and(gte(followupRecords.visitDate, from), lt(followupRecords.visitDate, to)))
    .orderBy(asc(followupRecords.visitDate), asc(followupRecords.createdAt))
    .all();
  const lines = [csvLine(COLUMNS)];
  for (const { record, patient } of rows) {
    const lifestyle = JSON.parse(record.lifestyle) as Lifestyle;
    const now = lifestyle.now ?? {};
    const symptoms = [...(JSON.parse(record.symptoms) as string[]), record.symptomsOther ?? ''].filter(Boolean).join('；');
    const medications = (JSON.parse(record.medications) as { name: string; timesPerDay?: number; doseMg?: number }[])
      .map((m) => [m.name, m.timesPerDay ? `每日${m.timesPerDay}次` : '', m.doseMg ? `每次${m.doseMg}mg` : ''].filter(Boolean).join(' '))
      .join('；');
    const referral = db.select().from(followupReferrals).where(eq(followupReferrals.recordId, record.id)).get();
    const mode = codes.FOLLOW_UP_MODE_CODE[record.mode];
    const adherence = record.adherence ? codes.ADHERENCE_CODE[record.adherence] : undefined;
    const classification = record.classification ? codes.CLASSIFICATION_CODE[record.classification] : undefined;
    lines.push(
      csvLine([
        record.visitDate,
        record.disease === 't2dm' ? '2型糖尿病' : '高血压',
        patient.id,
        patient.name,
        patient.idNumber ?? '',
        codes.SEX_CODE[patient.sex],
        mode,
        named('followUpMode', mode),
        symptoms,
        num(record.sbp),
        num(record.dbp),
        num(record.weightKg),
        num(record.heightCm),
        num(record.bmi),
        num(record.heartRate),
        record.dorsalisPedis ? named('dorsalisPedis', codes.DORSALIS_PEDIS_CODE[record.dorsalisPedis]) : '',
        num(record.fbg),
        num(record.hba1c),
        num(now.cigarettesPerDay),
        num(now.alcoholLiangPerDay),
        num(now.exerciseTimesPerWeek),
        num(now.exerciseMinutes),
        now.salt ? codes.SALT_CODE[now.salt] : '',
        num(now.stapleFoodG),
        lifestyle.psychological ? codes.LEVEL_CODE[lifestyle.psychological] : '',
        lifestyle.compliance ? codes.LEVEL_CODE[lifestyle.compliance] : '',
        adherence ?? '',
        named('medicationAdherence', adherence),
        record.adr ? (record.adrDesc ?? '有') : '无',
        record.hypoglycemiaReaction ? codes.HYPOGLYCEMIA_CODE[record.hypoglycemiaReaction] : '',
        classification ?? '',
        named('followUpClassification', classification),
        medications,
        record.referralReason ?? referral?.reason ?? '',
        [referral?.institution, referral?.department].filter(Boolean).join(' '),
        record.nextDueDate ?? '',
        record.doctorName,
      ]),
    );
  }
  return { fileName: `随访记录-${year}.csv`, content: `${UTF8_BOM}${lines.join('\r\n')}\r\n`, rows: rows.length };
}
