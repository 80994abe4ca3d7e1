import { describe, expect, it } from 'vitest';
import { EXTERNAL_LINKS, isExternalLinkId, resolveExternalLink } from '../../main/services/security/linkAllowlist.js';

describe('external link allowlist', () => {
  it('resolves the known ids to https URLs', () => {
    for (const id of ['okta-admin', 'azure-portal', 'okta-scim-docs', 'entra-scim-docs']) {
      const url = resolveExternalLink(id);
      expect(url, id).not.toBeNull();
      expect(new URL(url!).protocol).toBe('https:');
    }
  });

  it('has only https entries', () => {
    for (const url of Object.values(EXTERNAL_LINKS)) expect(new URL(url).protocol).toBe('https:');
  });

  it.each(['https://evil.example', 'file:///etc/passwd', '__proto__', 'constructor', 'toString', 'hasOwnProperty', '', 'OKTA-ADMIN'])(
    'refuses %s',
    (id) => {
      expect(isExternalLinkId(id)).toBe(false);
      expect(resolveExternalLink(id)).toBeNull();
    },
  );
});
