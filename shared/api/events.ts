import { z } from 'zod';
import { Actor, Id } from './common.js';

/** What `GET /api/v1/events` pushes to signed-in admins, one JSON object per SSE message. */
export const LiveEvent = z.discriminatedUnion('type', [
  /** The first message of every stream: the subscription is live, nothing after it can be missed. */
  z.object({ type: z.literal('ready'), orgId: Id, memberId: Id }),
  z.object({ type: z.literal('pool.changed'), connectionId: Id, poolEntryIds: z.array(Id) }),
  z.object({
    type: z.literal('member.removed'),
    memberId: Id,
    name: z.string(),
    email: z.string(),
    by: Actor,
    revokedDevices: z.number().int(),
    cancelledInvites: z.number().int(),
  }),
  z.object({ type: z.literal('invite.cancelled'), inviteId: Id, email: z.string(), by: Actor }),
  z.object({ type: z.literal('member.removal_refused'), memberId: Id, name: z.string(), reason: z.string(), alertId: Id, by: Actor }),
  z.object({ type: z.literal('connection.health'), connectionId: Id }),
  z.object({ type: z.literal('member.changed'), memberId: Id }),
  z.object({ type: z.literal('invite.changed'), inviteId: Id }),
]);
export type LiveEvent = z.infer<typeof LiveEvent>;
