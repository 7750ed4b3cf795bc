import type { Resource } from '@medplum/fhirtypes';
import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Db, Sqlite } from '../../../src/main/db/open';
import { refreshDueState } from '../../../src/main/followup/due-state';
import { BPHS_2017 } from '../../../src/main/followup/rule-packs/bphs-2017';
import { patientHistory } from '../../../src/main/followup/record-visit';
import * as repo from '../../../src/main/followup/repository';
import type { NewRecordRow } from '../../../src/main/followup/record-mapping';
import { applyPulledFollowup } from '../../../src/main/followup/sync-apply';
import { validateForSend } from '../../../src/main/sync/fhir-validate';
import { stampInstitution } from '../../../src/main/sync/institution';
import { patientToFhir } from '../../../src/main/sync/mapping/patient';
import { previewChange, type ChangeKind } from '../../../src/main/sync/outbox-writer';
import { applyPulledPatient } from '../../../src/main/sync/sync-service';
import { ACTIONS } from '../../../src/shared/api/followup';
import { openTestStation, type TestStation } from '../../support/test-services';
import { resident } from '../followup/service-fixtures';

/**
 * Issue 10 item 5: a follow-up family record written on station A, mapped to FHIR as it is sent (stamped, through
 * JSON), applied on station B in any order, reads back on B through the follow-up use cases' own read function
 * (patientHistory: enrolments, records, health checks, referrals with their checks, appointments) exactly as on A,
 * and B's kept due state of the enrolment is A's.
 */

let a: TestStation;
let b: TestStation;
beforeAll(async () => {
  [a, b] = await Promise.all([openTestStation({ withAdmin: true }), openTestStation({ withAdmin: true })]);
});
afterAll(() => {
  a?.dispose();
  b?.dispose();
});

const INSTITUTION = { code: '12100000400000624D', name: '东湾镇卫生院' };

const day = fc.integer({ min: 0, max: 3 * 365 }).map((n) => new Date(Date.UTC(2023, 0, 1) + n * 86_400_000).toISOString().slice(0, 10));
const instant = fc.integer({ min: 0, max: 3 * 365 * 86_400 }).map((s) => new Date(Date.UTC(2023, 0, 1) + s * 1000).toISOString());
const words = fc
  .array(fc.constantFrom('头晕', '乏力', '血压偏高', '已复查', '县医院心内科', 'note', '服药规律', '家属陪同', '72'), { minLength: 1, maxLength: 4 })
  .map((parts) => parts.join(' '));
const opt = <T>(arb: fc.Arbitrary<T>) => fc.option(arb, { nil: null });
const tenth = (min: number, max: number) => fc.integer({ min: min * 10, max: max * 10 }).map((n) => n / 10);
const json = <T>(arb: fc.Arbitrary<T>) => arb.map((value) => JSON.stringify(value));

/** A follow-up row; the patient, enrolment and disease are the family's (set when it is written). */
function recordRow(): fc.Arbitrary<Omit<NewRecordRow, 'patientId' | 'enrolmentId' | 'disease'>> {
  return fc
    .record({
      id: fc.uuid(),
      visitDate: day,
      mode: fc.constantFrom('clinic' as const, 'home' as const, 'phone' as const),
      symptoms: json(fc.array(fc.constantFrom('无症状', '头痛头晕', '恶心呕吐', '多饮'), { maxLength: 3 })),
      symptomsOther: opt(words),
      sbp: opt(fc.integer({ min: 70, max: 250 })),
      dbp: opt(fc.integer({ min: 40, max: 150 })),
      heartRate: opt(fc.integer({ min: 30, max: 200 })),
      heartRatePersistent: opt(fc.boolean()),
      weightKg: opt(tenth(30, 150)),
      weightTargetKg: opt(tenth(30, 150)),
      heightCm: opt(tenth(120, 200)),
      bmi: opt(tenth(12, 50)),
      bmiTarget: opt(tenth(18, 28)),
      temperatureC: opt(tenth(35, 41)),
      dorsalisPedis: opt(fc.constantFrom('normal' as const, 'weakened' as const, 'absent' as const)),
      signsOther: opt(words),
      fbg: opt(tenth(2, 30)),
      randomGlucose: opt(tenth(2, 30)),
      hba1c: opt(tenth(4, 15)),
      hba1cDate: opt(day),
      testsOther: opt(words),
      lifestyle: json(fc.record({ now: fc.record({ smokingPerDay: fc.nat(40) }), target: fc.record({ smokingPerDay: fc.nat(10) }) })),
      adherence: opt(fc.constantFrom('规律' as const, '间断' as const, '不服药' as const)),
      adr: fc.boolean(),
      adrDesc: opt(words),
      hypoglycemiaReaction: opt(fc.constantFrom('none' as const, 'occasional' as const, 'frequent' as const)),
      newComplication: fc.boolean(),
      complicationDesc: opt(words),
      pregnant: fc.boolean(),
      lactating: fc.boolean(),
      selfReportedHomeBp: fc.boolean(),
      withHealthCheck: fc.boolean(),
      medications: json(fc.array(fc.record({ name: fc.constantFrom('氨氯地平', '二甲双胍'), dose: fc.constantFrom('5mg qd', '0.5g tid') }), { maxLength: 3 })),
      insulin: opt(json(fc.record({ type: fc.constant('甘精胰岛素'), dose: fc.constant('10U qn') }))),
      medicationAdvice: opt(words),
      classification: opt(fc.constantFrom('控制满意' as const, '控制不满意' as const, '不良反应' as const, '并发症' as const)),
      action: fc.constantFrom(...ACTIONS),
      engineNextDate: opt(day),
      nextDueDate: opt(day),
      overrideReason: opt(words),
      referralReason: opt(words),
      reasons: json(
        fc.record({
          reason: fc.record({ code: fc.constantFrom('controlled', 'uncontrolled_first') }),
          reminders: fc.constant([]),
          advisories: fc.constant([]),
        }),
      ),
      ruleSet: fc.constant('bphs-2017@1'),
      notes: opt(words),
      doctorId: fc.integer({ min: 1, max: 50 }),
      doctorName: fc.constantFrom('刘医生', '陈医生'),
      createdAt: instant,
    })
    .map((row) => ({ ...row, faceToFace: row.mode !== 'phone' }));
}

