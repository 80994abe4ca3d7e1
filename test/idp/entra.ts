/**
 * A Microsoft Entra ID (Azure AD) provisioning-service simulator: it sends, step by step, the
 * requests Entra's SCIM client sends, in either of its two documented PATCH dialects, and records
 * every exchange.
 *
 * Sources (entra.test.ts maps each step to them):
 *  [MS-TUT]   learn.microsoft.com, "Tutorial: Develop and plan provisioning for a SCIM endpoint in
 *             Microsoft Entra ID" (/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups),
 *             MicrosoftDocs/entra-docs: docs/identity/app-provisioning/use-scim-to-provision-users-and-groups.md
 *  [MS-COMPAT] learn.microsoft.com, "Known issues and resolutions with SCIM 2.0 protocol compliance of
 *             the Microsoft Entra user provisioning service"
 *             (/entra/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility),
 *             MicrosoftDocs/entra-docs: docs/identity/app-provisioning/application-provisioning-config-problem-scim-compatibility.md
 *  [MS-REF]   github.com/AzureAD/SCIMReferenceCode (the reference implementation) and its Postman
 *             collection, PostmanCollection.json ("SCIM Tests")
 *  [GH-11784] github.com/MicrosoftDocs/azure-docs/issues/11784: request log of Azure's client
 *             (`GET …/Users?filter=externalId+eq+%22johnwong%22`)
 *  [GH-73842] github.com/MicrosoftDocs/azure-docs/issues/73842: Entra sends the manager as a plain id
 *  [GH-453]   github.com/thomaspoignant/scim-patch/issues/453: Azure removes a manager with
 *             `{"op":"remove","path":"manager[value eq \"…\"]"}`
 *  [GH-416]   github.com/Captain-P-Goldfish/SCIM-SDK/issues/416: `add` to `emails[type eq "work"].value`
 *             on a user that has no work email yet (Microsoft's SCIM validator)
 *
 * Modes ([MS-COMPAT], "Flags to alter the SCIM behavior"):
 *  - 'default': `op` capitalised (Add/Replace/Remove), one operation per attribute, booleans as
 *    the strings "True"/"False", `Add` for a single-valued attribute that had no value, group
 *    members removed with `path: "members"` and a value list;
 *  - 'aadOptscim062020' (the tenant-URL feature flag): lowercase ops, real booleans, several
 *    attributes replaced by one path-less `replace` whose keys are dotted or URN-qualified paths,
 *    members removed with `members[value eq "…"]`.
 */
import type { ScimResponse } from '../support/scimClient.js';
import { SCIM_ENTERPRISE_USER, SCIM_GROUP, SCIM_PATCH_OP, SCIM_USER } from '../../shared/scim/urns.js';
import { DirectorySimulator, entraFilter, guid, scimString, seededRandom, type Person, type SimulatorOptions } from './common.js';

/**
 * The User-Agent this simulator sends for Entra. Microsoft does not document the provisioning
 * service's User-Agent in any of the sources above; this value is a stand-in (it names Azure AD, so
 * it exercises the server's `azure-ad` detection) and can be overridden with `userAgent`.
 */
export const ENTRA_USER_AGENT = 'Azure AD SCIM Client/1.0 (simulated: not documented by Microsoft)';

/** The Microsoft-private schema URN Entra lists when creating a group ([MS-TUT], "Create Group"). */
export const ENTRA_GROUP_SCHEMA = 'http://schemas.microsoft.com/2006/11/ResourceManagement/ADSCIM/2.0/Group';

/** The feature flag's name as it appears in the tenant URL ([MS-COMPAT]). */
export const AAD_OPT_SCIM_FLAG = 'aadOptscim062020';

export type EntraMode = 'default' | typeof AAD_OPT_SCIM_FLAG;

export interface EntraSimulatorOptions extends SimulatorOptions {
  mode?: EntraMode;
  /** Seed for the random GUIDs of Test Connection. */
  seed?: number;
  /** Which attribute Entra matches users on ([MS-TUT]: userName by default; externalId is common). */
  matchingAttribute?: 'userName' | 'externalId';
}

