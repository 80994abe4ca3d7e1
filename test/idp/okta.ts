/**
 * An Okta provisioning client simulator: it sends, step by step, the requests Okta's SCIM 2.0
 * client sends to a SCIM server, with Okta's headers, and records every exchange.
 *
 * Sources (the test file okta.test.ts maps each of its steps to them):
 *  [OKTA-REF]   developer.okta.com, "SCIM 2.0 Protocol Reference" (/docs/reference/scim/scim-20/),
 *               okta/okta-developer-docs: packages/@okta/vuepress-site/docs/reference/scim/scim-20/index.md
 *  [OKTA-SPEC]  "Okta SCIM 2.0 SPEC Test" Runscope suite,
 *               okta/okta-developer-docs: .vuepress/public/standards/SCIM/SCIMFiles/Okta-SCIM-20-SPEC-Test.json
 *  [OKTA-CRUD]  "Okta SCIM 2.0 CRUD Test" Runscope suite, same folder: Okta-SCIM-20-CRUD-Test.json
 *  [OKTA-OBS]   "Okta SCIM 프로비저닝 검증 (1) — 자체 SCIM 서버로 본 Okta의 요청" (2026), a request log of a real
 *               Okta org (App Integration Wizard app) against a logging SCIM server: Test Connector =
 *               GET /Users?startIndex=1&count=2; To-App save also GET /Groups?startIndex=1&count=100;
 *               deactivate/reactivate/profile push = GET then full PUT (id and meta copied back);
 *               Group Push = POST with members, then GET + PUT; membership change = GET + full PUT.
 *
 * Two modes, because Okta documents two behaviours ([OKTA-REF], "Update a specific User (PATCH)"):
 *  - 'oin' (Okta Integration Network apps): activate/deactivate and group changes are PATCH;
 *  - 'aiw' (custom apps made with the App Integration Wizard): every update is a read-modify-write
 *    PUT of the whole resource.
 * Profile updates are PUT in both modes ([OKTA-REF], "Update a specific User (PUT)").
 */
import type { ScimResponse } from '../support/scimClient.js';
import { SCIM_ENTERPRISE_USER, SCIM_GROUP, SCIM_PATCH_OP, SCIM_USER } from '../../shared/scim/urns.js';
import { DirectorySimulator, oktaFilter, scimString, type Person, type SimulatorOptions } from './common.js';

/** The User-Agent of Okta's provisioning client, as [OKTA-REF] shows on every request. */
export const OKTA_USER_AGENT = 'Okta SCIM Client 1.0.0';
/** The User-Agent of Okta's Runscope SPEC test suite ([OKTA-SPEC], every step's headers). */
export const OKTA_SPEC_TEST_USER_AGENT = 'OKTA SCIM Integration';
/** Okta's page size for imports and lookups ([OKTA-REF], "Retrieve Users": "Okta uses count=100"). */
export const OKTA_PAGE_SIZE = 100;

export type OktaMode = 'oin' | 'aiw';

/** A user's Okta application profile: what Okta maps to SCIM on Create User ([OKTA-REF], "Create the User"). */
export interface OktaProfile {
  userName: string;
  givenName: string;
  familyName: string;
  email: string;
  displayName?: string;
  locale?: string;
  title?: string;
  /** Sent in the enterprise extension ([OKTA-OBS] §6). */
  department?: string;
  /** The Okta user id ("00u…"). */
  externalId?: string;
  /** Okta sends a random password on create even with password sync off ([OKTA-REF], [OKTA-OBS] §6). */
  password?: string;
  middleName?: string;
}

export interface OktaMember {
  value: string;
  display?: string;
}

export interface OktaSimulatorOptions extends SimulatorOptions {
  mode?: OktaMode;
  /** Content-Type on requests with a body; Okta's client sends SCIM JSON. */
  contentType?: string;
}

export function oktaProfileOf(person: Person): OktaProfile {
  return {
    userName: person.userName,
    givenName: person.givenName,
    familyName: person.familyName,
    email: person.email,
    displayName: person.displayName,
    locale: person.locale,
    title: person.title,
    department: person.department,
    externalId: person.externalId,
    password: `Pw${person.employeeNumber}x!`,
  };
}

/** The Create User body, shaped like [OKTA-REF]'s example (plus the enterprise extension of [OKTA-OBS] §6). */
export function oktaCreateUserBody(profile: OktaProfile): Record<string, unknown> {
  const body: Record<string, unknown> = {
    schemas: profile.department ? [SCIM_USER, SCIM_ENTERPRISE_USER] : [SCIM_USER],
    userName: profile.userName,
    name: {
      givenName: profile.givenName,
      ...(profile.middleName !== undefined ? { middleName: profile.middleName } : {}),
      familyName: profile.familyName,
    },
    emails: [{ primary: true, value: profile.email, type: 'work' }],
    displayName: profile.displayName ?? `${profile.givenName} ${profile.familyName}`,
  };
  if (profile.locale) body.locale = profile.locale;
  if (profile.title) body.title = profile.title;
  if (profile.department) body[SCIM_ENTERPRISE_USER] = { department: profile.department };
  if (profile.externalId) body.externalId = profile.externalId;
  body.groups = [];
  if (profile.password) body.password = profile.password;
  body.active = true;
  return body;
}

