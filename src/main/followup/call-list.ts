/**
 * The call list as CSV (RFC 4180: CRLF rows, fields with a comma, quote or line break quoted, quotes doubled),
 * prefixed with the UTF-8 byte-order mark: without it Excel on a Chinese Windows PC reads the file as GBK and the
 * names come out garbled.
 */

import type { ReminderRow } from '../../shared/api/followup';

export const UTF8_BOM = '\uFEFF';

const HEADERS = {
  'zh-CN': ['姓名', '电话', '村', '原因', '应随访日期'],
  en: ['Name', 'Phone', 'Village', 'Reason', 'Due date'],
} as const;

export type CsvLocale = keyof typeof HEADERS;

/**
 * A cell Excel would run as a formula (=, +, -, @, or a leading tab/CR) is prefixed with an apostrophe, the OWASP
 * advice against CSV injection: names and reasons are typed by people, and the file is opened by others.
 */
export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return /[",\r\n]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

export function csvLine(cells: readonly string[]): string {
  return cells.map(csvCell).join(',');
}

export function callListCsv(rows: readonly ReminderRow[], locale: CsvLocale): string {
  const lines = [csvLine(HEADERS[locale])];
  for (const row of rows) {
    const reason = locale === 'en' ? row.reason.en : row.reason.zh;
    lines.push(csvLine([row.name, row.phone ?? '', row.village ?? '', reason, row.dueDate ?? '']));
  }
  return `${UTF8_BOM}${lines.join('\r\n')}\r\n`;
}
