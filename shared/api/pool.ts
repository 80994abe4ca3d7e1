import { z } from 'zod';
import { Id, PageQuery, Timestamp, pageOf } from './common.js';

/**
 * Where a directory user stands with the org: available to invite, invited (pending invite),
 * member (linked to an active member), or deactivated (inactive or deleted in the directory).
 */
export const POOL_STATUSES = ['available', 'invited', 'member', 'deactivated'] as const;
export const PoolStatus = z.enum(POOL_STATUSES);
export type PoolStatus = z.infer<typeof PoolStatus>;

export const PoolEntry = z.object({
  id: Id,
  connectionId: Id,
  userName: z.string(),
  name: z.string(),
  email: z.string().nullable(),
  /** `active` as the directory last wrote it; false also when the directory deleted the user. */
  directoryActive: z.boolean(),
  deletedInDirectory: z.boolean(),
  status: PoolStatus,
  memberId: Id.nullable(),
  inviteId: Id.nullable(),
  lastDirectoryChangeAt: Timestamp,
});
export type PoolEntry = z.infer<typeof PoolEntry>;

export const PoolQuery = PageQuery.extend({
  search: z.string().trim().max(200).optional(),
  status: PoolStatus.optional(),
});
export type PoolQuery = z.infer<typeof PoolQuery>;

export const PoolPage = pageOf(PoolEntry);
export type PoolPage = z.infer<typeof PoolPage>;
