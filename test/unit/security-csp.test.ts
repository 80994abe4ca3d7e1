import { describe, expect, it } from 'vitest';
import fs from 'node:fs';
import path from 'node:path';
import { APP_CSP, contentSecurityPolicy, contentSecurityPolicyDirectives } from '../../main/services/security/contentSecurityPolicy.js';

function parse(csp: string): Map<string, string[]> {
  return new Map(csp.split(';').map((part) => {
    const [name, ...sources] = part.trim().split(/\s+/);
    return [name!, sources];
  }));
}

describe('content security policy', () => {
  const csp = parse(contentSecurityPolicy());

  it('allows scripts and styles only from the app origin, without inline or eval', () => {
    expect(csp.get('default-src')).toEqual(["'self'"]);
    expect(csp.get('script-src')).toEqual(["'self'"]);
    expect(csp.get('style-src')).toEqual(["'self'"]);
    expect(contentSecurityPolicy()).not.toMatch(/unsafe-inline|unsafe-eval|\*|http:|https:/);
  });

  it('forbids network requests, framing, plugins and <base>', () => {
    expect(csp.get('connect-src')).toEqual(["'none'"]);
    expect(csp.get('frame-ancestors')).toEqual(["'none'"]);
    expect(csp.get('object-src')).toEqual(["'none'"]);
    expect(csp.get('base-uri')).toEqual(["'none'"]);
    expect(csp.get('form-action')).toEqual(["'none'"]);
    expect(csp.get('img-src')).toEqual(["'self'", 'data:']);
  });

  it('is one well-formed header value', () => {
    expect(contentSecurityPolicy()).not.toMatch(/[\r\n]/);
    expect(csp.size).toBe(Object.keys(contentSecurityPolicyDirectives()).length);
  });

  it('adds unsafe-inline styles only on request', () => {
    expect(parse(contentSecurityPolicy({ allowInlineStyles: true })).get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
  });
});

describe('the policy the app serves', () => {
  it('keeps scripts strict and allows inline styles only (Radix scroll lock)', () => {
    const app = parse(APP_CSP);
    expect(app.get('script-src')).toEqual(["'self'"]);
    expect(app.get('style-src')).toEqual(["'self'", "'unsafe-inline'"]);
    expect(APP_CSP).not.toMatch(/unsafe-eval/);
  });

  it('is what renderer/index.html declares for scripts, styles and connections', () => {
    const html = fs.readFileSync(path.join(import.meta.dirname, '../../renderer/index.html'), 'utf8');
    const meta = /http-equiv="Content-Security-Policy"\s+content="([^"]+)"/.exec(html)?.[1];
    expect(meta).toBeDefined();
    const declared = parse(meta!);
    const app = parse(APP_CSP);
    for (const directive of ['default-src', 'script-src', 'style-src', 'connect-src', 'object-src', 'base-uri', 'img-src']) {
      expect(declared.get(directive), directive).toEqual(app.get(directive));
    }
  });
});
