/**
 * Electron security checklist, as code the shell applies and tests check with vi.mock('electron').
 * https://www.electronjs.org/docs/latest/tutorial/security — items referenced as (#n).
 */
import type { BrowserWindowConstructorOptions, Session, WebContents } from 'electron';
import { originOf } from './origin';

/** (#7) Our own code only: no remote scripts, no inline scripts, no eval; styles allow inline for React style props. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self' data:",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
  "frame-src 'none'",
  "worker-src 'self' blob:",
].join('; ');

/**
 * (#2 #3 #4 #6 #8 #9 #10) `packaged`: a clinic's installed app has no DevTools at all (a console in a signed-in window
 * reads every patient the window can); development under `npm start` keeps them.
 */
export function secureWindowOptions(preloadPath: string, opts: { packaged: boolean }): BrowserWindowConstructorOptions {
  return {
    width: 1366,
    height: 860,
    minWidth: 1024,
    minHeight: 700,
    show: false,
    backgroundColor: '#f5f7fa',
    webPreferences: {
      preload: preloadPath,
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
      nodeIntegrationInWorker: false,
      nodeIntegrationInSubFrames: false,
      webSecurity: true,
      allowRunningInsecureContent: false,
      experimentalFeatures: false,
      webviewTag: false,
      spellcheck: false,
      safeDialogs: true,
      navigateOnDragDrop: false,
      // Middle-click would otherwise ask for a new window; the open handler denies it anyway (belt and braces).
      disableBlinkFeatures: 'Auxclick',
      devTools: !opts.packaged,
    },
  };
}

/** (#5) deny every permission request and check; (#7) CSP header on every response; (#1) refuse non-local requests. */
/**
 * Only under `npm start` (Vite dev server): React Fast Refresh injects an inline module script and Vite's client
 * talks over a websocket to the dev server. Never used by a packaged app.
 */
export function devContentSecurityPolicy(devOrigin: string): string {
  const ws = devOrigin.replace(/^http/, 'ws');
  return CONTENT_SECURITY_POLICY.replace("script-src 'self'", "script-src 'self' 'unsafe-inline'").replace("connect-src 'self'", `connect-src 'self' ${ws}`);
}

export function hardenSession(session: Session, allowedOrigins: readonly string[], csp: string = CONTENT_SECURITY_POLICY): void {
  session.setPermissionRequestHandler((_wc, _permission, callback) => callback(false));
  session.setPermissionCheckHandler(() => false);
  session.webRequest.onHeadersReceived((details, callback) => {
    callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [csp] } });
  });
  session.webRequest.onBeforeRequest((details, callback) => {
    callback({ cancel: !isAllowedUrl(details.url, allowedOrigins) });
  });
}

/** Our own origins and in-page data/blob URLs; nothing from the network (no remote content). */
export function isAllowedUrl(url: string, allowedOrigins: readonly string[]): boolean {
  if (url.startsWith('data:') || url.startsWith('blob:') || url.startsWith('devtools:')) return true;
  return isOwnOrigin(url, allowedOrigins);
}

/** A page of our own: the app's origin exactly. Navigation needs this; data:, blob: and devtools: pages are not ours. */
export function isOwnOrigin(url: string, allowedOrigins: readonly string[]): boolean {
  const origin = originOf(url);
  return origin !== null && allowedOrigins.includes(origin);
}

/**
 * Switches that open the app to a debugger from outside: Chromium's DevTools protocol server (any local process, or
 * with --remote-debugging-address any host, could then read the page and drive it) and V8's inspector. The fuses
 * already turn off Node's --inspect; Chromium's switches are not covered by a fuse, so a packaged app refuses to
 * start with any of them.
 */
export const DEBUGGING_SWITCHES = [
  'remote-debugging-port',
  'remote-debugging-pipe',
  'remote-debugging-address',
  'remote-allow-origins',
  'inspect',
  'inspect-brk',
  'inspect-port',
  'js-flags',
] as const;

/** The debugging switches present in a command line (`--name` or `--name=value`, Chromium also accepts one dash). */
export function debuggingSwitchesIn(argv: readonly string[]): string[] {
  const found = new Set<string>();
  for (const arg of argv) {
    const match = /^--?([a-z-]+)(?:=.*)?$/i.exec(arg);
    const name = match?.[1]?.toLowerCase();
    if (name && (DEBUGGING_SWITCHES as readonly string[]).includes(name)) found.add(name);
  }
  return [...found];
}

/** (#11 #12 #13 #14 #15) no navigation away, no new windows, no webviews; packaged: DevTools closed if ever opened. */
export function hardenWebContents(contents: WebContents, allowedOrigins: readonly string[], opts: { packaged: boolean } = { packaged: true }): void {
  if (opts.packaged) contents.on('devtools-opened', () => contents.closeDevTools());
  // A data: or blob: document would run outside our CSP and origin checks, so only our own origin may be navigated to.
  contents.on('will-navigate', (event, url) => {
    if (!isOwnOrigin(url, allowedOrigins)) event.preventDefault();
  });
  contents.on('will-redirect', (event, url) => {
    if (!isOwnOrigin(url, allowedOrigins)) event.preventDefault();
  });
  contents.on('will-attach-webview', (event) => event.preventDefault());
  contents.setWindowOpenHandler(() => ({ action: 'deny' }));
}
