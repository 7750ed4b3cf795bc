import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { BINARY_CONTENT_TYPE, encodeFrame, hasTypedArrays, streamFrame } from '../../../src/shared/api/binary';
import { ManualClock } from '../../../src/main/clock';
import { defaultMigrationsFolder } from '../../../src/main/db/open';
import { createServices, type Services } from '../../../src/main/services';
import { createChromiumPdf } from '../pdf/chromium-pdf';
import { createHarnessAccess } from './access';

/**
 * The loopback test harness (ARCHITECTURE §2): the same services and dispatcher as Electron main, carried over
 * HTTP on 127.0.0.1, serving the built renderer. Playwright drives Debian Chromium against it; the renderer cannot
 * tell it from the Electron transport. Who may call it is decided in access.ts (host, origin, one-time launch code
 * turned into an HttpOnly cookie).
 */
export interface HarnessOptions {
  dataDir: string;
  /** Administrator passphrase for the store (the harness has no OS keystore). Omit to test the unlock screen. */
  passphrase?: string;
  rendererDir?: string;
  port?: number;
  /**
   * Tests only: a manual clock and the /__test/ routes that move it (idle lock and lockout without real waiting).
   * `npm run harness` runs on the real clock with no such routes.
   */
  testControls?: boolean;
}

export interface Harness {
  url: string;
  /** For in-process test code only (x-harness-token); never put in a page. */
  token: string;
  /** A URL that opens the app in a new browser (a one-time launch code, exchanged for the session cookie). */
  launchUrl(path?: string): string;
  services: Services;
  clock: ManualClock;
  close(): Promise<void>;
}

const MIME: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.ttf': 'font/ttf',
  '.otf': 'font/otf',
};

export const DEFAULT_RENDERER_DIR = path.resolve(__dirname, '../../../.vite/renderer/main_window');
const MAX_BODY = 32 * 1024 * 1024;

function readBody(req: http.IncomingMessage): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > MAX_BODY) {
        reject(new Error('body too large'));
        req.destroy();
      } else chunks.push(c);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

