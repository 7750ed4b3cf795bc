import type { HandlerDeps, Handlers } from '../api/handler-deps';

/** The ecg namespace of the contract, bound to its services. */
export function ecgHandlers(s: Pick<HandlerDeps, 'ecg'>): Handlers<'ecg'> {
  return {
    ecg: {
      devices: () => s.ecg.deviceList(),
      startLive: ({ deviceId }) => s.ecg.startLive(deviceId),
      stopLive: ({ deviceId }) => s.ecg.stopLive(deviceId),
      capture: ({ patientId, deviceId, seconds, outpatientNumber }) => s.ecg.capture(patientId, deviceId, seconds, outpatientNumber),
      importFile: ({ patientId, path, confirmPatient, outpatientNumber }) => s.ecg.importFile(patientId, path, confirmPatient, outpatientNumber),
      list: ({ patientId }) => s.ecg.list(patientId),
      unassigned: () => s.ecg.unassigned(),
      assign: ({ patientId, ecgId }) => s.ecg.assign(patientId, ecgId),
      get: ({ patientId, ecgId, fromSample, count }) => s.ecg.get(patientId, ecgId, fromSample, count),
      interpret: ({ patientId, ecgId, interpretation }) => s.ecg.interpret(patientId, ecgId, interpretation),
      exportAecg: ({ patientId, ecgId }) => s.ecg.exportAecg(patientId, ecgId),
    },
  };
}
