/**
 * Where each attribute of a resource lives in the store (server/store/schema.ts), seen from a
 * query over `scim_users as r` or `scim_groups as r`:
 * - indexed copies in columns (userName as user_name_lower, externalId, displayName, active, meta),
 * - derived memberships in scim_group_members (User `groups`, Group `members`),
 * - everything else in the JSON column `r.resource`, under its canonical name (extension
 *   attributes under the extension URN).
 * Names reaching SQL come from the definitions (resolve.ts `storagePath`), never from the filter.
 */
import { sql, type SqlBool } from 'kysely';
import type { AttributeDefinition, ResourceTypeDefinition } from '../schema/definitions.js';
import { resolveAttribute } from '../schema/resolve.js';
import { invalidFilter } from '../errors.js';
import type { AttrPath } from './ast.js';
import { printAttrPath } from './print.js';
import type { FilterSqlDialect, SqlExpression, SqlPredicate } from './sqlDialect.js';

/** A single value in SQL and the tests the compiler needs on it. */
export interface ScalarOperand {
  /** Governs the comparison: type and caseExact. */
  definition: AttributeDefinition;
  /** The path as the client wrote it, for error messages. */
  raw: string;
  value: SqlExpression;
  /** The column holds the value lower-cased (`…_lower`): compare it with the literal lower-cased, so the index applies. */
  storedLowerCase: boolean;
  booleanIs(value: boolean): SqlPredicate;
  present: SqlPredicate;
}

/** Finds the operand for one sub-attribute of a complex value (an element, or a single complex attribute). */
export type MemberOperands = (sub: AttributeDefinition, raw: string) => ScalarOperand;

export type SqlTarget =
  | { kind: 'scalar'; operand: ScalarOperand }
  /** A single-valued complex attribute (`name`, `manager`, `meta`). */
  | { kind: 'complex'; definition: AttributeDefinition; raw: string; present: SqlPredicate; members: MemberOperands }
  /** A multi-valued complex attribute: conditions on its sub-attributes hold for one element. */
  | {
      kind: 'multiValued';
      definition: AttributeDefinition;
      raw: string;
      present: SqlPredicate;
      some(condition: (members: MemberOperands) => SqlPredicate): SqlPredicate;
    };

/** An attribute path resolved to where it is stored, plus the sub-attribute it names, if any. */
export interface ResolvedTarget {
  target: SqlTarget;
  subAttribute?: AttributeDefinition;
}

const RESOURCE = sql.ref('r.resource');
const TRUE: SqlPredicate = sql<SqlBool>`(1 = 1)`;

type ColumnSpec = { column: string; storedLowerCase?: boolean } | { constant: string } | { unsupported: string };

const DERIVED = 'is derived when the resource is returned and is not stored, so it cannot be filtered on';

/** Attributes with a column of their own, keyed by canonical storage path. */
function columnsOf(resourceType: ResourceTypeDefinition): Record<string, ColumnSpec> {
  const common: Record<string, ColumnSpec> = {
    id: { column: 'r.id' },
    externalId: { column: 'r.external_id' },
    'meta.created': { column: 'r.created_at' },
    'meta.lastModified': { column: 'r.updated_at' },
    'meta.resourceType': { constant: resourceType.name },
    'meta.location': { unsupported: DERIVED },
    'meta.version': { unsupported: DERIVED },
  };
  return resourceType.name === 'User'
    ? {
        ...common,
        userName: { column: 'r.user_name_lower', storedLowerCase: true },
        displayName: { column: 'r.display_name' },
        active: { column: 'r.active' },
      }
    : { ...common, displayName: { column: 'r.display_name_lower', storedLowerCase: true } };
}

export class SqlTargets {
  private readonly columns: Record<string, ColumnSpec>;

  constructor(
    private readonly resourceType: ResourceTypeDefinition,
    private readonly dialect: FilterSqlDialect,
  ) {
    this.columns = columnsOf(resourceType);
  }

  /** Resolves a resource-level attribute path. Unknown or unfilterable attributes are an invalidFilter. */
  resolve(path: AttrPath): ResolvedTarget {
    const raw = path.raw;
    const resolved = resolveAttribute(this.resourceType, printAttrPath(path));
    if (!resolved) throw invalidFilter(`Unknown attribute '${raw}'`);
    const { attribute, subAttribute, storagePath } = resolved;
    if (attribute.returned === 'never' || subAttribute?.returned === 'never') {
      throw invalidFilter(`'${raw}' is never returned and cannot be filtered on`);
    }
    const parentPath = resolved.inExtension ? storagePath.slice(0, 2) : storagePath.slice(0, 1);
    const parentRaw = subAttribute ? raw.slice(0, raw.lastIndexOf('.')) : raw;
    const target = this.targetOf(attribute, parentPath, parentRaw);
    if (!subAttribute) return { target };
    if (target.kind === 'complex') return { target: { kind: 'scalar', operand: target.members(subAttribute, raw) } };
    return { target, subAttribute };
  }

