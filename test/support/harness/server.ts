import { randomBytes } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, statSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import path from 'node:path';
import { BINARY_CONTENT_TYPE, encodeFrame, hasTypedArrays, streamFrame } from '../../../src/shared/api/binary';
import { ManualClock } from '../../../src/main/clock';
import { defaultMigrationsFolder } from '../../../src/main/db/open';
import { createServices, type Services } from '../../../src/main/services';

/**
 * The loopback test harness (ARCHITECTURE §2): the same services and dispatcher as Electron main, carried over
 * HTTP on 127.0.0.1 and guarded by a random token, serving the built renderer. Playwright drives Debian Chromium
 * against it; the renderer cannot tell it from the Electron transport.
 */
export interface HarnessOptions {
  dataDir: string;
  /** Administrator passphrase for the store (the harness has no OS keystore). Omit to test the unlock screen. */
  passphrase?: string;
  rendererDir?: string;
  port?: number;
}

export interface Harness {
  url: string;
  token: string;
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
  const clock = new ManualClock();
  const services = createServices({ dataDir: opts.dataDir, migrationsFolder: defaultMigrationsFolder(), clock, appVersion: '0.1.0-harness', online: () => true });
  if (opts.passphrase) await services.store.openWithPassphrase(opts.passphrase);
  const token = randomBytes(24).toString('hex');
  const rendererDir = opts.rendererDir ?? DEFAULT_RENDERER_DIR;

  const server = http.createServer(async (req, res) => {
    try {
      const url = new URL(req.url ?? '/', 'http://127.0.0.1');
      if (url.pathname === '/events') {
        // A long response of length-prefixed binary frames ({ name, payload }), so sample blocks stay Float32Arrays.
        if (req.method !== 'POST' || req.headers['x-harness-token'] !== token) {
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
        if (req.method !== 'POST' || req.headers['x-harness-token'] !== token) {
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
          const result = testControl(url.pathname.slice('/__test/'.length), input, clock);
          res.writeHead(result ? 200 : 404, { 'content-type': 'application/json' }).end(JSON.stringify(result ?? {}));
          return;
        }
        const result = await services.dispatch(decodeURIComponent(url.pathname.slice('/api/'.length)), typeof input === 'symbol' ? undefined : input);
        if (hasTypedArrays(result)) res.writeHead(200, { 'content-type': BINARY_CONTENT_TYPE, 'cache-control': 'no-store' }).end(encodeFrame(result));
        else res.writeHead(200, { 'content-type': 'application/json', 'cache-control': 'no-store' }).end(JSON.stringify(result));
        return;
      }
      serveStatic(url.pathname, rendererDir, token, res);
    } catch (err) {
      console.error('[harness]', err);
      if (!res.headersSent) res.writeHead(500).end();
    }
  });
  await new Promise<void>((resolve) => server.listen(opts.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    token,
    services,
    clock,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => {
          void services.ecg.close().finally(() => {
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

function serveStatic(pathname: string, root: string, token: string, res: http.ServerResponse): void {
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
  const ext = path.extname(file);
  let body: Buffer | string = readFileSync(file);
  if (file.endsWith('index.html')) {
    body = body.toString('utf8').replace('<meta name="api-token" content="" />', `<meta name="api-token" content="${token}" />`);
  }
  res.writeHead(200, { 'content-type': MIME[ext] ?? 'application/octet-stream', 'cache-control': 'no-store' }).end(body);
}
