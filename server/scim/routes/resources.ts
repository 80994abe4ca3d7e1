/**
 * The Users and Groups endpoints (RFC 7644 §3.3–3.6). Both resource types follow the same
 * protocol; what differs (the table, the derived User.groups / Group.members, rendering) is in the
 * `ResourceKind` each is registered with. Every request runs in one transaction.
 */
import type { FastifyPluginAsync } from 'fastify';
import type { Kysely } from 'kysely';
import type { Store } from '../../store/database.js';
import type { Database } from '../../store/schema.js';
import { SCIM_CONTENT_TYPE, SCIM_LIST_RESPONSE } from '../../../shared/scim/urns.js';
import { newId } from '../../domain/ids.js';
import type { EventBus } from '../../domain/eventBus.js';
import { runDomainTransaction } from '../../domain/transaction.js';
import type { DomainContext } from '../../domain/context.js';
import { applyDirectoryChange, connectionActor, type DirectoryChange } from '../../domain/directorySync.js';
import type { ScimConnectionsTable } from '../../store/schema.js';
import {
  deleteResource,
  findResource,
  findUserByUserNameWithGroups,
  findUserWithGroups,
  insertResource,
  listResources,
  listsInOneStatement,
  touchResource,
  updateResource,
  type ResourceRow,
  type ResourceTable,
  type StoredResource,
} from '../../store/scimResources.js';
import {
  addMembers,
  groupsOfUsers,
  membersOfGroups,
  removeAllMembers,
  removeMembers,
  unknownUserIds,
  type MemberRef,
} from '../../store/groupMembers.js';
import { isUniqueViolation } from '../../store/uniqueViolation.js';
import { groupResourceType, userResourceType, type ResourceTypeDefinition } from '../schema/definitions.js';
import { invalidValue, notFound, uniqueness } from '../errors.js';
import { parseFilter } from '../filter/parse.js';
import type { Filter } from '../filter/ast.js';
import { compileFilter, filterDialectFor } from '../filter/compile.js';
import { canonicalizeResource } from '../resource/canonicalize.js';
import { renderGroup, renderUser } from '../resource/render.js';
import { listResponseJson, renderStoredJson } from '../resource/renderJson.js';
import { isAttributeReturned, projectAttributes } from '../resource/project.js';
import { normalizePatchRequest } from '../patch/normalize.js';
import { applyPatch, type MemberChange } from '../patch/apply.js';
import { parseListQuery, parseProjectionQuery, type ListQuery, type ProjectionQuery, type RawQuery } from '../listQuery.js';

type Db = Kysely<Database>;

interface ResourceKind {
  resourceType: ResourceTypeDefinition;
  table: ResourceTable;
  /** The attribute whose uniqueness the database enforces, for the 409 detail. */
  uniqueAttribute: 'userName' | 'displayName';
  /** The derived multi-valued attribute: User.groups or Group.members. */
  relation: 'groups' | 'members';
  loadRelated(db: Db, ids: string[]): Promise<Map<string, MemberRef[]>>;

  render(row: ResourceRow, location: string, related: MemberRef[], baseUrl: string): Record<string, unknown>;
  /** The same resource as `render` with no projection applied, as JSON text (renderJson.ts). */
  renderJson(row: ResourceRow, location: string, related: MemberRef[], baseUrl: string): string;
  /** Whether writes are directory changes the org must react to (Users: deprovisioning, profiles). */
  affectsOrg: boolean;
}

const relatedRefs = (related: MemberRef[], baseUrl: string, endpoint: string) =>
  related.map((m) => ({ value: m.value, display: m.display ?? undefined, $ref: `${baseUrl}${endpoint}/${m.value}` }));

const userKind: ResourceKind = {
  resourceType: userResourceType,
  table: 'scim_users',
  uniqueAttribute: 'userName',
  relation: 'groups',
  loadRelated: groupsOfUsers,
  affectsOrg: true,
  render: (row, location, related, baseUrl) =>
    renderUser(row.resource, { ...metaOf(row, location), groups: relatedRefs(related, baseUrl, '/Groups') }),
  renderJson: (row, location, related, baseUrl) =>
    renderStoredJson(userResourceType, row, metaOf(row, location), { name: 'groups', list: relatedRefs(related, baseUrl, '/Groups') }),
};

