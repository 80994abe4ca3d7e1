/**
 * One-time codes (enrollment and invite codes) and device tokens. Codes are read aloud or pasted
 * by people, so they use an unambiguous alphabet in groups; tokens are only handled by software.
 * Both carry enough entropy (≥ 100 bits) that a SHA-256 digest is a safe way to store them.
 */
import { createHash, randomBytes, randomInt } from 'node:crypto';

// Crockford's base32 without I, L, O, U: nothing a person can misread.
const CODE_ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

export function generateOneTimeCode(): string {
  const groups: string[] = [];
  for (let g = 0; g < 5; g++) {
    let group = '';
    for (let i = 0; i < 4; i++) group += CODE_ALPHABET[randomInt(CODE_ALPHABET.length)];
    groups.push(group);
  }
  return groups.join('-');
}

/** Codes are compared ignoring case, spaces and dashes, and with O/I/L read as 0/1/1. */
export function normalizeOneTimeCode(code: string): string {
  return code
    .toUpperCase()
    .replace(/[\s-]/g, '')
    .replace(/O/g, '0')
    .replace(/[IL]/g, '1');
}

export function hashOneTimeCode(code: string): string {
  return createHash('sha256').update(normalizeOneTimeCode(code), 'utf8').digest('hex');
}

export function generateDeviceToken(): string {
  return `sds_${randomBytes(32).toString('base64url')}`;
}

export function hashDeviceToken(token: string): string {
  return createHash('sha256').update(token, 'utf8').digest('hex');
}

export const ENROLLMENT_CODE_TTL_MS = 24 * 3600 * 1000;
export const INVITE_CODE_TTL_MS = 7 * 24 * 3600 * 1000;
