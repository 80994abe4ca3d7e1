/**
 * Bearer secrets for SCIM connections. Only a SHA-256 digest is stored: the secrets are either
 * generated with 256 bits of entropy or pasted by an admin and required to be long, so a fast
 * digest is enough (a slow KDF would only slow every directory request).
 */
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';

export const MIN_PASTED_SECRET_LENGTH = 16;
export const MAX_SECRET_LENGTH = 512;

export function generateSecret(): string {
  return randomBytes(32).toString('base64url');
}

export function hashSecret(secret: string): string {
  return createHash('sha256').update(secret, 'utf8').digest('hex');
}

/** Constant-time comparison of a presented secret against a stored digest. */
export function secretMatchesHash(presented: string, storedHash: string): boolean {
  const presentedDigest = createHash('sha256').update(presented, 'utf8').digest();
  const stored = Buffer.from(storedHash, 'hex');
  return stored.length === presentedDigest.length && timingSafeEqual(presentedDigest, stored);
}

/** Why a secret pasted from a directory's portal cannot be used, or undefined when it can. */
export function pastedSecretProblem(secret: string): string | undefined {
  if (secret.length < MIN_PASTED_SECRET_LENGTH) {
    return `The secret must be at least ${MIN_PASTED_SECRET_LENGTH} characters long.`;
  }
  if (secret.length > MAX_SECRET_LENGTH) return `The secret must be at most ${MAX_SECRET_LENGTH} characters long.`;
  if (!/^[\x21-\x7e]+$/.test(secret)) {
    return 'The secret may contain only printable ASCII characters without spaces, because it travels in an HTTP header.';
  }
  return undefined;
}
