import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { cartReportSchema, type CartReport, type EcgSummary } from '../../shared/api/ecg';
import { ApiError } from '../../shared/api/errors';
import type { EcgMeasurements, EcgRecord } from '../../shared/ecg';
import type { Clock } from '../clock';
import type { Sqlite } from '../db/open';
import { recordChange } from '../sync/outbox-writer';
import type { EventHub } from '../events/event-hub';
import type { PatientService } from '../patients/patient-service';
import type { Session } from '../session/session';
import { identityMismatches } from '../../shared/ecg-identity';
import { readCartReport } from './analysis/cart-report';
import { measureEcg } from './analysis/measure';
import { normaliseLeads } from './analysis/record';
import type { EcgDeviceDriver } from './devices/driver';
import { writeAecg } from './formats/aecg-writer';
import { EcgFormatError } from './formats/errors';
import { decodeEcgFileInWorker } from './decode-in-worker';
import { LiveEcgBuffer } from './live-buffer';
import {
  assignEcgRecord,
  ecgSummaryRow,
  ecgSummaryRowsOfPatient,
  insertEcgRecord,
  samplesOf,
  signEcgRecord,
  unassignedEcgSummaryRows,
  type EcgSummaryRow,
} from './repository';

/** The cart's report kept in the row's metadata; a malformed one is left out rather than shown wrong. */
function cartOf(metadata: string): CartReport | undefined {
  if (!metadata) return undefined;
  const parsed = cartReportSchema.safeParse((JSON.parse(metadata) as { cart?: unknown }).cart);
  return parsed.success ? parsed.data : undefined;
}

function toSummary({ metadata, ...r }: EcgSummaryRow): EcgSummary {
  const cart = cartOf(metadata);
  return {
    ...r,
    durationS: r.sampleCount / r.sampleRateHz,
    leadNames: JSON.parse(r.leadNames) as string[],
    measurements: JSON.parse(r.measurements) as EcgSummary['measurements'],
    ...(cart ? { cart } : {}),
  };
}

function ecgFormatToApi(err: unknown): never {
  if (err instanceof EcgFormatError) throw new ApiError('ECG_FORMAT', err.message, { reason: err.code, ...err.details });
  throw err;
}

export class EcgService {
  private readonly buffers = new Map<string, LiveEcgBuffer>();
  private readonly live = new Map<string, () => void>();

  constructor(
    private readonly sqlite: () => Sqlite,
    private readonly clock: Clock,
    private readonly session: Session,
    private readonly patients: PatientService,
    private readonly events: EventHub,
    private readonly devices: Map<string, EcgDeviceDriver>,
  ) {}

  /** Stores a decoded record with its measurements; the one path for files, devices and the export folder. */
  store(
    record: EcgRecord,
    source: EcgSummary['source'],
    sourceName: string,
    patientId: string | null,
    extras: { measured?: EcgMeasurements | null; cart?: CartReport; outpatientNumber?: string } = {},
  ): EcgSummary {
    const { measured, cart, outpatientNumber } = extras;
    if (patientId) this.patients.get(patientId);
    // Standard names for aliases (MLII → II) and standard order, before storing: screens, analysis and exports
    // then all see one naming.
    const leads = normaliseLeads(record).leads;
    const n = leads[0]?.microvolts.length ?? 0;
    if (n === 0) throw new ApiError('ECG_FORMAT', 'the recording holds no samples', { reason: 'NO_SIGNAL' });
    const samples = Buffer.alloc(leads.length * n * 4);
    leads.forEach((lead, l) => Buffer.from(lead.microvolts.buffer, lead.microvolts.byteOffset, n * 4).copy(samples, l * n * 4));
    // File imports arrive measured by the decode worker; device captures are measured here.
    let measurements: EcgMeasurements = measured ?? { beatCount: 0, medianBeatCount: 0 };
    if (measured === undefined) {
      try {
        measurements = measureEcg({ ...record, leads });
      } catch (err) {
        console.error('[ecg] measurement failed', err);
      }
    }
    const id = randomUUID();
    const now = this.clock.now().toISOString();
    const sqlite = this.sqlite();
    sqlite.transaction(() => {
      insertEcgRecord(sqlite, {
        id,
        patientId,
        recordedAt: record.recordedAt ?? now,
        source,
        sourceName,
        format: record.format,
        sampleRateHz: record.sampleRateHz,
        sampleCount: n,
        leadNames: JSON.stringify(leads.map((l) => l.name)),
        samples,
        annotationCount: record.annotations?.length ?? 0,
        measurements: JSON.stringify(measurements),
        // Deviations the reader noted and the cart's own report travel with the recording, for the screen to show.
        metadata: JSON.stringify({ patient: record.patient ?? null, device: record.device ?? null, deviations: record.deviations ?? [], cart: cart ?? null }),
        createdAt: now,
        outpatientNumber: outpatientNumber ?? null,
      });
      if (patientId) recordChange(sqlite, 'ecg', id);
    })();
    return this.summary(id);
  }

