import path from 'node:path';

/** (#18) The packaged renderer is served from app://workstation, not file://. */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://workstation`;

/** Percent-decoded path, or null when the escapes are malformed (decodeURIComponent would throw in the handler). */
function decodedPath(pathname: string): string | null {
  try {
    return decodeURIComponent(pathname);
  } catch {
    return null;
  }
}

/** Maps an app:// URL to a file inside the renderer folder; null for anything outside it (path traversal). */
export function resolveAppUrl(url: string, rendererRoot: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (`${parsed.protocol}//${parsed.host}` !== APP_ORIGIN) return null;
  // Node's URL leaves the path of a non-special scheme empty for the bare origin; Electron would send "/".
  const rel = decodedPath(parsed.pathname === '/' || parsed.pathname === '' ? '/index.html' : parsed.pathname);
  // A NUL would reach the file system as a truncated or invalid path.
  if (rel === null || rel.includes('\0')) return null;
  const file = path.normalize(path.join(rendererRoot, rel));
  return file.startsWith(path.normalize(rendererRoot + path.sep)) ? file : null;
}
