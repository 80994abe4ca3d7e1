/**
 * Malformed and hostile requests: each one gets the right SCIM error (RFC 7644 §3.12) — never a
 * 500 — and none of them changes the data. A table of cases runs against one connection holding a
 * few users and a group; after all of them, a full dump over HTTP and straight from the database
 * must equal the dump taken before.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient, filterQuery } from '../support/scimClient.js';
import { deleteConnection, type ConnectionWithSecret } from '../../server/domain/connections.js';

const USER = 'urn:ietf:params:scim:schemas:core:2.0:User';
const GROUP = 'urn:ietf:params:scim:schemas:core:2.0:Group';
const PATCH_OP = 'urn:ietf:params:scim:api:messages:2.0:PatchOp';
const ERROR = 'urn:ietf:params:scim:api:messages:2.0:Error';
const UNKNOWN_ID = '00000000-0000-4000-8000-000000000000';

interface Ctx {
  server: TestServer;
  a: ConnectionWithSecret;
  b: ConnectionWithSecret;
  deleted: ConnectionWithSecret;
  alice: string;
  bob: string;
  carol: string;
  group: string;
  outsider: string;
}

type Lazy<T> = T | ((ctx: Ctx) => T);
const resolve = <T>(value: Lazy<T>, ctx: Ctx): T => (typeof value === 'function' ? (value as (c: Ctx) => T)(ctx) : value);

interface Case {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  /** Path below the Endpoint Base URL, with query. */
  path: Lazy<string>;
  /** Whose Endpoint Base URL: connection a (default), b, the deleted one, or a raw prefix. */
  endpoint?: Lazy<string>;
  /** The Authorization header; undefined sends `Bearer <a's secret>`, null sends none. */
  authorization?: Lazy<string | null>;
  /** The Content-Type header for a body; undefined sends application/scim+json, null sends none. */
  contentType?: string | null;
  /** Raw body; objects are sent as JSON. */
  body?: Lazy<string | Buffer | object>;
  status: number | number[];
  /** undefined: not checked (the RFC defines none); null: must be absent; else one of these. */
  scimType?: string | string[] | null;
  /** Further statuses accepted because Node's HTTP parser refuses the request before routing (still with a SCIM error body). */
  transportStatuses?: number[];
  check?: (response: { status: number; headers: Headers; body: any }, ctx: Ctx) => void;
}

const json = (value: unknown) => JSON.stringify(value);
const user = (userName: unknown, extra: Record<string, unknown> = {}) => ({ schemas: [USER], userName, ...extra });
const patch = (...Operations: unknown[]) => ({ schemas: [PATCH_OP], Operations });
const bigBody = () => json(user('huge@example.com', { displayName: 'x'.repeat(1024 * 1024 + 10) }));
const emptyList = (response: { body: any }) => {
  expect(response.body.schemas).toEqual(['urn:ietf:params:scim:api:messages:2.0:ListResponse']);
  expect(response.body.totalResults).toBe(0);
  expect(response.body.Resources ?? []).toEqual([]);
};

