/**
 * Filters compiled to SQL and run against a real store (in-memory SQLite; in the integration-pg
 * project a PostgreSQL database and its jsonb dialect): which resources match, which indexes the
 * planner uses, and that filter text never reaches the statement.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { CompiledQuery, sql, type Expression, type SqlBool } from 'kysely';
import type { Store } from '../../server/store/database.js';
import { isPostgresStore } from '../../server/store/postgres.js';
import { openTestStore } from '../support/testDatabase.js';
import { groupResourceType, userResourceType, type ResourceTypeDefinition } from '../../server/scim/schema/definitions.js';
import { ScimError } from '../../server/scim/errors.js';
import { parseFilter } from '../../server/scim/filter/parse.js';
import { compileFilter as compileForDialect, filterDialectFor } from '../../server/scim/filter/compile.js';
import { attrPath, COMPARISON_OPERATORS, type Filter } from '../../server/scim/filter/ast.js';
import { matchesFilter } from '../../server/scim/filter/evaluate.js';
import { printFilter } from '../../server/scim/filter/print.js';

const ENTERPRISE = 'urn:ietf:params:scim:schemas:extension:enterprise:2.0:User';
const CONNECTION = 'c1';
const OTHER_CONNECTION = 'c2';

let db: Store;
let closeStore: (() => Promise<void>) | undefined;

/** Compiles for the database under test. */
const compileFilter = (resourceType: ResourceTypeDefinition, filter: Filter) => compileForDialect(resourceType, filter, filterDialectFor(db));

interface UserRow {
  id: string;
  connection?: string;
  userName: string;
  externalId?: string;
  displayName?: string | null;
  active?: boolean;
  created: string;
  deleted?: boolean;
  resource: Record<string, unknown>;
}

const users: UserRow[] = [
  {
    id: 'u1',
    userName: 'BJensen',
    externalId: 'ext-1',
    displayName: 'Babs Jensen',
    active: true,
    created: '2024-01-01T00:00:00.000Z',
    resource: {
      name: { familyName: 'Jensen', givenName: 'Barbara' },
      nickName: 'Babs',
      title: 'Tour Guide',
      userType: 'Employee',
      emails: [
        { value: 'bjensen@example.com', type: 'work', primary: true },
        { value: 'babs@jensen.org', type: 'home' },
      ],
      [ENTERPRISE]: { department: 'Sales', employeeNumber: '701984', manager: { value: 'u2', displayName: 'John Smith' } },
    },
  },
  {
    id: 'u2',
    userName: 'jsmith',
    externalId: 'EXT-2',
    displayName: 'John Smith',
    active: false,
    created: '2024-02-01T00:00:00.000Z',
    resource: {
      title: 'Manager',
      userType: 'Employee',
      emails: [{ value: 'john@example.org', type: 'work', primary: false }],
      [ENTERPRISE]: { department: 'Engineering' },
    },
  },
  {
    id: 'u3',
    userName: 'percent%user',
    displayName: null,
    created: '2024-03-01T00:00:00.000Z',
    resource: { name: { familyName: "O'Malley" }, userType: 'Intern', emails: [{ value: '100%_off@shop.com', type: 'home' }] },
  },
  {
    id: 'u4',
    userName: 'under_score',
    displayName: '',
    created: '2024-04-01T00:00:00.000Z',
    resource: { nickName: '', emails: [], phoneNumbers: [{ value: '+1 555 0100', type: 'mobile' }] },
  },
  { id: 'u5', userName: 'x', created: '2024-05-01T00:00:00.000Z', resource: {} },
  // Same userName as u1 in another connection, and deleted: the caller's restrictions must hide them.
  { id: 'other-1', connection: OTHER_CONNECTION, userName: 'bjensen', created: '2024-01-01T00:00:00.000Z', resource: {} },
  { id: 'deleted-1', userName: 'bjensen', created: '2024-01-01T00:00:00.000Z', deleted: true, resource: {} },
];

const groups = [
  { id: 'g1', displayName: 'Admins', members: ['u1', 'u2'] },
  { id: 'g2', displayName: 'Sales_Team', members: ['u1'] },
  { id: 'g3', displayName: 'Empty', members: [] },
];

