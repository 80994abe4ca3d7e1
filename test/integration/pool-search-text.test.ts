/**
 * The pool's search text leaves out an email the userName already contains (Okta and Entra send
 * the same address as both), which saves the trigram index a third of its work per create. That
 * must not change who a search finds: every query is checked against the text as it was before
 * (userName, email and name, all three), over users whose email equals their userName (also in
 * another case), differs from it, or is missing. Rows written before the change keep their longer
 * text until their name or email changes, and the index stays consistent with both.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { startTestServer, type TestServer } from '../support/server.js';
import { ScimClient } from '../support/scimClient.js';
import { personAt } from '../idp/common.js';
import { entraCreateUserBody } from '../idp/entra.js';
import { oktaCreateUserBody, oktaProfileOf } from '../idp/okta.js';
import { listPool } from '../../server/domain/pool.js';
import { isPostgresStore } from '../../server/store/postgres.js';
import { SCIM_PATCH_OP as PATCH, SCIM_USER as USER } from '../../shared/scim/urns.js';


let server: TestServer;
let scim: ScimClient;
let connectionId: string;
let orgId: string;

const entra = personAt(0, { prefix: 'st-', externalIdStyle: 'entra' });
const okta = personAt(1, { prefix: 'st-' });
const shouting = personAt(2, { prefix: 'st-' });
const separate = personAt(3, { prefix: 'st-' });
const written = personAt(4, { prefix: 'st-', externalIdStyle: 'entra' });

/** Each user's body: what the directory sends, and whether its email equals its userName. */
const USERS: { body: Record<string, unknown>; emailIsUserName: boolean }[] = [
  { body: entraCreateUserBody(entra), emailIsUserName: true },
  { body: oktaCreateUserBody(oktaProfileOf(okta)), emailIsUserName: true },
  // The same address in another case: equal once lower-cased, as the search text is.
  { body: oktaCreateUserBody({ ...oktaProfileOf(shouting), email: shouting.email.toUpperCase() }), emailIsUserName: true },
  { body: oktaCreateUserBody({ ...oktaProfileOf(separate), userName: `${separate.familyName}${separate.index}`, email: 'ops+st@other.example' }), emailIsUserName: false },
  // No email at all, and a userName that is not one.
  { body: { schemas: [USER], userName: 'st-service-account', displayName: 'Build Robot' }, emailIsUserName: false },
  // An email that contains the userName is not contained in it: both stay.
  { body: { schemas: [USER], userName: 'st-ada', emails: [{ value: 'st-ada@lovelace.example', primary: true }], displayName: 'Ada Lovelace' }, emailIsUserName: false },
];

interface StoredPerson {
  user_name: string;
  email: string | null;
  full_name: string | null;
  search_text: string | null;
}

const storedPeople = async () =>
  server.db.selectFrom('scim_users').select(['user_name', 'email', 'full_name', 'search_text']).where('connection_id', '=', connectionId).orderBy('seq').execute();

/** The search text as every row had it before: userName, email and name, each on a line. */
const textBefore = (p: StoredPerson) => [p.user_name, p.email, p.full_name].filter((v) => v !== null).join('\n').toLowerCase();

const search = async (text: string) =>
  (await listPool(server.db, orgId, connectionId, { search: text, page: 1, pageSize: 50 }, new Date().toISOString())).items.map((e) => e.userName).sort();

/** Every query worth asking of these users: each field's substrings up to 4 characters, its prefixes and suffixes, and misses. */
function queriesOver(people: StoredPerson[]): string[] {
  const queries = new Set<string>(['nobody', 'example.comx', 'ada lovelace ada']);
  for (const field of people.flatMap((p) => [p.user_name, p.email, p.full_name]).filter((v) => v !== null)) {
    for (let i = 0; i < field.length; i++) {
      for (let n = 1; n <= 4 && i + n <= field.length; n++) queries.add(field.slice(i, i + n));
      queries.add(field.slice(i));
      queries.add(field.slice(0, i + 1));
    }
  }
  return [...queries].filter((q) => q.trim() !== '');
}

beforeAll(async () => {
  server = await startTestServer();
  const connection = await server.createConnection({ org: 'Search Text Org' });
  connectionId = connection.connectionId;
  orgId = await server.orgIdOf(connectionId);
  scim = new ScimClient(connection.endpointBaseUrl, { secret: connection.authenticationSecret });
  for (const { body } of USERS) expect((await scim.post('/Users', body)).status).toBe(201);
});
afterAll(async () => server.close());

/** SQLite: FTS5 checks its trigram index against the content table's stored text (throws if they differ). */
async function expectTrigramIndexConsistent() {
  if (isPostgresStore(server.db)) return;
  await sql`insert into scim_users_search(scim_users_search, rank) values ('integrity-check', 1)`.execute(server.db);
}

describe('pool search text', () => {
  it('leaves out an email equal to the userName, in any case, and keeps one that differs', async () => {
    const people = await storedPeople();
    expect(people).toHaveLength(USERS.length);
    people.forEach((p, i) => {
      const email = USERS[i]!.emailIsUserName ? null : p.email;
      expect(p.search_text).toBe([p.user_name, email, p.full_name].filter((v) => v !== null).join('\n').toLowerCase());
    });
    expect(people.filter((p) => p.email === null)).toHaveLength(1);
  });

  it('finds exactly the users the full text found, for every query', async () => {
    const people = await storedPeople();
    const queries = queriesOver(people);
    expect(queries.length).toBeGreaterThan(500);
    const mismatches: string[] = [];
    for (const query of queries) {
      const q = query.trim().toLowerCase();
      const expected = people.filter((p) => textBefore(p).includes(q)).map((p) => p.user_name).sort();
      const found = await search(query);
      if (JSON.stringify(found) !== JSON.stringify(expected)) mismatches.push(`${JSON.stringify(query)}: ${found.join(',')} instead of ${expected.join(',')}`);
    }
    expect(mismatches).toEqual([]);
    await expectTrigramIndexConsistent();
  });

  it('keeps a row written with the full text searchable, and indexes its new name when the directory renames it', async () => {
    expect((await scim.post('/Users', entraCreateUserBody(written))).status).toBe(201);
    // As a row stored before the change: its email repeated in the search text (and so in the trigram index).
    const before = `${written.userName}\n${written.email}\n${written.displayName}`.toLowerCase();
    await server.db.updateTable('scim_users').set({ search_text: before }).where('user_name', '=', written.userName).execute();
    expect(await search(written.familyName)).toContain(written.userName);

    const id = (await scim.get(`/Users?filter=${encodeURIComponent(`userName eq "${written.userName}"`)}`)).body.Resources[0].id as string;
    // A PATCH that leaves the name and email alone leaves the stored text alone.
    expect((await scim.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'title', value: 'Archivist' }] })).status).toBe(200);
    const row = () => server.db.selectFrom('scim_users').select('search_text').where('id', '=', id).executeTakeFirstOrThrow();
    expect((await row()).search_text).toBe(before);

    expect(
      (await scim.patch(`/Users/${id}`, { schemas: [PATCH], Operations: [{ op: 'replace', path: 'displayName', value: 'Wilhelmina Quarrington' }] })).status,
    ).toBe(200);
    expect((await row()).search_text).toBe(`${written.userName}\nwilhelmina quarrington`.toLowerCase());
    expect(await search('quarrington')).toEqual([written.userName]);
    expect(await search(written.displayName)).not.toContain(written.userName);
    expect(await search(written.email)).toEqual([written.userName]);
    await expectTrigramIndexConsistent();
  });
});
