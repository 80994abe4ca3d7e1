import { describe, expect, it } from 'vitest';
import { generateSecret, hashSecret, pastedSecretProblem, secretMatchesHash } from '../../server/domain/secrets.js';

describe('connection secrets', () => {
  it('generates distinct secrets of 256 bits in header-safe characters', () => {
    const secrets = new Set(Array.from({ length: 200 }, generateSecret));
    expect(secrets.size).toBe(200);
    for (const secret of secrets) {
      expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
      expect(Buffer.from(secret, 'base64url').length).toBe(32);
    }
  });

  it('matches only the secret that was hashed, and never stores it', () => {
    const secret = generateSecret();
    const hash = hashSecret(secret);
    expect(hash).not.toContain(secret);
    expect(secretMatchesHash(secret, hash)).toBe(true);
    expect(secretMatchesHash(`${secret}x`, hash)).toBe(false);
    expect(secretMatchesHash(secret.slice(1), hash)).toBe(false);
    expect(secretMatchesHash(secret, 'not-hex')).toBe(false);
  });

  it('refuses pasted secrets that are short, huge or not header-safe, with the reason', () => {
    expect(pastedSecretProblem('short')).toMatch(/at least 16/);
    expect(pastedSecretProblem('x'.repeat(513))).toMatch(/at most 512/);
    expect(pastedSecretProblem('has a space in it!!')).toMatch(/printable ASCII/);
    expect(pastedSecretProblem('üüüüüüüüüüüüüüüüü')).toMatch(/printable ASCII/);
    expect(pastedSecretProblem('a-good-long-pasted-secret-123')).toBeUndefined();
  });
});
