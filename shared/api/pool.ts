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

/** Counts past this are never needed to draw a page (a search-as-you-type keystroke asks for 1,000). */
export const POOL_COUNT_UP_TO_MAX = 1_000_000;
/**
 * `countUpTo` lets a caller that only needs "how many, roughly" (a keystroke, "is anyone
 * available?") stop the count there: counting every match of a one-letter search is a scan.
 */
const countUpTo = z.coerce.number().int().min(1).max(POOL_COUNT_UP_TO_MAX);

export const PoolQuery = PageQuery.extend({
  search: z.string().trim().max(200).optional(),
  status: PoolStatus.optional(),
  countUpTo: countUpTo.optional().describe('Count matches only up to this many; the page then says whether `total` is exact'),
});
export type PoolQuery = z.infer<typeof PoolQuery>;

export const PoolPage = pageOf(PoolEntry).extend({
  /** False when `countUpTo` stopped the count: there are at least `total` matches. */
  totalExact: z.boolean(),
});
export type PoolPage = z.infer<typeof PoolPage>;