/** Attributes Entra maps by default, by their Entra-side meaning, with their SCIM paths ([MS-TUT] attribute table). */
export const ENTRA_ATTRIBUTE_PATHS = {
  userName: 'userName',
  displayName: 'displayName',
  givenName: 'name.givenName',
  familyName: 'name.familyName',
  workEmail: 'emails[type eq "work"].value',
  mobilePhone: 'phoneNumbers[type eq "mobile"].value',
  workPhone: 'phoneNumbers[type eq "work"].value',
  postalCode: 'addresses[type eq "work"].postalCode',
  streetAddress: 'addresses[type eq "work"].streetAddress',
  externalId: 'externalId',
  title: 'title',
  nickName: 'nickName',
  preferredLanguage: 'preferredLanguage',
  employeeNumber: `${SCIM_ENTERPRISE_USER}:employeeNumber`,
  department: `${SCIM_ENTERPRISE_USER}:department`,
  costCenter: `${SCIM_ENTERPRISE_USER}:costCenter`,
} as const;

export type EntraAttribute = keyof typeof ENTRA_ATTRIBUTE_PATHS;

export interface EntraUserChange {
  /** Attributes that had a value and get a new one. */
  replace?: Partial<Record<EntraAttribute, string>>;
  /** Attributes that had no value: Entra sends `Add` for these ([MS-COMPAT], "add a single-value string attribute"). */
  add?: Partial<Record<EntraAttribute, string>>;
}

/** The Create User body: [MS-TUT] "Create User" with the attributes of the default mapping table filled in. */
export function entraCreateUserBody(person: Person): Record<string, unknown> {
  return {
    schemas: [SCIM_USER, SCIM_ENTERPRISE_USER],
    externalId: person.externalId,
    userName: person.userName,
    active: true,
    addresses: [
      {
        type: 'work',
        formatted: person.address.formatted,
        streetAddress: person.address.streetAddress,
        locality: person.address.locality,
        region: person.address.region,
        postalCode: person.address.postalCode,
        country: person.address.country,
        primary: true,
      },
    ],
    displayName: person.displayName,
    emails: [{ primary: true, type: 'work', value: person.email }],
    meta: { resourceType: 'User' },
    name: { formatted: person.displayName, familyName: person.familyName, givenName: person.givenName },
    phoneNumbers: [
      { type: 'work', value: person.workPhone, primary: true },
      { type: 'mobile', value: person.mobilePhone },
    ],
    preferredLanguage: person.preferredLanguage,
    title: person.title,
    roles: [],
    [SCIM_ENTERPRISE_USER]: {
      employeeNumber: person.employeeNumber,
      department: person.department,
      costCenter: person.costCenter,
    },
  };
}

/**
 * [MS-TUT] "Example 2. Provision a user", byte for byte in shape: the mistyped extension URN
 * `…:enterprise:2.0User` in `schemas`, and top-level nulls for attributes with no value
 * (`addresses`, `phoneNumbers`, `preferredLanguage`, `title`, and the enterprise `department` and
 * `manager` written unqualified).
 */
export function entraExample2Body(person: Person): Record<string, unknown> {
  return {
    schemas: [SCIM_USER, 'urn:ietf:params:scim:schemas:extension:enterprise:2.0User'],
    externalId: person.externalId,
    userName: person.userName,
    active: true,
    addresses: null,
    displayName: person.displayName,
    emails: [{ type: 'work', value: person.email, primary: true }],
    meta: { resourceType: 'User' },
    name: { familyName: person.familyName, givenName: person.givenName },
    phoneNumbers: null,
    preferredLanguage: null,
    title: null,
    department: null,
    manager: null,
  };
}

export interface ProvisionUserResult {
  lookup: ScimResponse;
  create?: ScimResponse;
  id?: string;
  created: boolean;
}

export class EntraSimulator extends DirectorySimulator {
  readonly mode: EntraMode;
  readonly matchingAttribute: 'userName' | 'externalId';
  private readonly rng: () => number;
  private readonly endpointBaseUrl: string;