const cases: Case[] = [
  // ---- Bodies that are not a JSON object -------------------------------------------------------
  { name: 'malformed JSON', method: 'POST', path: '/Users', body: '{"schemas": [', status: 400, scimType: 'invalidSyntax' },
  { name: 'JSON with a trailing comma', method: 'POST', path: '/Users', body: '{"userName": "x",}', status: 400, scimType: 'invalidSyntax' },
  { name: 'empty body', method: 'POST', path: '/Users', body: '', status: 400, scimType: 'invalidSyntax' },
  { name: 'JSON array body', method: 'POST', path: '/Users', body: '[]', status: 400, scimType: 'invalidSyntax' },
  { name: 'JSON number body', method: 'POST', path: '/Users', body: '42', status: 400, scimType: 'invalidSyntax' },
  { name: 'JSON string body', method: 'POST', path: '/Users', body: '"alice@example.com"', status: 400, scimType: 'invalidSyntax' },
  { name: 'JSON null body', method: 'POST', path: '/Users', body: 'null', status: 400, scimType: 'invalidSyntax' },
  { name: 'array body on PUT', method: 'PUT', path: (c) => `/Users/${c.alice}`, body: '[1,2]', status: 400, scimType: 'invalidSyntax' },

  // ---- Schema and attribute types ----------------------------------------------------------------
  { name: 'missing schemas', method: 'POST', path: '/Users', body: { userName: 'new1@example.com' }, status: 400, scimType: 'invalidSyntax' },
  { name: 'schemas is a string', method: 'POST', path: '/Users', body: { schemas: USER, userName: 'new2@example.com' }, status: 400, scimType: 'invalidSyntax' },
  { name: 'wrong schema URN (Group on /Users)', method: 'POST', path: '/Users', body: { schemas: [GROUP], userName: 'new3@example.com' }, status: 400, scimType: 'invalidSyntax' },
  { name: 'made-up schema URN', method: 'POST', path: '/Users', body: { schemas: ['urn:example:not:a:schema'], userName: 'new4@example.com' }, status: 400, scimType: 'invalidSyntax' },
  { name: 'userName missing', method: 'POST', path: '/Users', body: { schemas: [USER], displayName: 'No Name' }, status: 400, scimType: 'invalidValue' },
  { name: 'userName empty', method: 'POST', path: '/Users', body: user(''), status: 400, scimType: 'invalidValue' },
  { name: 'userName a boolean', method: 'POST', path: '/Users', body: user(true), status: 400, scimType: 'invalidValue' },
  { name: 'userName an array', method: 'POST', path: '/Users', body: user(['a@example.com', 'b@example.com']), status: 400, scimType: 'invalidValue' },
  { name: 'userName an object', method: 'POST', path: '/Users', body: user({ value: 'x' }), status: 400, scimType: 'invalidValue' },
  { name: 'active "maybe"', method: 'POST', path: '/Users', body: user('maybe@example.com', { active: 'maybe' }), status: 400, scimType: 'invalidValue' },
  { name: 'emails a number', method: 'POST', path: '/Users', body: user('em@example.com', { emails: 42 }), status: 400, scimType: 'invalidValue' },
  {
    name: 'two primary emails',
    method: 'POST',
    path: '/Users',
    body: user('prim@example.com', {
      emails: [
        { value: 'p1@example.com', type: 'work', primary: true },
        { value: 'p2@example.com', type: 'home', primary: true },
      ],
    }),
    status: 400,
    scimType: 'invalidValue',
  },
  { name: 'name a string', method: 'POST', path: '/Users', body: user('nm@example.com', { name: 'John Smith' }), status: 400, scimType: 'invalidValue' },
  { name: 'name.givenName an object', method: 'POST', path: '/Users', body: user('nm2@example.com', { name: { givenName: { a: 1 } } }), status: 400, scimType: 'invalidValue' },
  {
    name: '101 emails (over the multi-valued limit)',
    method: 'POST',
    path: '/Users',
    body: user('many@example.com', { emails: Array.from({ length: 101 }, (_, i) => ({ value: `m${i}@example.com` })) }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'deeply nested JSON in name',
    method: 'POST',
    path: '/Users',
    body: `{"schemas":["${USER}"],"userName":"deep@example.com","name":${'['.repeat(5000)}${']'.repeat(5000)}}`,
    status: 400,
    scimType: ['invalidValue', 'invalidSyntax'],
  },
  {
    name: 'PUT with active "maybe"',
    method: 'PUT',
    path: (c) => `/Users/${c.alice}`,
    body: user('alice@example.com', { active: 'maybe' }),
    status: 400,
    scimType: 'invalidValue',
  },

  // ---- Size and content type ---------------------------------------------------------------------
  { name: 'POST body over 1 MiB', method: 'POST', path: '/Users', body: bigBody, status: 413 },
  { name: 'PUT body over 1 MiB', method: 'PUT', path: (c) => `/Users/${c.alice}`, body: bigBody, status: 413 },
  { name: 'Content-Type text/plain', method: 'POST', path: '/Users', contentType: 'text/plain', body: json(user('tp@example.com')), status: 415 },
  {
    name: 'Content-Type application/xml',
    method: 'POST',
    path: '/Users',
    contentType: 'application/xml',
    body: '<User><userName>xml@example.com</userName></User>',
    status: 415,
  },
  {
    name: 'Content-Type application/x-www-form-urlencoded',
    method: 'POST',
    path: '/Users',
    contentType: 'application/x-www-form-urlencoded',
    body: 'userName=form%40example.com',
    status: 415,
  },
  { name: 'no Content-Type with a body', method: 'POST', path: '/Users', contentType: null, body: Buffer.from(json(user('nct@example.com'))), status: 415 },

  // ---- Authentication ----------------------------------------------------------------------------
  { name: 'no Authorization', method: 'GET', path: '/Users', authorization: null, status: 401 },
  { name: 'Basic auth', method: 'GET', path: '/Users', authorization: (c) => `Basic ${Buffer.from(`admin:${c.a.authenticationSecret}`).toString('base64')}`, status: 401 },
  { name: 'empty Bearer', method: 'GET', path: '/Users', authorization: 'Bearer ', status: 401 },
  { name: 'wrong bearer secret', method: 'GET', path: '/Users', authorization: 'Bearer not-the-secret-0123456789abcdef', status: 401 },
  { name: "another connection's secret", method: 'GET', path: '/Users', authorization: (c) => `Bearer ${c.b.authenticationSecret}`, status: 401 },
  {
    name: "another connection's secret on a write",
    method: 'POST',
    path: '/Users',
    authorization: (c) => `Bearer ${c.b.authenticationSecret}`,
    body: user('foreign@example.com'),
    status: 401,
  },
  {
    name: 'deleted connection (with its own secret)',
    method: 'POST',
    path: '/Users',
    endpoint: (c) => c.deleted.endpointBaseUrl,
    authorization: (c) => `Bearer ${c.deleted.authenticationSecret}`,
    body: user('gone@example.com'),
    status: 410,
  },
  {
    name: 'connection id that is not a UUID',
    method: 'GET',
    path: '/Users',
    endpoint: (c) => `${c.server.baseUrl}/scim/v2/not-a-uuid`,
    status: [401, 404],
  },

  // ---- Unknown resources -------------------------------------------------------------------------
  { name: 'GET unknown user id', method: 'GET', path: `/Users/${UNKNOWN_ID}`, status: 404, scimType: null },
  { name: 'PUT unknown user id', method: 'PUT', path: `/Users/${UNKNOWN_ID}`, body: user('ghost@example.com'), status: 404, scimType: null },
  {
    name: 'PATCH unknown user id',
    method: 'PATCH',
    path: `/Users/${UNKNOWN_ID}`,
    body: patch({ op: 'replace', path: 'active', value: false }),
    status: 404,
    scimType: null,
  },
  { name: 'DELETE unknown user id', method: 'DELETE', path: `/Users/${UNKNOWN_ID}`, status: 404, scimType: null },
  { name: 'DELETE a user of another connection', method: 'DELETE', path: (c) => `/Users/${c.outsider}`, status: 404, scimType: null },
  { name: 'GET unknown group id', method: 'GET', path: `/Groups/${UNKNOWN_ID}`, status: 404, scimType: null },
  { name: 'unknown endpoint', method: 'GET', path: '/Devices', status: 404 },
  { name: 'user id of 300 characters', method: 'GET', path: `/Users/${'x'.repeat(300)}`, status: 404, transportStatuses: [414] },

  // ---- PATCH -------------------------------------------------------------------------------------
  { name: 'PATCH without Operations', method: 'PATCH', path: (c) => `/Users/${c.alice}`, body: { schemas: [PATCH_OP] }, status: 400, scimType: 'invalidSyntax' },
  {
    name: 'PATCH Operations not an array',
    method: 'PATCH',
    path: (c) => `/Users/${c.alice}`,
    body: { schemas: [PATCH_OP], Operations: { op: 'replace', path: 'active', value: false } },
    status: 400,
    scimType: 'invalidSyntax',
  },
  {
    name: 'PATCH operation without op',
    method: 'PATCH',
    path: (c) => `/Users/${c.alice}`,
    body: patch({ path: 'active', value: false }),
    status: 400,
    scimType: ['invalidSyntax', 'invalidValue'],
  },
  {
    name: 'PATCH unknown op "copy"',
    method: 'PATCH',
    path: (c) => `/Users/${c.alice}`,
    body: patch({ op: 'copy', path: 'displayName', value: 'x' }),
    status: 400,
    scimType: ['invalidSyntax', 'invalidValue'],
  },
  {
    name: 'PATCH bad path "emails[type eq"',
    method: 'PATCH',
    path: (c) => `/Users/${c.alice}`,
    body: patch({ op: 'replace', path: 'emails[type eq', value: 'x@example.com' }),
    status: 400,
    scimType: ['invalidPath', 'invalidFilter'],
  },
  {
    name: 'PATCH path to an unknown attribute',
    method: 'PATCH',
    path: (c) => `/Users/${c.alice}`,
    body: patch({ op: 'replace', path: 'favouriteColour', value: 'green' }),
    status: 400,
    scimType: ['invalidPath', 'noTarget'],
  },
  {
    name: 'PATCH path to an unknown sub-attribute',
    method: 'PATCH',
    path: (c) => `/Users/${c.alice}`,
    body: patch({ op: 'replace', path: 'name.shoeSize', value: '42' }),
    status: 400,
    scimType: ['invalidPath', 'noTarget'],
  },
  {
    name: 'PATCH replace readOnly id',
    method: 'PATCH',
    path: (c) => `/Users/${c.alice}`,
    body: patch({ op: 'replace', path: 'id', value: UNKNOWN_ID }),
    status: 400,
    scimType: 'mutability',
  },
  {
    name: 'PATCH replace readOnly groups',
    method: 'PATCH',
    path: (c) => `/Users/${c.alice}`,
    body: (c) => patch({ op: 'replace', path: 'groups', value: [{ value: c.group }] }),
    status: 400,
    scimType: 'mutability',
  },
  { name: 'PATCH remove without path', method: 'PATCH', path: (c) => `/Users/${c.alice}`, body: patch({ op: 'remove' }), status: 400, scimType: 'noTarget' },
  {
    name: 'PATCH wrong value type (active "maybe")',
    method: 'PATCH',
    path: (c) => `/Users/${c.alice}`,
    body: patch({ op: 'replace', path: 'active', value: 'maybe' }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH wrong value type without path (name a number)',
    method: 'PATCH',
    path: (c) => `/Users/${c.alice}`,
    body: patch({ op: 'replace', value: { name: 12 } }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH add without value',
    method: 'PATCH',
    path: (c) => `/Users/${c.alice}`,
    body: patch({ op: 'add', path: 'displayName' }),
    status: 400,
    scimType: ['invalidSyntax', 'invalidValue'],
  },
  {
    name: "PATCH userName to another user's",
    method: 'PATCH',
    path: (c) => `/Users/${c.alice}`,
    body: patch({ op: 'replace', path: 'userName', value: 'BOB@example.com' }),
    status: 409,
    scimType: 'uniqueness',
  },
  {
    name: 'PATCH group: add an unknown member id',
    method: 'PATCH',
    path: (c) => `/Groups/${c.group}`,
    body: patch({ op: 'add', path: 'members', value: [{ value: UNKNOWN_ID }] }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH group: add a member of another connection',
    method: 'PATCH',
    path: (c) => `/Groups/${c.group}`,
    body: (c) => patch({ op: 'add', path: 'members', value: [{ value: c.outsider }] }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PATCH with 1001 operations (the limit is 1000)',
    method: 'PATCH',
    path: (c) => `/Users/${c.alice}`,
    body: patch(...Array.from({ length: 1001 }, () => ({ op: 'replace', path: 'active', value: true }))),
    status: 400,
  },

  // ---- Filters and list parameters ---------------------------------------------------------------
  { name: 'filter `userName eq` (no value)', method: 'GET', path: `/Users?${filterQuery('userName eq')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter `userName xx "a"`', method: 'GET', path: `/Users?${filterQuery('userName xx "a"')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter `(userName eq "a"`', method: 'GET', path: `/Users?${filterQuery('(userName eq "a"')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter on an unknown attribute', method: 'GET', path: `/Users?${filterQuery('unknownAttr eq "x"')}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter `active gt true`', method: 'GET', path: `/Users?${filterQuery('active gt true')}`, status: 400, scimType: 'invalidFilter' },
  { name: "filter with single quotes", method: 'GET', path: `/Users?${filterQuery("userName eq 'a'")}`, status: 400, scimType: 'invalidFilter' },
  { name: 'filter ending in `and`', method: 'GET', path: `/Users?${filterQuery('userName eq "a" and')}`, status: 400, scimType: 'invalidFilter' },
  {
    name: 'filter nested 200 parentheses deep',
    method: 'GET',
    path: `/Users?${filterQuery(`${'('.repeat(200)}userName eq "a"${')'.repeat(200)}`)}`,
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter shaped like an injection: `userName eq "a\\" or 1=1 --"`',
    method: 'GET',
    path: `/Users?${filterQuery('userName eq "a\\" or 1=1 --"')}`,
    status: 200,
    check: emptyList,
  },
  {
    name: `filter shaped like an injection: DROP TABLE`,
    method: 'GET',
    path: `/Users?${filterQuery(`userName eq "x'); DROP TABLE scim_users; --"`)}`,
    status: 200,
    check: emptyList,
  },
  {
    name: 'filter injection in a sub-attribute value',
    method: 'GET',
    path: `/Users?${filterQuery(`emails[value eq "' OR '1'='1"]`)}`,
    status: 200,
    check: emptyList,
  },
  {
    name: 'filter of 9000 characters (over the 8192 limit)',
    method: 'GET',
    path: `/Users?${filterQuery(`userName eq "${'a'.repeat(9000)}"`)}`,
    status: 400,
    scimType: 'invalidFilter',
  },
  {
    name: 'filter of 1 MB',
    method: 'GET',
    path: `/Users?${filterQuery(`userName eq "${'a'.repeat(1024 * 1024)}"`)}`,
    status: 400,
    scimType: 'invalidFilter',
    transportStatuses: [414, 431],
  },
  {
    name: 'filter given twice',
    method: 'GET',
    path: `/Users?${filterQuery('userName eq "a"')}&${filterQuery('userName eq "b"')}`,
    status: 400,
    scimType: ['invalidValue', 'invalidFilter'],
  },
  { name: 'startIndex=abc', method: 'GET', path: '/Users?startIndex=abc', status: 400 },
  { name: 'count=1e9', method: 'GET', path: '/Users?count=1e9', status: 400 },
  {
    name: 'count=1000000000 is clamped',
    method: 'GET',
    path: '/Users?count=1000000000',
    status: 200,
    check: (response) => {
      expect(response.body.itemsPerPage).toBeLessThanOrEqual(1000);
      expect(response.body.totalResults).toBe(3);
    },
  },

  // ---- Uniqueness and references -----------------------------------------------------------------
  { name: 'POST duplicate userName', method: 'POST', path: '/Users', body: user('alice@example.com'), status: 409, scimType: 'uniqueness' },
  { name: 'POST duplicate userName in other case', method: 'POST', path: '/Users', body: user('ALICE@Example.COM'), status: 409, scimType: 'uniqueness' },
  {
    name: "PUT userName to another user's",
    method: 'PUT',
    path: (c) => `/Users/${c.bob}`,
    body: user('alice@example.com', { displayName: 'Bob' }),
    status: 409,
    scimType: 'uniqueness',
  },
  {
    name: "PUT userName to another user's in other case",
    method: 'PUT',
    path: (c) => `/Users/${c.bob}`,
    body: user('Alice@Example.com', { displayName: 'Bob' }),
    status: 409,
    scimType: 'uniqueness',
  },
  { name: 'POST duplicate group displayName in other case', method: 'POST', path: '/Groups', body: { schemas: [GROUP], displayName: 'ENGINEERING' }, status: 409, scimType: 'uniqueness' },
  { name: 'POST group without displayName', method: 'POST', path: '/Groups', body: { schemas: [GROUP] }, status: 400, scimType: 'invalidValue' },
  {
    name: 'POST group with a member of another connection',
    method: 'POST',
    path: '/Groups',
    body: (c) => ({ schemas: [GROUP], displayName: 'Sneaky', members: [{ value: c.alice }, { value: c.outsider }] }),
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'POST group with an unknown member id',
    method: 'POST',
    path: '/Groups',
    body: { schemas: [GROUP], displayName: 'Ghosts', members: [{ value: UNKNOWN_ID }] },
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'POST group with a member without value',
    method: 'POST',
    path: '/Groups',
    body: { schemas: [GROUP], displayName: 'Valueless', members: [{ display: 'Alice' }] },
    status: 400,
    scimType: 'invalidValue',
  },
  {
    name: 'PUT group with an unknown member id',
    method: 'PUT',
    path: (c) => `/Groups/${c.group}`,
    body: { schemas: [GROUP], displayName: 'Engineering', members: [{ value: UNKNOWN_ID }] },
    status: 400,
    scimType: 'invalidValue',
  },
];

async function send(testCase: Case, ctx: Ctx): Promise<{ status: number; headers: Headers; body: any; text: string }> {
  const endpoint = testCase.endpoint === undefined ? ctx.a.endpointBaseUrl : resolve(testCase.endpoint, ctx);
  const authorization = testCase.authorization === undefined ? `Bearer ${ctx.a.authenticationSecret}` : resolve(testCase.authorization, ctx);
  const headers: Record<string, string> = { Accept: 'application/scim+json' };
  if (authorization !== null) headers.Authorization = authorization;
  let body: string | Buffer | undefined;
  if (testCase.body !== undefined) {
    const raw = resolve(testCase.body, ctx);
    body = typeof raw === 'string' || Buffer.isBuffer(raw) ? raw : JSON.stringify(raw);
    if (testCase.contentType !== null) headers['Content-Type'] = testCase.contentType ?? 'application/scim+json';
  }
  const response = await fetch(`${endpoint}${resolve(testCase.path, ctx)}`, { method: testCase.method, headers, body });
  const text = await response.text();
  let parsed: unknown;
  try {
    parsed = text === '' ? undefined : JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  return { status: response.status, headers: response.headers, body: parsed, text };
}

async function dump(ctx: Ctx) {
  const client = new ScimClient(ctx.a.endpointBaseUrl, { secret: ctx.a.authenticationSecret });
  const users = await client.get('/Users?count=1000');
  const groups = await client.get('/Groups?count=1000');
  const usersOfB = await new ScimClient(ctx.b.endpointBaseUrl, { secret: ctx.b.authenticationSecret }).get('/Users?count=1000');
  expect([users.status, groups.status, usersOfB.status]).toEqual([200, 200, 200]);
  const db = ctx.server.db;
  return {
    users: users.body,
    groups: groups.body,
    usersOfB: usersOfB.body,
    tables: {
      orgs: await db.selectFrom('orgs').selectAll().orderBy('id').execute(),
      // last_request_at and detected_provider record traffic, not data.
      connections: await db
        .selectFrom('scim_connections')
        .select(['id', 'org_id', 'name', 'provider', 'secret_hash', 'previous_secret_hash', 'previous_secret_expires_at', 'created_at', 'updated_at', 'deleted_at'])
        .orderBy('id')
        .execute(),
      users: await db.selectFrom('scim_users').selectAll().orderBy('seq').execute(),
      groups: await db.selectFrom('scim_groups').selectAll().orderBy('seq').execute(),
      members: await db.selectFrom('scim_group_members').selectAll().orderBy('group_id').orderBy('user_id').execute(),
    },
  };
}

describe('SCIM bad input', () => {
  const ctx = {} as Ctx;
  let before: Awaited<ReturnType<typeof dump>>;
  const statuses: string[] = [];

  beforeAll(async () => {
    ctx.server = await startTestServer();
    ctx.a = await ctx.server.createConnection({ org: 'Acme', name: 'Okta prod', provider: 'okta' });
    ctx.b = await ctx.server.createConnection({ org: 'Other Corp', name: 'Entra', provider: 'azure-ad' });
    ctx.deleted = await ctx.server.createConnection({ org: 'Acme', name: 'Old one', provider: 'other' });
    const a = new ScimClient(ctx.a.endpointBaseUrl, { secret: ctx.a.authenticationSecret });
    const created = async (response: { status: number; body: any; text: string }) => {
      expect(response.status, response.text).toBe(201);
      return response.body.id as string;
    };
    ctx.alice = await created(
      await a.post('/Users', user('alice@example.com', {
        name: { givenName: 'Alice', familyName: 'Smith' },
        displayName: 'Alice Smith',
        emails: [{ value: 'alice@example.com', type: 'work', primary: true }],
        active: true,
      })),
    );
    ctx.bob = await created(await a.post('/Users', user('bob@example.com', { displayName: 'Bob', active: true })));
    ctx.carol = await created(await a.post('/Users', user('carol@example.com', { externalId: 'c-1', active: false })));
    ctx.group = await created(
      await a.post('/Groups', { schemas: [GROUP], displayName: 'Engineering', members: [{ value: ctx.alice }, { value: ctx.bob }] }),
    );
    const b = new ScimClient(ctx.b.endpointBaseUrl, { secret: ctx.b.authenticationSecret });
    ctx.outsider = await created(await b.post('/Users', user('outsider@example.com')));
    // The deleted connection is deleted the way `connection delete` does it.
    await deleteConnection(ctx.server.db, ctx.deleted.connectionId);
    before = await dump(ctx);
  });

  afterAll(async () => {
    // SCIM_TEST_VERBOSE=1 prints what the server answered to each case.
    if (process.env.SCIM_TEST_VERBOSE) console.log(statuses.join('\n'));
    await ctx.server?.close();
  });

  it('has at least 40 distinct cases', () => {
    expect(new Set(cases.map((c) => c.name)).size).toBe(cases.length);
    expect(cases.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('$method $name', async (testCase) => {
    let response;
    try {
      response = await send(testCase, ctx);
    } catch (error) {
      throw new Error(`The request failed at the transport level: ${String(error)} ${String((error as Error).cause ?? '')}`);
    }
    const where = `${testCase.method} ${testCase.name} → ${response.status} ${response.text.slice(0, 300)}`;
    statuses.push(where);
    expect(response.status, where).not.toBeGreaterThanOrEqual(500);
    const allowed = [...(Array.isArray(testCase.status) ? testCase.status : [testCase.status]), ...(testCase.transportStatuses ?? [])];
    expect(allowed, where).toContain(response.status);
    expect(response.headers.get('content-type') ?? '', where).toMatch(/^application\/scim\+json/);
    if (response.status >= 400) {
      expect(response.body, where).toBeDefined();
      expect(response.body.schemas, where).toEqual([ERROR]);
      expect(response.body.status, where).toBe(String(response.status));
      expect(typeof response.body.detail, where).toBe('string');
      expect(response.body.detail.trim().length, where).toBeGreaterThan(0);
      if (testCase.scimType === null) expect(response.body.scimType, where).toBeUndefined();
      else if (testCase.scimType !== undefined && !testCase.transportStatuses?.includes(response.status)) {
        const types = Array.isArray(testCase.scimType) ? testCase.scimType : [testCase.scimType];
        expect(types, where).toContain(response.body.scimType);
      }
      if (response.status === 401) expect(response.headers.get('www-authenticate') ?? '', where).toMatch(/^Bearer\b/i);
      // A secret never comes back in an error.
      expect(response.text, where).not.toContain(ctx.a.authenticationSecret);
      expect(response.text, where).not.toContain(ctx.b.authenticationSecret);
    }
    testCase.check?.(response, ctx);
  });

  it('left the data exactly as it was', async () => {
    const after = await dump(ctx);
    expect(after).toEqual(before);
    // The injection-shaped filters did not drop anything: the table answers and holds its rows.
    const count = await ctx.server.db.selectFrom('scim_users').select((eb) => eb.fn.countAll().as('n')).executeTakeFirstOrThrow();
    expect(Number(count.n)).toBe(4);
  });
});

describe('failed-authentication limiter', () => {
  let server: TestServer;
  let connection: ConnectionWithSecret;

  beforeAll(async () => {
    server = await startTestServer({ failedAuth: { maxFailures: 5, windowMs: 60_000 } });
    connection = await server.createConnection();
  });
  afterAll(async () => {
    await server?.close();
  });

  it('answers 429 with Retry-After after 5 wrong secrets, yet the right secret still gets 200', async () => {
    const wrong = new ScimClient(connection.endpointBaseUrl, { secret: 'wrong-secret-wrong-secret-123' });
    const right = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret });
    for (let i = 0; i < 5; i++) {
      const response = await wrong.get('/Users');
      expect(response.status, response.text).toBe(401);
    }
    const limited = await wrong.get('/Users');
    expect(limited.status, limited.text).toBe(429);
    expect(Number(limited.headers.get('retry-after'))).toBeGreaterThan(0);
    expect(Number(limited.headers.get('retry-after'))).toBeLessThanOrEqual(60);
    expect(limited.headers.get('content-type') ?? '').toMatch(/^application\/scim\+json/);
    expect(limited.body).toMatchObject({ schemas: [ERROR], status: '429' });
    expect(limited.body.detail.length).toBeGreaterThan(0);

    // Missing or malformed credentials from the same address are limited too.
    const none = await new ScimClient(connection.endpointBaseUrl, { secret: null }).get('/Users');
    expect(none.status).toBe(429);

    // Correct traffic from the same address is never slowed, reads and writes alike.
    const responses = await Promise.all([
      right.get('/Users'),
      right.get('/ServiceProviderConfig'),
      right.post('/Users', { schemas: [USER], userName: 'limited@example.com' }),
    ]);
    expect(responses.map((r) => r.status)).toEqual([200, 200, 201]);
    expect((await wrong.get('/Users')).status).toBe(429);
    expect((await right.get('/Users')).status).toBe(200);
  });
});

describe('removing group members that are gone', () => {
  let server: TestServer;

  beforeAll(async () => {
    server = await startTestServer();
  });
  afterAll(async () => {
    await server?.close();
  });

  // A directory may deprovision a user before it updates the user's groups (or retry a removal): removing a
  // member that no longer exists is a no-op, as removing a live non-member is, not a 400.
  it('PATCH remove of a deleted or unknown member id succeeds and leaves the other members', async () => {
    const connection = await server.createConnection();
    const client = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret });
    const a = (await client.post('/Users', user('gone-a@example.com'))).body.id as string;
    const b = (await client.post('/Users', user('gone-b@example.com'))).body.id as string;
    const group = await client.post('/Groups', { schemas: [GROUP], displayName: 'Gone', members: [{ value: a }, { value: b }] });
    expect(group.status).toBe(201);
    expect((await client.delete(`/Users/${a}`)).status).toBe(204);

    const results = [];
    for (const operation of [
      { op: 'remove', path: `members[value eq "${a}"]` },
      { op: 'remove', path: 'members', value: [{ value: a }] },
      { op: 'remove', path: `members[value eq "${UNKNOWN_ID}"]` },
    ]) {
      const response = await client.patch(`/Groups/${group.body.id}`, patch(operation));
      results.push(`${response.status} ${response.status >= 400 ? response.text : ''}`.trim());
    }
    expect(results.map((r) => (r.startsWith('200') || r.startsWith('204') ? 'ok' : r))).toEqual(['ok', 'ok', 'ok']);
    const after = await client.get(`/Groups/${group.body.id}`);
    expect(after.body.members.map((m: any) => m.value)).toEqual([b]);
  });
});
