/**
 * The syntax tree of an RFC 7644 §3.4.2.2 filter. It records what the client wrote, not what it
 * means: attribute names keep their spelling (resolution is case-insensitive and happens later,
 * against a resource type) and parentheses leave no node, because grouping only decides the shape.
 */

/** `[URI ":"] ATTRNAME ["." subAttr]`, e.g. `urn:ietf:params:scim:schemas:extension:enterprise:2.0:User:manager.value`. */
export interface AttrPath {
  /** The path exactly as written; always `uri:attribute.subAttribute` with the absent parts left out. */
  raw: string;
  /** The schema URN that qualifies the name, when one was written. */
  uri?: string;
  attribute: string;
  subAttribute?: string;
}

export type ComparisonOperator = 'eq' | 'ne' | 'co' | 'sw' | 'ew' | 'gt' | 'lt' | 'ge' | 'le';

export const COMPARISON_OPERATORS: readonly ComparisonOperator[] = ['eq', 'ne', 'co', 'sw', 'ew', 'gt', 'lt', 'ge', 'le'];

/** A JSON literal (RFC 7644: `compValue = false / null / true / number / string`). */
export type ComparisonValue = string | number | boolean | null;

export interface ComparisonFilter {
  kind: 'comparison';
  attrPath: AttrPath;
  op: ComparisonOperator;
  value: ComparisonValue;
}

export interface PresentFilter {
  kind: 'present';
  attrPath: AttrPath;
}

export interface LogicalFilter {
  kind: 'and' | 'or';
  left: Filter;
  right: Filter;
}

export interface NotFilter {
  kind: 'not';
  filter: Filter;
}

/**
 * `emails[type eq "work" and value co "@x"]`: one element of a multi-valued (or the value of a
 * single complex) attribute satisfies the whole inner filter, whose names are sub-attributes.
 */
export interface ValuePathFilter {
  kind: 'valuePath';
  attrPath: AttrPath;
  filter: Filter;
}

export type Filter = ComparisonFilter | PresentFilter | LogicalFilter | NotFilter | ValuePathFilter;

/** RFC 7644 §3.5.2 `PATH = attrPath / valuePath [subAttr]`: what a PATCH operation targets. */
export interface PatchPath {
  attrPath: AttrPath;
  /** The filter between the brackets, selecting elements of a multi-valued attribute. */
  valueFilter?: Filter;
  /** The sub-attribute after the brackets: `emails[type eq "work"].value` → `value`. */
  subAttribute?: string;
}

/** Builds an AttrPath from its parts, keeping `raw` consistent with them. */
export function attrPath(attribute: string, subAttribute?: string, uri?: string): AttrPath {
  const raw = `${uri === undefined ? '' : `${uri}:`}${attribute}${subAttribute === undefined ? '' : `.${subAttribute}`}`;
  return {
    raw,
    ...(uri === undefined ? {} : { uri }),
    attribute,
    ...(subAttribute === undefined ? {} : { subAttribute }),
  };
}
