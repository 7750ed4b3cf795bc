import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { call } from '../../../../src/main/api/dispatcher';
import { synthesizeEcg } from '../../../../src/main/ecg/devices/synthetic-ecg';
import { aecgReader } from '../../../../src/main/ecg/formats/aecg';
import { writeAecg } from '../../../../src/main/ecg/formats/aecg-writer';
import { ApiError } from '../../../../src/shared/api/errors';
import { writeScp } from '../../../support/ecg-writers/scp';
import { section7, section8 } from '../../../support/ecg-writers/scp-report';
import { openTestStation, type TestStation } from '../../../support/test-services';

let station: TestStation | undefined;
afterEach(async () => {
  await station?.services.ecg.close();
  station?.dispose();
  station = undefined;
});

async function patient(s: TestStation) {
  const r = await call(s.services.dispatch, 'patients', 'register', { name: '刘心电', noIdReason: 'unknown', birthDate: '1960-05-05', sex: 'M' });
  if (r.status !== 'created') throw new Error('setup');
  return r.patient;
}

describe('ECG in the chart (service over the encrypted store)', () => {
  it('imports a file, measures it, serves sample windows, signs the interpretation and exports aECG that reads back', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const p = await patient(station);
    const synthetic = synthesizeEcg({ seed: 3, durationS: 10, sampleRateHz: 500, heartRateBpm: 75 });
    const file = path.join(station.dataDir, 'cart.xml');
    writeFileSync(file, writeAecg({ format: 'hl7-aecg', sampleRateHz: synthetic.sampleRateHz, leads: synthetic.leads }));
    const summary = await call(d, 'ecg', 'importFile', { patientId: p.id, file: station.services.files.register(file, 'ecg').handle });
    expect(summary).toMatchObject({ patientId: p.id, format: 'hl7-aecg', sampleRateHz: 500, source: 'file' });
    expect(summary.leadNames.slice(0, 6)).toEqual(['I', 'II', 'III', 'aVR', 'aVL', 'aVF']);
    expect(summary.measurements.heartRateBpm).toBeGreaterThan(65);
    expect(summary.measurements.heartRateBpm).toBeLessThan(85);

    const window = await call(d, 'ecg', 'get', { patientId: p.id, ecgId: summary.id, fromSample: 100, count: 50 });
    const lead2 = synthetic.leads.find((l) => l.name === 'II')!;
    const got = window.leads.find((l) => l.name === 'II')!.microvolts;
    expect(got).toBeInstanceOf(Float32Array);
    expect(got.length).toBe(50);
    got.forEach((v, i) => expect(v).toBeCloseTo(lead2.microvolts[100 + i], 1));

    const signed = await call(d, 'ecg', 'interpret', { patientId: p.id, ecgId: summary.id, interpretation: '窦性心律，正常心电图' });
    expect(signed).toMatchObject({ interpretation: '窦性心律，正常心电图', interpretedBy: '管理员' });
    expect(signed.signedAt).not.toBeNull();

    const exported = await call(d, 'ecg', 'exportAecg', { patientId: p.id, ecgId: summary.id });
    const back = await aecgReader.read({ path: 'x.xml', bytes: Buffer.from(exported.xml, 'utf8'), readCompanion: async () => undefined });
    expect(back.patient?.name).toBe('刘心电');
    expect(back.leads.find((l) => l.name === 'II')!.microvolts[150]).toBeCloseTo(lead2.microvolts[150], 1);
    expect((await call(d, 'ecg', 'list', { patientId: p.id })).map((e) => e.id)).toEqual([summary.id]);

    // The one recording a report or consult shows, without the list or the samples; another patient's is not found.
    expect(await call(d, 'ecg', 'summary', { patientId: p.id, ecgId: summary.id })).toEqual(signed);
    const other = await call(d, 'patients', 'register', { name: '钱其他', noIdReason: 'unknown', birthDate: '1970-01-01', sex: 'F' });
    if (other.status !== 'created') throw new Error('registration failed');
    await expect(call(d, 'ecg', 'summary', { patientId: other.patient.id, ecgId: summary.id })).rejects.toMatchObject({ code: 'NOT_FOUND' });
  });

  it("keeps an SCP-ECG cart's own measurements and statements with the record and serves them beside ours", async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const p = await patient(station);
    const synthetic = synthesizeEcg({ seed: 5, durationS: 10, sampleRateHz: 500, heartRateBpm: 70 });
    const lead = (name: string) => synthetic.leads.find((l) => l.name === name)!.microvolts;
    const bytes = writeScp({
      nanovoltsPerUnit: 5000,
      sampleIntervalUs: 2000,
      differenceOrder: 0,
      coding: 'default-huffman',
      // SCP lead codes 1 = I, 2 = II; values in 5 µV units.
      leads: [
        { code: 1, values: Array.from(lead('I'), (v) => Math.round(v / 5)) },
        { code: 2, values: Array.from(lead('II'), (v) => Math.round(v / 5)) },
      ],
      extraSections: [
        {
          id: 7,
          body: section7({
            averageRrMs: 857,
            blocks: [{ pOnset: 100, pOffset: 200, qrsOnset: 260, qrsOffset: 350, tOffset: 650, pAxis: 50, qrsAxis: 45, tAxis: 40 }],
          }),
        },
        { id: 8, body: section8(0, [new TextEncoder().encode('Sinus rhythm'), new TextEncoder().encode('Normal ECG')]) },
      ],
    });
    const file = path.join(station.dataDir, 'cart.scp');
    writeFileSync(file, bytes);
    const summary = await call(d, 'ecg', 'importFile', { patientId: p.id, file: station.services.files.register(file, 'ecg').handle });
    const expected = {
      vendor: 'scp-ecg',
      measurements: { heartRateBpm: 70, prMs: 160, qrsMs: 90, qtMs: 390, pAxisDeg: 50, qrsAxisDeg: 45, tAxisDeg: 40, pDurationMs: 100 },
      statements: ['Sinus rhythm', 'Normal ECG'],
      confirmed: false,
    };
    expect(summary.cart).toEqual(expected);
    // Read back from the store, not only from the import's answer.
    expect((await call(d, 'ecg', 'list', { patientId: p.id }))[0].cart).toEqual(expected);
  });

  it('a file that is no ECG is refused with ECG_FORMAT and its reason; nothing is stored', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const p = await patient(station);
    const file = path.join(station.dataDir, 'notes.txt');
    writeFileSync(file, 'hello, not an ECG');
    const err = (await call(d, 'ecg', 'importFile', { patientId: p.id, file: station.services.files.register(file, 'ecg').handle }).catch(
      (e) => e,
    )) as ApiError;
    expect(err.code).toBe('ECG_FORMAT');
    expect(err.details?.reason).toBe('UNKNOWN_FORMAT');
    expect(await call(d, 'ecg', 'list', { patientId: p.id })).toEqual([]);
  });

  it('streams the demo device as events and captures the last seconds into the chart', async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const p = await patient(station);
    const blocks: number[] = [];
    station.services.events.subscribe((name, payload) => {
      if (name === 'ecgBlock') blocks.push((payload as { seq: number }).seq);
    });
    const [device] = await call(d, 'ecg', 'devices', {});
    expect(device.kind).toBe('simulator');
    await expect(call(d, 'ecg', 'capture', { patientId: p.id, deviceId: device.id, seconds: 5 })).rejects.toMatchObject({
      details: { reason: 'ECG_NOT_ENOUGH_SIGNAL' },
    });
    await call(d, 'ecg', 'startLive', { deviceId: device.id });
    await new Promise((r) => setTimeout(r, 5600));
    const captured = await call(d, 'ecg', 'capture', { patientId: p.id, deviceId: device.id, seconds: 5 });
    expect(captured).toMatchObject({ source: 'device', sampleRateHz: 500, sampleCount: 2500 });
    expect(captured.leadNames).toHaveLength(12);
    expect(blocks.length).toBeGreaterThan(100);
    // Consecutive: no block dropped between the driver and the event hub.
    expect(blocks.every((s, i) => i === 0 || s === blocks[i - 1] + 1)).toBe(true);
    await call(d, 'ecg', 'stopLive', { deviceId: device.id });
  });
});