const groupKind: ResourceKind = {
  resourceType: groupResourceType,
  table: 'scim_groups',
  uniqueAttribute: 'displayName',
  relation: 'members',
  loadRelated: membersOfGroups,
  affectsOrg: false,
  render: (row, location, related, baseUrl) =>
    renderGroup(row.resource, { ...metaOf(row, location), members: relatedRefs(related, baseUrl, '/Users') }),
  renderJson: (row, location, related, baseUrl) =>
    renderStoredJson(groupResourceType, row, metaOf(row, location), { name: 'members', list: relatedRefs(related, baseUrl, '/Users') }),
};

function metaOf(row: ResourceRow, location: string) {
  return { id: row.id, created: row.createdAt, lastModified: row.updatedAt, version: row.version, location };
}

/** No `attributes` / `excludedAttributes`: the resource is returned whole, and rendered straight to JSON text. */
const asksNoProjection = (projection: ProjectionQuery) => projection.attributes === undefined && projection.excludedAttributes === undefined;

/** The hot read: a User and its groups in one statement, without a transaction around it; or 404. */
async function mustFindUserWithGroups(db: Db, connectionId: string, id: string): Promise<{ row: ResourceRow; groups: MemberRef[] }> {
  const found = await findUserWithGroups(db, connectionId, id);
  if (!found) throw notFound(`${userResourceType.name} ${id} not found.`);
  return found;
}

const wholeUserJson = (found: { row: ResourceRow; groups: MemberRef[] }, baseUrl: string) =>
  userKind.renderJson(found.row, `${baseUrl}${userResourceType.endpoint}/${found.row.id}`, found.groups, baseUrl);

/**
 * GET /Users/{id} without `attributes`/`excludedAttributes`: the body the route answers with, also
 * used by the hot read's fast path (server/scim/hotReadFastPath.ts), so both give the same bytes.
 */
export async function readWholeUserJson(db: Db, connectionId: string, id: string, baseUrl: string): Promise<string> {
  return wholeUserJson(await mustFindUserWithGroups(db, connectionId, id), baseUrl);
}

const parsedFilterOf = (list: ListQuery): Filter | undefined => (list.filter === undefined ? undefined : parseFilter(list.filter));
const compileListFilter = (kind: ResourceKind, db: Store, filter: Filter | undefined) =>
  filter === undefined ? undefined : compileFilter(kind.resourceType, filter, filterDialectFor(db));

/** A list page with its total and relations, consistent: on PostgreSQL a Users page is one statement on its own, else one transaction. */
const readPage = <T>(kind: ResourceKind, db: Store, respond: (trx: Db) => Promise<T>): Promise<T> =>
  listsInOneStatement(db) && kind.table === 'scim_users' ? respond(db) : db.transaction().execute(respond);

/**
 * The userName a list asks for when it is exactly `userName eq "…"` on a first page (how Okta and
 * Entra look a user up), else undefined. Only that plain form: anything else (another operator or
 * attribute, a URN-qualified or sub-attribute path, a non-string value, a later page) goes through
 * the filter compiler. compileFilter gives this form `user_name_lower = value.toLowerCase()`; the
 * integration test compares the two paths' answers.
 */
function userNameLookedUp(list: ListQuery, filter: Filter | undefined): string | undefined {
  if (filter === undefined || list.startIndex !== 1 || list.count < 1) return undefined;
  if (filter.kind !== 'comparison' || filter.op !== 'eq' || typeof filter.value !== 'string') return undefined;
  const path = filter.attrPath;
  return path.uri === undefined && path.subAttribute === undefined && path.attribute.toLowerCase() === 'username' ? filter.value : undefined;
}

/**
 * A list page without a projection, rendered straight to JSON text and handed to `answer` at once
 * (inside the page's read-only transaction: there is nothing to wait for).
 */
