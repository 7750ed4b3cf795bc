import type { Condition, Encounter, MedicationRequest, Observation, Resource } from '@medplum/fhirtypes';
import { INSTITUTION_CODE_SYSTEM } from '../../../src/shared/institution';
import { makeResidentId } from '../../../src/shared/resident-id';
import type { PeerRepository } from './repository';

/**
 * What other institutions wrote about a few residents on the county platform: the county hospital (县人民医院) and
 * the county TCM hospital (县中医院). Used by the county-record tests and by `npm run platforms`, so a person can
 * register one of these residents at the station and open 调阅县域档案.
 *
 * Records carry their writer the way issue 10 asks stations to: one institution `meta.tag` plus the standard place
 * of each type (Encounter.serviceProvider, performer, custodian, requester).
 */

export const COUNTY_HOSPITAL = { code: '12130324401234561N', name: '县人民医院' } as const;
export const COUNTY_TCM_HOSPITAL = { code: '1213032440123457XE', name: '县中医院' } as const;

export interface CountyResident {
  residentId: string;
  name: string;
  sex: 'M' | 'F';
  birthDate: string;
}

/** Residents with a county-hospital history; register them at the station by these resident IDs. */
export const COUNTY_RESIDENTS: readonly CountyResident[] = [
  { residentId: makeResidentId('130324', '1956-07-01', 17), name: '赵建国', sex: 'M', birthDate: '1956-07-01' },
  { residentId: makeResidentId('130324', '1962-11-20', 24), name: '王秀英', sex: 'F', birthDate: '1962-11-20' },
  { residentId: makeResidentId('130324', '1948-02-14', 31), name: '李春生', sex: 'M', birthDate: '1948-02-14' },
];

type Institution = typeof COUNTY_HOSPITAL | typeof COUNTY_TCM_HOSPITAL;

const org = (institution: Institution) => ({ display: institution.name, identifier: { system: INSTITUTION_CODE_SYSTEM, value: institution.code } });
const tag = (institution: Institution) => ({ tag: [{ system: INSTITUTION_CODE_SYSTEM, code: institution.code, display: institution.name }] });
const icd = (code: string, display: string) => ({ coding: [{ system: 'http://hl7.org/fhir/sid/icd-10', code, display }], text: display });
const loinc = (code: string, display: string) => ({ coding: [{ system: 'http://loinc.org', code, display }], text: display });
const laboratory = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/observation-category', code: 'laboratory' }] }];
const high = [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v3-ObservationInterpretation', code: 'H', display: '偏高' }], text: '偏高' }];
const text = (value: string) => Buffer.from(value, 'utf8').toString('base64');

interface Builder {
  subject: { reference: string };
  id: (suffix: string) => string;
}

const ENCOUNTER_CLASS = {
  IMP: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'IMP', display: '住院' },
  AMB: { system: 'http://terminology.hl7.org/CodeSystem/v3-ActCode', code: 'AMB', display: '门诊' },
} as const;

/** A county clock reading, `2026-05-10 08:40`, as the FHIR instant the hospital system sends (China Standard Time). */
const chinaTime = (reading: string) => `${reading.replace(' ', 'T')}:00+08:00`;

/** A finished stay or outpatient visit at one of the county institutions. */
function encounter(
  b: Builder,
  suffix: string,
  at: Institution,
  kind: keyof typeof ENCOUNTER_CLASS,
  what: { type: string; reason: string; period: [start: string, end: string] },
  extra: Partial<Encounter> = {},
): Encounter {
  return {
    resourceType: 'Encounter',
    id: b.id(suffix),
    meta: tag(at),
    status: 'finished',
    class: ENCOUNTER_CLASS[kind],
    type: [{ text: what.type }],
    subject: b.subject,
    period: { start: chinaTime(what.period[0]), end: chinaTime(what.period[1]) },
    reasonCode: [{ text: what.reason }],
    ...extra,
    serviceProvider: org(at),
  };
}

