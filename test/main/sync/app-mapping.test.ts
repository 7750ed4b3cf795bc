import type { Condition, DiagnosticReport, Encounter, Observation, Patient as FhirPatient } from '@medplum/fhirtypes';
import fc from 'fast-check';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import type { Sqlite } from '../../../src/main/db/open';
import { validateForSend } from '../../../src/main/sync/fhir-validate';
import { ecgToFhir, sampledDataText } from '../../../src/main/sync/mapping/ecg';
import { patientFromFhir, patientToFhir } from '../../../src/main/sync/mapping/patient';
import { enqueueResources, recordChange } from '../../../src/main/sync/outbox-writer';
import type { Patient } from '../../../src/shared/api/patients';
import { makeResidentId } from '../../../src/shared/resident-id';
import { openTestStation, type TestStation } from '../../support/test-services';
import { bpReadings } from '../../support/vital-point';
import { valueSetCodes } from '../../../src/shared/value-sets';

/** The FHIR mappings are valid R4 (validateForSend), carry the codes of ARCHITECTURE §7, and Patient maps back. */

let station: TestStation | undefined;
afterEach(() => {
  station?.dispose();
  station = undefined;
});

function expectValid(resource: Parameters<typeof validateForSend>[0]) {
  const result = validateForSend(resource);
  expect(result.valid ? [] : result.issues, `${resource.resourceType}/${resource.id}`).toEqual([]);
}

const hanName = fc.array(fc.constantFrom(...'张王李赵刘陈杨黄欧阳娜明华丽·'), { minLength: 2, maxLength: 6 }).map((chars) => chars.join(''));
const localPatient: fc.Arbitrary<Patient> = fc.record({
  id: fc.uuid(),
  name: hanName,
  idNumber: fc.option(fc.integer({ min: 0, max: 999 }).map((seq) => makeResidentId('130321', '1958-03-12', seq))),
  noIdReason: fc.constant(null),
  sex: fc.constantFrom('M' as const, 'F' as const, 'U' as const),
  birthDate: fc.date({ min: new Date('1900-01-01'), max: new Date('2025-01-01'), noInvalidDate: true }).map((d) => d.toISOString().slice(0, 10)),
  phone: fc.option(fc.integer({ min: 0, max: 99_999_999 }).map((n) => `138${String(n).padStart(8, '0')}`)),
  healthCardNumber: fc.option(fc.stringMatching(/^[0-9A-Z]{6,18}$/)),
  village: fc.option(fc.constantFrom('东村', '西庄', '河口村')),
  address: fc.option(fc.constantFrom('某某镇某某村 3 组', '县城北路 12 号')),
  household: fc.constant(null),
  contractDoctor: fc.constant(null),
  contractDate: fc.constant(null),
  hypertension: fc.boolean(),
  diabetes: fc.boolean(),
  allergies: fc.constant(null),
  ethnicCode: fc.option(fc.constantFrom(...valueSetCodes('ethnicGroup'))),
  maritalCode: fc.option(fc.constantFrom(...valueSetCodes('maritalStatus'))),
  educationCode: fc.option(fc.constantFrom(...valueSetCodes('education'))),
  occupationCode: fc.option(fc.constantFrom(...valueSetCodes('occupation'))),
  idDocTypeCode: fc.option(fc.constantFrom(...valueSetCodes('idDocumentType'))),
  mergedInto: fc.option(fc.uuid()),
  version: fc.nat(),
  createdAt: fc.constant('2025-01-01T00:00:00.000Z'),
  updatedAt: fc.constant('2025-01-01T00:00:00.000Z'),
});

