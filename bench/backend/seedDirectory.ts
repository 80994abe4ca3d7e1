/**
 * Seeds a backend store for the benchmark, fast, through the server's own code:
 * - the org, its owner and the SCIM connections through `server/domain` (as the CLI does);
 * - the directory users straight into `scim_users`, each body an Okta Create User body from the
 *   IdP simulator (`test/idp/okta.ts`) put through the SCIM routes' own canonicalisation and
 *   column derivation, so every row is what Okta would have written through POST /Users;
 * - org members linked to every 20th directory user (half of the deprovision wave's every tenth):
 *   invited from the pool and redeemed with their one-time codes through the domain functions,
 *   exactly as the admin API does, so each member also holds a device token to revoke.
 */
import type { Kysely } from 'kysely';
import type { Database } from '../../server/store/schema.js';
import { canonicalizeResource } from '../../server/scim/resource/canonicalize.js';
import { userResourceType } from '../../server/scim/schema/definitions.js';
import { createOrgWithOwner } from '../../server/domain/orgs.js';
import { createConnection } from '../../server/domain/connections.js';
import { inviteFromPool } from '../../server/domain/invites.js';
import { redeemCode } from '../../server/domain/sessions.js';
import { runDomainTransaction } from '../../server/domain/transaction.js';
import { EventBus } from '../../server/domain/eventBus.js';
import { personAt, type PeopleOptions } from '../../test/idp/common.js';
import { oktaCreateUserBody, oktaProfileOf } from '../../test/idp/okta.js';
import { insertDirectoryUsers } from '../renderer/insertDirectoryUsers.js';

export const BENCH_ORG = 'Bench Org';
export const BENCH_OWNER_EMAIL = 'owner@bench.example';
/** Every LINK_EVERY-th directory user is an org member (the deprovision wave hits every tenth). */
export const LINK_EVERY = 20;
const INVITES_PER_TRANSACTION = 500;

export interface SeededConnection {
  connectionId: string;
  secret: string;
  users: number;
  /** SCIM ids in seeding order: ids[i] is personAt(i)'s. */
  ids: string[];
  people: PeopleOptions;
  /** How many directory users are linked to org members. */
  linkedMembers: number;
}

export interface SeededOrg {
  orgId: string;
  ownerMemberId: string;
  /** Connections by the name they were asked for. */
  connections: Record<string, SeededConnection>;
  seedSeconds: number;
}

export interface ConnectionSeed {
  name: string;
  provider: 'okta' | 'azure-ad';
  users: number;
  /** Link every LINK_EVERY-th user to an org member. */
  linkMembers: boolean;
  /** Distinguishes people of different connections (userName prefix and seed). */
  people: PeopleOptions;
}

/** The canonical stored form of the i-th person's Okta Create User body. */
export function seededResource(index: number, people: PeopleOptions): Record<string, unknown> {
  const body = oktaCreateUserBody({ ...oktaProfileOf(personAt(index, people)), password: undefined });
  return canonicalizeResource(userResourceType, body).resource;
}

function insertUsers(db: Kysely<Database>, connectionId: string, seed: ConnectionSeed): Promise<string[]> {
  const at = new Date().toISOString();
  return insertDirectoryUsers(db, connectionId, seed.users, (i) => ({ resource: seededResource(i, seed.people), at }));
}

async function linkMembers(db: Kysely<Database>, owner: { orgId: string; memberId: string }, connectionId: string, ids: string[]): Promise<number> {
  const bus = new EventBus();
  const deps = { db, bus, clock: Date.now };
  const actor = { type: 'member' as const, id: owner.memberId, label: BENCH_OWNER_EMAIL };
  const entries = ids.filter((_, i) => i % LINK_EVERY === 0);
  let linked = 0;
  for (let start = 0; start < entries.length; start += INVITES_PER_TRANSACTION) {
    const batch = entries.slice(start, start + INVITES_PER_TRANSACTION);
    await runDomainTransaction(deps, actor, async (ctx) => {
      const outcomes = await inviteFromPool(
        ctx,
        { orgId: owner.orgId, member: { id: owner.memberId, email: BENCH_OWNER_EMAIL } },
        { connectionId, poolEntryIds: batch, role: 'member' },
      );
      for (const outcome of outcomes) {
        if (outcome.outcome !== 'invited' || !outcome.inviteCode) throw new Error(`seeding: could not invite ${outcome.poolEntryId}: ${outcome.message}`);
        const redeemed = await redeemCode({ ...ctx, actor: { type: 'member', id: owner.memberId, label: 'bench' } }, { code: outcome.inviteCode, deviceLabel: 'bench laptop' });
        if (!redeemed) throw new Error(`seeding: the invite code of ${outcome.poolEntryId} did not redeem`);
        linked++;
      }
    });
  }
  return linked;
}

/** Seeds one org with the given connections into an empty, migrated store. */
export async function seedOrg(db: Kysely<Database>, connections: ConnectionSeed[], publicUrl: string): Promise<SeededOrg> {
  const started = performance.now();
  const owner = await createOrgWithOwner(db, { name: BENCH_ORG, ownerEmail: BENCH_OWNER_EMAIL, ownerName: 'Bench Owner' });
  const seeded: Record<string, SeededConnection> = {};
  for (const seed of connections) {
    const created = await createConnection(db, { orgName: BENCH_ORG, name: seed.name, provider: seed.provider, publicUrl });
    const ids = await insertUsers(db, created.connectionId, seed);
    const linkedMembers = seed.linkMembers ? await linkMembers(db, { orgId: owner.org.id, memberId: owner.ownerMemberId }, created.connectionId, ids) : 0;
    seeded[seed.name] = { connectionId: created.connectionId, secret: created.authenticationSecret, users: seed.users, ids, people: seed.people, linkedMembers };
  }
  return { orgId: owner.org.id, ownerMemberId: owner.ownerMemberId, connections: seeded, seedSeconds: (performance.now() - started) / 1000 };
}