const familyArb = fc.record({
  disease: fc.constantFrom('hypertension' as const, 't2dm' as const),
  enrolment: fc.record({
    id: fc.uuid(),
    diagnosedOn: opt(day),
    howFound: fc.constantFrom('clinic_visit' as const, 'health_check' as const, 'screening' as const, 'referral_in' as const, 'other' as const),
    enrolledOn: day,
    enrolledAt: instant,
    enrolledByName: fc.constantFrom('刘医生', '陈医生'),
    end: opt(
      fc.record({ endedOn: day, endReason: fc.constantFrom('died' as const, 'moved' as const, 'refused' as const, 'other' as const), endNote: opt(words) }),
    ),
  }),
  records: fc.array(recordRow(), { maxLength: 3 }),
  referrals: fc.array(
    fc.record({
      id: fc.uuid(),
      referredOn: day,
      urgency: fc.constantFrom('urgent' as const, 'routine' as const),
      reason: fc.oneof(fc.constant(''), words),
      institution: opt(fc.constantFrom('县人民医院', '县中医院')),
      department: opt(fc.constantFrom('心内科', '内分泌科')),
      contactName: opt(fc.constantFrom('王医生')),
      contactPhone: opt(fc.constantFrom('0311-8888888')),
      checkDue: day,
      returnedOn: opt(day),
      returnNote: opt(words),
      createdAt: instant,
      checks: fc.array(
        fc.record({
          id: fc.uuid(),
          checkDate: day,
          mode: fc.constantFrom('phone' as const, 'visit' as const, 'return' as const),
          outcome: fc.constantFrom('completed' as const, 'not_completed' as const),
          detail: opt(words),
          createdAt: instant,
        }),
        { maxLength: 2 },
      ),
    }),
    { maxLength: 2 },
  ),
  appointments: fc.array(
    fc.record({
      id: fc.uuid(),
      apptDate: day,
      dueDate: day,
      kind: fc.constantFrom('followup' as const, 'referral_check' as const),
      status: fc.constantFrom('scheduled' as const, 'done' as const, 'cancelled' as const),
      rescheduledFrom: opt(day),
      createdAt: instant,
    }),
    { maxLength: 2 },
  ),
  healthChecks: fc.array(
    fc.record({
      id: fc.uuid(),
      checkDate: day,
      kind: fc.constantFrom('annual' as const, 'elderly' as const),
      selfCareScore: opt(fc.integer({ min: 0, max: 30 })),
      note: opt(words),
      createdAt: instant,
    }),
    { maxLength: 2 },
  ),
});

function dbOf(station: TestStation): Db {
  return station.services.store.current.db;
}