describe('FHIR mappings', () => {
  it('Patient: valid R4, resident ID under urn:oid:2.16.156.10011.1.1, and back to the same fields (property)', () => {
    fc.assert(
      fc.property(localPatient, (patient) => {
        const resource = patientToFhir(patient);
        expectValid(resource);
        expect(resource.id).toBe(patient.id);
        if (patient.idNumber) expect(resource.identifier?.[0]).toMatchObject({ system: 'urn:oid:2.16.156.10011.1.1', value: patient.idNumber });
        // National codes travel as Codings whose system is the value set (urn:oid:…), the same codes the documents carry.
        const codings = [...(resource.extension ?? []).map((extension) => extension.valueCoding), ...(resource.maritalStatus?.coding ?? [])];
        for (const [code, oid] of [
          [patient.ethnicCode, '2.16.156.10011.2.3.3.3'],
          [patient.maritalCode, '2.16.156.10011.2.3.3.5'],
          [patient.educationCode, '2.16.156.10011.2.3.3.6'],
          [patient.occupationCode, '2.16.156.10011.2.3.3.7'],
          [{ M: '1', F: '2', U: '0' }[patient.sex], '2.16.156.10011.2.3.3.4'],
        ] as const) {
          if (code === null) expect(codings.some((coding) => coding?.system === `urn:oid:${oid}`)).toBe(false);
          else expect(codings).toContainEqual(expect.objectContaining({ system: `urn:oid:${oid}`, code }));
        }
        const back = patientFromFhir(JSON.parse(JSON.stringify(resource)) as FhirPatient);
        expect(back).toEqual({
          id: patient.id,
          replacedBy: patient.mergedInto,
          name: patient.name,
          idNumber: patient.idNumber,
          healthCardNumber: patient.healthCardNumber,
          sex: patient.sex,
          birthDate: patient.birthDate,
          phone: patient.phone,
          address: patient.address,
          village: patient.village,
        });
      }),
      { numRuns: 100 },
    );
  });

  it('Patient from a platform that splits the name: family first, no space', () => {
    expect(patientFromFhir({ resourceType: 'Patient', id: 'x', birthDate: '1950-02-03', name: [{ family: '欧阳', given: ['娜娜'] }] }).name).toBe('欧阳娜娜');
    expect(() => patientFromFhir({ resourceType: 'Patient', id: 'x', name: [{ text: '王五' }] })).toThrow('birth date');
  });

  it('ECG lead samples: whole µV, "E" for a lost sample', () => {
    expect(sampledDataText(new Float32Array([0, 12.4, -7.6, Number.NaN]))).toBe('0 12 -8 E');
  });
});

