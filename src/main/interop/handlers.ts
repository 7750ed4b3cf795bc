import path from 'node:path';
import { ApiError } from '../../shared/api/errors';
import type { HandlerDeps, Handlers } from '../api/handler-deps';
import { exportDocuments } from './export';
import { followUpYearCsv } from './follow-up-csv';

/** The interop namespace: 公卫 file export (the sync side of national documents lives in the sync feature). */
export function interopHandlers(s: Pick<HandlerDeps, 'store' | 'sync'>): Handlers<'interop'> {
  return {
    interop: {
      followUpCsv: ({ year }) => followUpYearCsv(s.store.current.db, year),
      exportDocuments: async ({ year, folder }) => {
        if (!path.isAbsolute(folder))
          throw new ApiError('VALIDATION', 'the export folder must be an absolute path', { field: 'folder', reason: 'EXPORT_FOLDER_NOT_ABSOLUTE' });
        const schemaDir = s.sync.documentSchemaDir();
        return exportDocuments(s.store.current.db, folder, schemaDir ?? undefined, { from: `${year}-01-01`, to: `${year + 1}-01-01` });
      },
    },
  };
}
