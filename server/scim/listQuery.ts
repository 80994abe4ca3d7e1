/** Query parameters of a SCIM list request (RFC 7644 §3.4.2), validated. */
import { invalidValue } from './errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './discovery.js';
import { parseAttributeList } from './resource/project.js';

/** `attributes` / `excludedAttributes` (RFC 7644 §3.4.2.5), accepted on every request that returns a resource. */
export interface ProjectionQuery {
  attributes: string[] | undefined;
  excludedAttributes: string[] | undefined;
}

export interface ListQuery extends ProjectionQuery {
  filter: string | undefined;
  /** 1-based, as SCIM counts. */
  startIndex: number;
  count: number;
}

export type RawQuery = Record<string, string | string[] | undefined>;

/** SCIM parameter names are case-insensitive in practice (clients send `startindex`); look them up so. */
function param(query: RawQuery, name: string): string | undefined {
  const lower = name.toLowerCase();
  for (const [key, value] of Object.entries(query)) {
    if (key.toLowerCase() !== lower) continue;
    if (Array.isArray(value)) throw invalidValue(`The query parameter '${name}' was given more than once.`);
    return value;
  }
  return undefined;
}

function integerParam(query: RawQuery, name: string): number | undefined {
  const raw = param(query, name);
  if (raw === undefined || raw === '') return undefined;
  if (!/^-?\d{1,15}$/.test(raw.trim())) throw invalidValue(`The query parameter '${name}' must be an integer, not "${raw}".`);
  return Number(raw.trim());
}

export function parseProjectionQuery(query: RawQuery): ProjectionQuery {
  return {
    attributes: parseAttributeList(param(query, 'attributes')),
    excludedAttributes: parseAttributeList(param(query, 'excludedAttributes')),
  };
}

export function parseListQuery(query: RawQuery): ListQuery {
  // RFC 7644 §3.4.2.4: a startIndex below 1 is read as 1, a negative count as 0; we cap count at the announced maximum.
  const startIndex = Math.max(1, integerParam(query, 'startIndex') ?? 1);
  const count = Math.min(MAX_PAGE_SIZE, Math.max(0, integerParam(query, 'count') ?? DEFAULT_PAGE_SIZE));
  const filter = param(query, 'filter');
  return {
    filter: filter === undefined || filter.trim() === '' ? undefined : filter,
    startIndex,
    count,
    ...parseProjectionQuery(query),
  };
}