export interface PushNewUserResult {
  /** GET /Users?filter=userName eq "…"&startIndex=1&count=100 */
  lookup: ScimResponse;
  /** POST /Users, when the lookup found nobody. */
  create?: ScimResponse;
  /** When the lookup found an existing (deactivated) user: Okta links and reactivates it ([OKTA-OBS] §12). */
  reactivate?: ScimResponse[];
  /** The SCIM id Okta keeps for the user afterwards. */
  id?: string;
  created: boolean;
}

export class OktaSimulator extends DirectorySimulator {
  readonly mode: OktaMode;

  constructor(options: OktaSimulatorOptions) {
    super(
      options,
      options.userAgent ?? OKTA_USER_AGENT,
      { Accept: 'application/scim+json', 'Accept-Charset': 'utf-8' },
      options.contentType ?? 'application/scim+json; charset=utf-8',
    );
    this.mode = options.mode ?? 'oin';
  }

  /** Any request, recorded under `step`: for replaying suites such as [OKTA-SPEC] verbatim. */
  replay<T = any>(step: string, method: string, path: string, body?: unknown): Promise<ScimResponse<T>> {
    return this.send<T>(step, method, path, body);
  }

  // ---- Connection --------------------------------------------------------------------------

  /** "Test Connector Configuration" ([OKTA-OBS] §4): one request, no /ServiceProviderConfig. */
  testConnection(): Promise<ScimResponse> {
    return this.send('Test Connector Configuration', 'GET', '/Users?startIndex=1&count=2');
  }

  /** Saving the To App settings ([OKTA-OBS] §5): the test request again, then the app-group cache. */
  async saveProvisioningSettings(): Promise<{ users: ScimResponse; groups: ScimResponse }> {
    const users = await this.send('Save provisioning settings', 'GET', '/Users?startIndex=1&count=2');
    const groups = await this.send('Save provisioning settings', 'GET', `/Groups?startIndex=1&count=${OKTA_PAGE_SIZE}`);
    return { users, groups };
  }

  // ---- Import (To Okta) --------------------------------------------------------------------

  /**
   * Import Users ([OKTA-REF], "Retrieve Users"): pages of `count=100`, `startIndex` advanced by 100
   * until `totalResults` is reached.
   */
  importUsers(): Promise<{ pages: ScimResponse[]; resources: any[] }> {
    return this.importAll('Import Users', '/Users');
  }

  /** Import Groups ([OKTA-REF], "Retrieve Groups"): same paging over /Groups. */
  importGroups(): Promise<{ pages: ScimResponse[]; resources: any[] }> {
    return this.importAll('Import Groups', '/Groups');
  }

  private async importAll(step: string, endpoint: string): Promise<{ pages: ScimResponse[]; resources: any[] }> {
    const pages: ScimResponse[] = [];
    const resources: any[] = [];
    let startIndex = 1;
    for (;;) {
      const page = await this.send(step, 'GET', `${endpoint}?startIndex=${startIndex}&count=${OKTA_PAGE_SIZE}`);
      pages.push(page);
      if (page.status !== 200) break;
      const list: any[] = Array.isArray(page.body?.Resources) ? page.body.Resources : [];
      resources.push(...list);
      const total = Number(page.body?.totalResults ?? 0);
      startIndex += OKTA_PAGE_SIZE;
      if (list.length === 0 || startIndex > total || pages.length > 10_000) break;
    }
    return { pages, resources };
  }

  // ---- Users -------------------------------------------------------------------------------

  /** "Determine if the User already exists" ([OKTA-REF]): the exact query string Okta sends. */
  findUser(userName: string): Promise<ScimResponse> {
    return this.send(
      'Determine if the User already exists',
      'GET',
      `/Users?${oktaFilter(`userName eq ${scimString(userName)}`)}&startIndex=1&count=${OKTA_PAGE_SIZE}`,
    );
  }

  /** "Retrieve a specific User" ([OKTA-REF]). */
  getUser(id: string): Promise<ScimResponse> {
    return this.send('Retrieve a specific User', 'GET', `/Users/${encodeURIComponent(id)}`);
  }

