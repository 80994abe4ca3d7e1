import { describe, expect, it } from 'vitest';
import { MAX_LOGGED_BODY_BYTES, REDACTED, redactRequestBody, truncateUtf8 } from '../../server/scim/requestLog.js';
import { SCIM_PATCH_OP } from '../../shared/scim/urns.js';
import { personAt } from '../idp/common.js';
import { entraCreateUserBody } from '../idp/entra.js';
import { oktaCreateUserBody, oktaProfileOf } from '../idp/okta.js';

const parsed = (body: unknown) => JSON.parse(redactRequestBody(body)!);

describe('redactRequestBody', () => {
  it('returns null when there is no body', () => {
    expect(redactRequestBody(undefined)).toBeNull();
    expect(redactRequestBody(null)).toBeNull();
  });

  it('keeps ordinary fields and serialises as JSON', () => {
    const body = { schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'ann@example.com', active: true, n: 1, x: null };
    expect(parsed(body)).toEqual(body);
    expect(redactRequestBody(body)).toBe(JSON.stringify(body));
  });

  it('redacts password, secret, token and authorization keys at any depth, ignoring case', () => {
    const body = {
      userName: 'ann',
      password: 'hunter2-hunter2',
      PASSWORD: 'x',
      nested: { deeper: [{ Secret: 's3cr3t', clientSecret: 'cs', accessToken: 'at', Authorization: 'Bearer abc', keep: 'yes' }] },
      'urn:ietf:params:scim:schemas:extension:custom:2.0:User': { apiToken: 't', department: 'Eng' },
    };
    const out = parsed(body);
    expect(out.password).toBe(REDACTED);
    expect(out.PASSWORD).toBe(REDACTED);
    expect(out.nested.deeper[0]).toEqual({
      Secret: REDACTED,
      clientSecret: REDACTED,
      accessToken: REDACTED,
      Authorization: REDACTED,
      keep: 'yes',
    });
    expect(out['urn:ietf:params:scim:schemas:extension:custom:2.0:User']).toEqual({ apiToken: REDACTED, department: 'Eng' });
    const text = redactRequestBody(body)!;
    for (const secret of ['hunter2', 's3cr3t', '"cs"', '"at"', 'Bearer abc']) expect(text).not.toContain(secret);
  });

  it("records the directories' create and PATCH bodies as exactly their JSON text, but for Okta's password", () => {
    const person = personAt(7, { seed: 3, domain: 'example.com', externalIdStyle: 'entra' });
    const bodies = [
      entraCreateUserBody(person),
      { schemas: [SCIM_PATCH_OP], Operations: [{ op: 'Replace', path: 'active', value: 'False' }] },
      { schemas: [SCIM_PATCH_OP], Operations: [{ op: 'replace', path: 'emails[type eq "work"].value', value: 'ann@example.com' }] },
    ];
    for (const body of bodies) expect(redactRequestBody(JSON.parse(JSON.stringify(body)))).toBe(JSON.stringify(body));
    const okta = oktaCreateUserBody(oktaProfileOf(person));
    expect(okta.password).toEqual(expect.any(String));
    expect(redactRequestBody(JSON.parse(JSON.stringify(okta)))).toBe(JSON.stringify({ ...okta, password: REDACTED }));
  });

  it('still redacts every secret key among thousands of made-up ones (beyond what it remembers of key names)', () => {
    const body: Record<string, unknown> = {};
    for (let i = 0; i < 1500; i++) body[`field${i}`] = `kept-${i}`;
    for (let i = 0; i < 1500; i++) body[`apiToken${i}`] = `leak-${i}`;
    const wide = redactRequestBody(body, 1 << 20)!;
    expect(wide).not.toContain('leak-');
    expect(JSON.parse(wide)).toMatchObject({ field1499: 'kept-1499', apiToken0: REDACTED, apiToken1499: REDACTED });
    // Asked again once the names are remembered (or not: past the limit), the answer is the same.
    expect(redactRequestBody({ small: 1, apiToken1499: 'leak' })).toBe(`{"small":1,"apiToken1499":"${REDACTED}"}`);
    expect(redactRequestBody({ op: 'replace', path: 'apiToken1499', value: 'leak' })).toBe(`{"op":"replace","path":"apiToken1499","value":"${REDACTED}"}`);
  });

  it('redacts objects and arrays under a secret key whole', () => {
    const out = parsed({ password: { value: 'p', primary: true }, tokens: ['a', 'b'] });
    expect(out).toEqual({ password: REDACTED, tokens: REDACTED });
  });

  it('redacts the value of PATCH operations whose path names the password (Okta and Entra shapes)', () => {
    const body = {
      schemas: ['urn:ietf:params:scim:api:messages:2.0:PatchOp'],
      Operations: [
        { op: 'replace', path: 'password', value: 'NewPassw0rd!' },
        { op: 'Replace', Path: 'urn:ietf:params:scim:schemas:core:2.0:User:password', Value: 'Other1!' },
        { op: 'replace', value: { password: 'Pathless1!', active: false } },
        { op: 'replace', path: 'emails[type eq "work"].value', value: 'ann@example.com' },
        { op: 'replace', path: 'displayName', value: 'Ann' },
      ],
    };
    const out = parsed(body);
    expect(out.Operations[0]).toEqual({ op: 'replace', path: 'password', value: REDACTED });
    expect(out.Operations[1].Value).toBe(REDACTED);
    expect(out.Operations[2].value).toEqual({ password: REDACTED, active: false });
    expect(out.Operations[3].value).toBe('ann@example.com');
    expect(out.Operations[4].value).toBe('Ann');
    const text = redactRequestBody(body)!;
    for (const secret of ['NewPassw0rd', 'Other1', 'Pathless1']) expect(text).not.toContain(secret);
  });

  it('parses and redacts a JSON string body; does not record a body that is not JSON', () => {
    expect(JSON.parse(redactRequestBody('{"password":"abc","a":1}')!)).toEqual({ password: REDACTED, a: 1 });
    expect(redactRequestBody('password=abc')).not.toContain('abc');
  });

  it('truncates to 8 KiB of UTF-8, marking the cut, even for huge bodies', () => {
    const members = Array.from({ length: 50_000 }, (_, i) => ({ value: `user-${i}`, display: 'Åsa Ölund ✓' }));
    const text = redactRequestBody({ displayName: 'Big group', members })!;
    expect(Buffer.byteLength(text, 'utf8')).toBeLessThanOrEqual(MAX_LOGGED_BODY_BYTES);
    expect(Buffer.byteLength(text, 'utf8')).toBeGreaterThan(MAX_LOGGED_BODY_BYTES - 16);
    expect(text.startsWith('{"displayName":"Big group","members":[')).toBe(true);
    expect(text.endsWith('…[truncated]')).toBe(true);
    expect(text).not.toContain('\uFFFD');
  });

  it('never splits a multi-byte character when cutting', () => {
    for (let size = 20; size < 40; size++) {
      const cut = truncateUtf8('✓'.repeat(100), size);
      expect(Buffer.byteLength(cut, 'utf8')).toBeLessThanOrEqual(size);
      expect(cut).not.toContain('\uFFFD');
    }
    expect(truncateUtf8('short', 100)).toBe('short');
  });
});
