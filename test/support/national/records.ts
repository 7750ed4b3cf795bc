import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { call } from '../../../src/main/api/dispatcher';
import { synthesizeEcg } from '../../../src/main/ecg/devices/synthetic-ecg';
import { writeAecg } from '../../../src/main/ecg/formats/aecg-writer';
import { setStationInstitution } from '../station/in-process-station';
import { addDays } from '../../../src/shared/dates';
import { makeResidentId } from '../../../src/shared/resident-id';
import type { TestStation } from '../test-services';

/**
 * One enrolled resident with a record of every kind that makes a national document, written through the app's API
 * (dispatcher, access rules, transactions): registration with national codes, a hypertension follow-up that refers, a
 * diabetes follow-up, a consult (needs the county target configured, as in the app) and an interpreted ECG exam.
 */
export interface NationalRecords {
  patientId: string;
  hypertensionVisitId: string;
  diabetesVisitId: string;
  referralId: string;
  consultId: string | null;
  ecgId: string;
}

export const TEST_INSTITUTION = { code: '12130321MB0000000X', name: '示范镇卫生院' };

/** Puts the institution code beside the facility name in the station settings (as 设置 does on main). */
export function setInstitution(station: TestStation): void {
  setStationInstitution(station, TEST_INSTITUTION);
}

export async function writeNationalRecords(station: TestStation, opts: { withConsult: boolean }): Promise<NationalRecords> {
  const d = station.services.dispatch;
  const today = station.services.followup.today();
  const birthDate = `${Number(today.slice(0, 4)) - 62}-03-15`;
  const registered = await call(d, 'patients', 'register', {
    name: '张国强',
    idNumber: makeResidentId('130321', birthDate, 153),
    phone: '13912345678',
    village: '东湾村',
    address: '东湾村3组12号',
    contractDoctor: '刘医生',
    allergies: '青霉素',
    ethnicCode: '01',
    maritalCode: '20',
    educationCode: '70',
    occupationCode: '4',
    confirmNotDuplicate: true,
  });
  if (registered.status !== 'created') throw new Error('registration in the national fixture failed');
  const patientId = registered.patient.id;
  // Weighed and measured the same at both visits.
  const BODY = { weightKg: 72, heightCm: 168 };
  await call(d, 'followup', 'enrol', { patientId, disease: 'hypertension', howFound: 'clinic_visit', enrolledOn: addDays(today, -200) });
  await call(d, 'followup', 'enrol', { patientId, disease: 't2dm', howFound: 'clinic_visit', enrolledOn: addDays(today, -200) });
  const hypertension = await call(d, 'followup', 'save', {
    patientId,
    disease: 'hypertension',
    form: {
      date: addDays(today, -3),
      mode: 'clinic',
      symptoms: ['头痛头晕'],
      sbp: 184,
      dbp: 102,
      heartRate: 78,
      ...BODY,
      lifestyle: {
        now: { cigarettesPerDay: 10, alcoholLiangPerDay: 1, exerciseTimesPerWeek: 3, exerciseMinutes: 30, salt: 'heavy' },
        target: {},
        psychological: 'fair',
        compliance: 'good',
      },
      adherence: '间断',
      medications: [{ name: '硝苯地平缓释片', timesPerDay: 2, doseMg: 10 }],
    },
    referral: { institution: '县人民医院', department: '心内科' },
  });
  if (!hypertension.referral) throw new Error('the hypertension visit in the national fixture did not refer');
  const diabetes = await call(d, 'followup', 'save', {
    patientId,
    form: {
      date: addDays(today, -2),
      mode: 'home',
      lifestyle: { now: { stapleFoodG: 300, exerciseTimesPerWeek: 5, exerciseMinutes: 40 }, target: {}, psychological: 'good', compliance: 'good' },
      symptoms: ['无症状'],
      sbp: 128,
      dbp: 78,
      ...BODY,
      dorsalisPedis: 'normal',
      fbg: 6.4,
      hba1c: 6.8,
      adherence: '规律',
      hypoglycemiaReaction: 'none',
      medications: [{ name: '二甲双胍', timesPerDay: 2, doseMg: 500 }],
    },
    disease: 't2dm',
  });
  let consultId: string | null = null;
  if (opts.withConsult) {
    const consult = await call(d, 'consult', 'create', {
      patientId,
      question: '血压控制差，请会诊调整用药',
      urgency: 'routine',
      targetInstitution: '县人民医院',
      specialty: 'cardiology',
    });
    consultId = consult.id;
  }
  const synthetic = synthesizeEcg({ seed: 7, durationS: 10, sampleRateHz: 500, heartRateBpm: 72 });
  const file = path.join(station.dataDir, `national-ecg-${patientId}.xml`);
  writeFileSync(file, writeAecg({ format: 'hl7-aecg', sampleRateHz: synthetic.sampleRateHz, leads: synthetic.leads }));
  const ecg = await call(d, 'ecg', 'importFile', { patientId, file: station.services.files.register(file, 'ecg').handle });
  await call(d, 'ecg', 'interpret', { patientId, ecgId: ecg.id, interpretation: '窦性心律，正常心电图' });
  return {
    patientId,
    hypertensionVisitId: hypertension.record.id,
    diabetesVisitId: diabetes.record.id,
    referralId: hypertension.referral.id,
    consultId,
    ecgId: ecg.id,
  };
}
