import path from 'node:path';

/** (#18) The packaged renderer is served from app://workstation, not file://. */
export const APP_SCHEME = 'app';
export const APP_ORIGIN = `${APP_SCHEME}://workstation`;

/** Maps an app:// URL to a file inside the renderer folder; null for anything outside it (path traversal). */
export function resolveAppUrl(url: string, rendererRoot: string): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return null;
  }
  if (`${parsed.protocol}//${parsed.host}` !== APP_ORIGIN) return null;
  const rel = decodeURIComponent(parsed.pathname === '/' ? '/index.html' : parsed.pathname);
  const file = path.normalize(path.join(rendererRoot, rel));
  return file.startsWith(path.normalize(rendererRoot + path.sep)) ? file : null;
}