  constructor(options: EntraSimulatorOptions) {
    super(options, options.userAgent ?? ENTRA_USER_AGENT, { Accept: 'application/scim+json' }, 'application/scim+json');
    this.mode = options.mode ?? 'default';
    this.matchingAttribute = options.matchingAttribute ?? 'userName';
    this.rng = seededRandom(options.seed ?? 62020);
    this.endpointBaseUrl = options.endpointBaseUrl;
  }

  private get flagged(): boolean {
    return this.mode === AAD_OPT_SCIM_FLAG;
  }

  /** `Add` / `add` etc. as the mode writes it. */
  private op(name: 'add' | 'replace' | 'remove'): string {
    return this.flagged ? name : name[0]!.toUpperCase() + name.slice(1);
  }

  private patch(step: string, endpoint: '/Users' | '/Groups', id: string, operations: Record<string, unknown>[]): Promise<ScimResponse> {
    return this.send(step, 'PATCH', `${endpoint}/${encodeURIComponent(id)}`, { schemas: [SCIM_PATCH_OP], Operations: operations });
  }

  /** Any request, recorded under `step` (for replaying [MS-REF]'s Postman collection verbatim). */
  replay<T = any>(step: string, method: string, path: string, body?: unknown): Promise<ScimResponse<T>> {
    return this.send<T>(step, method, path, body);
  }

  // ---- Connection and discovery ------------------------------------------------------------

  /**
   * "Test Connection" ([MS-TUT], Getting started, step "Select Test Connection"): "queries the SCIM
   * endpoint for a user that doesn't exist, using a random GUID as the matching property"; the
   * expected answer is 200 with an empty ListResponse. Entra also "makes requests to fetch a random
   * user and group" ([MS-TUT], General), so the group query follows.
   */
  async testConnection(): Promise<{ users: ScimResponse; groups: ScimResponse; probe: string }> {
    const probe = guid(this.rng);
    const users = await this.send('Test Connection', 'GET', `/Users?${entraFilter(`${this.matchingAttribute} eq ${scimString(probe)}`)}`);
    const groups = await this.send(
      'Test Connection',
      'GET',
      `/Groups?excludedAttributes=members&${entraFilter(`displayName eq ${scimString(probe)}`)}`,
    );
    return { users, groups, probe };
  }

  /** Schema discovery ([MS-TUT], "Discover schema": GET /Schemas, made when the configuration is saved). */
  discoverSchemas(): Promise<ScimResponse> {
    return this.send('Discover schema', 'GET', '/Schemas');
  }

  // ---- Users -------------------------------------------------------------------------------

  /** "Get User by query" ([MS-TUT]), form-encoded as in [GH-11784]. */
  findUser(value: string, attribute: 'userName' | 'externalId' = this.matchingAttribute): Promise<ScimResponse> {
    return this.send('Get User by query', 'GET', `/Users?${entraFilter(`${attribute} eq ${scimString(value)}`)}`);
  }

  /** "Get User by query" on the work email ([MS-TUT], User Operations: "Use userName or emails[type eq "work"]"). */
  findUserByWorkEmail(email: string): Promise<ScimResponse> {
    return this.send('Get User by query (work email)', 'GET', `/Users?${entraFilter(`emails[type eq "work"].value eq ${scimString(email)}`)}`);
  }

  /** "Get User" ([MS-TUT]). */
  getUser(id: string): Promise<ScimResponse> {
    return this.send('Get User', 'GET', `/Users/${encodeURIComponent(id)}`);
  }

  /** "Create User" ([MS-TUT]). */
  createUser(body: Record<string, unknown>, step = 'Create User'): Promise<ScimResponse> {
    return this.send(step, 'POST', '/Users', body);
  }

  /**
   * Provisioning an assigned user ([MS-TUT], "User provisioning and deprovisioning" and Examples 1–2):
   * query on the matching attribute; POST when nothing matches.
   */
  async provisionUser(person: Person, body: Record<string, unknown> = entraCreateUserBody(person)): Promise<ProvisionUserResult> {
    const lookup = await this.findUser(this.matchingAttribute === 'userName' ? person.userName : person.externalId);
    if (lookup.status !== 200) return { lookup, created: false };
    const existing = Array.isArray(lookup.body?.Resources) ? lookup.body.Resources[0] : undefined;
    if (existing && typeof existing.id === 'string') return { lookup, id: existing.id, created: false };
    const create = await this.createUser(body);
    const id = create.status === 201 && typeof create.body?.id === 'string' ? (create.body.id as string) : undefined;
    return { lookup, create, created: create.status === 201, ...(id ? { id } : {}) };
  }

