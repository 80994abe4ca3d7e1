/**
 * Compiles a filter into a WHERE predicate over `scim_users as r` or `scim_groups as r`:
 *
 *   db.selectFrom('scim_users as r').selectAll().where('r.connection_id', '=', id).where(compileFilter(userResourceType, f))
 *
 * The caller restricts to the connection; this module only translates the filter. Every literal
 * is a bound parameter and every name in the SQL comes from the schema definitions, so the
 * filter text cannot change the statement's shape beyond what the grammar allows.
 *
 * Semantics (RFC 7644 §3.4.2.2, decisions in comparison.ts): predicates are two-valued (a missing
 * attribute makes a comparison false, never NULL), so `not` and `ne` include resources that lack
 * the attribute. On a multi-valued attribute a comparison holds when one element satisfies it,
 * `ne` holds when no element is equal, and `emails eq "x"` compares `emails.value`.
 */
import { sql, type Expression, type QueryExecutorProvider, type SqlBool } from 'kysely';
import type { AttributeDefinition, ResourceTypeDefinition } from '../schema/definitions.js';
import { invalidFilter } from '../errors.js';
import type { AttrPath, ComparisonFilter, Filter, LogicalFilter, PresentFilter, ValuePathFilter } from './ast.js';
import { asEquality, checkComparison, complexComparison, type CheckedComparison } from './comparison.js';
import { sqliteFilterDialect, type FilterSqlDialect, type SqlPredicate } from './sqlDialect.js';
import { SqlTargets, type MemberOperands, type ResolvedTarget, type ScalarOperand } from './sqlTargets.js';
import { postgresFilterDialect } from './postgresSqlDialect.js';
import { isPostgresStore } from '../../store/postgres.js';

/** The filter SQL dialect of the database behind `db`. */
export function filterDialectFor(db: QueryExecutorProvider): FilterSqlDialect {
  return isPostgresStore(db) ? postgresFilterDialect : sqliteFilterDialect;
}

export function compileFilter(
  resourceType: ResourceTypeDefinition,
  filter: Filter,
  dialect: FilterSqlDialect = sqliteFilterDialect,
): Expression<SqlBool> {
  const targets = new SqlTargets(resourceType, dialect);
  return new FilterCompiler(dialect).compile(filter, { resolve: (path) => targets.resolve(path) });
}

/** How attribute names are resolved where a (sub-)filter sits. */
interface Scope {
  resolve(path: AttrPath): ResolvedTarget;
  /** Set inside a value filter: names are sub-attributes of this attribute and value paths do not nest. */
  valueFilterOf?: string;
}

const ORDERING_SQL = { eq: '=', gt: '>', ge: '>=', lt: '<', le: '<=' } as const;

class FilterCompiler {
  constructor(private readonly dialect: FilterSqlDialect) {}

  compile(filter: Filter, scope: Scope): SqlPredicate {
    switch (filter.kind) {
      case 'and':
      case 'or':
        return joinBalanced(
          operandsOf(filter).map((operand) => this.compile(operand, scope)),
          filter.kind === 'and' ? 'AND' : 'OR',
        );
      case 'not':
        return negate(this.compile(filter.filter, scope));
      case 'present':
        return this.present(filter, scope.resolve(filter.attrPath));
      case 'comparison':
        return this.comparison(filter, scope.resolve(filter.attrPath));
      case 'valuePath':
        return this.valuePath(filter, scope);
    }
  }

  private present(filter: PresentFilter, { target, subAttribute }: ResolvedTarget): SqlPredicate {
    switch (target.kind) {
      case 'scalar':
        return target.operand.present;
      case 'complex':
        return target.present;
      case 'multiValued':
        return subAttribute ? target.some((members) => members(subAttribute, filter.attrPath.raw).present) : target.present;
    }
  }

  private comparison(filter: ComparisonFilter, { target, subAttribute }: ResolvedTarget): SqlPredicate {
    const raw = filter.attrPath.raw;
    if (target.kind === 'scalar') {
      return this.compare(target.operand, checkComparison(target.operand.definition, raw, filter.op, filter.value));
    }
    // `emails eq "x"` means `emails.value eq "x"` (RFC 7644 §3.4.2.2), and likewise `manager eq "id"`
    // (Entra looks managers up that way); a complex attribute without a `value` sub-attribute
    // (`name`, `addresses`) has nothing to compare.
    const leaf = subAttribute ?? target.definition.subAttributes?.find((s) => s.name === 'value');
    if (!leaf) throw complexComparison(target.definition, raw);
    if (target.kind === 'complex') {
      return this.compare(target.members(leaf, raw), checkComparison(leaf, raw, filter.op, filter.value));
    }
    const check = checkComparison(leaf, raw, filter.op, filter.value);
    const some = (test: (operand: ScalarOperand) => SqlPredicate) => target.some((members) => test(members(leaf, raw)));
    if (check.kind === 'presence') {
      const anyPresent = some((operand) => operand.present);
      return check.present ? anyPresent : negate(anyPresent);
    }
    if (check.op === 'ne') return negate(some((operand) => this.compare(operand, asEquality(check))));
    return some((operand) => this.compare(operand, check));
  }