  /** "Create the User" ([OKTA-REF]). */
  createUser(profile: OktaProfile): Promise<ScimResponse> {
    return this.send('Create the User', 'POST', '/Users', oktaCreateUserBody(profile));
  }

  /**
   * Push New Users (assigning a user to the app): lookup by userName, POST when absent. When the
   * user already exists Okta links to it and, if it is deactivated, reactivates it ([OKTA-OBS] §12).
   */
  async pushNewUser(profile: OktaProfile): Promise<PushNewUserResult> {
    const lookup = await this.findUser(profile.userName);
    if (lookup.status !== 200) return { lookup, created: false };
    const existing = Array.isArray(lookup.body?.Resources) ? lookup.body.Resources[0] : undefined;
    if (existing && typeof existing.id === 'string') {
      const result: PushNewUserResult = { lookup, id: existing.id, created: false };
      if (existing.active === false) result.reactivate = await this.reactivate(existing.id);
      return result;
    }
    const create = await this.createUser(profile);
    const id = create.status === 201 && typeof create.body?.id === 'string' ? (create.body.id as string) : undefined;
    return { lookup, create, created: create.status === 201, ...(id ? { id } : {}) };
  }

  /**
   * Push Profile Updates ([OKTA-REF], "Update a specific User (PUT)"): GET the user, change the
   * mapped attributes in the body Okta got back, PUT the whole thing (id, meta and groups included).
   * `changes` uses the profile's names; `name.middleName` etc. may be given through `patchBody`.
   */
  async updateProfile(
    id: string,
    changes: Partial<OktaProfile>,
    patchBody?: (body: Record<string, any>) => void,
  ): Promise<{ get: ScimResponse; put?: ScimResponse }> {
    const get = await this.getUser(id);
    if (get.status !== 200) return { get };
    const body = structuredClone(get.body) as Record<string, any>;
    const name = { ...(body.name ?? {}) };
    if (changes.givenName !== undefined) name.givenName = changes.givenName;
    if (changes.familyName !== undefined) name.familyName = changes.familyName;
    if (changes.middleName !== undefined) name.middleName = changes.middleName;
    body.name = name;
    if (changes.userName !== undefined) body.userName = changes.userName;
    if (changes.displayName !== undefined) body.displayName = changes.displayName;
    if (changes.locale !== undefined) body.locale = changes.locale;
    if (changes.title !== undefined) body.title = changes.title;
    if (changes.email !== undefined) {
      body.emails = [{ primary: true, value: changes.email, type: 'work', display: changes.email }];
    }
    if (changes.department !== undefined) {
      body[SCIM_ENTERPRISE_USER] = { ...(body[SCIM_ENTERPRISE_USER] ?? {}), department: changes.department };
      if (!body.schemas.includes(SCIM_ENTERPRISE_USER)) body.schemas = [...body.schemas, SCIM_ENTERPRISE_USER];
    }
    // Okta's PUT always carries groups (the reference's example: "groups": []).
    if (!Array.isArray(body.groups)) body.groups = [];
    patchBody?.(body);
    const put = await this.send('Update the User (PUT)', 'PUT', `/Users/${encodeURIComponent(id)}`, body);
    return { get, put };
  }

  /**
   * Deactivate ([OKTA-REF], "Update a specific User (PATCH)"; [OKTA-CRUD] "Deactivate user in
   * Okta"): OIN apps send a path-less PATCH; AIW apps GET then PUT `active: false` ([OKTA-OBS] §7).
   */
  deactivate(id: string): Promise<ScimResponse[]> {
    return this.setActive(id, false, 'Deactivate the User');
  }

  /** Reactivate: the same request with `active: true` ([OKTA-CRUD] "Reactivate user in okta"). */
  reactivate(id: string): Promise<ScimResponse[]> {
    return this.setActive(id, true, 'Reactivate the User');
  }

  private async setActive(id: string, active: boolean, step: string): Promise<ScimResponse[]> {
    if (this.mode === 'oin') {
      return [
        await this.send(step, 'PATCH', `/Users/${encodeURIComponent(id)}`, {
          schemas: [SCIM_PATCH_OP],
          Operations: [{ op: 'replace', value: { active } }],
        }),
      ];
    }
    const get = await this.getUser(id);
    if (get.status !== 200) return [get];
    const body = structuredClone(get.body) as Record<string, any>;
    body.active = active;
    if (!Array.isArray(body.groups)) body.groups = [];
    return [get, await this.send(step, 'PUT', `/Users/${encodeURIComponent(id)}`, body)];
  }

  // ---- Groups ------------------------------------------------------------------------------

  /** "Retrieve specific Groups" ([OKTA-REF]). */
  getGroup(id: string): Promise<ScimResponse> {
    return this.send('Retrieve specific Groups', 'GET', `/Groups/${encodeURIComponent(id)}`);
  }

