import { z } from 'zod';
import { method } from './define';

/**
 * 公卫 export: the year's follow-ups as the national form's CSV, and every national document (WS/T 483 / WS/T 500)
 * of the year's records written to a folder, for centers whose county platform takes files.
 */

const staff = ['admin', 'doctor', 'nurse'] as const;
const year = z.number().int().min(2000).max(2100);

export const exportReportSchema = z.object({
  out: z.string(),
  written: z.number().int(),
  byType: z.record(z.string(), z.number().int()),
  /** Whether the CDA R2 schema was available to check each document (else only the required elements were). */
  schemaChecked: z.boolean(),
  /** Documents not written because they failed a check, with the problems found. */
  refused: z.array(z.object({ file: z.string(), problems: z.array(z.string()) })),
  ok: z.boolean(),
});
export type ExportReport = z.infer<typeof exportReportSchema>;

export const interopContract = {
  followUpCsv: method({
    input: z.object({ year }),
    output: z.object({ fileName: z.string(), content: z.string(), rows: z.number().int() }),
    access: staff,
    audit: 'export',
  }),
  /** Writes `<type>-<record id>.xml` files into `folder` (main writes them; the form names the folder). */
  exportDocuments: method({
    input: z.object({ year, folder: z.string().trim().min(1).max(4096) }),
    output: exportReportSchema,
    access: staff,
    audit: 'export',
  }),
};