export async function startHarness(opts: HarnessOptions): Promise<Harness> {
  mkdirSync(opts.dataDir, { recursive: true });
  // Real time until a test moves it; only a harness started for tests has the routes that move it.
  const clock = new ManualClock();
  const manualClock = opts.testControls ? clock : null;
  let launchUrl: (pagePath?: string) => string = () => {
    throw new Error('the harness is not listening yet');
  };
  // The harness's PDFs come from its own renderer in headless Chromium, as the app's come from Electron; that
  // browser gets its session like any other, through a one-time launch link.
  const pdf = createChromiumPdf((route) => `${launchUrl('/')}#${route}`);
  const services = createServices({
    dataDir: opts.dataDir,
    migrationsFolder: defaultMigrationsFolder(),
    clock,
    appVersion: '0.1.0-harness',
    online: () => true,
    renderPdf: (route, options) => pdf.render(route, options),
  });
  if (opts.passphrase) await services.store.openWithPassphrase(opts.passphrase);
  const rendererDir = opts.rendererDir ?? DEFAULT_RENDERER_DIR;
  let port = 0;
  const access = createHarnessAccess(() => port);

  const server = http.createServer(async (req, res) => {
    try {
      // DNS rebinding: a page on another name that resolves here sends its own Host; answer it nothing.
      if (!access.hostAllowed(req) || !access.originAllowed(req)) {
        res.writeHead(403, { 'content-type': 'text/plain; charset=utf-8' }).end('forbidden');
        return;
      }
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      const launchCode = url.searchParams.get('launch');
      if (launchCode !== null) {
        const cookie = access.redeem(launchCode);
        url.searchParams.delete('launch');
        res.writeHead(cookie ? 303 : 403, {
          ...(cookie ? { 'set-cookie': cookie, location: `${url.pathname}${url.search}` } : {}),
          'cache-control': 'no-store',
        });
        res.end();
        return;
      }
      if (url.pathname === '/events') {
        // A long response of length-prefixed binary frames ({ name, payload }), so sample blocks stay Float32Arrays.
        if (req.method !== 'POST' || !access.authenticated(req)) {
          res.writeHead(403).end();
          return;
        }
        res.writeHead(200, { 'content-type': BINARY_CONTENT_TYPE, 'cache-control': 'no-store', connection: 'keep-alive' });
        res.flushHeaders();
        const off = services.events.subscribe((name, payload) => res.write(streamFrame(encodeFrame({ name, payload }))));
        req.on('close', off);
        res.on('close', off);
        return;
      }
      if (url.pathname.startsWith('/api/') || url.pathname.startsWith('/__test/')) {
        if (req.method !== 'POST' || !access.authenticated(req)) {
          res.writeHead(403).end();
          return;
        }
        const body = await readBody(req);
        let input: unknown;
        try {
          input = body ? JSON.parse(body) : {};
        } catch {
          input = Symbol('malformed');
        }
        if (url.pathname.startsWith('/__test/')) {
          const result = manualClock ? testControl(url.pathname.slice('/__test/'.length), input, manualClock) : null;
          res.writeHead(result ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(result ?? {}));
          return;
        }
        const result = await services.dispatch(decodeURIComponent(url.pathname.slice('/api/'.length)), typeof input === 'symbol' ? undefined : input);
        if (hasTypedArrays(result)) res.writeHead(200, { 'content-type': BINARY_CONTENT_TYPE, 'cache-control': 'no-store' }).end(encodeFrame(result));
        else res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(result));
        return;
      }
      serveStatic(url.pathname, rendererDir, access.authenticated(req), res);
    } catch (err) {
      console.error('[harness]', err);
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}`;
  launchUrl = (pagePath = '/') => {
    const target = new URL(pagePath, url);
    target.searchParams.set('launch', access.mintLaunchCode());
    return target.toString();
  };
  return {
    url,
    token: access.token,
    launchUrl: (pagePath) => launchUrl(pagePath),
    services,
    clock,
    close: () =>
      new Promise<void>((resolve) => {
        services.stopConsultWatch();
        server.closeAllConnections();
        server.close(() => {
          void Promise.all([services.ecg.close(), pdf.close()]).finally(() => {
            services.store.close();
            resolve();
          });
        });
      }),
  };
}

/** Test-only controls the app does not have: moving the clock (idle lock and lockout without real waiting). */
function testControl(name: string, input: unknown, clock: ManualClock): object | null {
  if (name === 'advance-clock') {
    const ms = Number((input as { ms?: unknown })?.ms);
    if (!Number.isFinite(ms) || ms < 0) return { ok: false };
    clock.advance(ms);
    return { ok: true, now: clock.now().toISOString() };
  }
  return null;
}

/** What a browser without the session gets instead of the app (it could not call anything anyway). */
const NOT_LAUNCHED_PAGE = `<!doctype html><html lang="zh-CN"><meta charset="utf-8"><title>乡镇卫生院工作站</title>
<p>请用启动工作站时终端里显示的链接打开。</p><p>Open the workstation with the link printed when it started.</p></html>`;

function serveStatic(pathname: string, root: string, signedIn: boolean, res: http.ServerResponse): void {
  if (!existsSync(path.join(root, 'index.html'))) {
    res.writeHead(503, { 'content-type': 'text/plain' }).end('renderer not built: run `npm run build:renderer`');
    return;
  }
  let file = path.normalize(path.join(root, decodeURIComponent(pathname)));
  if (!file.startsWith(path.normalize(root))) {
    res.writeHead(404).end();
    return;
  }
  // Client-side routes fall back to index.html.
  if (!existsSync(file) || statSync(file).isDirectory()) file = path.join(root, 'index.html');
  if (file.endsWith('index.html') && !signedIn) {
    res.writeHead(401, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(NOT_LAUNCHED_PAGE);
    return;
  }
  const ext = path.extname(file);
  const body = readFileSync(file);
  res.writeHead(200, { 'content-type': MIME[ext] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
}