beforeAll(async () => {
  ({ db, close: closeStore } = await openTestStore());
  const now = '2024-01-01T00:00:00.000Z';
  await db.insertInto('orgs').values({ id: 'o1', name: 'Org', name_lower: 'org', created_at: now }).execute();
  for (const id of [CONNECTION, OTHER_CONNECTION]) {
    await db
      .insertInto('scim_connections')
      .values({
        id,
        org_id: 'o1',
        name: id,
        provider: 'okta',
        secret_hash: 'h',
        previous_secret_hash: null,
        previous_secret_expires_at: null,
        detected_provider: null,
        last_request_at: null,
        created_at: now,
        updated_at: now,
        deleted_at: null,
      })
      .execute();
  }
  for (const user of users) {
    await db
      .insertInto('scim_users')
      .values({
        id: user.id,
        connection_id: user.connection ?? CONNECTION,
        user_name: user.userName,
        user_name_lower: user.userName.toLowerCase(),
        external_id: user.externalId ?? null,
        display_name: user.displayName ?? null,
        active: user.active === undefined ? null : user.active ? 1 : 0,
        resource: JSON.stringify({
          userName: user.userName,
          ...(user.displayName ? { displayName: user.displayName } : {}),
          ...(user.active === undefined ? {} : { active: user.active }),
          ...user.resource,
        }),
        created_at: user.created,
        updated_at: user.created,
        version: 1,
        deleted_at: user.deleted ? user.created : null,
      })
      .execute();
  }
  for (const group of groups) {
    await db
      .insertInto('scim_groups')
      .values({
        id: group.id,
        connection_id: CONNECTION,
        display_name: group.displayName,
        display_name_lower: group.displayName.toLowerCase(),
        external_id: null,
        resource: JSON.stringify({ displayName: group.displayName }),
        created_at: now,
        updated_at: now,
        version: 1,
      })
      .execute();
    for (const member of group.members) {
      await db.insertInto('scim_group_members').values({ group_id: group.id, user_id: member }).execute();
    }
  }
});

afterAll(async () => {
  await closeStore?.();
});

/** The caller's query (as server/store/scimResources.ts lists resources): one connection, live rows only. */
function usersQuery(where: Expression<SqlBool>) {
  return db.selectFrom('scim_users as r').select('r.id').where('r.connection_id', '=', CONNECTION).where('r.deleted_at', 'is', null).where(where);
}

function groupsQuery(where: Expression<SqlBool>) {
  return db.selectFrom('scim_groups as r').select('r.id').where('r.connection_id', '=', CONNECTION).where('r.deleted_at', 'is', null).where(where);
}

async function userIds(filter: string): Promise<string[]> {
  const rows = await usersQuery(compileFilter(userResourceType, parseFilter(filter))).orderBy('r.id').execute();
  return rows.map((row) => row.id);
}

async function groupIds(filter: string): Promise<string[]> {
  const rows = await groupsQuery(compileFilter(groupResourceType, parseFilter(filter))).orderBy('r.id').execute();
  return rows.map((row) => row.id);
}

async function queryPlan(query: { compile(): CompiledQuery }, index: string): Promise<string> {
  const compiled = query.compile();
  if (isPostgresStore(db)) return postgresPlanWithOnly(index, compiled);
  const plan = await db.executeQuery<{ detail: string }>(CompiledQuery.raw(`EXPLAIN QUERY PLAN ${compiled.sql}`, [...compiled.parameters]));
  return plan.rows.map((row) => row.detail).join('\n');
}

/**
 * PostgreSQL's plan for `compiled` when `index` is the only index it may use (the others are
 * dropped inside a transaction that is rolled back). A handful of rows gives the planner no reason
 * to prefer one index over another, so this asks what matters: can the filter be answered from it?
 */
