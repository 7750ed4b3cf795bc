import type { DiagnosticReport } from '@medplum/fhirtypes';
import { ConsultService, type ConsultServiceDeps } from '../../src/main/consult/consult-service';
import type { TestStation } from './test-services';

/** The county's signed answer to one of our consults, as a pull brings it (version 1, final). */
export function countyReport(consultId: string, p: { id: string; interpreter: string; conclusion: string } & Partial<DiagnosticReport>): DiagnosticReport {
  const { id, interpreter, conclusion, ...rest } = p;
  return {
    resourceType: 'DiagnosticReport',
    id,
    meta: { versionId: '1' },
    status: 'final',
    code: { text: '会诊意见' },
    basedOn: [{ reference: `ServiceRequest/${consultId}` }],
    issued: '2026-03-03T08:00:00.000Z',
    resultsInterpreter: [{ display: interpreter }],
    conclusion,
    ...rest,
  };
}

/** A consult service over the station's real services, with the outbox and the PDF renderer the test chooses. */
export function consultServiceOf(station: TestStation, deps: Pick<ConsultServiceDeps, 'enqueue' | 'renderPdf'>): ConsultService {
  const { services } = station;
  return new ConsultService({
    sqlite: () => services.store.current.sqlite,
    clock: station.clock,
    session: services.session,
    patients: services.patients,
    clinic: services.clinic,
    ecg: services.ecg,
    audit: (event) => services.audit.append(event),
    ...deps,
  });
}