describe('outbox writer in the domain transactions', () => {
  async function stationWithTargets() {
    station = await openTestStation({ withAdmin: true });
    const sqlite = station.services.store.current.sqlite;
    const insert = sqlite.prepare(
      `INSERT INTO sync_targets (id, enabled, base_url, ca_certificate_pem, client_pkcs12, client_passphrase, updated_at) VALUES (?, 1, 'https://127.0.0.1/fhir/R4/', '', x'00', '', '')`,
    );
    insert.run('county');
    insert.run('provincial');
    return { station, sqlite, d: station.services.dispatch };
  }

  function queued(sqlite: Sqlite) {
    return (sqlite.prepare('SELECT target, resource FROM sync_outbox ORDER BY seq').all() as { target: string; resource: string }[]).map((row) => ({
      target: row.target,
      resource: JSON.parse(row.resource) as FhirPatient | Observation | Encounter | Condition | DiagnosticReport,
    }));
  }

  it('queues nothing while no target is configured', async () => {
    station = await openTestStation({ withAdmin: true });
    await call(station.services.dispatch, 'patients', 'register', { name: '张三', idNumber: makeResidentId('130321', '1958-03-12', 1) });
    expect(station.services.store.current.sqlite.prepare('SELECT count(*) AS n FROM sync_outbox').get()).toEqual({ n: 0 });
  });

  it('patient to both targets; vitals, a signed visit and its correction, an ECG to the county; every resource valid', async () => {
    const { sqlite, d } = await stationWithTargets();
    const registered = await call(d, 'patients', 'register', { name: '张三丰', idNumber: makeResidentId('130321', '1958-03-12', 123) });
    if (registered.status !== 'created') throw new Error('setup');
    const patientId = registered.patient.id;
    expect(queued(sqlite).map((row) => `${row.target}:${row.resource.resourceType}`)).toEqual(['county:Patient', 'provincial:Patient']);

    await call(d, 'vitals', 'record', {
      patientId,
      input: { bloodPressure: bpReadings([150, 95], [146, 91]), heartRate: 72, weightKg: 70, heightCm: 170, glucose: { mmolPerL: 7.2, timing: 'fasting' } },
    });
    const afterVitals = queued(sqlite).slice(2);
    const codes = afterVitals.map((row) => (row.resource as Observation).code.coding?.[0].code);
    expect(codes).toEqual(['85354-9', '8867-4', '29463-7', '8302-2', '39156-5', '14771-0']);
    expect(afterVitals.every((row) => row.target === 'county')).toBe(true);
    const bp = afterVitals[0].resource as Observation;
    expect(bp.component?.map((c) => [c.code.coding?.[0].code, c.valueQuantity?.value, c.valueQuantity?.code])).toEqual([
      ['8480-6', 148, 'mm[Hg]'],
      ['8462-4', 93, 'mm[Hg]'],
    ]);

    const visit = await call(d, 'visits', 'open', { patientId });
    await call(d, 'vitals', 'record', { patientId, visitId: visit.id, input: { heartRate: 80 } });
    const beforeClose = queued(sqlite).length;
    expect(beforeClose).toBe(8); // vitals inside an open visit wait for the signature
    await call(d, 'visits', 'save', {
      patientId,
      visitId: visit.id,
      chiefComplaint: '头晕三天',
      diagnoses: [
        { code: 'I10', name: '原发性高血压' },
        { code: 'E11.9', name: '2型糖尿病' },
      ],
    });
    await call(d, 'visits', 'close', { patientId, visitId: visit.id });
    const closed = queued(sqlite).slice(beforeClose);
    expect(closed.map((row) => row.resource.resourceType)).toEqual(['Encounter', 'Condition', 'Condition', 'Observation']);
    const encounter = closed[0].resource as Encounter;
    expect(encounter).toMatchObject({ id: visit.recordId, status: 'finished', subject: { reference: `Patient/${patientId}` } });
    expect((closed[1].resource as Condition).code?.coding?.[0]).toEqual({ system: 'http://hl7.org/fhir/sid/icd-10', code: 'I10', display: '原发性高血压' });
    expect((closed[3].resource as Observation).encounter?.reference).toBe(`Encounter/${visit.id}`);

    await call(d, 'visits', 'correct', {
      patientId,
      visitId: visit.id,
      reason: '诊断更正',
      chiefComplaint: '头晕三天',
      history: '',
      examination: '',
      plan: '',
      prescription: '',
      diagnoses: [{ code: 'I10', name: '原发性高血压' }],
    });
    const corrected = queued(sqlite).slice(beforeClose + closed.length);
    const conditions = corrected.filter((row) => row.resource.resourceType === 'Condition').map((row) => row.resource as Condition);
    expect(conditions.map((c) => [c.code?.coding?.[0].code, c.verificationStatus?.coding?.[0].code])).toEqual([
      ['I10', 'confirmed'],
      ['E11.9', 'entered-in-error'],
    ]);
    expect(corrected[0].resource.id).toBe(visit.recordId);

    const leads = ['I', 'II', 'V1'].map((name, index) => ({ name, microvolts: Float32Array.from({ length: 500 }, (_, i) => Math.sin(i / 20) * 1000 + index) }));
    const ecg = station!.services.ecg.store(
      { format: 'device', sampleRateHz: 500, leads, recordedAt: '2025-03-01T08:00:00.000Z' },
      'device',
      'test',
      patientId,
    );
    await call(d, 'ecg', 'interpret', { patientId, ecgId: ecg.id, interpretation: '窦性心律，正常心电图' });
    const ecgRows = queued(sqlite).filter((row) => row.resource.resourceType === 'DiagnosticReport' || (row.resource as Observation).valueSampledData);
    expect(ecgRows.map((row) => row.resource.resourceType)).toEqual(['DiagnosticReport', 'Observation', 'Observation', 'Observation', 'DiagnosticReport']);
    const signed = ecgRows[4].resource as DiagnosticReport;
    expect(signed).toMatchObject({ status: 'final', conclusion: '窦性心律，正常心电图', code: { coding: [{ system: 'http://loinc.org', code: '45033-8' }] } });
    expect(signed.result).toHaveLength(3);
    const lead = ecgRows[1].resource as Observation;
    expect(lead.valueSampledData).toMatchObject({ period: 2, dimensions: 1, origin: { code: 'uV' } });
    expect(lead.valueSampledData?.data?.split(' ')).toHaveLength(500);

    for (const row of queued(sqlite)) expectValid(row.resource);
  });

  it('a change that cannot be mapped rolls the clinical write back with it', async () => {
    const { sqlite } = await stationWithTargets();
    expect(() =>
      sqlite.transaction(() => {
        sqlite.prepare(`INSERT INTO settings (key, value, updated_at) VALUES ('probe', '1', '')`).run();
        recordChange(sqlite, 'patient', 'no-such-patient');
      })(),
    ).toThrow();
    expect(sqlite.prepare(`SELECT count(*) AS n FROM settings WHERE key = 'probe'`).get()).toEqual({ n: 0 });
  });

  it('enqueueResources: provincial takes only its subset; unconfigured targets are skipped', async () => {
    const { sqlite } = await stationWithTargets();
    sqlite.prepare(`DELETE FROM sync_targets WHERE id = 'county'`).run();
    const [report] = ecgToFhir(
      {
        id: 'e1',
        patientId: 'p1',
        recordedAt: '2025-01-01T00:00:00Z',
        source: 'device',
        sourceName: '',
        format: 'device',
        sampleRateHz: 500,
        sampleCount: 0,
        durationS: 0,
        leadNames: [],
        annotationCount: 0,
        measurements: { beatCount: 0, medianBeatCount: 0 },
        interpretation: null,
        interpretedBy: null,
        signedAt: null,
      },
      [],
    );
    const carePlan = { resourceType: 'CarePlan' as const, id: 'cp1', status: 'active' as const, intent: 'plan' as const, subject: { reference: 'Patient/p1' } };
    const count = sqlite.transaction(() =>
      enqueueResources(sqlite, [
        { target: 'provincial', resource: report },
        { target: 'provincial', resource: carePlan },
        { target: 'county', resource: carePlan },
      ]),
    )();
    expect(count).toBe(1);
    expect(queued(sqlite).map((row) => `${row.target}:${row.resource.resourceType}`)).toEqual(['provincial:CarePlan']);
  });
});
