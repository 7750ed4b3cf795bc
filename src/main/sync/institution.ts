import type { Coding, Meta, Organization, Reference, Resource } from '@medplum/fhirtypes';
import { settingsSchema } from '../../shared/api/system';
import { INSTITUTION_CODE_SYSTEM, institutionOrganizationId, institutionTagQuery } from '../../shared/institution';
import type { Sqlite } from '../db/open';
import { settings } from '../db/schema';
import { eq } from 'drizzle-orm';
import { drizzleOf } from './drizzle-of';
import { prepared } from './pulled/store';
import type { ResourceWithId } from './outbox';

/**
 * Who the station is, on the wire (issue 10 item 1). Every resource leaves the station through stampInstitution —
 * at enqueue and again when the outbox hands it to the engine, so entries queued before the code was set, or under
 * an older code, go out under the current one. It adds the one `meta.tag` every type can be searched by
 * (`_tag=urn:oid:2.16.156.10011.1.5|<code>`) and names the institution in the element FHIR gives each type for it.
 */

export interface StationInstitution {
  code: string;
  name: string;
}

const STATION_SETTINGS = settingsSchema.pick({ facilityName: true, institutionCode: true }).partial();

/** The institution from the station settings; null until its code is set. */
export function stationInstitution(sqlite: Sqlite): StationInstitution | null {
  const db = drizzleOf(sqlite);
  // Read at every enqueue and every batch handed to the engine: prepared once per connection.
  const row = prepared(db, 'institution.station', () => db.select({ value: settings.value }).from(settings).where(eq(settings.key, 'station')).prepare()).get();
  if (!row) return null;
  const parsed = STATION_SETTINGS.safeParse(JSON.parse(row.value));
  const code = parsed.success ? parsed.data.institutionCode : undefined;
  if (!parsed.success || !code) return null;
  return { code, name: parsed.data.facilityName ?? '' };
}

export function organizationReference(institution: StationInstitution): Reference<Organization> {
  return {
    reference: `Organization/${institutionOrganizationId(institution.code)}`,
    identifier: { system: INSTITUTION_CODE_SYSTEM, value: institution.code },
    ...(institution.name ? { display: institution.name } : {}),
  };
}

/** The station's own Organization, queued before anything that references it. */
export function organizationResource(institution: StationInstitution): Organization & ResourceWithId {
  return stampInstitution(
    {
      resourceType: 'Organization',
      id: institutionOrganizationId(institution.code),
      active: true,
      identifier: [{ use: 'official', system: INSTITUTION_CODE_SYSTEM, value: institution.code }],
      // 卫生院 are "prov" (healthcare provider) in FHIR's organization-type code system.
      type: [{ coding: [{ system: 'http://terminology.hl7.org/CodeSystem/organization-type', code: 'prov', display: 'Healthcare Provider' }] }],
      ...(institution.name ? { name: institution.name } : {}),
    },
    institution,
  );
}

function withTag(meta: Meta | undefined, code: string): Meta {
  const others = (meta?.tag ?? []).filter((tag) => tag.system !== INSTITUTION_CODE_SYSTEM);
  return { ...meta, tag: [...others, { system: INSTITUTION_CODE_SYSTEM, code }] };
}

/** Replaces our earlier institution reference (an older code) or adds one; references to others stay. */
function ownReference<T extends Reference>(existing: T[] | undefined, ours: T): T[] {
  const others = (existing ?? []).filter((ref) => !(ref.identifier?.system === INSTITUTION_CODE_SYSTEM || ref.reference?.startsWith('Organization/org-')));
  return [...others, ours];
}

function ownSingle<T extends Reference>(existing: T | undefined, ours: T): T {
  if (!existing || existing.identifier?.system === INSTITUTION_CODE_SYSTEM || existing.reference?.startsWith('Organization/org-')) return ours;
  return existing;
}

/**
 * The resource as it is sent: the institution tag, and the institution in the type's standard place. Without a
 * code (not set yet) the resource is returned unchanged; setting the code re-queues everything (back-fill).
 * Types whose standard elements cannot name an Organization (Condition, Appointment, QuestionnaireResponse's
 * subject side) carry the tag only.
 */
export function stampInstitution<T extends Resource>(resource: T, institution: StationInstitution | null): T {
  if (!institution) return resource;
  const ref = organizationReference(institution);
  const stamped = { ...resource, meta: withTag(resource.meta, institution.code) } as Resource;
  switch (stamped.resourceType) {
    case 'Patient':
      stamped.managingOrganization = ownSingle(stamped.managingOrganization, ref);
      break;
    case 'Encounter':
      stamped.serviceProvider = ownSingle(stamped.serviceProvider, ref);
      break;
    case 'Observation':
    case 'DiagnosticReport':
      stamped.performer = ownReference(stamped.performer, ref);
      break;
    case 'EpisodeOfCare':
      stamped.managingOrganization = ownSingle(stamped.managingOrganization, ref);
      break;
    case 'CarePlan':
      stamped.author = ownSingle(stamped.author, ref);
      break;
    case 'ServiceRequest':
      stamped.requester = ownSingle(stamped.requester, ref);
      break;
    case 'Task':
      // The center asks (requester); the owner is whoever is to act (the county for a consult, the receiving
      // hospital for a referral), which the feature sets.
      stamped.requester = ownSingle(stamped.requester, ref);
      break;
    case 'QuestionnaireResponse':
      stamped.author = ownSingle(stamped.author, ref);
      break;
    case 'DocumentReference':
      stamped.custodian = ownSingle(stamped.custodian, ref);
      break;
    default:
      break;
  }
  return stamped as T;
}

/** The station's institution code, for pull scope; null while unset (then nothing is pulled by institution). */
export function stationInstitutionCode(sqlite: Sqlite): string | null {
  return stationInstitution(sqlite)?.code ?? null;
}

export function institutionTag(code: string): Coding {
  return { system: INSTITUTION_CODE_SYSTEM, code };
}

/**
 * The resource with the institution's meta.tag (once): what lets the center's other stations select it with
 * `_tag=<system>|<code>`. Other tags are kept; a tag of another institution is replaced (a record has one owner).
 * stampInstitution does this and names the institution in the type's element; this is the tag alone.
 */
export function withInstitutionTag<T extends Resource>(resource: T, code: string): T {
  return { ...resource, meta: withTag(resource.meta, code) };
}

/** The search parameters that scope a pull to the institution's own records. */
export function institutionScope(code: string): Record<string, string> {
  return { _tag: institutionTagQuery(code) };
}

/** True when the resource carries another institution's tag (or none): it is not this center's record. */
export function isForeign(resource: Resource, code: string): boolean {
  return !(resource.meta?.tag ?? []).some((tag) => tag.system === INSTITUTION_CODE_SYSTEM && tag.code === code);
}
