/**
 * Admin API building blocks shared by the backend and the desktop app, so that neither can drift
 * from the other: zod schemas validate on the server and type the client.
 */
import { z } from 'zod';
import { DIRECTORY_PROVIDERS } from '../scim/wire.js';

export const ROLES = ['owner', 'admin', 'member'] as const;
export const Role = z.enum(ROLES);
export type Role = z.infer<typeof Role>;

/** Roles that may manage connections, invites and members. */
export const MANAGING_ROLES: readonly Role[] = ['owner', 'admin'];

export const DirectoryProvider = z.enum(DIRECTORY_PROVIDERS);

export const Id = z.string().uuid();
export const Timestamp = z.string().describe('ISO-8601 UTC time');

export const Email = z.string().trim().max(320).email();
export const PersonName = z.string().trim().min(1).max(200);

/** Every admin API error has this body; `field` names the request field at fault, when one is. */
export const ApiError = z.object({
  error: z.object({
    code: z.enum([
      'invalid_request',
      'unauthorized',
      'forbidden',
      'not_found',
      'conflict',
      'unprocessable',
      'rate_limited',
      'unavailable',
      'internal',
    ]),
    message: z.string(),
    field: z.string().optional(),
  }),
});
export type ApiError = z.infer<typeof ApiError>;
export type ApiErrorCode = ApiError['error']['code'];

/** Server-side paging: a page number and size, and the exact total. */
export const PageQuery = z.object({
  page: z.coerce.number().int().min(1).default(1),
  pageSize: z.coerce.number().int().min(1).max(500).default(50),
});

export function pageOf<T extends z.ZodTypeAny>(item: T) {
  return z.object({ items: z.array(item), total: z.number().int(), page: z.number().int(), pageSize: z.number().int() });
}

/** Who did something: an org member, a directory (SCIM connection), or the backend itself. */
export const Actor = z.object({
  type: z.enum(['member', 'connection', 'system']),
  id: z.string().nullable(),
  label: z.string(),
});
export type Actor = z.infer<typeof Actor>;