  private targetOf(attribute: AttributeDefinition, storagePath: string[], raw: string): SqlTarget {
    const key = storagePath.join('.');
    if (attribute.multiValued && attribute.type === 'complex') return this.multiValued(attribute, storagePath, raw);
    if (attribute.type === 'complex') {
      const present = key === 'meta' ? TRUE : this.dialect.jsonPresent(RESOURCE, storagePath);
      const members: MemberOperands = (sub, subRaw) => {
        const spec = this.columns[`${key}.${sub.name}`];
        return spec ? this.column(spec, sub, subRaw) : this.json(RESOURCE, [...storagePath, sub.name], sub, subRaw);
      };
      return { kind: 'complex', definition: attribute, raw, present, members };
    }
    const spec = this.columns[key];
    const operand = spec ? this.column(spec, attribute, raw) : this.json(RESOURCE, storagePath, attribute, raw);
    return { kind: 'scalar', operand };
  }

  private multiValued(attribute: AttributeDefinition, storagePath: string[], raw: string): SqlTarget {
    const key = storagePath.join('.');
    const membership = this.resourceType.name === 'User' && key === 'groups' ? groupsOfUser : key === 'members' ? membersOfGroup : undefined;
    if (membership) {
      const members: MemberOperands = (sub, subRaw) => {
        const spec = membership.columns[sub.name] ?? { unsupported: DERIVED };
        return this.column(spec, sub, subRaw);
      };
      return {
        kind: 'multiValued',
        definition: attribute,
        raw,
        present: sql<SqlBool>`EXISTS (${membership.rows(TRUE)})`,
        some: (condition) => sql<SqlBool>`EXISTS (${membership.rows(condition(members))})`,
      };
    }
    return {
      kind: 'multiValued',
      definition: attribute,
      raw,
      present: this.dialect.jsonPresent(RESOURCE, storagePath),
      some: (condition) =>
        this.dialect.jsonArraySome(RESOURCE, storagePath, (element) =>
          condition((sub, subRaw) => this.json(element, [sub.name], sub, subRaw)),
        ),
    };
  }

  private column(spec: ColumnSpec, definition: AttributeDefinition, raw: string): ScalarOperand {
    if ('unsupported' in spec) throw invalidFilter(`'${raw}' ${spec.unsupported}`);
    if ('constant' in spec) {
      // A literal, not a parameter: PostgreSQL cannot type a lone parameter (`$1 IS NOT NULL`), and
      // the constant comes from the definitions, never from the client.
      return { definition, raw, value: sql.lit(spec.constant), storedLowerCase: false, booleanIs: () => sql<SqlBool>`(1 = 0)`, present: TRUE };
    }
    const value = sql.ref(spec.column);
    const present =
      definition.type === 'string' ? sql<SqlBool>`(${value} IS NOT NULL AND ${value} <> '')` : sql<SqlBool>`(${value} IS NOT NULL)`;
    return {
      definition,
      raw,
      value,
      storedLowerCase: spec.storedLowerCase ?? false,
      // Boolean columns hold 1, 0, or NULL when the client never sent the attribute.
      booleanIs: (expected) => sql<SqlBool>`(${value} = ${sql.lit(expected ? 1 : 0)})`,
      present,
    };
  }

  private json(document: SqlExpression, path: string[], definition: AttributeDefinition, raw: string): ScalarOperand {
    return {
      definition,
      raw,
      value: this.dialect.jsonScalar(document, path, definition.type === 'integer' || definition.type === 'decimal' ? 'number' : 'text'),
      storedLowerCase: false,
      booleanIs: (expected) => this.dialect.jsonBooleanIs(document, path, expected),
      present: this.dialect.jsonPresent(document, path),
    };
  }
}

/** A membership table seen from one side: the rows for the current resource that satisfy `condition`. */
interface Membership {
  rows(condition: SqlPredicate): SqlExpression;
  /** Sub-attribute (canonical name) → where it is read. */
  columns: Record<string, ColumnSpec>;
}

const groupsOfUser: Membership = {
  rows: (condition) =>
    sql`SELECT 1 FROM scim_group_members AS m JOIN scim_groups AS g ON g.id = m.group_id WHERE m.user_id = r.id AND ${condition}`,
  columns: {
    value: { column: 'm.group_id' },
    display: { column: 'g.display_name_lower', storedLowerCase: true },
    // Groups do not nest here, so every membership is direct.
    type: { constant: 'direct' },
  },
};

const membersOfGroup: Membership = {
  rows: (condition) =>
    sql`SELECT 1 FROM scim_group_members AS m JOIN scim_users AS u ON u.id = m.user_id WHERE m.group_id = r.id AND ${condition}`,
  columns: {
    value: { column: 'm.user_id' },
    display: { column: 'u.display_name' },
    type: { constant: 'User' },
  },
};
