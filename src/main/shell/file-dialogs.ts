import path from 'node:path';
import type { FilePurpose } from '../../shared/api/files';
import type { FileDialogs } from '../files/file-handles';

/** The Electron calls this needs, as parameters (only main.ts imports Electron). */
export type ShowOpenDialog = (options: {
  title: string;
  properties: ('openFile' | 'dontAddToRecent')[];
  filters: { name: string; extensions: string[] }[];
}) => Promise<{ canceled: boolean; filePaths: string[] }>;

/** What each purpose may open; the dialog lists these first (every reader also checks the content itself). */
export const OPEN_FILTERS: Record<FilePurpose, { title: string; filters: { name: string; extensions: string[] }[] }> = {
  ecg: {
    title: '选择心电图文件 / Choose an ECG file',
    filters: [
      { name: '心电图 ECG (aECG, SCP, DICOM, EDF, WFDB, MUSE, Philips)', extensions: ['xml', 'scp', 'dcm', 'edf', 'hea', 'dat'] },
      { name: '* ', extensions: ['*'] },
    ],
  },
  backup: {
    title: '选择备份文件 / Choose a backup',
    filters: [
      { name: '备份 Backup', extensions: ['twsbak', 'bak'] },
      { name: '* ', extensions: ['*'] },
    ],
  },
  certificate: { title: '选择 CA 证书 / Choose a CA certificate', filters: [{ name: 'PEM', extensions: ['pem', 'crt', 'cer'] }] },
  pkcs12: { title: '选择客户端证书 / Choose a client certificate', filters: [{ name: 'PKCS#12', extensions: ['p12', 'pfx'] }] },
};

/**
 * Main's open dialog. A UNC path (\\host\share) is refused even when picked: opening it makes Windows try an SMB
 * login that sends the user's NTLM hash to that host.
 */
export function electronFileDialogs(show: ShowOpenDialog): FileDialogs {
  return {
    async open(purpose) {
      const { title, filters } = OPEN_FILTERS[purpose];
      const result = await show({ title, properties: ['openFile', 'dontAddToRecent'], filters });
      const chosen = result.canceled ? undefined : result.filePaths[0];
      if (!chosen || isUncPath(chosen)) return null;
      return chosen;
    },
  };
}

export function isUncPath(p: string): boolean {
  return p.startsWith('\\\\') || p.startsWith('//');
}

/**
 * Downloads the page starts (CSV call lists, aECG and PDF exports are blob: links) go through main's save dialog,
 * starting in Documents under the page's file name; anything that is not our own blob or data URL is cancelled.
 */
export function downloadDecision(
  url: string,
  allowedOrigins: readonly string[],
  fileName: string,
  documentsDir: string,
): { allow: false } | { allow: true; defaultPath: string } {
  const ours = url.startsWith('data:') || allowedOrigins.some((origin) => url.startsWith(`blob:${origin}/`));
  if (!ours) return { allow: false };
  return { allow: true, defaultPath: path.join(documentsDir, path.basename(fileName) || 'export') };
}
