import { randomBytes, scrypt as scryptCb, timingSafeEqual } from 'node:crypto';
import { promisify } from 'node:util';
import type { SecuritySettings } from '../../shared/api/system';

const scrypt = promisify(scryptCb) as (pw: string, salt: Buffer, len: number, opts: object) => Promise<Buffer>;

// N=2^14 keeps a sign-in near 50 ms on a township PC while costing an offline guesser 16 MiB per try.
const PARAMS = { N: 1 << 14, r: 8, p: 1 };

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const hash = await scrypt(password.normalize('NFC'), salt, 32, { ...PARAMS, maxmem: 64 * 1024 * 1024 });
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64')}$${hash.toString('base64')}`;
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  const [scheme, n, r, p, salt, hash] = stored.split('$');
  if (scheme !== 'scrypt' || !salt || !hash) return false;
  const expected = Buffer.from(hash, 'base64');
  const actual = await scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64'), expected.length, {
    N: Number(n),
    r: Number(r),
    p: Number(p),
    maxmem: 64 * 1024 * 1024,
  });
  return timingSafeEqual(actual, expected);
}

export type PasswordRule = 'minLength' | 'letterAndDigit' | 'notUsername';

/** The station's password policy; returns the first rule broken, or null. */
export function checkPasswordPolicy(password: string, username: string, policy: Pick<SecuritySettings, 'passwordMinLength'>): PasswordRule | null {
  if ([...password].length < policy.passwordMinLength) return 'minLength';
  if (!/[A-Za-z]/.test(password) || !/\d/.test(password)) return 'letterAndDigit';
  if (password.toLowerCase().includes(username.toLowerCase())) return 'notUsername';
  return null;
}