  /**
   * Push Groups. OIN ([OKTA-REF], "Create Groups"): POST with `members: []`, then the members by
   * PATCH. AIW ([OKTA-OBS] §10): POST with the assigned members, then GET + PUT of the same content.
   */
  async pushGroup(displayName: string, members: OktaMember[] = []): Promise<{ create: ScimResponse; followUp: ScimResponse[]; id?: string }> {
    const followUp: ScimResponse[] = [];
    const initialMembers = this.mode === 'aiw' ? members : [];
    const create = await this.send('Create Groups', 'POST', '/Groups', { schemas: [SCIM_GROUP], displayName, members: initialMembers });
    const id = create.status === 201 && typeof create.body?.id === 'string' ? (create.body.id as string) : undefined;
    if (!id) return { create, followUp };
    if (this.mode === 'aiw') {
      followUp.push(...(await this.putGroup(id, (body) => body)));
    } else if (members.length > 0) {
      followUp.push(await this.patchMembers(id, { add: members }));
    }
    return { create, followUp, id };
  }

  /**
   * "Update a specific Group name" ([OKTA-REF]): OIN sends a path-less replace whose value carries
   * the group's id with its new displayName; AIW GETs and PUTs.
   */
  async renameGroup(id: string, displayName: string): Promise<ScimResponse[]> {
    if (this.mode === 'oin') {
      return [
        await this.send('Update a specific Group name', 'PATCH', `/Groups/${encodeURIComponent(id)}`, {
          schemas: [SCIM_PATCH_OP],
          Operations: [{ op: 'replace', value: { id, displayName } }],
        }),
      ];
    }
    return this.putGroup(id, (body) => ({ ...body, displayName }));
  }

  /**
   * "Update specific Group membership" ([OKTA-REF]): OIN sends one PATCH with a `remove` per member
   * by value filter and one `add` with the new members; AIW GETs and PUTs the full member list
   * ([OKTA-OBS] §11).
   */
  async updateGroupMembers(id: string, change: { add?: OktaMember[]; remove?: string[] }): Promise<ScimResponse[]> {
    if (this.mode === 'oin') return [await this.patchMembers(id, change)];
    return this.putGroup(id, (body) => {
      const removed = new Set(change.remove ?? []);
      const current: OktaMember[] = (Array.isArray(body.members) ? body.members : [])
        .filter((m: any) => !removed.has(m.value))
        .map((m: any) => ({ value: m.value, ...(m.display ? { display: m.display } : {}) }));
      for (const m of change.add ?? []) if (!current.some((c) => c.value === m.value)) current.push(m);
      return { ...body, members: current };
    });
  }

  /** Full membership push ([OKTA-REF]: `{"op":"replace","path":"members","value":[…]}`). */
  replaceGroupMembers(id: string, members: OktaMember[]): Promise<ScimResponse> {
    return this.send('Update specific Group membership (replace)', 'PATCH', `/Groups/${encodeURIComponent(id)}`, {
      schemas: [SCIM_PATCH_OP],
      Operations: [{ op: 'replace', path: 'members', value: members }],
    });
  }

  /** "Delete a specific Group" ([OKTA-REF]: Unlink pushed group → Delete the group in the target app). */
  deleteGroup(id: string): Promise<ScimResponse> {
    return this.send('Delete a specific Group', 'DELETE', `/Groups/${encodeURIComponent(id)}`);
  }

  private patchMembers(id: string, change: { add?: OktaMember[]; remove?: string[] }): Promise<ScimResponse> {
    const operations: Record<string, unknown>[] = [];
    for (const userId of change.remove ?? []) operations.push({ op: 'remove', path: `members[value eq ${scimString(userId)}]` });
    if (change.add && change.add.length > 0) operations.push({ op: 'add', path: 'members', value: change.add });
    return this.send('Update specific Group membership', 'PATCH', `/Groups/${encodeURIComponent(id)}`, {
      schemas: [SCIM_PATCH_OP],
      Operations: operations,
    });
  }

  private async putGroup(id: string, edit: (body: Record<string, any>) => Record<string, any>): Promise<ScimResponse[]> {
    const get = await this.getGroup(id);
    if (get.status !== 200) return [get];
    const current = get.body as Record<string, any>;
    const body = edit({
      schemas: current.schemas ?? [SCIM_GROUP],
      id: current.id,
      displayName: current.displayName,
      members: (Array.isArray(current.members) ? current.members : []).map((m: any) => ({
        value: m.value,
        ...(m.display ? { display: m.display } : {}),
      })),
      ...(current.meta ? { meta: current.meta } : {}),
    });
    return [get, await this.send('Update a specific Group (PUT)', 'PUT', `/Groups/${encodeURIComponent(id)}`, body)];
  }
}