describe('a file that names another patient', () => {
  it("is refused with ECG_PATIENT_MISMATCH and the file's identity, nothing stored; attached once the clinician confirms", async () => {
    station = await openTestStation({ withAdmin: true });
    const d = station.services.dispatch;
    const p = await patient(station);
    const synthetic = synthesizeEcg({ seed: 5, durationS: 10, sampleRateHz: 500, heartRateBpm: 70 });
    const other = path.join(station.dataDir, 'other.xml');
    writeFileSync(other, writeAecg({ format: 'hl7-aecg', sampleRateHz: 500, leads: synthetic.leads, patient: { name: '王五', id: 'OP-778' } }));
    // The refusal keeps the file's handle: the confirmation uses the same one, no second dialog.
    const otherFile = station.services.files.register(other, 'ecg').handle;
    await expect(call(d, 'ecg', 'importFile', { patientId: p.id, file: otherFile })).rejects.toMatchObject({
      code: 'CONFLICT',
      details: { reason: 'ECG_PATIENT_MISMATCH', fileName: '王五', fileId: 'OP-778', mismatches: 'name,id' },
    });
    expect(await call(d, 'ecg', 'list', { patientId: p.id })).toHaveLength(0);
    const confirmed = await call(d, 'ecg', 'importFile', { patientId: p.id, file: otherFile, confirmPatient: true, outpatientNumber: ' MZ-0042 ' });
    expect(confirmed.patientId).toBe(p.id);
    // The outpatient number (migration 0025) is kept trimmed for the report header.
    expect(confirmed.outpatientNumber).toBe('MZ-0042');

    // The same patient under the pinyin a cart stores, and no identity at all: attached without asking.
    const same = path.join(station.dataDir, 'same.xml');
    writeFileSync(same, writeAecg({ format: 'hl7-aecg', sampleRateHz: 500, leads: synthetic.leads, patient: { name: 'LIU^XINDIAN' } }));
    await expect(
      call(d, 'ecg', 'importFile', { patientId: p.id, file: station!.services.files.register(same, 'ecg').handle, outpatientNumber: '  ' }),
    ).resolves.toMatchObject({ patientId: p.id, outpatientNumber: null });
  }, 30_000);
});
