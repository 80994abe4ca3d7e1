/**
 * Inviting from the synced pool and watching offboarding happen, through main's IPC handlers
 * against a real bundled backend: an Okta simulator provisions people, the admin pages and searches
 * the pool, invites from it, an invitee redeems their code, and the directory's deactivation
 * removes them at once (pushed live to the app). Also: last-owner refusals, alerts, audit filters,
 * role checks and invalid payloads.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { PushMessage } from '../../shared/ipc.js';
import { FIX_LAST_OWNER } from '../../main/services/adminFailures.js';
import { OktaSimulator, oktaProfileOf } from '../idp/okta.js';
import { generatePeople, type Person } from '../idp/common.js';
import { startMainHarness, waitFor, type MainHarness } from '../support/mainHarness.js';

let h: MainHarness;
let okta: OktaSimulator;
let ownerAccountId: string;
let ownerMemberId: string;
let connectionId: string;
const people: Person[] = generatePeople(50, { seed: 11, domain: 'acme.example' });
/** Pool entry id (= SCIM id) by email. */
const entryOf = new Map<string, string>();

type Live = Extract<PushMessage, { kind: 'live' }>;
function liveOf(type: string, accountId = ownerAccountId): Live[] {
  return h.pushed.filter((m): m is Live => m.kind === 'live' && m.accountId === accountId && m.event.type === type);
}

beforeAll(async () => {
  h = startMainHarness('main-pool-invites-');
  const account = await h.call('accounts:startBundledOrg', { orgName: 'Acme', ownerEmail: 'ada@acme.example', ownerName: 'Ada Owner' });
  ownerAccountId = account.id;
  const view = await h.call('connections:create', { provider: 'okta', name: 'Okta' });
  connectionId = view.id;
  const { secret } = await h.call('connections:revealSecret', { connectionId });
  okta = new OktaSimulator({ endpointBaseUrl: view.endpointBaseUrl, secret, record: false });
  for (const person of people) {
    const pushed = await okta.pushNewUser(oktaProfileOf(person));
    expect(pushed.created).toBe(true);
    entryOf.set(person.email, pushed.id!);
  }
  const owner = (await h.call('members:list', { status: 'active', page: 1, pageSize: 50 })).items.find((m: any) => m.email === 'ada@acme.example');
  ownerMemberId = owner.id;
});

afterAll(async () => {
  await h?.close();
});

