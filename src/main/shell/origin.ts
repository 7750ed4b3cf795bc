/**
 * scheme://host[:port] of a URL. Not URL.origin: for custom schemes such as our app:// (registered as standard in
 * Electron), WHATWG URL in Node reports the opaque origin "null", which would match nothing — or everything.
 */
export function originOf(url: string): string | null {
  try {
    const u = new URL(url);
    if (!u.host) return null;
    return `${u.protocol}//${u.host}`;
  } catch {
    return null;
  }
}
