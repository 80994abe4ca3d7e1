/**
 * The SQL fragments of filter compilation that differ between databases: reading the JSON
 * `resource` column and matching substrings. Everything else the compiler emits is standard SQL.
 * The PostgreSQL (jsonb) dialect, postgresSqlDialect.ts, implements this same interface.
 */
import { sql, type RawBuilder, type SqlBool } from 'kysely';

export type SqlExpression = RawBuilder<unknown>;
export type SqlPredicate = RawBuilder<SqlBool>;

export interface FilterSqlDialect {
  /**
   * The scalar at `path` in the JSON `document`; NULL when absent or JSON null. `valueType` says
   * what the attribute holds, for databases whose JSON text operator would compare numbers as text.
   */
  jsonScalar(document: SqlExpression, path: readonly string[], valueType: 'number' | 'text'): SqlExpression;
  /** True when the value at `path` is the JSON boolean `value` (not merely 1 or "true"). */
  jsonBooleanIs(document: SqlExpression, path: readonly string[], value: boolean): SqlPredicate;
  /** RFC 7644 `pr`: the value at `path` exists and is not null, "", [] or {}. */
  jsonPresent(document: SqlExpression, path: readonly string[]): SqlPredicate;
  /** Some element of the JSON array at `path` satisfies `condition`, which receives the element as a JSON document. */
  jsonArraySome(document: SqlExpression, path: readonly string[], condition: (element: SqlExpression) => SqlPredicate): SqlPredicate;
  /** `text` contains / starts with / ends with the non-empty `fragment`, byte for byte: no wildcards, no case folding. */
  textMatches(text: SqlExpression, mode: 'co' | 'sw' | 'ew', fragment: SqlExpression): SqlPredicate;
}

// Path segments are canonical attribute names and schema URNs from the definitions, never client
// text; the check keeps a future definition from breaking out of the quoted JSON path.
const SAFE_SEGMENT = /^[A-Za-z0-9$:._-]+$/;

/** `$."urn:…:User"."manager"."value"`, as a literal so that an expression index on it could match. */
function sqliteJsonPath(path: readonly string[]): SqlExpression {
  for (const segment of path) {
    if (!SAFE_SEGMENT.test(segment)) throw new Error(`Unsafe JSON path segment ${JSON.stringify(segment)}`);
  }
  return sql.lit(`$${path.map((segment) => `."${segment}"`).join('')}`);
}

export const sqliteFilterDialect: FilterSqlDialect = {
  jsonScalar(document, path) {
    return sql`json_extract(${document}, ${sqliteJsonPath(path)})`;
  },

  jsonBooleanIs(document, path, value) {
    return sql<SqlBool>`(json_type(${document}, ${sqliteJsonPath(path)}) = ${sql.lit(value ? 'true' : 'false')})`;
  },

  jsonPresent(document, path) {
    const at = sqliteJsonPath(path);
    // json_extract renders an object as its JSON text, so an empty one reads '{}'.
    return sql<SqlBool>`(CASE json_type(${document}, ${at})
      WHEN 'text' THEN json_extract(${document}, ${at}) <> ''
      WHEN 'array' THEN json_array_length(${document}, ${at}) > 0
      WHEN 'object' THEN json_extract(${document}, ${at}) <> '{}'
      WHEN 'null' THEN 0
      ELSE json_type(${document}, ${at}) IS NOT NULL END)`;
  },

  jsonArraySome(document, path, condition) {
    // Value paths do not nest, so one alias for the element table is enough.
    return sql<SqlBool>`EXISTS (SELECT 1 FROM json_each(${document}, ${sqliteJsonPath(path)}) AS e WHERE ${condition(sql.ref('e.value'))})`;
  },

  textMatches(text, mode, fragment) {
    // instr/substr rather than LIKE: LIKE would fold ASCII case and read % and _ as wildcards.
    switch (mode) {
      case 'co':
        return sql<SqlBool>`(instr(${text}, ${fragment}) > 0)`;
      case 'sw':
        return sql<SqlBool>`(instr(${text}, ${fragment}) = 1)`;
      case 'ew':
        return sql<SqlBool>`(length(${text}) >= length(${fragment}) AND substr(${text}, -length(${fragment})) = ${fragment})`;
    }
  },
};
