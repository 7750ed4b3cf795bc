import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { call } from '../api/dispatcher';
import { ManualClock } from '../clock';
import { defaultMigrationsFolder } from '../db/open';
import { readQuery, readRows } from '../db/read-sql';
import { patients } from '../db/schema/patients';
import { synthesizeEcg } from '../ecg/devices/synthetic-ecg';
import { writeAecg } from '../ecg/formats/aecg-writer';
import { createServices } from '../services';
import { readFeatureSetting, writeFeatureSetting } from '../settings/settings-service';
import { addDays, chinaLocalDate } from '../../shared/dates';
import { mulberry32 } from '../../shared/mulberry32';

/**
 * `seed --with-history`: a year of care for every resident the seed flagged with hypertension or type 2 diabetes,
 * written through the app's own services and dispatcher (access rules, transactions, outbox hooks) with the clock
 * moved to each day: enrolment a year ago, a clinic visit with vitals each quarter, a follow-up of each disease the
 * same day (one in four refers, which makes a referral), and an interpreted ECG exam. Consults need a county platform
 * (the app refuses a request nobody will receive), so they are written only when one is configured.
 *
 * The records are signed by an administrator account this creates (username `admin`, a random password it prints
 * once): every write in the app has a signed-in author.
 */

const DAY_MS = 86_400_000;

/** Residents with a chronic disease flag, in registration order: the ones the seeded history enrols. */
const chronicResidents = readQuery(
  `SELECT id, hypertension, diabetes, birth_date AS birthDate FROM patients WHERE hypertension = 1 OR diabetes = 1 ORDER BY created_at LIMIT ?`,
  { id: patients.id, hypertension: patients.hypertension, diabetes: patients.diabetes, birthDate: patients.birthDate },
);

/** A valid 统一社会信用代码 of a public institution (12…, both check characters right); synthetic, for seeded databases only. */
export const SYNTHETIC_INSTITUTION_CODE = '124305995EED00013F';

export interface HistorySummary {
  enrolled: number;
  clinicVisits: number;
  vitals: number;
  followUps: { hypertension: number; t2dm: number };
  referrals: number;
  consults: number;
  ecgExams: number;
  admin: { username: string; password: string };
}

/**
 * The seeded station's administrator password: 72 random bits, with "Seed" and a trailing digit so that it meets the
 * letter-and-digit rule whatever the random part holds (12 base64url characters have no digit about one time in
 * eight: the seed then failed on its own password).
 */
export function seedAdminPassword(): string {
  return `Seed-${randomBytes(9).toString('base64url')}-1`;
}

