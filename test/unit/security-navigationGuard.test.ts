import { describe, expect, it } from 'vitest';
import { decideNavigation, decidePermission, decideWindowOpen, describeUrl } from '../../main/services/security/navigationGuard.js';

describe('navigation guard', () => {
  it('allows the app origin', () => {
    expect(decideNavigation('app://scim-directory-sync/index.html')).toEqual({ allow: true });
    expect(decideNavigation('app://scim-directory-sync/index.html#/org/sso')).toEqual({ allow: true });
  });

  it.each([
    'https://evil.example/phish',
    'http://127.0.0.1:8080/api/v1',
    'file:///etc/passwd',
    'app://another-app/index.html',
    'javascript:alert(1)',
    'data:text/html,<script>alert(1)</script>',
    'about:blank',
    'devtools://devtools/bundled/inspector.html',
    '',
  ])('denies %s', (url) => {
    const decision = decideNavigation(url);
    expect(decision.allow).toBe(false);
  });

  it('never names a path or query in the refusal', () => {
    const decision = decideNavigation('https://evil.example/callback?token=s3cret');
    expect(decision).toMatchObject({ allow: false });
    expect(JSON.stringify(decision)).not.toContain('s3cret');
    expect(describeUrl('https://evil.example/x?token=s3cret')).toBe('https://evil.example');
  });

  it('denies every new window, even for the app origin', () => {
    expect(decideWindowOpen('https://okta.com')).toEqual({ action: 'deny' });
    expect(decideWindowOpen('app://scim-directory-sync/index.html')).toEqual({ action: 'deny' });
  });

  it('denies every permission', () => {
    for (const permission of ['media', 'geolocation', 'notifications', 'clipboard-read', 'openExternal']) {
      expect(decidePermission(permission)).toBe(false);
    }
  });
});