  private summary(id: string): EcgSummary {
    const row = ecgSummaryRow(this.sqlite(), id);
    if (!row) throw new ApiError('NOT_FOUND', `no ECG ${id}`);
    return toSummary(row);
  }

  private samples(ecgId: string): Buffer {
    const samples = samplesOf(this.sqlite(), ecgId);
    if (!samples) throw new ApiError('NOT_FOUND', `no ECG ${ecgId}`);
    return samples;
  }

  private owned(patientId: string, ecgId: string): EcgSummary {
    const s = this.summary(ecgId);
    if (s.patientId !== patientId) throw new ApiError('NOT_FOUND', `no ECG ${ecgId} for this patient`);
    return s;
  }

  async importFile(patientId: string, filePath: string, confirmPatient = false, outpatientNumber?: string): Promise<EcgSummary> {
    const patient = this.patients.get(patientId);
    // Decoded and measured in a worker: a large file never blocks main (issue 15.7).
    const { record, measurements } = await decodeEcgFileInWorker(filePath).catch(ecgFormatToApi);
    const mismatches = identityMismatches(record.patient, patient);
    if (mismatches.length > 0 && !confirmPatient) {
      throw new ApiError('CONFLICT', `the file names another patient (${mismatches.join(', ')})`, {
        reason: 'ECG_PATIENT_MISMATCH',
        mismatches: mismatches.join(','),
        fileName: record.patient?.name ?? '',
        fileId: record.patient?.id ?? '',
      });
    }
    // The worker has just read these bytes, so this read comes from the page cache.
    const cart = readCartReport(await readFile(filePath));
    return this.store(record, 'file', path.basename(filePath), patientId, { measured: measurements, cart, outpatientNumber });
  }

  list(patientId: string): EcgSummary[] {
    return ecgSummaryRowsOfPatient(this.sqlite(), patientId).map(toSummary);
  }

  /** One of the patient's recordings; another patient's (or no) ECG is NOT_FOUND, as for the samples. */
  summaryOf(patientId: string, ecgId: string): EcgSummary {
    return this.owned(patientId, ecgId);
  }

  unassigned(): EcgSummary[] {
    return unassignedEcgSummaryRows(this.sqlite()).map(toSummary);
  }

  assign(patientId: string, ecgId: string): EcgSummary {
    this.patients.get(patientId);
    const s = this.summary(ecgId);
    if (s.patientId) throw new ApiError('CONFLICT', 'this ECG already belongs to a patient');
    const sqlite = this.sqlite();
    sqlite.transaction(() => {
      assignEcgRecord(sqlite, ecgId, patientId);
      recordChange(sqlite, 'ecg', ecgId);
    })();
    return this.summary(ecgId);
  }

  /** A window of samples as typed arrays (copies: the row's buffer belongs to the statement). */
  get(patientId: string, ecgId: string, fromSample: number, count: number) {
    const summary = this.owned(patientId, ecgId);
    const samples = this.samples(ecgId);
    const n = summary.sampleCount;
    const from = Math.min(fromSample, n);
    const to = Math.min(n, from + count);
    const all = new Float32Array(samples.buffer, samples.byteOffset, samples.byteLength / 4);
    const leads = summary.leadNames.map((name, l) => ({
      name,
      microvolts: all.slice(l * n + from, l * n + to),
    }));
    return { summary, fromSample: from, leads };
  }