async function postgresPlanWithOnly(index: string, compiled: CompiledQuery): Promise<string> {
  return db.connection().execute(async (connection) => {
    await sql`begin`.execute(connection);
    try {
      await sql`set local enable_seqscan = off`.execute(connection);
      const others = await sql<{ indexname: string }>`select indexname from pg_indexes i
        where tablename in ('scim_users', 'scim_groups') and indexname <> ${index}
          and not exists (select 1 from pg_constraint c where c.conname = i.indexname)`.execute(connection);
      for (const { indexname } of others.rows) await sql`drop index ${sql.id(indexname)}`.execute(connection);
      const plan = await connection.executeQuery<{ 'QUERY PLAN': string }>(CompiledQuery.raw(`EXPLAIN ${compiled.sql}`, [...compiled.parameters]));
      return plan.rows.map((row) => row['QUERY PLAN']).join('\n');
    } finally {
      await sql`rollback`.execute(connection);
    }
  });
}

/** The plan line of an index lookup: SQLite's `SEARCH r USING INDEX name (…)`, PostgreSQL's `Index Scan using name on …`. */
function indexSearch(index: string, sqliteColumns: string): RegExp {
  return isPostgresStore(db)
    ? new RegExp(`(Index (Only )?Scan using|Bitmap Index Scan on) ${index}\\b[^\\n]*\\n\\s*Index Cond: \\(\\(connection_id = [^)]*\\) AND \\(\\w+ = [^)]*\\)\\)`)
    : new RegExp(`SEARCH r USING (COVERING )?INDEX ${index} \\(${sqliteColumns.replace(/[?()]/g, '\\$&')}\\)`);
}

describe('user filters select exactly the expected users', () => {
  const cases: Array<[filter: string, expected: string[]]> = [
    ['userName eq "bjensen"', ['u1']],
    ['USERNAME Eq "BJENSEN"', ['u1']],
    ['urn:ietf:params:scim:schemas:core:2.0:User:userName eq "BJensen"', ['u1']],
    ['userName sw "J"', ['u2']],
    ['userName co "%"', ['u3']],
    ['userName co "_"', ['u4']],
    ['userName ew "%USER"', ['u3']],
    ['userName gt "u"', ['u4', 'u5']],
    ['userName co ""', ['u1', 'u2', 'u3', 'u4', 'u5']],
    ['externalId eq "ext-1"', ['u1']],
    ['externalId eq "EXT-1"', []],
    ['displayName eq "babs jensen"', ['u1']],
    ['displayName pr', ['u1', 'u2']],
    ['nickName pr', ['u1']],
    ['name.familyName co "o\'malley"', ['u3']],
    ['name[givenName sw "bar"]', ['u1']],
    ['emails.value co "EXAMPLE"', ['u1', 'u2']],
    ['emails eq "JOHN@example.org"', ['u2']],
    ['emails.value co "%_"', ['u3']],
    ['emails[type eq "work" and value co "@example.com"]', ['u1']],
    ['emails[type eq "home" and value co "@example.com"]', []],
    ['emails[type eq "work"].value ew ".org"', ['u2']],
    ['emails[type eq "work" or (type eq "home" and value ew "@shop.com")]', ['u1', 'u2', 'u3']],
    ['emails.primary eq true', ['u1']],
    ['emails pr', ['u1', 'u2', 'u3']],
    ['emails eq null', ['u4', 'u5']],
    ['phoneNumbers[type eq "mobile"]', ['u4']],
    [`${ENTERPRISE}:department eq "sales"`, ['u1']],
    [`${ENTERPRISE}:manager.value eq "u2"`, ['u1']],
    [`${ENTERPRISE.toUpperCase()}:MANAGER.VALUE eq "u2"`, ['u1']],
    // Entra's manager check: the bare extension name, and a complex attribute compared by its value.
    ['manager eq "u2"', ['u1']],
    ['id eq "u1" and manager.value eq "u2"', ['u1']],
    [`${ENTERPRISE}:manager eq "u2"`, ['u1']],
    ['department eq "sales"', ['u1']],
    ['groups.value eq "g2"', ['u1']],
    ['groups[display eq "ADMINS"]', ['u1', 'u2']],
    ['groups eq "g1" and groups.display sw "sales"', ['u1']],
    ['groups pr', ['u1', 'u2']],
    ['not (groups pr)', ['u3', 'u4', 'u5']],
    ['title ne "Manager"', ['u1', 'u3', 'u4', 'u5']],
    ['title eq null', ['u3', 'u4', 'u5']],
    ['title pr or userType eq "Intern"', ['u1', 'u2', 'u3']],
    ['active eq true', ['u1']],
    ['active ne true', ['u2', 'u3', 'u4', 'u5']],
    ['active pr', ['u1', 'u2']],
    ['meta.created gt "2024-02-01T00:00:00Z"', ['u3', 'u4', 'u5']],
    ['meta.created ge "2024-02-01T00:00:00Z"', ['u2', 'u3', 'u4', 'u5']],
    ['meta.created lt "2024-02-01T01:00:00+02:00"', ['u1']],
    ['meta.lastModified le "2024-03-01"', ['u1', 'u2', 'u3']],
    ['meta.resourceType eq "User"', ['u1', 'u2', 'u3', 'u4', 'u5']],
    ['meta.resourceType eq "Group"', []],
    ['id eq "u3"', ['u3']],
    ['userType eq "Employee" and (emails co "example.com" or emails.value co "example.org")', ['u1', 'u2']],
    ['userType ne "Employee" and not (emails co "example.com" or emails.value co "example.org")', ['u3', 'u4', 'u5']],
    ['userName eq "x" or userName eq "jsmith" and active eq true', ['u5']],
    ['(userName eq "x" or userName eq "jsmith") and active eq false', ['u2']],
    ['not (not (userName eq "x"))', ['u5']],
  ];
  it.each(cases)('%s', async (filter, expected) => {
    expect(await userIds(filter)).toEqual(expected);
  });
});