describe('the pool, invites and offboarding through main', () => {
  let invitedIds: string[];
  let codes: string[];
  let invitee: Person;
  let inviteeToken: string;
  let inviteeMemberId: string;

  it('pages, searches and filters the pool on the backend', async () => {
    const first = await h.call('pool:list', { connectionId, page: 1, pageSize: 20 });
    expect(first).toMatchObject({ total: 50, page: 1, pageSize: 20 });
    expect(first.items).toHaveLength(20);
    const last = await h.call('pool:list', { connectionId, page: 3, pageSize: 20 });
    expect(last.items).toHaveLength(10);
    const seen = new Set([...first.items, ...last.items].map((e: any) => e.id));
    expect(seen.size).toBe(30);
    expect(first.items.every((e: any) => e.status === 'available' && e.connectionId === connectionId)).toBe(true);

    const target = people[17]!;
    const found = await h.call('pool:list', { connectionId, search: target.email, page: 1, pageSize: 50 });
    expect(found.total).toBe(1);
    expect(found.items[0]).toMatchObject({ id: entryOf.get(target.email), email: target.email, name: target.displayName });

    expect((await h.call('pool:list', { connectionId, status: 'available', page: 1, pageSize: 1 })).total).toBe(50);
    expect((await h.call('pool:list', { connectionId, status: 'member', page: 1, pageSize: 10 })).total).toBe(0);
    expect((await h.call('pool:list', { connectionId, search: 'nobody-by-this-name', page: 1, pageSize: 10 })).items).toEqual([]);
  });

  it('invites three people from the pool, with a code each; inviting them again says already_invited', async () => {
    const chosen = [people[0]!, people[1]!, people[2]!];
    invitedIds = chosen.map((p) => entryOf.get(p.email)!);
    const { results } = await h.call('invites:fromPool', { connectionId, poolEntryIds: invitedIds, role: 'member' });
    expect(results).toHaveLength(3);
    for (const [i, result] of results.entries()) {
      expect(result).toMatchObject({ poolEntryId: invitedIds[i], email: chosen[i]!.email, outcome: 'invited', invite: { status: 'pending', role: 'member', connectionId } });
      expect(typeof result.inviteCode).toBe('string');
    }
    codes = results.map((r: any) => r.inviteCode as string);
    expect(new Set(codes).size).toBe(3);

    const again = await h.call('invites:fromPool', { connectionId, poolEntryIds: invitedIds, role: 'member' });
    expect(again.results.map((r: any) => r.outcome)).toEqual(['already_invited', 'already_invited', 'already_invited']);
    expect(again.results.every((r: any) => r.inviteCode === null)).toBe(true);

    const pool = await h.call('pool:list', { connectionId, status: 'invited', page: 1, pageSize: 10 });
    expect(pool.items.map((e: any) => e.id).sort()).toEqual([...invitedIds].sort());
    const invites = await h.call('invites:list', { status: 'pending', page: 1, pageSize: 10 });
    expect(invites.total).toBe(3);

    const unknown = await h.call('invites:fromPool', { connectionId, poolEntryIds: ['00000000-0000-4000-8000-000000000000'], role: 'admin' });
    expect(unknown.results[0]).toMatchObject({ outcome: 'not_found', inviteCode: null });
  });

  it('the invitee redeems a code and shows up as a member from the directory', async () => {
    invitee = people[0]!;
    const redeemed = await fetch(`${h.backend.baseUrl()}/api/v1/session/redeem`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: codes[0], deviceLabel: 'Invitee laptop' }),
    });
    expect(redeemed.status).toBe(201);
    const body = (await redeemed.json()) as { deviceToken: string; member: { id: string } };
    inviteeToken = body.deviceToken;
    inviteeMemberId = body.member.id;

    const members = await h.call('members:list', { status: 'active', page: 1, pageSize: 50 });
    expect(members.items.find((m: any) => m.id === inviteeMemberId)).toMatchObject({
      email: invitee.email,
      role: 'member',
      status: 'active',
      source: { kind: 'directory', connectionId, connectionName: 'Okta', poolEntryId: entryOf.get(invitee.email) },
    });
    expect((await h.call('members:list', { status: 'active', unmanaged: true, page: 1, pageSize: 50 })).items.map((m: any) => m.id)).not.toContain(inviteeMemberId);
    expect((await h.call('pool:list', { connectionId, status: 'member', page: 1, pageSize: 10 })).items.map((e: any) => e.id)).toEqual([entryOf.get(invitee.email)]);
  });

  it('the directory deactivating the invitee removes them at once, pushed live within 1 s', async () => {
    await waitFor('the event stream to be ready', () => liveOf('ready').length > 0, 5000);
    const started = Date.now();
    const [patch] = await okta.deactivate(entryOf.get(invitee.email)!);
    expect(patch!.status).toBe(200);
    const message = await waitFor(
      'member.removed',
      () => liveOf('member.removed').find((m) => m.event.type === 'member.removed' && m.event.memberId === inviteeMemberId),
      1000,
    );
    expect(Date.now() - started).toBeLessThan(1000);
    expect(message.event).toMatchObject({ type: 'member.removed', email: invitee.email, by: { type: 'connection', id: connectionId }, revokedDevices: 1 });

    const removed = await h.call('members:list', { status: 'removed', page: 1, pageSize: 50 });
    expect(removed.items.find((m: any) => m.id === inviteeMemberId)).toMatchObject({
      status: 'removed',
      removedBy: { type: 'connection', id: connectionId },
      removedAt: expect.any(String),
    });
    expect((await h.call('members:list', { page: 1, pageSize: 50 })).items.map((m: any) => m.id)).not.toContain(inviteeMemberId);
    const session = await fetch(`${h.backend.baseUrl()}/api/v1/session`, { headers: { Authorization: `Bearer ${inviteeToken}` } });
    expect(session.status).toBe(401);
    expect((await h.call('pool:list', { connectionId, status: 'deactivated', page: 1, pageSize: 10 })).items.map((e: any) => e.email)).toEqual([invitee.email]);

    // Inviting a deactivated person says so.
    const again = await h.call('invites:fromPool', { connectionId, poolEntryIds: [entryOf.get(invitee.email)], role: 'member' });
    expect(again.results[0]).toMatchObject({ outcome: 'deactivated', inviteCode: null });
  });

  it('deactivating someone with a pending invite cancels it, pushed live', async () => {
    const person = people[1]!;
    await okta.deactivate(entryOf.get(person.email)!);
    const cancelled = await waitFor('invite.cancelled', () => liveOf('invite.cancelled').find((m) => m.event.type === 'invite.cancelled' && m.event.email === person.email), 2000);
    expect(cancelled.event).toMatchObject({ by: { type: 'connection' } });
    const redeem = await fetch(`${h.backend.baseUrl()}/api/v1/session/redeem`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ code: codes[1], deviceLabel: 'x' }),
    });
    expect(redeem.status).toBe(401);
  });

  it('revokes a pending invite; revoking it again is a conflict with a fix', async () => {
    const pending = await h.call('invites:list', { status: 'pending', page: 1, pageSize: 10 });
    const invite = pending.items.find((i: any) => i.email === people[2]!.email);
    expect(await h.call('invites:revoke', { inviteId: invite.id })).toEqual({ revoked: true });
    expect((await h.call('invites:list', { status: 'revoked', page: 1, pageSize: 10 })).items.map((i: any) => i.id)).toContain(invite.id);
    const again = await h.services.handlers['invites:revoke']({ inviteId: invite.id });
    expect(again).toMatchObject({ ok: false, error: { code: 'conflict', fix: expect.stringMatching(/pending/) } });
    const missing = await h.services.handlers['invites:revoke']({ inviteId: '00000000-0000-4000-8000-000000000000' });
    expect(missing).toMatchObject({ ok: false, error: { code: 'not_found', fix: expect.stringMatching(/refresh/i) } });
  });

  it('invites by email; a member-role account is refused with "Only owners and admins can …"', async () => {
    const { results } = await h.call('invites:byEmail', { email: 'mo@acme.example', name: 'Mo Member', role: 'member' });
    expect(results[0]).toMatchObject({ outcome: 'invited', poolEntryId: null, invite: { email: 'mo@acme.example' } });
    const signedIn = await h.call('accounts:signInRemote', { backendUrl: h.backend.baseUrl(), code: results[0].inviteCode });
    expect(signedIn).toMatchObject({ role: 'member' });
    expect(h.services.liveEvents.accountId).toBe(signedIn.id);

    const refused = await h.services.handlers['pool:list']({ connectionId, page: 1, pageSize: 10 });
    expect(refused).toMatchObject({ ok: false, error: { code: 'forbidden', fix: 'Only owners and admins can see a connection’s pool. Ask an owner of the org to change your role.' } });
    expect(await h.services.handlers['invites:fromPool']({ connectionId, poolEntryIds: [entryOf.get(people[5]!.email)], role: 'member' })).toMatchObject({
      ok: false,
      error: { code: 'forbidden', fix: expect.stringMatching(/^Only owners and admins can invite people/) },
    });

    // Switching back: the live stream follows the active account again, and pushes carry its id.
    const readyBefore = liveOf('ready').length;
    await h.call('accounts:switch', { accountId: ownerAccountId });
    expect(h.services.liveEvents.accountId).toBe(ownerAccountId);
    await waitFor('the owner stream to be ready again', () => liveOf('ready').length > readyBefore, 5000);
    await h.call('accounts:signOut', { accountId: signedIn.id });
    expect((await h.call('accounts:list')).activeAccountId).toBe(ownerAccountId);
    expect(h.services.liveEvents.accountId).toBe(ownerAccountId);
    const members = await h.call('members:list', { page: 1, pageSize: 50 });
    const mo = members.items.find((m: any) => m.email === 'mo@acme.example');
    expect(mo).toMatchObject({ source: { kind: 'email' } });
    expect(await h.call('members:setRole', { memberId: mo.id, role: 'admin' })).toMatchObject({ id: mo.id, role: 'admin' });
    await waitFor('member.changed', () => liveOf('member.changed').find((m) => m.event.type === 'member.changed' && m.event.memberId === mo.id), 2000);
    expect(await h.call('members:remove', { memberId: mo.id })).toEqual({ removed: true });
    expect(await h.services.handlers['members:remove']({ memberId: mo.id })).toMatchObject({ ok: false, error: { code: 'conflict' } });
  });

  it('refuses to remove or demote the last owner, with the fix', async () => {
    const removal = await h.services.handlers['members:remove']({ memberId: ownerMemberId });
    expect(removal).toMatchObject({ ok: false, error: { code: 'conflict', message: expect.stringMatching(/last owner/), fix: FIX_LAST_OWNER } });
    const demotion = await h.services.handlers['members:setRole']({ memberId: ownerMemberId, role: 'admin' });
    expect(demotion).toMatchObject({ ok: false, error: { code: 'conflict', fix: FIX_LAST_OWNER } });
    // The admin's own refusal raised an alert; dismiss it so the directory's refusal stands alone below.
    const { items } = await h.call('alerts:list');
    for (const alert of items) expect(await h.call('alerts:dismiss', { alertId: alert.id })).toEqual({ dismissed: true });
    expect((await h.call('alerts:list')).items).toEqual([]);
  });

  it('a directory deactivating the linked last owner is refused, raising an alert the admin dismisses', async () => {
    const created = await okta.createUser(
      oktaProfileOf({ ...people[49]!, userName: 'ada@acme.example', email: 'ada@acme.example', givenName: 'Ada', familyName: 'Owner', displayName: 'Ada Owner' }),
    );
    expect(created.status).toBe(201);
    const linked = await h.call('members:link', { memberId: ownerMemberId, poolEntryId: created.body.id });
    expect(linked).toMatchObject({ id: ownerMemberId, source: { kind: 'directory', connectionId, poolEntryId: created.body.id } });
    const relink = await h.services.handlers['members:link']({ memberId: ownerMemberId, poolEntryId: created.body.id });
    expect(relink).toMatchObject({ ok: false, error: { code: 'conflict', fix: expect.stringMatching(/invited by email/) } });

    await okta.deactivate(created.body.id);
    const refusal = await waitFor(
      'member.removal_refused',
      () => liveOf('member.removal_refused').find((m) => m.event.type === 'member.removal_refused' && m.event.by.type === 'connection'),
      2000,
    );
    if (refusal.event.type !== 'member.removal_refused') throw new Error('unexpected');
    const { items } = await h.call('alerts:list');
    expect(items).toHaveLength(1);
    expect(items[0]).toMatchObject({ id: refusal.event.alertId, kind: 'last_owner_removal_refused', dismissedAt: null, details: { memberId: ownerMemberId } });
    expect(await h.call('alerts:dismiss', { alertId: refusal.event.alertId })).toEqual({ dismissed: true });
    expect((await h.call('alerts:list')).items).toEqual([]);
    expect(await h.services.handlers['alerts:dismiss']({ alertId: '00000000-0000-4000-8000-000000000000' })).toMatchObject({ ok: false, error: { code: 'not_found' } });
    // The owner is still signed in.
    expect((await h.call('connections:list')).length).toBe(1);
  });

  it('filters the audit log by actor type, actor, kind and time', async () => {
    const byDirectory = await h.call('audit:list', { actorType: 'connection', page: 1, pageSize: 200 });
    expect(byDirectory.total).toBeGreaterThan(0);
    expect(byDirectory.items.every((e: any) => e.actor.type === 'connection' && e.actor.id === connectionId)).toBe(true);
    expect(byDirectory.items.map((e: any) => e.kind)).toEqual(expect.arrayContaining(['member.removed', 'member.removal_refused']));

    const removals = await h.call('audit:list', { kind: 'member.removed', page: 1, pageSize: 50 });
    expect(removals.items.every((e: any) => e.kind === 'member.removed')).toBe(true);
    expect(removals.items.map((e: any) => e.subject?.id)).toEqual(expect.arrayContaining([inviteeMemberId]));

    const byOwner = await h.call('audit:list', { actorType: 'member', actorId: ownerMemberId, page: 1, pageSize: 200 });
    expect(byOwner.total).toBeGreaterThan(0);
    expect(byOwner.items.every((e: any) => e.actor.id === ownerMemberId)).toBe(true);

    const future = new Date(Date.now() + 3_600_000).toISOString();
    expect((await h.call('audit:list', { since: future, page: 1, pageSize: 10 })).total).toBe(0);
    const all = await h.call('audit:list', { until: future, page: 1, pageSize: 2 });
    expect(all.items).toHaveLength(2);
    expect(all.total).toBeGreaterThan(2);
  });

  it('answers invalid_request naming the field, before any request', async () => {
    const cases: [keyof MainHarness['services']['handlers'], unknown, string][] = [
      ['pool:list', { connectionId, page: 1, pageSize: 501 }, 'pageSize'],
      ['pool:list', { connectionId: 'nope', page: 1, pageSize: 10 }, 'connectionId'],
      ['pool:list', { connectionId, status: 'gone', page: 1, pageSize: 10 }, 'status'],
      ['invites:fromPool', { connectionId, poolEntryIds: [], role: 'member' }, 'poolEntryIds'],
      ['invites:fromPool', { connectionId, poolEntryIds: Array.from({ length: 501 }, () => entryOf.get(people[3]!.email)), role: 'member' }, 'poolEntryIds'],
      ['invites:fromPool', { connectionId, poolEntryIds: [entryOf.get(people[3]!.email)], role: 'owner' }, 'role'],
      ['invites:byEmail', { email: 'not-an-email', name: 'X', role: 'member' }, 'email'],
      ['invites:list', { status: 'maybe', page: 1, pageSize: 10 }, 'status'],
      ['members:list', { status: 'gone', page: 1, pageSize: 10 }, 'status'],
      ['members:list', { page: 0, pageSize: 10 }, 'page'],
      ['members:setRole', { memberId: ownerMemberId, role: 'boss' }, 'role'],
      ['members:link', { memberId: ownerMemberId, poolEntryId: 'x' }, 'poolEntryId'],
      ['audit:list', { since: 'yesterday', page: 1, pageSize: 10 }, 'since'],
      ['alerts:dismiss', { alertId: 42 }, 'alertId'],
    ];
    for (const [channel, payload, field] of cases) {
      expect(await h.services.handlers[channel](payload), `${channel} ${field}`).toMatchObject({ ok: false, error: { code: 'invalid_request', field } });
    }
  });

  it('keeps invite codes out of the user-data folder', async () => {
    const { readdirSync, readFileSync, statSync } = await import('node:fs');
    const { join } = await import('node:path');
    const walk = (dir: string): string[] =>
      readdirSync(dir).flatMap((name) => {
        const full = join(dir, name);
        if (full.endsWith('backend')) return [];
        return statSync(full).isDirectory() ? walk(full) : [full];
      });
    for (const file of walk(h.userDataDir)) {
      const text = readFileSync(file, 'utf8');
      for (const code of codes) expect(text.includes(code), file).toBe(false);
    }
  });
});