async function listPageJson(kind: ResourceKind, db: Store, connectionId: string, baseUrl: string, list: ListQuery, answer: (json: string) => void): Promise<void> {
  const filter = parsedFilterOf(list);
  const userName = kind.table === 'scim_users' ? userNameLookedUp(list, filter) : undefined;
  if (userName !== undefined) {
    // At most one live user has it (the partial unique index); read with its groups in one statement.
    const found = await findUserByUserNameWithGroups(db, connectionId, userName.toLowerCase());
    answer(listResponseJson({ totalResults: found ? 1 : 0, startIndex: 1, resources: found ? [wholeUserJson(found, baseUrl)] : [] }));
    return;
  }
  const where = compileListFilter(kind, db, filter);
  await readPage(kind, db, async (trx) => {
    const page = await listResources(trx, kind.table, { connectionId, where, offset: list.startIndex - 1, limit: list.count });
    const related = page.related ?? (await kind.loadRelated(trx, page.rows.map((r) => r.id)));
    const resources = page.rows.map((row) => kind.renderJson(row, `${baseUrl}${kind.resourceType.endpoint}/${row.id}`, related.get(row.id) ?? [], baseUrl));
    answer(listResponseJson({ totalResults: page.total, startIndex: list.startIndex, resources }));
  });
}

/**
 * GET /Users (filter lookups, import pages) without `attributes`/`excludedAttributes`: the Users
 * route answers with this, and so does the fast path (server/scim/hotReadFastPath.ts). Throws the
 * route's 400s for a bad query or filter, before reading anything.
 */
export async function listUsersJson(db: Store, connectionId: string, baseUrl: string, query: RawQuery, answer: (json: string) => void): Promise<void> {
  const list = parseListQuery(query);
  if (!asksNoProjection(list)) throw new Error('listUsersJson answers lists without a projection only');
  await listPageJson(userKind, db, connectionId, baseUrl, list, answer);
}

interface RouteOptions {
  db: Store;
  clock: () => number;
  bus: EventBus;
}

