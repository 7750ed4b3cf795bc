import type { DocumentReference } from '@medplum/fhirtypes';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { call } from '../../../src/main/api/dispatcher';
import { synthesizeEcg } from '../../../src/main/ecg/devices/synthetic-ecg';
import { writeAecg } from '../../../src/main/ecg/formats/aecg-writer';
import type { RenderPdf } from '../../../src/main/pdf/render-pdf';
import type { ResourceWithId } from '../../../src/main/sync/outbox';
import { ApiError } from '../../../src/shared/api/errors';
import { makeResidentId } from '../../../src/shared/resident-id';
import { consultServiceOf } from '../../support/consult';
import { openTestStation, type TestStation } from '../../support/test-services';

/**
 * How a consult uses the PDF renderer: the ECG report route is rendered A4 landscape and goes as a second
 * DocumentReference; a renderer failure does not hold the consult back; a PDF too large for a FHIR string is
 * refused before anything is saved. (The real renderers are exercised by the consult e2e and the shell tests.)
 */

let station: TestStation | undefined;
afterEach(async () => {
  await station?.services.ecg.close();
  station?.dispose();
  station = undefined;
});

async function consultWith(renderPdf: RenderPdf) {
  station = await openTestStation({ withAdmin: true });
  const { services } = station;
  const d = services.dispatch;
  const registered = await call(d, 'patients', 'register', { name: '吴心电', idNumber: makeResidentId('130321', '1959-09-09', 61) });
  if (registered.status !== 'created') throw new Error('setup');
  const synthetic = synthesizeEcg({ seed: 3, durationS: 10, sampleRateHz: 500, heartRateBpm: 70 });
  const file = path.join(station.dataDir, 'cart.xml');
  writeFileSync(file, writeAecg({ format: 'hl7-aecg', sampleRateHz: synthetic.sampleRateHz, leads: synthetic.leads }));
  const ecg = await call(d, 'ecg', 'importFile', { patientId: registered.patient.id, file: services.files.register(file, 'ecg').handle });
  const queued: ResourceWithId[] = [];
  const consults = consultServiceOf(station, {
    enqueue: (_sqlite, items) => {
      queued.push(...items.map((item) => item.resource));
      return items.length;
    },
    renderPdf,
  });
  const input = {
    patientId: registered.patient.id,
    question: '请判读',
    urgency: 'urgent' as const,
    targetInstitution: '县人民医院',
    specialty: 'cardiology' as const,
    ecgIds: [ecg.id],
  };
  return { consults, input, queued, ecgId: ecg.id, patientId: registered.patient.id };
}

describe('consult report PDF', () => {
  it('renders the ECG report route A4 landscape and sends it beside the aECG', async () => {
    const calls: [string, unknown][] = [];
    const pdf = Buffer.from('%PDF-1.7\n% report\n%%EOF\n', 'latin1');
    const { consults, input, queued, ecgId, patientId } = await consultWith(async (route, options) => {
      calls.push([route, options]);
      return pdf;
    });
    const consult = await consults.create(input);
    expect(calls).toEqual([[`/print/ecg/${patientId}/${ecgId}`, { pageSize: 'A4', landscape: true }]]);
    expect(consult.reportPdfs).toBe(1);
    const documents = queued.filter((resource): resource is ResourceWithId & DocumentReference => resource.resourceType === 'DocumentReference');
    expect(documents.map((document) => document.content[0].attachment.contentType).sort()).toEqual(['application/hl7-v3+xml', 'application/pdf']);
    const sent = documents.find((document) => document.content[0].attachment.contentType === 'application/pdf')!;
    expect(Buffer.from(sent.content[0].attachment.data!, 'base64')).toEqual(pdf);
    expect(sent.context?.related).toEqual([{ reference: `ServiceRequest/${consult.id}` }]);
  });

  it('goes with the aECG alone when the renderer fails', async () => {
    const logged = vi.spyOn(console, 'error').mockImplementation(() => undefined);
    const { consults, input, queued } = await consultWith(async () => {
      throw new Error('chromium crashed');
    });
    const consult = await consults.create(input);
    expect(consult).toMatchObject({ status: 'requested', reportPdfs: 0 });
    expect(queued.filter((resource) => resource.resourceType === 'DocumentReference')).toHaveLength(1);
    expect(logged).toHaveBeenCalled();
    logged.mockRestore();
  });

  it('refuses a PDF too large for a FHIR string, saving nothing', async () => {
    const { consults, input, queued, patientId } = await consultWith(async () => Buffer.concat([Buffer.from('%PDF-1.7\n'), Buffer.alloc(800 * 1024)]));
    const refusal = await consults.create(input).catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(ApiError);
    expect((refusal as ApiError).details?.reason).toBe('ECG_TOO_LARGE');
    expect(queued).toEqual([]);
    expect(consults.list(patientId)).toEqual([]);
  });
});