describe('follow-up family round trip A → FHIR → B', () => {
  it('every generated enrolment, follow-up, referral with checks, booking and health check reads back on B as on A (property)', async () => {
    let n = 0;
    await fc.assert(
      fc.asyncProperty(familyArb, fc.infiniteStream(fc.nat()), async (family, shuffle) => {
        n++;
        const patient = await resident(a, {
          name: `王${'一二三四五六七八九十'[n % 10]}${'甲乙丙丁戊己庚辛壬癸'[Math.floor(n / 10) % 10]}`,
          age: 60,
          village: '东湾村',
        });
        // Fresh ids per run: shrinking repeats generated ones, and A keeps every run's rows.
        family = {
          ...family,
          enrolment: { ...family.enrolment, id: randomUUID() },
          records: family.records.map((record) => ({ ...record, id: randomUUID() })),
          referrals: family.referrals.map((referral) => ({
            ...referral,
            id: randomUUID(),
            checks: referral.checks.map((check) => ({ ...check, id: randomUUID() })),
          })),
          appointments: family.appointments.map((appointment) => ({ ...appointment, id: randomUUID() })),
          healthChecks: family.healthChecks.map((check) => ({ ...check, id: randomUUID() })),
        };
        const sqliteA: Sqlite = a.services.store.current.sqlite;
        const sqliteB: Sqlite = b.services.store.current.sqlite;
        const records = family.records.map((record) => ({ ...record, patientId: patient.id, enrolmentId: family.enrolment.id, disease: family.disease }));
        const db = dbOf(a);
        const changes: [ChangeKind, string][] = [];
        sqliteA.transaction(() => {
          const { end, ...enrolment } = family.enrolment;
          repo.insertEnrolment(db, {
            ...enrolment,
            patientId: patient.id,
            disease: family.disease,
            enrolledBy: 1,
            endedOn: end?.endedOn ?? null,
            endReason: end?.endReason ?? null,
            endNote: end?.endNote ?? null,
            endedBy: end ? 1 : null,
            createdAt: enrolment.enrolledAt,
            updatedAt: enrolment.enrolledAt,
          });
          changes.push(['enrolment', enrolment.id]);
          for (const record of records) {
            repo.insertRecord(db, record);
            changes.push(['followupVisit', record.id]);
          }
          const recordId = records[0]?.id ?? family.enrolment.id;
          for (const { checks, ...referral } of family.referrals) {
            repo.insertReferral(db, {
              ...referral,
              patientId: patient.id,
              enrolmentId: family.enrolment.id,
              recordId,
              disease: family.disease,
              createdBy: 1,
              updatedAt: referral.createdAt,
            });
            for (const check of checks)
              repo.insertReferralCheck(db, { ...check, referralId: referral.id, enrolmentId: family.enrolment.id, patientId: patient.id, recordedBy: 1 });
            changes.push(['referral', referral.id]);
          }
          for (const appointment of family.appointments) {
            repo.insertAppointment(db, {
              ...appointment,
              patientId: patient.id,
              enrolmentId: family.enrolment.id,
              disease: family.disease,
              sourceRecordId: records[0]?.id ?? null,
              doneRecordId: appointment.status === 'done' ? (records.at(-1)?.id ?? null) : null,
              updatedAt: appointment.createdAt,
            });
            changes.push(['appointment', appointment.id]);
          }
          for (const check of family.healthChecks) {
            repo.insertHealthCheck(db, { ...check, patientId: patient.id, recordId: records[0]?.id ?? null, recordedBy: 1 });
            changes.push(['healthCheck', check.id]);
          }
          refreshDueState(a.services.store.current.db, BPHS_2017, family.enrolment.id);
        })();

        // On the wire: stamped, valid, through JSON; then into B in a random order (streams arrive independently).
        const wire: Resource[] = [patientToFhir(a.services.patients.get(patient.id))];
        for (const [kind, id] of changes) {
          for (const { resource } of previewChange(sqliteA, kind, id)) {
            const sent = stampInstitution(resource, INSTITUTION);
            const valid = validateForSend(sent as Parameters<typeof validateForSend>[0]);
            expect(valid.valid ? [] : valid.issues, `${sent.resourceType}/${sent.id}`).toEqual([]);
            wire.push(JSON.parse(JSON.stringify(sent)) as Resource);
          }
        }
        const [first, ...rest] = wire;
        const order = rest.map((resource, index) => ({ resource, key: shuffle.next().value + index / 1000 })).sort((x, y) => x.key - y.key);
        sqliteB.transaction(() => {
          applyPulledPatient(sqliteB, first);
          for (const { resource } of order) applyPulledFollowup(sqliteB, resource);
        })();

        const onA = patientHistory(a.services.followup.ctx, { patientId: patient.id });
        const onB = patientHistory(b.services.followup.ctx, { patientId: patient.id });
        expect(onB).toEqual(onA);
        const state = (sqlite: Sqlite) => sqlite.prepare('SELECT * FROM followup_enrolments WHERE id = ?').get(family.enrolment.id) as Record<string, unknown>;
        const { enrolled_by: _a1, ended_by: _a2, created_at: _a3, updated_at: _a4, ...stateA } = state(sqliteA);
        const { enrolled_by: _b1, ended_by: _b2, created_at: _b3, updated_at: _b4, ...stateB } = state(sqliteB);
        expect(stateB).toEqual(stateA);
      }),
      { numRuns: 25 },
    );
  });
});
