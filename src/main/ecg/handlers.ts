import { ApiError } from '../../shared/api/errors';
import type { HandlerDeps, Handlers } from '../api/handler-deps';

/** The ecg namespace of the contract, bound to its services. */
export function ecgHandlers(s: Pick<HandlerDeps, 'ecg' | 'files'>): Handlers<'ecg'> {
  return {
    ecg: {
      devices: () => s.ecg.deviceList(),
      startLive: ({ deviceId }) => s.ecg.startLive(deviceId),
      stopLive: ({ deviceId }) => s.ecg.stopLive(deviceId),
      capture: ({ patientId, deviceId, seconds, outpatientNumber }) => s.ecg.capture(patientId, deviceId, seconds, outpatientNumber),
      // A file naming another patient keeps its handle: the clinician confirms (or not) without choosing it again.
      importFile: ({ patientId, file, confirmPatient, outpatientNumber }) =>
        s.files.withFile(file, 'ecg', (filePath) => s.ecg.importFile(patientId, filePath, confirmPatient, outpatientNumber), {
          keepFor: (error) => error instanceof ApiError && error.details?.reason === 'ECG_PATIENT_MISMATCH',
        }),
      list: ({ patientId }) => s.ecg.list(patientId),
      summary: ({ patientId, ecgId }) => s.ecg.summaryOf(patientId, ecgId),
      unassigned: () => s.ecg.unassigned(),
      assign: ({ patientId, ecgId }) => s.ecg.assign(patientId, ecgId),
      get: ({ patientId, ecgId, fromSample, count }) => s.ecg.get(patientId, ecgId, fromSample, count),
      interpret: ({ patientId, ecgId, interpretation }) => s.ecg.interpret(patientId, ecgId, interpretation),
      exportAecg: ({ patientId, ecgId }) => s.ecg.exportAecg(patientId, ecgId),
    },
  };
}
