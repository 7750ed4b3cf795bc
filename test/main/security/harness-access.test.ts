import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startHarness, type Harness } from '../../support/harness/server';

/**
 * Issue 15.6: the loopback harness is a documented way to run the app, so it must refuse DNS-rebinding pages and
 * other local processes, and keep its test controls to tests. Plain node:http so the Host and Origin headers can
 * be whatever an attacker's page would send.
 */
interface Answer {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: string;
}

function request(harness: Harness, opts: { method?: string; path: string; headers?: Record<string, string>; body?: string }): Promise<Answer> {
  const { port } = new URL(harness.url);
  return new Promise((resolve, reject) => {
    const req = http.request(
      { host: '127.0.0.1', port: Number(port), method: opts.method ?? 'GET', path: opts.path, headers: { host: `127.0.0.1:${port}`, ...opts.headers } },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (body += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(opts.body);
  });
}

const post = (harness: Harness, route: string, headers: Record<string, string> = {}, body = '{}') =>
  request(harness, { method: 'POST', path: route, headers: { 'content-type': 'application/json', ...headers }, body });

describe('loopback harness access (issue 15.6)', () => {
  const root = mkdtempSync(path.join(tmpdir(), 'tws-harness-access-'));
  const rendererDir = path.join(root, 'renderer');
  let app: Harness;
  let tests: Harness;
  beforeAll(async () => {
    mkdirSync(rendererDir);
    writeFileSync(path.join(rendererDir, 'index.html'), '<!doctype html><title>app</title><script src="/app.js"></script>');
    writeFileSync(path.join(rendererDir, 'app.js'), 'console.log(1)');
    app = await startHarness({ dataDir: path.join(root, 'app'), passphrase: 'harness-access-passphrase', rendererDir });
    tests = await startHarness({ dataDir: path.join(root, 'tests'), passphrase: 'harness-access-passphrase', rendererDir, testControls: true });
  });
  afterAll(async () => {
    await app.close();
    await tests.close();
    rmSync(root, { recursive: true, force: true });
  });

  it('a plain GET from another process gets no secret and no app page', async () => {
    const page = await request(app, { path: '/' });
    expect(page.status).toBe(401);
    expect(page.body).not.toContain(app.token);
    expect(page.body).toContain('请用启动工作站时终端里显示的链接打开');
    expect((await post(app, '/api/system.status')).status).toBe(403);
    expect((await request(app, { path: '/events' })).status).toBe(403);
  });

  it('a one-time launch code becomes an HttpOnly SameSite=Strict session cookie, once', async () => {
    const launch = new URL(app.launchUrl('/'));
    const first = await request(app, { path: `${launch.pathname}${launch.search}` });
    expect(first.status).toBe(303);
    expect(first.headers.location).toBe('/');
    const cookie = String(first.headers['set-cookie']);
    expect(cookie).toMatch(/HttpOnly/);
    expect(cookie).toMatch(/SameSite=Strict/);
    const session = cookie.split(';')[0];
    const page = await request(app, { path: '/', headers: { cookie: session } });
    expect(page.status).toBe(200);
    expect(page.body).toContain('<title>app</title>');
    expect(page.body).not.toContain(app.token);
    const status = await post(app, '/api/system.status', { cookie: session });
    expect(status.status).toBe(200);
    expect(JSON.parse(status.body)).toMatchObject({ ok: true });
    // The same code again (another process that read it from the screen) gets nothing.
    expect((await request(app, { path: `${launch.pathname}${launch.search}` })).status).toBe(403);
    expect((await request(app, { path: '/?launch=guess' })).status).toBe(403);
  });

  it('refuses DNS rebinding: another Host name, or a call from another origin, even with a valid session', async () => {
    const { port } = new URL(app.url);
    expect((await request(app, { path: '/', headers: { host: `attacker.example:${port}` } })).status).toBe(403);
    expect((await request(app, { path: '/app.js', headers: { host: `127.0.0.1:${Number(port) + 1}` } })).status).toBe(403);
    expect((await post(app, '/api/system.status', { host: `rebind.attacker.example:${port}`, 'x-harness-token': app.token })).status).toBe(403);
    expect((await post(app, '/api/system.status', { origin: 'http://attacker.example', 'x-harness-token': app.token })).status).toBe(403);
    expect((await post(app, '/api/system.status', { origin: `http://localhost:${port}`, 'x-harness-token': app.token })).status).toBe(200);
  });

  it('the public build files are served to anyone on our host (they hold no secret)', async () => {
    const js = await request(app, { path: '/app.js' });
    expect(js.status).toBe(200);
    expect(js.body).toBe('console.log(1)');
  });

  it('test controls (moving the clock) exist only in a harness started for tests', async () => {
    expect((await post(app, '/__test/advance-clock', { 'x-harness-token': app.token }, '{"ms":600000}')).status).toBe(404);
    const before = app.clock.now().getTime();
    expect(Math.abs(before - Date.now())).toBeLessThan(5_000);
    const moved = await post(tests, '/__test/advance-clock', { 'x-harness-token': tests.token }, '{"ms":600000}');
    expect(moved.status).toBe(200);
    expect(tests.clock.now().getTime() - Date.now()).toBeGreaterThan(590_000);
  });
});
