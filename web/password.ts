/** The secretariat's password, kept only as a salted scrypt hash (Node's own implementation). */
import { randomBytes, scrypt as scryptCallback, timingSafeEqual, type ScryptOptions } from 'node:crypto';

const scrypt = (password: string, salt: Buffer, length: number, options: ScryptOptions) =>
  new Promise<Buffer>((resolve, reject) => scryptCallback(password, salt, length, options, (err, key) => (err ? reject(err) : resolve(key))));

// OWASP's password storage cheat sheet: N = 2^17, r = 8, p = 1. Hashes made with other (older)
// parameters carry them and still verify; parameters beyond these bounds are refused, so a forged
// hash cannot make one login cost gigabytes.
const PARAMS = { N: 2 ** 17, r: 8, p: 1 };
const MAX_N = 2 ** 20;
const maxmem = (N: number, r: number) => 128 * N * r + 32 * 1024 * 1024;

export async function hashPassword(password: string): Promise<string> {
  const salt = randomBytes(16);
  const key = await scrypt(password.normalize('NFC'), salt, 32, { ...PARAMS, maxmem: maxmem(PARAMS.N, PARAMS.r) });
  return `scrypt$${PARAMS.N}$${PARAMS.r}$${PARAMS.p}$${salt.toString('base64url')}$${key.toString('base64url')}`;
}

// Each verification holds 128 MB and a libuv thread for a few hundred milliseconds: two at a time,
// the others wait their turn, so a burst of logins cannot exhaust memory or stall file reads.
const MAX_CONCURRENT = 2;
let running = 0;
const waiting: (() => void)[] = [];

async function oneAtATime<T>(work: () => Promise<T>): Promise<T> {
  // A finishing verification hands its place straight to the next in line.
  if (running >= MAX_CONCURRENT) await new Promise<void>((resolve) => waiting.push(resolve));
  else running++;
  try {
    return await work();
  } finally {
    const next = waiting.shift();
    if (next) next();
    else running--;
  }
}

export async function verifyPassword(password: string, stored: string): Promise<boolean> {
  return oneAtATime(() => verify(password, stored));
}

async function verify(password: string, stored: string): Promise<boolean> {
  const parts = stored.split('$');
  if (parts.length !== 6 || parts[0] !== 'scrypt' || password.length > 1024) return false;
  const [, n, r, p, salt, hash] = parts as [string, string, string, string, string, string];
  const [N, R, P] = [Number(n), Number(r), Number(p)];
  if (!(N >= 2 && N <= MAX_N && R >= 1 && R <= 32 && P >= 1 && P <= 16)) return false;
  const expected = Buffer.from(hash, 'base64url');
  const key = await scrypt(password.normalize('NFC'), Buffer.from(salt, 'base64url'), expected.length, { N, r: R, p: P, maxmem: maxmem(N, R) });
  return key.length === expected.length && timingSafeEqual(key, expected);
}
