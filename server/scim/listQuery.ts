/** Query parameters of a SCIM list request (RFC 7644 §3.4.2), validated. */
import { invalidValue } from './errors.js';
import { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './discovery.js';

export interface ListQuery {
  filter: string | undefined;
  /** 1-based, as SCIM counts. */
  startIndex: number;
  count: number;
  attributes: string[] | undefined;
  excludedAttributes: string[] | undefined;
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

export function attributeListParam(query: RawQuery, name: string): string[] | undefined {
  const raw = param(query, name);
  if (raw === undefined) return undefined;
  const names = raw
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
  return names.length > 0 ? names : undefined;
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
    attributes: attributeListParam(query, 'attributes'),
    excludedAttributes: attributeListParam(query, 'excludedAttributes'),
  };
}
