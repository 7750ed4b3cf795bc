import type { Resource } from '@medplum/fhirtypes';

/**
 * Did every local record reach the server exactly once? Counted two ways, because a duplicate can hide
 * from either: by id (a record on the server under its own id, once) and by content (the same record
 * resent under a different id would show up twice by content).
 */
export interface DeliveryReport {
  /** Local records whose latest content is not on the server under their id. */
  lost: string[];
  /** Local records whose content appears more than once on the server, or whose id appears twice. */
  duplicated: string[];
  /** Server resources of the same types that no local record accounts for. */
  unexpected: string[];
}

export function contentKey(resource: Resource): string {
  const { meta: _meta, ...rest } = resource;
  return canonical(rest);
}

export function deliveryReport(local: readonly Resource[], server: readonly Resource[]): DeliveryReport {
  const serverById = new Map<string, Resource[]>();
  const serverByContent = new Map<string, number>();
  for (const resource of server) {
    const id = `${resource.resourceType}/${resource.id ?? ''}`;
    serverById.set(id, [...(serverById.get(id) ?? []), resource]);
    const content = contentKey(resource);
    serverByContent.set(content, (serverByContent.get(content) ?? 0) + 1);
  }
  const report: DeliveryReport = { lost: [], duplicated: [], unexpected: [] };
  const localIds = new Set<string>();
  for (const resource of local) {
    const id = `${resource.resourceType}/${resource.id ?? ''}`;
    localIds.add(id);
    const sameId = serverById.get(id) ?? [];
    const content = contentKey(resource);
    if (!sameId.some((candidate) => contentKey(candidate) === content)) report.lost.push(id);
    if (sameId.length > 1 || (serverByContent.get(content) ?? 0) > 1) report.duplicated.push(id);
  }
  for (const id of serverById.keys()) if (!localIds.has(id)) report.unexpected.push(id);
  return report;
}

function canonical(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record)
      .filter((key) => record[key] !== undefined)
      .sort();
    return `{${keys.map((key) => `${JSON.stringify(key)}:${canonical(record[key])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}