function resourceRoutes(kind: ResourceKind): FastifyPluginAsync<RouteOptions> {
  const endpoint = kind.resourceType.endpoint;
  return async (app, { db, clock, bus }) => {
    const inTransaction = <T>(connection: ScimConnectionsTable, work: (trx: Db, ctx: DomainContext) => Promise<T>) =>
      runDomainTransaction({ db, bus, clock }, connectionActor(connection), (ctx) => work(ctx.db, ctx));

    async function directoryChanged(ctx: DomainContext, connection: ScimConnectionsTable, change: DirectoryChange): Promise<void> {
      if (kind.affectsOrg) await applyDirectoryChange(ctx, connection, change);
    }

    /** `loaded`: the related resources when the rows were read with them (listResources on PostgreSQL). */
    async function present(trx: Db, rows: ResourceRow[], baseUrl: string, projection: ProjectionQuery, loaded?: Map<string, MemberRef[]>): Promise<Record<string, unknown>[]> {
      // Entra reads groups with excludedAttributes=members: skip loading what will not be returned.
      const related = isAttributeReturned(kind.resourceType, projection, kind.relation)
        ? (loaded ?? (await kind.loadRelated(trx, rows.map((r) => r.id))))
        : new Map<string, MemberRef[]>();
      return rows.map((row) =>
        projectAttributes(kind.resourceType, kind.render(row, `${baseUrl}${endpoint}/${row.id}`, related.get(row.id) ?? [], baseUrl), projection),
      );
    }

    /**
     * The answer to a PUT/PATCH: a User (its groups read with it) without a projection as the JSON
     * text a GET answers with (renderJson.ts, the same bytes); anything else through `present`.
     */
    async function presentWritten(trx: Db, row: ResourceRow, baseUrl: string, projection: ProjectionQuery, related?: Map<string, MemberRef[]>): Promise<string | Record<string, unknown> | undefined> {
      if (related && asksNoProjection(projection)) return kind.renderJson(row, `${baseUrl}${endpoint}/${row.id}`, related.get(row.id) ?? [], baseUrl);
      return (await present(trx, [row], baseUrl, projection, related))[0];
    }

    async function applyMemberChanges(trx: Db, connectionId: string, groupId: string, changes: MemberChange[]): Promise<void> {
      // Added members must be users of this connection; removing one that is already gone is a no-op
      // (directories remove members they deleted moments ago).
      const referenced = [...new Set(changes.flatMap((c) => (c.kind === 'add' || c.kind === 'replace' ? c.ids : [])))];
      const unknown = await unknownUserIds(trx, connectionId, referenced);
      if (unknown.length > 0) {
        throw invalidValue(`Group members must be users of this connection; unknown id(s): ${unknown.slice(0, 5).join(', ')}.`);
      }
      for (const change of changes) {
        if (change.kind === 'add') await addMembers(trx, groupId, change.ids);
        else if (change.kind === 'remove') await removeMembers(trx, groupId, change.ids);
        else if (change.kind === 'removeAll') await removeAllMembers(trx, groupId);
        else {
          await removeAllMembers(trx, groupId);
          await addMembers(trx, groupId, change.ids);
        }
      }
    }

    function refuseDuplicate(error: unknown, resource: StoredResource): never {
      if (isUniqueViolation(error)) {
        throw uniqueness(`A ${kind.resourceType.name} with ${kind.uniqueAttribute} "${String(resource[kind.uniqueAttribute])}" already exists in this connection.`);
      }
      throw error;
    }

    async function mustFind(trx: Db, connectionId: string, id: string): Promise<ResourceRow> {
      const row = await findResource(trx, kind.table, connectionId, id);
      if (!row) throw notFound(`${kind.resourceType.name} ${id} not found.`);
      return row;
    }

    /**
     * The resource a PUT/PATCH changes; for a User also its groups, read in the same statement (no
     * User write can change them, so the response needs no second read).
     */
    async function mustFindForWrite(trx: Db, connectionId: string, id: string): Promise<{ current: ResourceRow; related?: Map<string, MemberRef[]> }> {
      if (kind.table !== 'scim_users') return { current: await mustFind(trx, connectionId, id) };
      const found = await findUserWithGroups(trx, connectionId, id);
      if (!found) throw notFound(`${kind.resourceType.name} ${id} not found.`);
      return { current: found.row, related: new Map([[found.row.id, found.groups]]) };
    }

    app.get(endpoint, async (request, reply) => {
      const list = parseListQuery(request.query as RawQuery);
      const { connection, baseUrl } = request.scim;
      if (asksNoProjection(list)) {
        await listPageJson(kind, db, connection.id, baseUrl, list, (json) => reply.type(SCIM_CONTENT_TYPE).send(json));
        return reply;
      }
      const where = compileListFilter(kind, db, parsedFilterOf(list));
      return readPage(kind, db, async (trx) => {
        const page = await listResources(trx, kind.table, { connectionId: connection.id, where, offset: list.startIndex - 1, limit: list.count });
        const resources = await present(trx, page.rows, baseUrl, list, page.related);
        return {
          schemas: [SCIM_LIST_RESPONSE],
          totalResults: page.total,
          startIndex: list.startIndex,
          itemsPerPage: resources.length,
          Resources: resources,
        };
      });
    });

    app.get<{ Params: { id: string } }>(`${endpoint}/:id`, async (request, reply) => {
      if (kind.table === 'scim_users') {
        const found = await mustFindUserWithGroups(db, request.scim.connection.id, request.params.id);
        const { baseUrl } = request.scim;
        const projection = parseProjectionQuery(request.query as RawQuery);
        if (asksNoProjection(projection)) return reply.type(SCIM_CONTENT_TYPE).send(wholeUserJson(found, baseUrl));
        const location = `${baseUrl}${endpoint}/${found.row.id}`;
        return projectAttributes(kind.resourceType, kind.render(found.row, location, found.groups, baseUrl), projection);
      }
      return db.transaction().execute(async (trx) => {
        const row = await mustFind(trx, request.scim.connection.id, request.params.id);
        const [resource] = await present(trx, [row], request.scim.baseUrl, parseProjectionQuery(request.query as RawQuery));
        return resource;
      });
    });

    app.post(endpoint, async (request, reply) => {
      const { resource, members } = canonicalizeResource(kind.resourceType, request.body);
      const connection = request.scim.connection;
      const connectionId = connection.id;
      const result = await inTransaction(connection, async (trx, ctx) => {
        const row = await insertResource(trx, kind.table, { id: newId(), connectionId, resource, now: ctx.now }).catch((e) =>
          refuseDuplicate(e, resource),
        );
        await directoryChanged(ctx, connection, { kind: 'written', scimUserId: row.id, resource: row.resource, created: true });
        if (members && members.length > 0) {
          await applyMemberChanges(trx, connectionId, row.id, [{ kind: 'add', ids: members.map((m) => m.value) }]);
        }
        // A user created a moment ago is in no group yet (User.groups is read-only): nothing to load,
        // and without a projection the 201 is the JSON text a GET then reads (renderJson.ts).
        const related = kind.table === 'scim_users' ? new Map<string, MemberRef[]>() : undefined;
        return { id: row.id, body: await presentWritten(trx, row, request.scim.baseUrl, parseProjectionQuery(request.query as RawQuery), related) };
      });
      reply.code(201).header('Location', `${request.scim.baseUrl}${endpoint}/${result.id}`);
      return typeof result.body === 'string' ? reply.type(SCIM_CONTENT_TYPE).send(result.body) : reply.send(result.body);
    });

    app.put<{ Params: { id: string } }>(`${endpoint}/:id`, async (request, reply) => {
      const { resource, members } = canonicalizeResource(kind.resourceType, request.body);
      const connection = request.scim.connection;
      const connectionId = connection.id;
      const body = await inTransaction(connection, async (trx, ctx) => {
        const { current, related } = await mustFindForWrite(trx, connectionId, request.params.id);
        // A User PUT that repeats the stored user changes nothing (a Group PUT still replaces its members).
        const unchanged = kind.table === 'scim_users' && JSON.stringify(resource) === JSON.stringify(current.resource);
        const row = unchanged ? current : await updateResource(trx, kind.table, current, resource, ctx.now).catch((e) => refuseDuplicate(e, resource));
        await directoryChanged(ctx, connection, { kind: 'written', scimUserId: row.id, resource: row.resource, previous: current.resource, unchanged });
        // PUT replaces the whole resource (RFC 7644 §3.5.1): for a Group that includes its members.
        if (kind.relation === 'members') {
          await applyMemberChanges(trx, connectionId, row.id, [{ kind: 'replace', ids: (members ?? []).map((m) => m.value) }]);
        }
        return presentWritten(trx, row, request.scim.baseUrl, parseProjectionQuery(request.query as RawQuery), related);
      });
      return typeof body === 'string' ? reply.type(SCIM_CONTENT_TYPE).send(body) : body;
    });

    app.patch<{ Params: { id: string } }>(`${endpoint}/:id`, async (request, reply) => {
      const operations = normalizePatchRequest(kind.resourceType, request.body);
      const connection = request.scim.connection;
      const connectionId = connection.id;
      const projection = parseProjectionQuery(request.query as RawQuery);
      const body = await inTransaction(connection, async (trx, ctx) => {
        const { current, related } = await mustFindForWrite(trx, connectionId, request.params.id);
        const { resource, memberChanges } = applyPatch(kind.resourceType, current.resource, operations, { resourceId: current.id });
        let row = current;
        const now = ctx.now;
        if (JSON.stringify(resource) !== JSON.stringify(current.resource)) {
          row = await updateResource(trx, kind.table, current, resource, now).catch((e) => refuseDuplicate(e, resource));
        }
        // Also when nothing changed: a directory repeating "deactivate" must still end any access left.
        await directoryChanged(ctx, connection, { kind: 'written', scimUserId: row.id, resource: row.resource, previous: current.resource, unchanged: row === current });
        if (memberChanges.length > 0) {
          await applyMemberChanges(trx, connectionId, row.id, memberChanges);
          if (row === current) row = await touchResource(trx, kind.table, current, now);
        }
        // RFC 7644 §3.5.2 allows 200 with the resource or 204; both directories read the 200 body.
        return presentWritten(trx, row, request.scim.baseUrl, projection, related);
      });
      return typeof body === 'string' ? reply.type(SCIM_CONTENT_TYPE).send(body) : body;
    });

    app.delete<{ Params: { id: string } }>(`${endpoint}/:id`, async (request, reply) => {
      const connection = request.scim.connection;
      const deleted = await inTransaction(connection, async (trx, ctx) => {
        const gone = await deleteResource(trx, kind.table, connection.id, request.params.id, ctx.now);
        if (gone) await directoryChanged(ctx, connection, { kind: 'deleted', scimUserId: request.params.id });
        return gone;
      });
      if (!deleted) throw notFound(`${kind.resourceType.name} ${request.params.id} not found.`);
      return reply.code(204).send();
    });
  };
}

export const userRoutes = resourceRoutes(userKind);
export const groupRoutes = resourceRoutes(groupKind);
