/**
 * Electron's security checklist (https://www.electronjs.org/docs/latest/tutorial/security), item by item where the
 * shell covers it, proven by calling the handlers the shell registers the way Electron would.
 */
import fc from 'fast-check';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { makeSenderCheck, registerIpc, type InvokeEventLike } from '../../../src/main/api/ipc';
import { APP_ORIGIN, APP_SCHEME, resolveAppUrl } from '../../../src/main/shell/app-protocol';
import {
  CONTENT_SECURITY_POLICY,
  debuggingSwitchesIn,
  hardenSession,
  hardenWebContents,
  isAllowedUrl,
  secureWindowOptions,
} from '../../../src/main/shell/security';
import { contractEntries, IPC_PREFIX } from '../../../src/shared/api/contract';
import type { ApiResult } from '../../../src/shared/api/errors';
import { memoryKeystore } from '../../support/test-services';
import { createFakeElectron, FakeSession, FakeWebContents, type FakeElectron } from './electron-fakes';

// The fake `electron` module main.ts imports: getters, so each launch below can install a fresh fake.
const installed = vi.hoisted(() => ({ fake: undefined as undefined | { electron: Record<string, unknown> } }));
vi.mock('electron', () => {
  const part = (name: string) => {
    if (!installed.fake) throw new Error('test bug: no fake electron installed');
    return installed.fake.electron[name];
  };
  return {
    get app() {
      return part('app');
    },
    get BrowserWindow() {
      return part('BrowserWindow');
    },
    get Menu() {
      return part('Menu');
    },
    get dialog() {
      return part('dialog');
    },
    get ipcMain() {
      return part('ipcMain');
    },
    get net() {
      return part('net');
    },
    get protocol() {
      return part('protocol');
    },
    get safeStorage() {
      return part('safeStorage');
    },
    get session() {
      return part('session');
    },
    get utilityProcess() {
      return part('utilityProcess');
    },
  };
});

const PACKAGED = [APP_ORIGIN];
const CHANNELS = contractEntries()
  .map((e) => `${IPC_PREFIX}${e.channel}`)
  .sort();

/** Permissions a page can ask Chromium for; every one must be refused. */
const PERMISSIONS = [
  'media',
  'geolocation',
  'notifications',
  'midi',
  'midiSysex',
  'pointerLock',
  'fullscreen',
  'openExternal',
  'clipboard-read',
  'clipboard-sanitized-write',
  'display-capture',
  'mediaKeySystem',
  'idle-detection',
  'window-management',
  'unknown',
  'fileSystem',
  'hid',
  'serial',
  'usb',
  'storage-access',
];

const REMOTE_URLS = [
  'https://example.com/',
  'http://example.com/script.js',
  'http://192.168.1.10/fhir/Patient',
  'https://county.example.cn:8443/fhir',
  'http://localhost:5173/src/main.tsx', // the dev server, when the app is packaged
  'ws://localhost:5173/',
  'file:///etc/passwd',
  'app://other-host/index.html',
  'app://workstation.evil.example/index.html',
  'app://workstation:8080/index.html',
  'ftp://example.com/file',
  'chrome://settings',
  'not a url',
];

describe('(#2 #3 #4 #6 #8 #9 #10) window options', () => {
  const options = secureWindowOptions('/app/.vite/build/preload.js', { packaged: true });
  const prefs = options.webPreferences!;

  it('have no DevTools when packaged, and keep them for development', () => {
    expect(prefs.devTools).toBe(false);
    expect(secureWindowOptions('/p.js', { packaged: false }).webPreferences!.devTools).toBe(true);
  });

  it('isolate the page: context isolation, sandbox, no Node in page, workers or frames', () => {
    expect(prefs.contextIsolation).toBe(true);
    expect(prefs.sandbox).toBe(true);
    expect(prefs.nodeIntegration).toBe(false);
    expect(prefs.nodeIntegrationInWorker).toBe(false);
    expect(prefs.nodeIntegrationInSubFrames).toBe(false);
  });

  it('keep web security on, refuse insecure content, and turn off experimental features and <webview>', () => {
    expect(prefs.webSecurity).toBe(true);
    expect(prefs.allowRunningInsecureContent).toBe(false);
    expect(prefs.experimentalFeatures).toBe(false);
    expect(prefs.enableBlinkFeatures).toBeUndefined();
    expect(prefs.webviewTag).toBe(false);
    expect(prefs.navigateOnDragDrop).toBe(false);
    expect(prefs.disableBlinkFeatures).toContain('Auxclick');
  });

  it('load only the bundled preload', () => {
    expect(prefs.preload).toBe('/app/.vite/build/preload.js');
    expect(Object.keys(prefs)).not.toContain('additionalArguments');
  });
});