  private valuePath(filter: ValuePathFilter, scope: Scope): SqlPredicate {
    const raw = filter.attrPath.raw;
    if (scope.valueFilterOf !== undefined) {
      throw invalidFilter(`Value paths cannot be nested: '${raw}[...]' inside the value filter of '${scope.valueFilterOf}'`);
    }
    const { target, subAttribute } = scope.resolve(filter.attrPath);
    if (subAttribute || target.kind === 'scalar') {
      throw invalidFilter(`'${raw}[...]': a value filter needs a complex or multi-valued attribute, '${raw}' is neither`);
    }
    const inner = (members: MemberOperands) => this.compile(filter.filter, subAttributeScope(target.definition, raw, members));
    return target.kind === 'complex' ? inner(target.members) : target.some(inner);
  }

  /** One checked comparison on one SQL value. */
  private compare(operand: ScalarOperand, check: CheckedComparison): SqlPredicate {
    if (check.kind === 'presence') return check.present ? operand.present : negate(operand.present);
    if (check.op === 'ne') return negate(this.compare(operand, asEquality(check)));
    if (check.kind === 'boolean') return operand.booleanIs(check.value);
    if (check.kind !== 'string') return ordered(operand.value, check.op, sql.val(check.value));

    let left = operand.value;
    let right = sql.val(check.value);
    if (!check.caseExact) {
      if (operand.storedLowerCase) {
        // Lower-cased the way the store lower-cases the column, so `userName eq "X"` is an index search.
        right = sql.val(check.value.toLowerCase());
      } else {
        left = sql`lower(${left})`;
        right = sql`lower(${right})`;
      }
    }
    switch (check.op) {
      case 'co':
      case 'sw':
      case 'ew':
        // Every string contains, starts and ends with "".
        if (check.value === '') return sql<SqlBool>`(${operand.value} IS NOT NULL)`;
        return this.dialect.textMatches(left, check.op, right);
      default:
        return ordered(left, check.op, right);
    }
  }
}

/** Inside `attr[...]`: names are sub-attributes of `attr`, resolved case-insensitively. */
function subAttributeScope(definition: AttributeDefinition, parentRaw: string, members: MemberOperands): Scope {
  return {
    valueFilterOf: parentRaw,
    resolve(path) {
      if (path.uri !== undefined || path.subAttribute !== undefined) {
        throw invalidFilter(`Inside '${parentRaw}[...]' expected a sub-attribute name, found '${path.raw}'`);
      }
      const lower = path.attribute.toLowerCase();
      const sub = definition.subAttributes?.find((s) => s.name.toLowerCase() === lower);
      if (!sub) throw invalidFilter(`Unknown sub-attribute '${path.attribute}' of '${parentRaw}'`);
      return { target: { kind: 'scalar', operand: members(sub, `${parentRaw}.${path.attribute}`) } };
    },
  };
}

function ordered(left: Expression<unknown>, op: keyof typeof ORDERING_SQL, right: Expression<unknown>): SqlPredicate {
  return sql<SqlBool>`(${left} ${sql.raw(ORDERING_SQL[op])} ${right})`;
}

/** Two-valued negation: NULL (unknown, e.g. a missing attribute) counts as false, so its negation is true. */
function negate(predicate: SqlPredicate): SqlPredicate {
  return sql<SqlBool>`((${predicate}) IS NOT TRUE)`;
}

/** The operands of a chain of the same logical operator, left to right, without recursion. */
function operandsOf(filter: LogicalFilter): Filter[] {
  const operands: Filter[] = [];
  const pending: Filter[] = [filter];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    if (next.kind === filter.kind) pending.push((next as LogicalFilter).right, (next as LogicalFilter).left);
    else operands.push(next);
  }
  return operands;
}

/**
 * `(a AND b) AND (c AND d)` rather than `((a AND b) AND c) AND d`: a filter of a few hundred
 * terms then stays far below SQLite's expression depth limit (1000).
 */
function joinBalanced(parts: SqlPredicate[], keyword: 'AND' | 'OR'): SqlPredicate {
  const [first] = parts;
  if (parts.length <= 1) {
    if (!first) throw new Error('A logical operator without operands');
    return first;
  }
  const middle = Math.ceil(parts.length / 2);
  return sql<SqlBool>`(${joinBalanced(parts.slice(0, middle), keyword)} ${sql.raw(keyword)} ${joinBalanced(parts.slice(middle), keyword)})`;
}