/** A diagnosis the county hospital recorded (ICD-10), with whatever a record adds (its encounter, who asserted it). */
function diagnosis(b: Builder, suffix: string, code: [string, string], recordedDate: string, extra: Partial<Condition> = {}): Condition {
  return {
    resourceType: 'Condition',
    id: b.id(suffix),
    meta: tag(COUNTY_HOSPITAL),
    code: icd(...code),
    subject: b.subject,
    recordedDate,
    ...extra,
  };
}

/** An active prescription: the drug as written and how to take it. */
function medication(b: Builder, suffix: string, at: Institution, authoredOn: string, drug: string, dosage: string): MedicationRequest {
  return {
    resourceType: 'MedicationRequest',
    id: b.id(suffix),
    meta: tag(at),
    status: 'active',
    intent: 'order',
    medicationCodeableConcept: { text: drug },
    subject: b.subject,
    authoredOn,
    requester: org(at),
    dosageInstruction: [{ text: dosage }],
  };
}

function lab(
  b: Builder,
  suffix: string,
  at: string,
  code: ReturnType<typeof loinc>,
  value: number,
  unit: string,
  range: string,
  abnormal: boolean,
): Observation {
  return {
    resourceType: 'Observation',
    id: b.id(suffix),
    meta: tag(COUNTY_HOSPITAL),
    status: 'final',
    category: laboratory,
    code,
    subject: b.subject,
    effectiveDateTime: at,
    performer: [org(COUNTY_HOSPITAL)],
    valueQuantity: { value, unit },
    ...(abnormal ? { interpretation: high } : {}),
    referenceRange: [{ text: range }],
  };
}