  /**
   * An attribute update. Default mode ([MS-COMPAT] "Without feature flag", [MS-TUT] "Update User"):
   * one capitalised operation per attribute. Flag mode ([MS-COMPAT] "With feature flag"): value-filter
   * paths keep their own operation, the other replacements go in one path-less `replace` keyed by
   * (dotted / URN-qualified) path, and adds stay `{"op":"add","path":…}`.
   */
  updateUser(id: string, change: EntraUserChange): Promise<ScimResponse> {
    const operations: Record<string, unknown>[] = [];
    const replace = Object.entries(change.replace ?? {}) as Array<[EntraAttribute, string]>;
    const add = Object.entries(change.add ?? {}) as Array<[EntraAttribute, string]>;
    if (!this.flagged) {
      for (const [attribute, value] of replace) operations.push({ op: 'Replace', path: ENTRA_ATTRIBUTE_PATHS[attribute], value });
      for (const [attribute, value] of add) operations.push({ op: 'Add', path: ENTRA_ATTRIBUTE_PATHS[attribute], value });
    } else {
      const bundle: Record<string, string> = {};
      for (const [attribute, value] of replace) {
        const path = ENTRA_ATTRIBUTE_PATHS[attribute];
        if (path.includes('[')) operations.push({ op: 'replace', path, value });
        else bundle[path] = value;
      }
      if (Object.keys(bundle).length > 0) operations.push({ op: 'replace', value: bundle });
      for (const [attribute, value] of add) operations.push({ op: 'add', path: ENTRA_ATTRIBUTE_PATHS[attribute], value });
    }
    return this.patch('Update User', '/Users', id, operations);
  }

  /**
   * "Disable User": default mode sends the string "False" ([MS-COMPAT] "Requests made to disable
   * users", without flag); flag mode sends `false`. `style: 'tutorial'` sends [MS-TUT]'s own
   * "Disable User" example (capitalised op, boolean value).
   */
  disable(id: string, style: 'mode' | 'tutorial' = 'mode'): Promise<ScimResponse> {
    const operation =
      style === 'tutorial'
        ? { op: 'Replace', path: 'active', value: false }
        : this.flagged
          ? { op: 'replace', path: 'active', value: false }
          : { op: 'Replace', path: 'active', value: 'False' };
    return this.patch('Disable User', '/Users', id, [operation]);
  }

  /** Re-enabling (a soft-deleted user restored, [MS-TUT] requirements table): "True" / true. */
  enable(id: string): Promise<ScimResponse> {
    const operation = this.flagged ? { op: 'replace', path: 'active', value: true } : { op: 'Replace', path: 'active', value: 'True' };
    return this.patch('Enable User', '/Users', id, [operation]);
  }

  /**
   * Setting the manager. 'example5' is [MS-TUT] "Example 5" verbatim in shape: `Add`, the bare path
   * `manager`, and a one-element array of `{ $ref, value }`. 'plain-id' is what [GH-73842] reports
   * the service sending: the URN-qualified path and the manager's id as a plain string.
   */
  setManager(id: string, managerId: string, style: 'example5' | 'plain-id' = 'plain-id'): Promise<ScimResponse> {
    const operation =
      style === 'example5'
        ? { op: 'Add', path: 'manager', value: [{ $ref: `${this.endpointBaseUrl}/Users/${managerId}`, value: managerId }] }
        : { op: this.op('replace'), path: `${SCIM_ENTERPRISE_USER}:manager`, value: managerId };
    return this.patch('Update User (manager)', '/Users', id, [operation]);
  }

