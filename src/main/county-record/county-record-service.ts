import type { Bundle, Patient as FhirPatient, Resource } from '@medplum/fhirtypes';
import { ApiError } from '../../shared/api/errors';
import type { CountyRecordItem, CountyRecordView } from '../../shared/api/county-record';
import type { SyncTargetConfig } from '../../shared/sync';
import type { Caller } from '../api/dispatcher';
import type { Clock } from '../clock';
import type { Db } from '../db/open';
import type { PatientService } from '../patients/patient-service';
import { classifyHttpStatus, SyncError } from '../sync/errors';
import type { FhirHttpClient } from '../sync/http';
import { SYSTEMS } from '../sync/mapping/codes';
import { compareCountyItems, COUNTY_RECORD_TYPES, countyRecordItem, type OwnRecords } from './county-fhir';
import { queuedByThisStation, readCountyRecord, replaceCountyRecord } from './repository';

export interface CountyRecordServiceDeps {
  db: () => Db;
  clock: Clock;
  patients: PatientService;
  /** The county target's settings when it is configured and enabled (SyncService.targetConfig). */
  countyTarget: () => SyncTargetConfig | undefined;
  http: FhirHttpClient;
  /** This station's institution code (settings), when known: records tagged with it are the center's own. */
  institutionCode: () => string | null;
}

/** Results per search page, and pages followed per resource type: a whole life of county care fits well inside. */
const PAGE_SIZE = 200;
const MAX_PAGES = 20;

/**
 * 调阅县域档案 on demand: by resident ID, over the same mutual-TLS client and settings as sync, the patient's
 * records on the county platform that other institutions wrote; cached read-only (replaced whole per fetch).
 * Audited by the dispatcher as a read of this patient (both the cached view and the fetch).
 */
export class CountyRecordService {
  constructor(private readonly deps: CountyRecordServiceDeps) {}

  cached(patientId: string): CountyRecordView {
    this.deps.patients.get(patientId);
    return this.view(patientId, null);
  }

  async fetch(patientId: string, caller: Caller | null): Promise<CountyRecordView> {
    if (!caller) throw new ApiError('UNAUTHENTICATED', 'sign in first');
    const patient = this.deps.patients.get(patientId);
    if (!patient.idNumber) {
      throw new ApiError('VALIDATION', 'the county record is found by resident ID; this patient has none', { reason: 'COUNTY_RECORD_NO_RESIDENT_ID' });
    }
    const target = this.deps.countyTarget();
    if (!target) {
      if (this.hasCache(patientId)) return this.view(patientId, null);
      throw new ApiError('VALIDATION', 'the county platform is not configured on this station', { reason: 'COUNTY_RECORD_NOT_CONFIGURED' });
    }
    let resources: Resource[];
    try {
      resources = await this.download(target, patient.idNumber);
    } catch (error) {
      if (!(error instanceof SyncError)) throw error;
      // Offline or refused: the cache stands, marked with what went wrong; without a cache there is nothing to show.
      if (this.hasCache(patientId)) return this.view(patientId, { code: error.code });
      throw new ApiError('VALIDATION', `the county platform did not answer: ${error.message}`, { reason: 'COUNTY_RECORD_UNREACHABLE', code: error.code });
    }
    const db = this.deps.db();
    const own: OwnRecords = {
      has: (typeAndId) => {
        const [type, id] = typeAndId.split('/');
        return queuedByThisStation(db, type ?? '', id ?? '');
      },
      institutionCode: this.deps.institutionCode(),
    };
    const items = new Map<string, CountyRecordItem & { resource: string }>();
    for (const resource of resources) {
      const item = countyRecordItem(resource, own);
      if (item) items.set(`${item.resourceType}/${item.resourceId}`, { ...item, resource: JSON.stringify(resource) });
    }
    replaceCountyRecord(db, {
      patientId,
      residentId: patient.idNumber,
      sourceUrl: target.baseUrl,
      fetchedAt: this.deps.clock.now().toISOString(),
      fetchedBy: caller.id,
      fetchedByName: caller.displayName,
      items: [...items.values()],
    });
    return this.view(patientId, null);
  }

  private hasCache(patientId: string): boolean {
    return readCountyRecord(this.deps.db(), patientId).fetch !== undefined;
  }

  private view(patientId: string, refreshError: CountyRecordView['refreshError']): CountyRecordView {
    const { fetch, items } = readCountyRecord(this.deps.db(), patientId);
    return {
      patientId,
      fetchedAt: fetch?.fetchedAt ?? null,
      fetchedByName: fetch?.fetchedByName ?? null,
      items: items.sort(compareCountyItems),
      refreshError,
    };
  }

  /**
   * Every Patient the platform holds under this resident ID (the county hospital registers the person under its
   * own id), then each record type by subject. Throws SyncError for anything but a readable answer.
   */
  private async download(target: SyncTargetConfig, residentId: string): Promise<Resource[]> {
    const people = await this.search<FhirPatient>(
      target,
      `Patient?identifier=${encodeURIComponent(`${SYSTEMS.residentId}|${residentId}`)}&_count=${PAGE_SIZE}`,
    );
    const subjects = people.filter((person) => person.id).map((person) => `Patient/${person.id}`);
    if (subjects.length === 0) return [];
    const subject = encodeURIComponent(subjects.join(','));
    const found: Resource[] = [];
    for (const type of COUNTY_RECORD_TYPES) {
      found.push(...(await this.search(target, `${type}?subject=${subject}&_count=${PAGE_SIZE}`)));
    }
    return found;
  }

  private async search<T extends Resource>(target: SyncTargetConfig, firstPath: string): Promise<T[]> {
    const found: T[] = [];
    let path: string | undefined = firstPath;
    for (let page = 0; path !== undefined && page < MAX_PAGES; page++) {
      const response = await this.deps.http.send(target, { method: 'GET', path });
      const code = classifyHttpStatus(response.status, response.body);
      if (code) throw new SyncError(code, `GET ${path.split('?')[0]} answered ${response.status}`, { status: response.status });
      const bundle = response.body as Bundle<T> | undefined;
      if (bundle?.resourceType !== 'Bundle') throw new SyncError('VALIDATION_FAILED', `GET ${path.split('?')[0]} did not answer with a Bundle`);
      for (const entry of bundle.entry ?? []) {
        if (entry.resource && (entry.search?.mode ?? 'match') === 'match') found.push(entry.resource);
      }
      path = relativeNext(target.baseUrl, bundle.link?.find((link) => link.relation === 'next')?.url);
    }
    return found;
  }
}

/** A `next` link on the same platform, relative to its base; links elsewhere are not followed (same trust anchor only). */
export function relativeNext(baseUrl: string, next: string | undefined): string | undefined {
  if (!next) return undefined;
  const base = baseUrl.endsWith('/') ? baseUrl : `${baseUrl}/`;
  return next.startsWith(base) ? next.slice(base.length) : undefined;
}