function zhaoJianguo(b: Builder): Resource[] {
  const admission = { reference: `Encounter/${b.id('enc-ip')}` };
  const summary = [
    '出院小结',
    '入院日期：2026-03-02　出院日期：2026-03-12　科室：心内科',
    '入院诊断：急性非ST段抬高型心肌梗死；高血压3级（很高危）；2型糖尿病',
    '诊疗经过：入院后查肌钙蛋白I 2.35 ng/mL，行冠状动脉造影示前降支近段狭窄85%，植入支架1枚。术后予双联抗血小板、他汀、β受体阻滞剂治疗，胸痛未再发作。',
    '出院医嘱：阿司匹林肠溶片100 mg 每日一次；替格瑞洛90 mg 每日两次（12个月）；阿托伐他汀钙片20 mg 每晚一次；美托洛尔缓释片47.5 mg 每日一次。低盐低脂糖尿病饮食，戒烟。1个月后心内科门诊复查，乡镇卫生院每月随访血压、血糖。',
  ].join('\n');
  return [
    encounter(
      b,
      'enc-ip',
      COUNTY_HOSPITAL,
      'IMP',
      { type: '心内科住院', reason: '胸痛3小时', period: ['2026-03-02 10:20', '2026-03-12 09:00'] },
      { hospitalization: { dischargeDisposition: { text: '好转出院' } } },
    ),
    diagnosis(b, 'dx-nstemi', ['I21.4', '急性非ST段抬高型心肌梗死'], '2026-03-02T14:00:00+08:00', {
      clinicalStatus: { coding: [{ system: 'http://terminology.hl7.org/CodeSystem/condition-clinical', code: 'active' }], text: '活动' },
      encounter: admission,
      asserter: org(COUNTY_HOSPITAL),
    }),
    diagnosis(b, 'dx-htn', ['I10', '高血压3级（很高危）'], '2026-03-02T14:00:00+08:00', { encounter: admission }),
    lab(b, 'lab-tni', '2026-03-02T11:05:00+08:00', loinc('10839-9', '肌钙蛋白I'), 2.35, 'ng/mL', '0–0.04', true),
    lab(b, 'lab-hba1c', '2026-03-03T07:30:00+08:00', loinc('4548-4', '糖化血红蛋白'), 8.1, '%', '4.0–6.0', true),
    lab(b, 'lab-ldl', '2026-03-03T07:30:00+08:00', loinc('13457-7', '低密度脂蛋白胆固醇'), 3.9, 'mmol/L', '<1.8（冠心病目标）', true),
    lab(b, 'lab-cr', '2026-03-03T07:30:00+08:00', loinc('2160-0', '肌酐'), 98, 'μmol/L', '57–111', false),
    // Withdrawn by the hospital (wrong patient): must not appear in the chart.
    { ...lab(b, 'lab-wrong', '2026-03-03T07:30:00+08:00', loinc('2345-7', '血糖'), 21.3, 'mmol/L', '3.9–6.1', true), status: 'entered-in-error' },
    {
      resourceType: 'DiagnosticReport',
      id: b.id('ecg'),
      meta: tag(COUNTY_HOSPITAL),
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'EC' }] }],
      code: loinc('11524-6', '心电图'),
      subject: b.subject,
      effectiveDateTime: '2026-03-02T10:35:00+08:00',
      performer: [org(COUNTY_HOSPITAL)],
      conclusion: '窦性心律，心率88次/分；V4–V6导联ST段压低0.1–0.15 mV，T波倒置',
    },
    {
      resourceType: 'DocumentReference',
      id: b.id('discharge'),
      meta: tag(COUNTY_HOSPITAL),
      status: 'current',
      type: { coding: [{ system: 'http://loinc.org', code: '18842-5', display: 'Discharge summary' }], text: '出院小结' },
      subject: b.subject,
      date: '2026-03-12T09:30:00+08:00',
      custodian: org(COUNTY_HOSPITAL),
      content: [{ attachment: { contentType: 'text/plain; charset=utf-8', data: text(summary), title: '出院小结' } }],
      context: { encounter: [admission], period: { start: '2026-03-02T10:20:00+08:00', end: '2026-03-12T09:00:00+08:00' } },
    },
    medication(b, 'rx-asa', COUNTY_HOSPITAL, '2026-03-12T09:00:00+08:00', '阿司匹林肠溶片 100 mg', '口服，每日一次，每次100 mg'),
    medication(b, 'rx-statin', COUNTY_HOSPITAL, '2026-03-12T09:00:00+08:00', '阿托伐他汀钙片 20 mg', '口服，每晚一次，每次20 mg'),
    encounter(b, 'enc-tcm', COUNTY_TCM_HOSPITAL, 'AMB', {
      type: '中医内科门诊',
      reason: '支架术后胸闷、乏力',
      period: ['2026-04-18 09:10', '2026-04-18 09:40'],
    }),
    medication(b, 'rx-tcm', COUNTY_TCM_HOSPITAL, '2026-04-18T09:35:00+08:00', '复方丹参滴丸', '口服，每日三次，每次10丸'),
  ];
}

function wangXiuying(b: Builder): Resource[] {
  return [
    encounter(b, 'enc-op', COUNTY_HOSPITAL, 'AMB', { type: '内分泌科门诊', reason: '血糖控制不佳', period: ['2026-05-10 08:40', '2026-05-10 09:05'] }),
    diagnosis(b, 'dx-t2dm', ['E11.9', '2型糖尿病'], '2026-05-10T09:00:00+08:00'),
    lab(b, 'lab-fbg', '2026-05-10T07:50:00+08:00', loinc('14771-0', '空腹血糖'), 9.8, 'mmol/L', '3.9–6.1', true),
    lab(b, 'lab-hba1c', '2026-05-10T07:50:00+08:00', loinc('4548-4', '糖化血红蛋白'), 7.6, '%', '4.0–6.0', true),
    medication(b, 'rx-metformin', COUNTY_HOSPITAL, '2026-05-10T09:00:00+08:00', '盐酸二甲双胍片 0.5 g', '口服，每日三次，随餐，每次0.5 g'),
  ];
}

