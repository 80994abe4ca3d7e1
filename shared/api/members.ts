import { z } from 'zod';
import { Actor, Id, PageQuery, Role, Timestamp, pageOf } from './common.js';

export const MemberSource = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('directory'), connectionId: Id, connectionName: z.string(), poolEntryId: Id }),
  z.object({ kind: z.literal('email') }),
]);

export const Member = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  status: z.enum(['active', 'removed']),
  source: MemberSource,
  createdAt: Timestamp,
  removedAt: Timestamp.nullable(),
  removedBy: Actor.nullable(),
  removalReason: z.string().nullable(),
});
export type Member = z.infer<typeof Member>;

export const MemberQuery = PageQuery.extend({
  status: z.enum(['active', 'removed']).default('active'),
  /** Only members no directory manages (invited by email and not linked). */
  unmanaged: z
    .enum(['true', 'false'])
    .transform((v) => v === 'true')
    .optional(),
});
export const MemberPage = pageOf(Member);
export type MemberPage = z.infer<typeof MemberPage>;

/** Link a member invited by email to the pool entry with the same email. */
export const LinkMemberRequest = z.object({ poolEntryId: Id });
