import { randomBytes, randomInt } from 'node:crypto';

const ALPHANUMERIC = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';

/** oauthlib's `generate_token`: 30 characters of [A-Za-z0-9], used for codes and tokens. */
export function oauthToken(length = 30): string {
  let out = '';
  for (let i = 0; i < length; i++) out += ALPHANUMERIC[randomInt(ALPHANUMERIC.length)];
  return out;
}

/** Frappe's `sub` for a user: a 39-hex-character random value (§6.2). */
export function frappeSubject(): string {
  return randomBytes(20).toString('hex').slice(0, 39);
}

/** A random hex string, as Frappe's `frappe.generate_hash` produces for names and sids. */
export function hexHash(length = 10): string {
  return randomBytes(Math.ceil(length / 2))
    .toString('hex')
    .slice(0, length);
}
