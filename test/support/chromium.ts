import { existsSync } from 'node:fs';

/**
 * Debian's Chromium where present (Playwright's own browser download is not possible here). A module of its own,
 * free of vitest: the bench runs outside the test runner and needs only this.
 */
export function chromiumPath(): string | undefined {
  return ['/usr/bin/chromium', '/usr/bin/chromium-browser'].find((p) => existsSync(p));
}