  /**
   * Removing the manager. 'remove-filter' is the request logged in [GH-453]
   * (`manager[value eq "…"]` on a single-valued attribute); 'replace-empty' replaces the manager
   * with an empty string; 'remove' is the RFC 7644 §3.5.2.2 form.
   */
  clearManager(id: string, managerId: string, style: 'remove-filter' | 'replace-empty' | 'remove' = 'remove'): Promise<ScimResponse> {
    const path = `${SCIM_ENTERPRISE_USER}:manager`;
    const operation =
      style === 'remove-filter'
        ? { op: 'remove', path: `manager[value eq ${scimString(managerId)}]` }
        : style === 'replace-empty'
          ? { op: this.op('replace'), path, value: '' }
          : { op: this.op('remove'), path };
    return this.patch('Update User (remove manager)', '/Users', id, [operation]);
  }

  /** "Delete User" ([MS-TUT]; Example 6). */
  deleteUser(id: string): Promise<ScimResponse> {
    return this.send('Delete User', 'DELETE', `/Users/${encodeURIComponent(id)}`);
  }

  // ---- Groups ------------------------------------------------------------------------------

  /** "Get Group by displayName" ([MS-TUT]): members excluded, parameter first, as documented. */
  findGroup(displayName: string): Promise<ScimResponse> {
    return this.send(
      'Get Group by displayName',
      'GET',
      `/Groups?excludedAttributes=members&${entraFilter(`displayName eq ${scimString(displayName)}`)}`,
    );
  }

  /** "Get Group" ([MS-TUT]): `GET /Groups/{id}?excludedAttributes=members`. */
  getGroup(id: string): Promise<ScimResponse> {
    return this.send('Get Group', 'GET', `/Groups/${encodeURIComponent(id)}?excludedAttributes=members`);
  }

  /** "Create Group" ([MS-TUT]): no members, the Microsoft group schema listed, `meta.resourceType`. */
  async provisionGroup(displayName: string, externalId: string): Promise<{ lookup: ScimResponse; create?: ScimResponse; id?: string }> {
    const lookup = await this.findGroup(displayName);
    if (lookup.status !== 200) return { lookup };
    const existing = Array.isArray(lookup.body?.Resources) ? lookup.body.Resources[0] : undefined;
    if (existing && typeof existing.id === 'string') return { lookup, id: existing.id };
    const create = await this.send('Create Group', 'POST', '/Groups', {
      schemas: [SCIM_GROUP, ENTRA_GROUP_SCHEMA],
      externalId,
      displayName,
      meta: { resourceType: 'Group' },
    });
    const id = create.status === 201 && typeof create.body?.id === 'string' ? (create.body.id as string) : undefined;
    return { lookup, create, ...(id ? { id } : {}) };
  }

  /** "Update Group [Non-member attributes]" ([MS-TUT]). */
  renameGroup(id: string, displayName: string): Promise<ScimResponse> {
    return this.patch('Update Group [Non-member attributes]', '/Groups', id, [{ op: this.op('replace'), path: 'displayName', value: displayName }]);
  }

  /**
   * "Update Group [Add Members]" ([MS-TUT]): one `Add` with a value list, `$ref: null` in each
   * element; several members in one PATCH ([MS-TUT] gallery checklist: "Support updating multiple
   * group memberships with a single PATCH").
   */
  addMembers(id: string, userIds: string[]): Promise<ScimResponse> {
    return this.patch('Update Group [Add Members]', '/Groups', id, [
      { op: this.op('add'), path: 'members', value: userIds.map((value) => ({ $ref: null, value })) },
    ]);
  }

  /**
   * "Update Group [Remove Members]": default mode removes by value list on the `members` path
   * ([MS-TUT], [MS-COMPAT] without flag); flag mode sends one `remove` per member with a value
   * filter ([MS-COMPAT] with flag).
   */
  removeMembers(id: string, userIds: string[]): Promise<ScimResponse> {
    const operations = this.flagged
      ? userIds.map((value) => ({ op: 'remove', path: `members[value eq ${scimString(value)}]` }))
      : [{ op: 'Remove', path: 'members', value: userIds.map((value) => ({ $ref: null, value })) }];
    return this.patch('Update Group [Remove Members]', '/Groups', id, operations);
  }

  /** "Delete Group" ([MS-TUT]). */
  deleteGroup(id: string): Promise<ScimResponse> {
    return this.send('Delete Group', 'DELETE', `/Groups/${encodeURIComponent(id)}`);
  }
}
