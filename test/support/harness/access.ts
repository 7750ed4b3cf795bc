import { randomBytes, timingSafeEqual } from 'node:crypto';
import type http from 'node:http';

/**
 * Who may use the loopback harness (issue 15.6). The harness is documented as a way to run the app, so it must be
 * as safe to run as the app:
 * - DNS rebinding: a web page whose host name resolves to 127.0.0.1 reaches this port with its own Host header and
 *   Origin; every request must name our loopback host and port, and every call must come from our own origin.
 * - The secret never travels in a page: the browser gets it by redeeming a one-time launch code (printed by
 *   `npm run harness`, or minted by the test that opens the page) for an HttpOnly, SameSite=Strict cookie. A plain
 *   GET from another local process gets the app's public files and nothing that opens the API.
 * - The in-process test code may also use the token header (it holds the Harness object; no page ever sees it).
 */
export const SESSION_COOKIE = 'tws_harness';

export interface HarnessAccess {
  /** The secret for in-process callers (tests), sent as `x-harness-token`. */
  readonly token: string;
  /** A fresh one-time code; `?launch=<code>` on any page URL turns into the session cookie once. */
  mintLaunchCode(): string;
  /** The Set-Cookie value for a valid unused code (which is then spent), or null. */
  redeem(code: string): string | null;
  /** Host header names our listening address (127.0.0.1 or localhost, our port). */
  hostAllowed(req: http.IncomingMessage): boolean;
  /** No Origin (same-origin GET, Node's fetch) or exactly ours. */
  originAllowed(req: http.IncomingMessage): boolean;
  /** The request carries our session cookie or the token header. */
  authenticated(req: http.IncomingMessage): boolean;
}

function sameSecret(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

function cookieValue(header: string | undefined, name: string): string | null {
  for (const part of (header ?? '').split(';')) {
    const [key, ...rest] = part.trim().split('=');
    if (key === name) return rest.join('=');
  }
  return null;
}

export function createHarnessAccess(port: () => number): HarnessAccess {
  const token = randomBytes(24).toString('hex');
  const session = randomBytes(24).toString('hex');
  const codes = new Set<string>();
  const hosts = () => [`127.0.0.1:${port()}`, `localhost:${port()}`];
  return {
    token,
    mintLaunchCode() {
      const code = randomBytes(16).toString('hex');
      codes.add(code);
      return code;
    },
    redeem(code) {
      if (!codes.delete(code)) return null;
      return `${SESSION_COOKIE}=${session}; HttpOnly; SameSite=Strict; Path=/`;
    },
    hostAllowed(req) {
      return hosts().includes((req.headers.host ?? '').toLowerCase());
    },
    originAllowed(req) {
      const origin = req.headers.origin;
      if (origin === undefined) return true;
      return hosts().some((host) => origin === `http://${host}`);
    },
    authenticated(req) {
      const header = req.headers['x-harness-token'];
      if (typeof header === 'string' && header !== '' && sameSecret(header, token)) return true;
      const cookie = cookieValue(req.headers.cookie, SESSION_COOKIE);
      return cookie !== null && sameSecret(cookie, session);
    },
  };
}