export async function seedHistory(opts: { dbFile: string; passphrase: string; seed: number; limit?: number }): Promise<HistorySummary> {
  const random = mulberry32(opts.seed * 7919 + 17);
  const pick = (low: number, high: number) => Math.round(low + random() * (high - low));
  const startMs = Date.now() - 365 * DAY_MS;
  const clock = new ManualClock(() => startMs);
  const services = createServices({
    dataDir: path.dirname(opts.dbFile),
    dbFile: opts.dbFile,
    migrationsFolder: defaultMigrationsFolder(),
    clock,
    appVersion: 'seed',
    sync: { watchIntervalMs: 0 },
  });
  const scratch = mkdtempSync(path.join(tmpdir(), 'tws-seed-ecg-'));
  const summary: HistorySummary = {
    enrolled: 0,
    clinicVisits: 0,
    vitals: 0,
    followUps: { hypertension: 0, t2dm: 0 },
    referrals: 0,
    consults: 0,
    ecgExams: 0,
    admin: { username: 'admin', password: seedAdminPassword() },
  };
  try {
    await services.store.openWithPassphrase(opts.passphrase);
    const d = services.dispatch;
    await call(d, 'auth', 'setupAdmin', { username: summary.admin.username, displayName: '建档管理员', password: summary.admin.password });
    // The custodian of the national documents: a synthetic institution, unless the station already names its own.
    const station = readFeatureSetting(services.store.current.db, 'station');
    const settings = typeof station === 'object' && station !== null ? station : {};
    if (!('institutionCode' in settings && settings.institutionCode)) {
      writeFeatureSetting(
        services.store.current.db,
        'station',
        { ...settings, facilityName: '示范镇卫生院', institutionCode: SYNTHETIC_INSTITUTION_CODE },
        clock,
      );
    }
    const countyConfigured = (await call(d, 'sync', 'targets', {})).some((target) => target.id === 'county' && target.configured);
    const enrolled = readRows(services.store.current.db, chronicResidents, opts.limit ?? -1);
    const startDay = chinaLocalDate(new Date(startMs));
    const ecgFile = path.join(scratch, 'exam.xml');
    for (const [index, patient] of enrolled.entries()) {
      // Programme age is 35 and over; younger flagged residents stay unenrolled, as the app requires.
      if (Number(startDay.slice(0, 4)) - Number(patient.birthDate.slice(0, 4)) < 36) continue;
      const diseases = [...(patient.hypertension ? (['hypertension'] as const) : []), ...(patient.diabetes ? (['t2dm'] as const) : [])];
      for (const disease of diseases) await call(d, 'followup', 'enrol', { patientId: patient.id, disease, howFound: 'clinic_visit', enrolledOn: startDay });
      summary.enrolled++;
      const offset = pick(1, 20);
      for (let quarter = 0; quarter < 4; quarter++) {
        const dayOffset = offset + quarter * 91;
        moveTo(clock, startMs, dayOffset);
        // Months pass between the days written: the session's idle lock would refuse the next call, so sign in anew.
        await call(d, 'auth', 'signOut', {});
        await call(d, 'auth', 'signIn', { username: summary.admin.username, password: summary.admin.password });
        const day = addDays(startDay, dayOffset);
        const visit = await call(d, 'visits', 'open', { patientId: patient.id });
        const high = quarter === 2 && index % 4 === 0;
        const sbp = high ? pick(182, 196) : pick(118, 146);
        const dbp = high ? pick(100, 112) : pick(70, 88);
        const fbg = Math.round((5 + random() * 3) * 10) / 10;
        await call(d, 'vitals', 'record', {
          patientId: patient.id,
          visitId: visit.id,
          input: {
            bloodPressure: [{ systolic: sbp, diastolic: dbp }],
            heartRate: pick(62, 88),
            weightKg: pick(55, 85),
            heightCm: pick(150, 178),
            ...(patient.diabetes ? { glucose: { mmolPerL: fbg, timing: 'fasting' as const } } : {}),
          },
        });
        summary.vitals++;
        const diagnoses = [
          ...(patient.hypertension ? [{ code: 'I10', name: '特发性(原发性)高血压' }] : []),
          ...(patient.diabetes ? [{ code: 'E11.9', name: '2型糖尿病' }] : []),
        ];
        await call(d, 'visits', 'save', { patientId: patient.id, visitId: visit.id, chiefComplaint: '慢病随访复诊', diagnoses });
        await call(d, 'visits', 'close', { patientId: patient.id, visitId: visit.id });
        summary.clinicVisits++;
        for (const disease of diseases) {
          const saved = await call(d, 'followup', 'save', {
            patientId: patient.id,
            disease,
            form: {
              date: day,
              mode: 'clinic',
              symptoms: high ? ['头痛头晕'] : ['无症状'],
              sbp,
              dbp,
              heartRate: pick(62, 88),
              ...(disease === 't2dm' ? { fbg, dorsalisPedis: 'normal' as const, hypoglycemiaReaction: 'none' as const } : {}),
              lifestyle: {
                now: {
                  exerciseTimesPerWeek: pick(0, 7),
                  exerciseMinutes: pick(10, 60),
                  ...(disease === 'hypertension' ? { salt: 'moderate' as const } : { stapleFoodG: pick(200, 400) }),
                },
                target: {},
                psychological: 'good',
                compliance: 'good',
              },
              adherence: '规律',
              medications: [
                disease === 'hypertension' ? { name: '氨氯地平片', timesPerDay: 1, doseMg: 5 } : { name: '二甲双胍片', timesPerDay: 2, doseMg: 500 },
              ],
            },
            referral: { institution: '县人民医院', department: disease === 'hypertension' ? '心内科' : '内分泌科' },
          });
          summary.followUps[disease]++;
          if (saved.referral) summary.referrals++;
        }
        if (quarter === 1) {
          const synthetic = synthesizeEcg({ seed: opts.seed + index, durationS: 10, sampleRateHz: 500, heartRateBpm: pick(60, 90) });
          writeFileSync(ecgFile, writeAecg({ format: 'hl7-aecg', sampleRateHz: synthetic.sampleRateHz, leads: synthetic.leads }));
          const ecg = await call(d, 'ecg', 'importFile', { patientId: patient.id, file: services.files.register(ecgFile, 'ecg').handle });
          await call(d, 'ecg', 'interpret', { patientId: patient.id, ecgId: ecg.id, interpretation: '窦性心律，大致正常心电图' });
          summary.ecgExams++;
          if (countyConfigured && high) {
            await call(d, 'consult', 'create', {
              patientId: patient.id,
              question: '血压控制不佳，请协助调整方案',
              urgency: 'routine',
              targetInstitution: '县人民医院',
              specialty: 'cardiology',
            });
            summary.consults++;
          }
        }
      }
    }
  } finally {
    await services.ecg.close();
    await services.sync.close();
    services.store.close();
    rmSync(scratch, { recursive: true, force: true });
  }
  return summary;
}

function moveTo(clock: ManualClock, startMs: number, dayOffset: number): void {
  // Clinic hours (09:30 China time) of the day `dayOffset` days after the start.
  const target = Math.floor((startMs + 8 * 3600_000) / DAY_MS) * DAY_MS - 8 * 3600_000 + dayOffset * DAY_MS + 9.5 * 3600_000;
  clock.advance(target - clock.now().getTime());
}