describe('(#5 #7 #1) the session', () => {
  const session = new FakeSession();
  hardenSession(session as never, PACKAGED);

  it('denies every permission request and every permission check', async () => {
    for (const permission of PERMISSIONS) {
      expect(await session.requestPermission(permission), permission).toBe(false);
      expect(session.checkPermission(permission), permission).toBe(false);
    }
  });

  it('adds our Content-Security-Policy to every response, keeping the other headers', () => {
    const headers = session.responseHeadersFor(`${APP_ORIGIN}/index.html`, { 'Content-Type': ['text/html'] });
    expect(headers?.['Content-Type']).toEqual(['text/html']);
    expect(headers?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
  });

  it('the policy allows our own scripts only: no inline, no eval, no remote, no plugins, no framing', () => {
    const directives = new Map(
      CONTENT_SECURITY_POLICY.split(';')
        .map((d) => d.trim().split(/\s+/))
        .map(([name, ...values]) => [name, values]),
    );
    expect(directives.get('default-src')).toEqual(["'self'"]);
    expect(directives.get('script-src')).toEqual(["'self'"]);
    expect(directives.get('connect-src')).toEqual(["'self'"]);
    expect(directives.get('object-src')).toEqual(["'none'"]);
    expect(directives.get('frame-ancestors')).toEqual(["'none'"]);
    expect(directives.get('base-uri')).toEqual(["'none'"]);
    for (const values of directives.values()) {
      expect(values).not.toContain("'unsafe-eval'");
      expect(values.some((v) => /^(https?:|\*)/.test(v))).toBe(false);
    }
  });

  it('lets our own pages and in-page data through', () => {
    for (const url of [
      `${APP_ORIGIN}/index.html`,
      `${APP_ORIGIN}/assets/index-abc.js`,
      'data:image/png;base64,AAAA',
      `blob:${APP_ORIGIN}/5b1c`,
      'devtools://devtools/bundled/inspector.html',
    ]) {
      expect(session.allowsRequest(url), url).toBe(true);
    }
  });

  it('cancels every request to anywhere else (no remote content)', () => {
    for (const url of REMOTE_URLS) expect(session.allowsRequest(url), url).toBe(false);
  });

  it('cancels any web URL at all when packaged (property)', () => {
    fc.assert(fc.property(fc.webUrl({ withQueryParameters: true, withFragments: true }), (url) => !session.allowsRequest(url)));
  });
});

describe('(#11 #12 #13 #14) web contents', () => {
  const contents = new FakeWebContents(1);
  hardenWebContents(contents as never, PACKAGED);

  it('stays on our origin: navigation and redirects elsewhere are prevented', () => {
    expect(contents.navigate(`${APP_ORIGIN}/index.html#/patients`)).toBe(true);
    expect(contents.redirect(`${APP_ORIGIN}/index.html`)).toBe(true);
    for (const url of [...REMOTE_URLS, 'data:text/html,<script>alert(1)</script>', `blob:${APP_ORIGIN}/5b1c`, 'javascript:alert(1)']) {
      expect(contents.navigate(url), url).toBe(false);
      expect(contents.redirect(url), url).toBe(false);
    }
  });

  it('refuses navigation to any web URL (property)', () => {
    fc.assert(fc.property(fc.webUrl(), (url) => !contents.navigate(url) && !contents.redirect(url)));
  });

  it('opens no new windows, not even for our own pages', () => {
    for (const url of [`${APP_ORIGIN}/index.html`, 'https://example.com/', 'about:blank']) expect(contents.openWindow(url), url).toBe('deny');
  });

  it('never attaches a <webview>', () => {
    expect(contents.attachWebview()).toBe(false);
  });

  it('closes DevTools at once if they are opened anyway (packaged); development leaves them open', () => {
    contents.openDevTools();
    expect(contents.devToolsOpen).toBe(false);
    const dev = new FakeWebContents(2);
    hardenWebContents(dev as never, PACKAGED, { packaged: false });
    dev.openDevTools();
    expect(dev.devToolsOpen).toBe(true);
  });
});

describe('debugging switches (refused when packaged)', () => {
  it('finds Chromium and V8 debugging switches in any spelling Chromium accepts', () => {
    expect(debuggingSwitchesIn(['/opt/app/workstation', '--remote-debugging-port=9222'])).toEqual(['remote-debugging-port']);
    expect(debuggingSwitchesIn(['app', '-remote-debugging-port=0', '--inspect-brk', '--js-flags=--allow-natives-syntax'])).toEqual([
      'remote-debugging-port',
      'inspect-brk',
      'js-flags',
    ]);
    expect(debuggingSwitchesIn(['app', '--remote-debugging-pipe', '--REMOTE-DEBUGGING-ADDRESS=0.0.0.0'])).toEqual([
      'remote-debugging-pipe',
      'remote-debugging-address',
    ]);
  });

  it('leaves ordinary switches and file arguments alone', () => {
    expect(debuggingSwitchesIn(['app', '--lang=zh-CN', '--squirrel-firstrun', 'C:\\ecg\\remote-debugging-port.scp', '--no-sandbox-x'])).toEqual([]);
  });
});

describe('(#18) app:// serves the renderer folder and nothing outside it', () => {
  const root = path.join(path.sep, 'opt', 'tws', 'renderer', 'main_window');

  it('maps our pages into the renderer folder, the bare origin to index.html', () => {
    expect(resolveAppUrl(`${APP_ORIGIN}/`, root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppUrl(APP_ORIGIN, root)).toBe(path.join(root, 'index.html'));
    expect(resolveAppUrl(`${APP_ORIGIN}/assets/index-abc.js?v=1#x`, root)).toBe(path.join(root, 'assets', 'index-abc.js'));
    expect(resolveAppUrl(`${APP_ORIGIN}/fonts/%E6%80%9D%E6%BA%90.woff2`, root)).toBe(path.join(root, 'fonts', '思源.woff2'));
  });

  it('refuses path traversal, encoded or not, and other hosts', () => {
    for (const url of [
      `${APP_ORIGIN}/..%2F..%2F..%2Fetc%2Fpasswd`,
      `${APP_ORIGIN}/assets/..%2F..%2Fmain_window2%2Fx.js`,
      `${APP_ORIGIN}/%2e%2e%2f%2e%2e%2fsecret`,
      `${APP_ORIGIN}/%2F..%2F..%2Fkey.json`,
      'app://other/index.html',
      'file:///opt/tws/renderer/main_window/index.html',
      'https://workstation/index.html',
      `${APP_ORIGIN}/%E0%A4%A`, // malformed escape
      `${APP_ORIGIN}/index.html%00.png`,
      'app://',
    ]) {
      expect(resolveAppUrl(url, root), url).toBeNull();
    }
  });

  it('never resolves outside the folder, whatever the path (property)', () => {
    const segment = fc.constantFrom('..', '.', '%2e%2e', '%2E%2E', '..%2F..', '%2F', '%5C..', 'a', 'assets', 'index.html', '%00', '..%5C..', '');
    fc.assert(
      fc.property(fc.array(segment, { maxLength: 8 }), (segments) => {
        const file = resolveAppUrl(`${APP_ORIGIN}/${segments.join('/')}`, root);
        return file === null || file.startsWith(root + path.sep);
      }),
    );
  });
});

describe('(#17 IPC) the sender of every call is checked before the services see it', () => {
  const OUR_WINDOW = 7;
  function recorded(allowedOrigins = PACKAGED) {
    const handlers = new Map<string, (event: InvokeEventLike, ...args: unknown[]) => Promise<unknown>>();
    const dispatched: string[] = [];
    registerIpc(
      { handle: (channel, listener) => void handlers.set(channel, listener) },
      async (channel) => {
        dispatched.push(channel);
        return { ok: true, value: null };
      },
      makeSenderCheck({ webContentsId: () => OUR_WINDOW, allowedOrigins }),
    );
    return { handlers, dispatched };
  }
  const ours: InvokeEventLike = { sender: { id: OUR_WINDOW }, senderFrame: { url: `${APP_ORIGIN}/index.html#/clinic` } };
  const foreign: [string, InvokeEventLike][] = [
    ['another webContents', { sender: { id: OUR_WINDOW + 1 }, senderFrame: { url: `${APP_ORIGIN}/index.html` } }],
    [
      'a sub-frame of our window',
      { sender: { id: OUR_WINDOW }, senderFrame: { url: `${APP_ORIGIN}/index.html`, parent: { url: `${APP_ORIGIN}/index.html` } } },
    ],
    ['a foreign origin in our window', { sender: { id: OUR_WINDOW }, senderFrame: { url: 'https://example.com/' } }],
    ['a data: page in our window', { sender: { id: OUR_WINDOW }, senderFrame: { url: 'data:text/html,hi' } }],
    ['a file: page in our window', { sender: { id: OUR_WINDOW }, senderFrame: { url: 'file:///opt/tws/index.html' } }],
    ['a look-alike host', { sender: { id: OUR_WINDOW }, senderFrame: { url: 'app://workstation.example/index.html' } }],
    ['a frame that is gone', { sender: { id: OUR_WINDOW }, senderFrame: null }],
  ];

  it('registers exactly one handler per contract method', () => {
    expect([...recorded().handlers.keys()].sort()).toEqual(CHANNELS);
  });

  it('answers FOREIGN_SENDER to every method from anywhere but our top frame, and never dispatches', async () => {
    const { handlers, dispatched } = recorded();
    for (const [channel, handler] of handlers) {
      for (const [label, event] of foreign) {
        const result = (await handler(event, {})) as ApiResult<unknown>;
        expect(result, `${channel} from ${label}`).toMatchObject({ ok: false, error: { code: 'FOREIGN_SENDER' } });
      }
    }
    expect(dispatched).toEqual([]);
    for (const handler of handlers.values()) await handler(ours, {});
    expect(dispatched.map((c) => `${IPC_PREFIX}${c}`).sort()).toEqual(CHANNELS);
  });

  it('accepts a frame only at exactly our origin (property)', async () => {
    const { handlers, dispatched } = recorded();
    const handler = handlers.get(`${IPC_PREFIX}system.status`)!;
    await fc.assert(
      fc.asyncProperty(
        fc.oneof(
          fc.webUrl(),
          fc.webPath().map((p) => `${APP_ORIGIN}${p}`),
        ),
        async (url) => {
          const before = dispatched.length;
          const result = (await handler({ sender: { id: OUR_WINDOW }, senderFrame: { url } }, {})) as ApiResult<unknown>;
          const ourOrigin = url.startsWith(`${APP_ORIGIN}/`) || url === APP_ORIGIN;
          return ourOrigin ? dispatched.length === before + 1 && result.ok : dispatched.length === before && !result.ok;
        },
      ),
    );
  });
});

// ----- main.ts itself, with electron mocked -----

interface Launch {
  fake: FakeElectron;
  window: FakeElectron['records']['windows'][number];
  call(channel: string, input: unknown, event?: InvokeEventLike): Promise<ApiResult<unknown>>;
  close(): void;
}

const MAIN_DIR = path.resolve(__dirname, '../../../src/main');
const RENDERER_ROOT = path.join(MAIN_DIR, '..', 'renderer', 'main_window');

async function launchMain(fake: FakeElectron, devServerUrl?: string): Promise<Launch> {
  vi.resetModules();
  installed.fake = fake;
  // What Forge's Vite plugin defines: the dev server URL under `electron-forge start`, undefined when packaged.
  vi.stubGlobal('MAIN_WINDOW_VITE_DEV_SERVER_URL', devServerUrl);
  vi.stubGlobal('MAIN_WINDOW_VITE_NAME', 'main_window');
  await import('../../../src/main/main');
  await vi.waitFor(() => {
    if (fake.records.windows[0]?.loadedUrl === undefined && fake.records.exits.length === 0) throw new Error('main has not finished starting');
  });
  const window = fake.records.windows[0];
  const origin = devServerUrl ? new URL(devServerUrl).origin : APP_ORIGIN;
  const ours: InvokeEventLike = { sender: { id: window?.webContents.id ?? -1 }, senderFrame: { url: `${origin}/index.html` } };
  return {
    fake,
    window,
    call: async (channel, input, event = ours) => {
      const handler = fake.records.ipcHandlers.get(`${IPC_PREFIX}${channel}`);
      if (!handler) throw new Error(`no handler for ${channel}`);
      return (await handler(event, input)) as ApiResult<unknown>;
    },
    close: () => window?.events.emit('closed'),
  };
}

describe('main.ts with Electron mocked', () => {
  const dirs: string[] = [];
  const tempDir = () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'tws-main-'));
    dirs.push(dir);
    return dir;
  };
  afterAll(() => {
    for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
  });
  afterEach(() => {
    vi.unstubAllGlobals();
  });

  describe('packaged', () => {
    let launch: Launch;
    const keystore = memoryKeystore('gnome_libsecret');
    let userData: string;
    beforeAll(async () => {
      userData = tempDir();
      const fake = createFakeElectron({ userData, packaged: true });
      fake.electron.safeStorage = keystore;
      launch = await launchMain(fake);
    });
    afterAll(() => launch.close());

    it('registers a handler for every contract channel, and only those', () => {
      expect([...launch.fake.records.ipcHandlers.keys()].sort()).toEqual(CHANNELS);
    });

    it('opens one window with the secure options and the bundled preload beside main.js', () => {
      expect(launch.fake.records.windows).toHaveLength(1);
      expect(launch.window.options).toEqual(secureWindowOptions(path.join(MAIN_DIR, 'preload.js'), { packaged: true }));
      expect((launch.window.options.webPreferences as { devTools?: boolean }).devTools).toBe(false);
    });

    it('removes the default menu (it carries Toggle Developer Tools and Reload)', () => {
      expect(launch.fake.records.applicationMenus).toEqual([null]);
      expect(launch.window.options.webPreferences).toMatchObject({
        contextIsolation: true,
        sandbox: true,
        nodeIntegration: false,
        webSecurity: true,
        webviewTag: false,
      });
    });

    it('loads the renderer from app://workstation, a secure standard scheme without CSP bypass', () => {
      expect(launch.window.loadedUrl).toBe(`${APP_ORIGIN}/index.html`);
      const scheme = launch.fake.records.privilegedSchemes.find((s) => s.scheme === APP_SCHEME);
      expect(scheme?.privileges).toMatchObject({ standard: true, secure: true });
      expect(scheme?.privileges.bypassCSP ?? false).toBe(false);
      expect(launch.window.events.count('ready-to-show')).toBe(1);
    });

    it('serves app:// from the built renderer folder and answers 404 to traversal without touching the disk', async () => {
      const handler = launch.fake.records.protocolHandlers.get(APP_SCHEME)!;
      const fetched = launch.fake.records.fetchedUrls;
      const ok = await handler(new Request(`${APP_ORIGIN}/assets/index.js`));
      expect(ok.status).toBe(200);
      expect(fetched).toEqual([pathToFileURL(path.join(RENDERER_ROOT, 'assets', 'index.js')).toString()]);
      const refused = await handler(new Request(`${APP_ORIGIN}/..%2F..%2Fmain%2Fmain.ts`));
      expect(refused.status).toBe(404);
      expect(fetched).toHaveLength(1);
    });

    it('hardens the default session: permissions denied, CSP added, remote requests cancelled', async () => {
      const session = launch.fake.records.defaultSession;
      expect(await session.requestPermission('media')).toBe(false);
      expect(session.checkPermission('serial')).toBe(false);
      expect(session.responseHeadersFor(`${APP_ORIGIN}/index.html`, {})?.['Content-Security-Policy']).toEqual([CONTENT_SECURITY_POLICY]);
      expect(session.allowsRequest(`${APP_ORIGIN}/assets/index.js`)).toBe(true);
      expect(session.allowsRequest('https://example.com/')).toBe(false);
      expect(session.allowsRequest('http://localhost:5173/')).toBe(false);
    });

    it('exports leave through main’s save dialog in Documents; downloads from elsewhere are cancelled', () => {
      const session = launch.fake.records.defaultSession;
      const ours = session.download(`blob:${APP_ORIGIN}/5f1c`, '随访电话名单.csv');
      expect(ours.cancelled).toBe(false);
      expect(ours.defaultPath).toMatch(/Documents[\\/]随访电话名单\.csv$/);
      expect(session.download('https://example.com/setup.exe', 'setup.exe').cancelled).toBe(true);
    });

    it('hardens every web contents, the window’s own and any created later', () => {
      const later = new FakeWebContents(99);
      launch.fake.records.appEvents.emit('web-contents-created', {}, later);
      for (const contents of [launch.window.webContents, later]) {
        expect(contents.navigate(`${APP_ORIGIN}/index.html#/x`)).toBe(true);
        expect(contents.navigate('https://example.com/')).toBe(false);
        expect(contents.openWindow('https://example.com/')).toBe('deny');
        expect(contents.attachWebview()).toBe(false);
      }
    });

    it('carries calls from its window to the real services, and refuses them from anywhere else', async () => {
      expect(await launch.call('store.status', {})).toEqual({ ok: true, value: { state: 'newNeedsPassphrase', keyProtection: null } });
      const foreign: InvokeEventLike = { sender: { id: launch.window.webContents.id + 1 }, senderFrame: { url: `${APP_ORIGIN}/index.html` } };
      expect(await launch.call('store.unlock', { passphrase: 'a passphrase of ours' }, foreign)).toMatchObject({
        ok: false,
        error: { code: 'FOREIGN_SENDER' },
      });
      expect(await launch.call('store.status', {})).toMatchObject({ ok: true, value: { state: 'newNeedsPassphrase' } });
      // First run: the passphrase creates the encrypted store, and the key is also wrapped with the OS keystore.
      expect(await launch.call('store.unlock', { passphrase: 'a passphrase of ours' })).toEqual({
        ok: true,
        value: { state: 'open', keyProtection: 'safeStorage' },
      });
    });

    it('quits when the window is closed', () => {
      launch.fake.records.appEvents.emit('window-all-closed');
      expect(launch.fake.records.quits()).toBe(1);
    });

    it('a second start opens the store silently through the OS keystore (safeStorage)', async () => {
      launch.close();
      const again = createFakeElectron({ userData });
      again.electron.safeStorage = keystore;
      const second = await launchMain(again);
      try {
        expect(await second.call('store.status', {})).toEqual({ ok: true, value: { state: 'open', keyProtection: 'safeStorage' } });
      } finally {
        second.close();
      }
    });
  });

  describe('under electron-forge start (dev server)', () => {
    const DEV = 'http://localhost:5173';
    let launch: Launch;
    beforeAll(async () => {
      launch = await launchMain(createFakeElectron({ userData: tempDir() }), DEV);
    });
    afterAll(() => launch.close());

    it('loads the dev server and trusts its origin only', async () => {
      expect(launch.window.loadedUrl).toBe(DEV);
      expect(isAllowedUrl(`${DEV}/src/main.tsx`, [DEV])).toBe(true);
      expect(launch.fake.records.defaultSession.allowsRequest(`${DEV}/src/main.tsx`)).toBe(true);
      expect(launch.fake.records.defaultSession.allowsRequest(`${APP_ORIGIN}/index.html`)).toBe(false);
      expect(await launch.call('store.status', {})).toMatchObject({ ok: true });
      const packagedFrame: InvokeEventLike = { sender: { id: launch.window.webContents.id }, senderFrame: { url: `${APP_ORIGIN}/index.html` } };
      expect(await launch.call('store.status', {}, packagedFrame)).toMatchObject({ ok: false, error: { code: 'FOREIGN_SENDER' } });
    });
  });

  it('a packaged app started with a remote-debugging switch refuses to start and opens no window', async () => {
    const argv = process.argv;
    process.argv = [...argv, '--remote-debugging-port=9222'];
    try {
      const fake = createFakeElectron({ userData: tempDir(), packaged: true });
      await launchMain(fake);
      expect(fake.records.exits).toEqual([1]);
      expect(fake.records.errorBoxes[0].content).toContain('--remote-debugging-port');
      expect(fake.records.windows).toHaveLength(0);
      expect(fake.records.ipcHandlers.size).toBe(0);
    } finally {
      process.argv = argv;
    }
  });

  it('the same switch under development is allowed (DevTools are how the app is debugged there)', async () => {
    const argv = process.argv;
    process.argv = [...argv, '--remote-debugging-port=9222'];
    try {
      const launch = await launchMain(createFakeElectron({ userData: tempDir() }), 'http://localhost:5173');
      expect(launch.fake.records.exits).toEqual([]);
      expect(launch.fake.records.applicationMenus).toEqual([]);
      launch.close();
    } finally {
      process.argv = argv;
    }
  });

  it('a start that fails shows the reason and exits with status 1, opening no window', async () => {
    const notADirectory = path.join(tempDir(), 'a-file');
    writeFileSync(notADirectory, 'not a folder');
    const fake = createFakeElectron({ userData: notADirectory });
    const errors = vi.spyOn(console, 'error').mockImplementation(() => {});
    try {
      await launchMain(fake);
      expect(fake.records.exits).toEqual([1]);
      expect(fake.records.errorBoxes).toHaveLength(1);
      expect(fake.records.errorBoxes[0].content).toMatch(/ENOTDIR|not a directory/i);
      expect(fake.records.windows).toHaveLength(0);
    } finally {
      errors.mockRestore();
    }
  });
});