describe('group filters', () => {
  const cases: Array<[filter: string, expected: string[]]> = [
    ['displayName eq "admins"', ['g1']],
    ['displayName co "_"', ['g2']],
    ['members.value eq "u2"', ['g1']],
    ['members eq "u1"', ['g1', 'g2']],
    ['members[value eq "u1"]', ['g1', 'g2']],
    ['members[display co "SMITH" and type eq "User"]', ['g1']],
    ['members pr', ['g1', 'g2']],
    ['not (members pr)', ['g3']],
    ['meta.resourceType eq "Group"', ['g1', 'g2', 'g3']],
  ];
  it.each(cases)('%s', async (filter, expected) => {
    expect(await groupIds(filter)).toEqual(expected);
  });
});

describe('filters the store cannot answer are invalidFilter', () => {
  const cases: Array<[ResourceTypeDefinition['name'], string, RegExp]> = [
    ['User', 'nosuch eq "x"', /Unknown attribute 'nosuch'/],
    ['User', 'name.nosuch eq "x"', /Unknown attribute 'name.nosuch'/],
    ['User', 'members pr', /Unknown attribute 'members'/],
    ['Group', 'userName eq "x"', /Unknown attribute 'userName'/],
    ['User', 'active eq "yes"', /boolean: expected true or false/],
    ['User', 'active gt true', /'gt' is not defined for the boolean/],
    ['User', 'userName gt 5', /string: expected a quoted string/],
    ['User', 'name eq "x"', /complex attribute/],
    ['User', 'addresses eq "x"', /complex attribute/],
    ['User', 'x509Certificates.value gt "a"', /not defined for the binary/],
    ['User', 'meta.created gt "yesterday"', /not a valid dateTime/],
    ['User', 'meta.created gt "2024-02-30T00:00:00Z"', /not a valid dateTime/],
    ['User', 'meta.created co "2024"', /not defined for the dateTime/],
    ['User', 'password eq "secret"', /never returned/],
    ['User', 'meta.location pr', /cannot be filtered on/],
    ['User', 'groups.$ref pr', /cannot be filtered on/],
    ['User', 'userName co null', /cannot compare 'userName' with null/],
    ['User', 'emails[nosuch eq "x"]', /Unknown sub-attribute 'nosuch' of 'emails'/],
    ['User', 'userName[value eq "x"]', /needs a complex or multi-valued attribute/],
  ];
  it.each(cases)('%s: %s', (resourceTypeName, filter, detail) => {
    const resourceType = resourceTypeName === 'User' ? userResourceType : groupResourceType;
    const attempt = () => compileFilter(resourceType, parseFilter(filter));
    expect(attempt).toThrow(ScimError);
    expect(attempt).toThrow(detail);
    try {
      attempt();
    } catch (error) {
      expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
    }
  });

  it('refuses nested value paths built by hand', () => {
    const nested: Filter = {
      kind: 'valuePath',
      attrPath: attrPath('emails'),
      filter: { kind: 'valuePath', attrPath: attrPath('emails'), filter: { kind: 'present', attrPath: attrPath('value') } },
    };
    expect(() => compileFilter(userResourceType, nested)).toThrow(/cannot be nested/);
  });
});

