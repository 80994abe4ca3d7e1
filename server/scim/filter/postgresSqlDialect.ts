/**
 * Filter SQL for PostgreSQL. `resource` is stored as text (the resource a directory reads back is
 * byte for byte what was stored, key order included; jsonb would reorder keys), so each JSON read
 * casts it to jsonb first. Semantics match the SQLite dialect: a missing value or JSON null is
 * SQL NULL, booleans are JSON booleans only, substring tests are exact (no wildcards, no folding).
 */
import { sql, type SqlBool } from 'kysely';
import type { FilterSqlDialect, SqlExpression } from './sqlDialect.js';

// Path segments come from the schema definitions, never from the client (see sqlDialect.ts).
const SAFE_SEGMENT = /^[A-Za-z0-9$:._-]+$/;

/** `'{"urn:…:User","manager","value"}'`, a text[] literal for `#>` / `#>>`. */
function jsonPath(path: readonly string[]): SqlExpression {
  for (const segment of path) {
    if (!SAFE_SEGMENT.test(segment)) throw new Error(`Unsafe JSON path segment ${JSON.stringify(segment)}`);
  }
  return sql`${sql.lit(`{${path.map((segment) => `"${segment}"`).join(',')}}`)}::text[]`;
}

/** The jsonb value at `path` (SQL NULL when absent). Casting jsonb to jsonb again is free. */
function valueAt(document: SqlExpression, path: readonly string[]): SqlExpression {
  return sql`((${document})::jsonb #> ${jsonPath(path)})`;
}

export const postgresFilterDialect: FilterSqlDialect = {
  jsonScalar(document, path, valueType) {
    const value = valueAt(document, path);
    // #>> renders any JSON value as text; numbers are compared as numbers, as SQLite's json_extract does.
    if (valueType === 'number') return sql`(CASE WHEN jsonb_typeof(${value}) = 'number' THEN (${value} #>> '{}')::numeric END)`;
    return sql`(CASE jsonb_typeof(${value}) WHEN 'string' THEN ${value} #>> '{}' WHEN 'number' THEN ${value} #>> '{}' END)`;
  },

  jsonBooleanIs(document, path, value) {
    return sql<SqlBool>`(${valueAt(document, path)} = ${sql.lit(value ? 'true' : 'false')}::jsonb)`;
  },

  jsonPresent(document, path) {
    const value = valueAt(document, path);
    return sql<SqlBool>`(CASE jsonb_typeof(${value})
      WHEN 'string' THEN ${value} <> '""'::jsonb
      WHEN 'array' THEN jsonb_array_length(${value}) > 0
      WHEN 'object' THEN ${value} <> '{}'::jsonb
      WHEN 'null' THEN false
      ELSE ${value} IS NOT NULL END)`;
  },

  jsonArraySome(document, path, condition) {
    const value = valueAt(document, path);
    // jsonb_array_elements refuses anything but an array; a single value is treated as no elements.
    return sql<SqlBool>`EXISTS (SELECT 1 FROM jsonb_array_elements(CASE WHEN jsonb_typeof(${value}) = 'array' THEN ${value} ELSE '[]'::jsonb END) AS e(value) WHERE ${condition(sql.ref('e.value'))})`;
  },

  textMatches(text, mode, fragment) {
    // strpos/left/right rather than LIKE: LIKE would read % and _ as wildcards.
    switch (mode) {
      case 'co':
        return sql<SqlBool>`(strpos(${text}, ${fragment}) > 0)`;
      case 'sw':
        return sql<SqlBool>`(left(${text}, length(${fragment})) = ${fragment})`;
      case 'ew':
        return sql<SqlBool>`(right(${text}, length(${fragment})) = ${fragment})`;
    }
  },
};