  recordOf(patientId: string, ecgId: string): EcgRecord {
    const summary = this.owned(patientId, ecgId);
    const samples = this.samples(ecgId);
    const n = summary.sampleCount;
    const copy = new Float32Array(samples.byteLength / 4);
    copy.set(new Float32Array(samples.buffer, samples.byteOffset, samples.byteLength / 4));
    return {
      format: summary.format as EcgRecord['format'],
      sampleRateHz: summary.sampleRateHz,
      recordedAt: summary.recordedAt,
      leads: summary.leadNames.map((name, l) => ({ name, microvolts: copy.subarray(l * n, (l + 1) * n) })),
    };
  }

  interpret(patientId: string, ecgId: string, interpretation: string): EcgSummary {
    this.owned(patientId, ecgId);
    const user = this.session.user;
    if (!user) throw new ApiError('UNAUTHENTICATED', 'sign in first');
    const sqlite = this.sqlite();
    sqlite.transaction(() => {
      signEcgRecord(sqlite, ecgId, { interpretation, interpretedBy: user.displayName, signedAt: this.clock.now().toISOString() });
      recordChange(sqlite, 'ecgReport', ecgId);
    })();
    return this.summary(ecgId);
  }

  exportAecg(patientId: string, ecgId: string): { fileName: string; xml: string } {
    const patient = this.patients.get(patientId);
    const record = this.recordOf(patientId, ecgId);
    record.patient = { id: patient.idNumber ?? patient.id, name: patient.name, sex: patient.sex, birthDate: patient.birthDate };
    return { fileName: `ecg-${ecgId}.xml`, xml: writeAecg(record) };
  }

  // Live devices

  deviceList() {
    return [...this.devices.values()].map((d) => this.deviceInfo(d));
  }

  private deviceInfo(d: EcgDeviceDriver) {
    return { id: d.id, kind: d.kind, label: d.label, state: d.status.state, lostSamples: d.status.lostSamples, live: this.live.has(d.id) };
  }

  private device(deviceId: string): EcgDeviceDriver {
    const d = this.devices.get(deviceId);
    if (!d) throw new ApiError('NOT_FOUND', `no ECG device ${deviceId}`);
    return d;
  }

  async startLive(deviceId: string) {
    const d = this.device(deviceId);
    if (!this.live.has(deviceId)) {
      const buffer = new LiveEcgBuffer();
      this.buffers.set(deviceId, buffer);
      const offBlock = d.onBlock((block) => {
        buffer.push(block);
        this.events.publish('ecgBlock', {
          deviceId: block.deviceId,
          seq: block.seq,
          sampleRateHz: block.sampleRateHz,
          leadNames: block.leadNames,
          firstSampleIndex: block.firstSampleIndex,
          samples: block.samples.map((s) => Float32Array.from(s)),
          receivedAt: block.receivedAt,
        });
      });
      const offStatus = d.onStatus((st) =>
        this.events.publish('ecgStatus', {
          deviceId,
          state: st.state,
          lostSamples: st.lostSamples,
          corruptFrames: st.corruptFrames,
          reconnects: st.reconnects,
          latencyMs: st.latencyMs,
        }),
      );
      this.live.set(deviceId, () => {
        offBlock();
        offStatus();
      });
      await d.start();
    }
    return this.deviceInfo(d);
  }

  async stopLive(deviceId: string) {
    const d = this.device(deviceId);
    this.live.get(deviceId)?.();
    this.live.delete(deviceId);
    await d.stop();
    return this.deviceInfo(d);
  }

  capture(patientId: string, deviceId: string, seconds: number, outpatientNumber?: string): EcgSummary {
    const d = this.device(deviceId);
    const buffer = this.buffers.get(deviceId);
    const last = buffer?.last(seconds);
    if (!last || buffer!.seconds < seconds) {
      throw new ApiError('CONFLICT', `need ${seconds} s of live signal before capturing; have ${Math.floor(buffer?.seconds ?? 0)} s`, {
        reason: 'ECG_NOT_ENOUGH_SIGNAL',
        seconds,
      });
    }
    return this.store(
      { format: 'device', sampleRateHz: last.sampleRateHz, leads: last.leads, recordedAt: this.clock.now().toISOString(), device: { model: d.label } },
      'device',
      d.label,
      patientId,
      { outpatientNumber },
    );
  }

  async close(): Promise<void> {
    for (const id of [...this.live.keys()]) await this.stopLive(id).catch(() => {});
  }
}