describe('indexes', () => {
  it('userName eq is an index search on scim_users_user_name', async () => {
    const plan = await queryPlan(usersQuery(compileFilter(userResourceType, parseFilter('userName eq "BJensen"'))), 'scim_users_user_name');
    expect(plan).toMatch(indexSearch('scim_users_user_name', 'connection_id=? AND user_name_lower=?'));
    expect(plan).not.toMatch(/SCAN|Seq Scan/);
  });

  it('externalId eq is an index search on scim_users_external_id', async () => {
    const plan = await queryPlan(usersQuery(compileFilter(userResourceType, parseFilter('externalId eq "ext-1"'))), 'scim_users_external_id');
    expect(plan).toMatch(indexSearch('scim_users_external_id', 'connection_id=? AND external_id=?'));
  });

  it('group displayName eq is an index search on scim_groups_display_name', async () => {
    const plan = await queryPlan(groupsQuery(compileFilter(groupResourceType, parseFilter('displayName eq "Admins"'))), 'scim_groups_display_name');
    expect(plan).toMatch(indexSearch('scim_groups_display_name', 'connection_id=? AND display_name_lower=?'));
  });
});

describe('injection', () => {
  const attempts = [
    'userName eq "x\\" OR 1=1 --"',
    `userName eq "x'); DROP TABLE scim_users; --"`,
    `emails.value eq "' OR '1'='1"`,
    `${ENTERPRISE}:department eq "x\\"')) OR 1=1 --"`,
  ];
  it.each(attempts)('%s matches nothing and changes nothing', async (filter) => {
    const compiled = usersQuery(compileFilter(userResourceType, parseFilter(filter))).compile();
    expect(compiled.sql).not.toMatch(/OR 1=1|DROP|'1'='1/);
    expect(await userIds(filter)).toEqual([]);
    const { count } = await db.selectFrom('scim_users').select((eb) => eb.fn.countAll<number>().as('count')).executeTakeFirstOrThrow();
    expect(count).toBe(users.length);
  });

  it('binds every literal as a parameter', () => {
    const compiled = usersQuery(compileFilter(userResourceType, parseFilter('title co "needle" and meta.created gt "2024-01-01T00:00:00Z"'))).compile();
    expect(compiled.sql).not.toContain('needle');
    expect(compiled.sql).not.toContain('2024');
    expect(compiled.parameters).toEqual(expect.arrayContaining(['needle', '2024-01-01T00:00:00.000Z']));
  });
});

describe('size', () => {
  it('runs the longest accepted filter, a chain of hundreds of or-terms', async () => {
    const terms: string[] = [];
    for (let i = 0; (terms.join(' or ').length ?? 0) < 8000; i++) terms.push(`userName eq "n${i}"`);
    terms.push('userName eq "x"');
    const filter = terms.join(' or ');
    expect(filter.length).toBeLessThanOrEqual(8192);
    expect(await userIds(filter)).toEqual(['u5']);
  });
});

/** Filters over real attribute names, to find combinations that compile to SQL SQLite rejects. */
function schemaFilter(paths: string[], subFilter?: fc.Arbitrary<Filter>): fc.Arbitrary<Filter> {
  const path = fc.constantFrom(...paths).map((text) => {
    const colon = text.lastIndexOf(':');
    const [attribute = '', sub] = text.slice(colon + 1).split('.');
    return attrPath(attribute, sub, colon >= 0 ? text.slice(0, colon) : undefined);
  });
  const value = fc.constantFrom<string | number | boolean | null>(
    'work', 'WORK', 'bjensen', 'example', '', '%_', '.org', 'u1', 'g1', 'Sales', '2024-02-01T00:00:00Z', 5, 1.5, true, false, null,
  );
  return fc.letrec<{ filter: Filter }>((tie) => {
    const options: Array<fc.Arbitrary<Filter>> = [
      fc.record({ kind: fc.constant('comparison' as const), attrPath: path, op: fc.constantFrom(...COMPARISON_OPERATORS), value }),
      fc.record({ kind: fc.constant('present' as const), attrPath: path }),
      fc.record({ kind: fc.constantFrom('and' as const, 'or' as const), left: tie('filter'), right: tie('filter') }),
      fc.record({ kind: fc.constant('not' as const), filter: tie('filter') }),
    ];
    if (subFilter) {
      const parent = fc.constantFrom('emails', 'groups', 'name', 'addresses', 'meta', 'userName', `${ENTERPRISE}:manager`).map((p) => {
        const colon = p.lastIndexOf(':');
        return attrPath(p.slice(colon + 1), undefined, colon >= 0 ? p.slice(0, colon) : undefined);
      });
      options.push(fc.record({ kind: fc.constant('valuePath' as const), attrPath: parent, filter: subFilter }));
    }
    return { filter: fc.oneof({ depthSize: 'small', maxDepth: 4 }, ...options) };
  }).filter;
}

const emailSubFilter = schemaFilter(['value', 'type', 'primary', 'display']);
const userFilter = schemaFilter(
  [
    'userName', 'name', 'name.familyName', 'displayName', 'nickName', 'active', 'title', 'id', 'externalId',
    'emails', 'emails.value', 'emails.type', 'emails.primary', 'groups', 'groups.value', 'groups.display', 'groups.type',
    'phoneNumbers.type', 'addresses.country', 'x509Certificates.value', 'meta', 'meta.created', 'meta.lastModified',
    'meta.resourceType', `${ENTERPRISE}:department`, `${ENTERPRISE}:manager`, `${ENTERPRISE}:manager.value`, 'nosuch',
  ],
  schemaFilter(['value', 'type', 'primary', 'display', 'givenName', 'country', 'created', 'nosuch']),
);

describe('arbitrary filters', () => {
  it('either run on the database or are refused as invalidFilter before reaching it', async () => {
    await fc.assert(
      fc.asyncProperty(userFilter, async (filter) => {
        let where: Expression<SqlBool>;
        try {
          where = compileFilter(userResourceType, filter);
        } catch (error) {
          expect(error).toBeInstanceOf(ScimError);
          expect(error).toMatchObject({ status: 400, scimType: 'invalidFilter' });
          return;
        }
        await usersQuery(where).execute();
      }),
      { numRuns: 400 },
    );
  });

  it('select in SQL exactly the elements matchesFilter selects in memory', async () => {
    const emails = userResourceType.schema.attributes.find((a) => a.name === 'emails');
    if (!emails) throw new Error('no emails');
    const live = users.filter((user) => !user.deleted && (user.connection ?? CONNECTION) === CONNECTION);
    await fc.assert(
      fc.asyncProperty(emailSubFilter, async (inner) => {
        let expected: string[];
        try {
          expected = live
            .filter((user) => ((user.resource.emails as unknown[] | undefined) ?? []).some((element) => matchesFilter(element, inner, emails)))
            .map((user) => user.id)
            .sort();
        } catch (error) {
          expect(error).toMatchObject({ scimType: 'invalidFilter' });
          expect(() => compileFilter(userResourceType, { kind: 'valuePath', attrPath: attrPath('emails'), filter: inner })).toThrow(ScimError);
          return;
        }
        expect(await userIds(`emails[${printFilter(inner)}]`)).toEqual(expected);
      }),
      { numRuns: 400 },
    );
  });
});