function liChunsheng(b: Builder): Resource[] {
  return [
    encounter(b, 'enc-ip', COUNTY_HOSPITAL, 'IMP', {
      type: '呼吸内科住院',
      reason: '咳嗽、咳痰、气喘加重1周',
      period: ['2026-01-08 16:00', '2026-01-17 10:00'],
    }),
    diagnosis(b, 'dx-copd', ['J44.1', '慢性阻塞性肺疾病伴急性加重'], '2026-01-08T18:00:00+08:00'),
    {
      resourceType: 'DiagnosticReport',
      id: b.id('ct'),
      meta: tag(COUNTY_HOSPITAL),
      status: 'final',
      category: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/v2-0074', code: 'RAD' }] }],
      code: { text: '胸部CT平扫' },
      subject: b.subject,
      effectiveDateTime: '2026-01-09T10:00:00+08:00',
      performer: [org(COUNTY_HOSPITAL)],
      conclusion: '双肺气肿，双下肺少许炎症',
    },
    {
      resourceType: 'Composition',
      id: b.id('discharge'),
      meta: tag(COUNTY_HOSPITAL),
      status: 'final',
      type: { coding: [{ system: 'http://loinc.org', code: '18842-5', display: 'Discharge summary' }], text: '出院小结' },
      subject: b.subject,
      date: '2026-01-17T10:30:00+08:00',
      author: [org(COUNTY_HOSPITAL)],
      custodian: org(COUNTY_HOSPITAL),
      title: '出院小结（呼吸内科）',
      section: [
        { title: '出院诊断', text: { status: 'generated', div: '<div xmlns="http://www.w3.org/1999/xhtml">慢性阻塞性肺疾病伴急性加重；肺部感染</div>' } },
        {
          title: '出院医嘱',
          text: {
            status: 'generated',
            div: '<div xmlns="http://www.w3.org/1999/xhtml">噻托溴铵吸入剂 18 μg 每日一次；戒烟；乡镇卫生院随访，气喘加重及时就诊</div>',
          },
        },
      ],
    },
  ];
}

const WRITERS = [zhaoJianguo, wangXiuying, liChunsheng];

/**
 * Writes the county hospitals' records for `residents` (by default COUNTY_RESIDENTS) to the peer: each resident gets
 * a Patient of the county hospital's own (its own id, the resident ID as identifier) and that hospital's records.
 * Ids are derived from the resident ID so seeding twice changes nothing but versions.
 */
export async function seedCountyHospitals(repo: PeerRepository, residents: readonly CountyResident[] = COUNTY_RESIDENTS): Promise<Resource[]> {
  const written: Resource[] = [];
  for (const [index, resident] of residents.entries()) {
    const patientId = `xrmyy-${resident.residentId}`;
    const builder: Builder = { subject: { reference: `Patient/${patientId}` }, id: (suffix) => `xrmyy-${suffix}-${resident.residentId}` };
    const resources: Resource[] = [
      {
        resourceType: 'Patient',
        id: patientId,
        meta: tag(COUNTY_HOSPITAL),
        identifier: [
          { use: 'official', system: 'urn:oid:2.16.156.10011.1.1', value: resident.residentId },
          { system: `urn:oid:2.16.156.10011.1.5.${COUNTY_HOSPITAL.code}.inpatient`, value: `ZY2026${String(index + 1).padStart(5, '0')}` },
        ],
        name: [{ text: resident.name }],
        gender: resident.sex === 'M' ? 'male' : 'female',
        birthDate: resident.birthDate,
        managingOrganization: org(COUNTY_HOSPITAL),
      },
      ...(WRITERS[index % WRITERS.length]?.(builder) ?? []),
    ];
    for (const resource of resources) written.push(await repo.createResource(resource));
  }
  return written;
}
