import type { AuditEntry } from '../../../shared/api/system';
import { api } from '../../api/client';
import { defineResource } from '../../api/resource';

/** Rows per page of the audit log, as the server pages it. */
export const AUDIT_PAGE = 100;

/** The search's filters (the contract's), and how many pages the user has asked for ("更多" adds one). */
export type AuditQuery = Omit<Parameters<typeof api.audit.search>[0], 'limit' | 'beforeId'> & { pages: number };

/** The audit log under a filter, newest first, as many pages as shown (each page continues before the last row). */
export const auditSearchResource = defineResource(
  'audit.search',
  async ({ pages, ...filter }: AuditQuery) => {
    const rows: AuditEntry[] = [];
    for (let page = 0; page < pages; page++) {
      const next = await api.audit.search({ ...filter, limit: AUDIT_PAGE, beforeId: rows.at(-1)?.id });
      rows.push(...next);
      if (next.length < AUDIT_PAGE) break;
    }
    return rows;
  },
  // Every call is audited, so any write anywhere adds rows; the page reloads when searched or reopened instead.
  { after: [] },
);
export const useAuditSearch = auditSearchResource.use;

/** The chain verified now, with the last anchor the county holds (the anchor printout). */
export const auditVerifyResource = defineResource('audit.verify', () => api.audit.verify({}), { after: [] });
export const useAuditVerify = auditVerifyResource.use;
