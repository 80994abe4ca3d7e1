import { z } from 'zod';
import { Email, Id, PageQuery, PersonName, Role, Timestamp, pageOf } from './common.js';

export const INVITE_STATUSES = ['pending', 'accepted', 'cancelled', 'revoked', 'expired'] as const;

export const Invite = z.object({
  id: Id,
  email: z.string(),
  name: z.string(),
  role: Role,
  status: z.enum(INVITE_STATUSES),
  /** The pool entry the invite was made from, when it came from a directory. */
  poolEntryId: Id.nullable(),
  connectionId: Id.nullable(),
  createdAt: Timestamp,
  expiresAt: Timestamp,
  statusReason: z.string().nullable(),
});
export type Invite = z.infer<typeof Invite>;

/** Invite from the pool: name and email come from the directory and cannot be edited here. */
export const InviteFromPoolRequest = z.object({
  connectionId: Id,
  poolEntryIds: z.array(Id).min(1).max(500),
  role: Role.exclude(['owner']).default('member'),
});
export type InviteFromPoolRequest = z.infer<typeof InviteFromPoolRequest>;

export const InviteByEmailRequest = z.object({
  email: Email,
  name: PersonName,
  role: Role.exclude(['owner']).default('member'),
});
export type InviteByEmailRequest = z.infer<typeof InviteByEmailRequest>;

/** `no_email`: the directory sent no usable email for this person, so there is nobody to invite. */
export const INVITE_OUTCOMES = ['invited', 'already_member', 'already_invited', 'deactivated', 'not_found', 'no_email'] as const;

export const InviteOutcome = z.object({
  poolEntryId: Id.nullable(),
  email: z.string().nullable(),
  outcome: z.enum(INVITE_OUTCOMES),
  message: z.string(),
  invite: Invite.nullable(),
  /** The one-time code the invitee redeems; present only when `outcome` is `invited`. */
  inviteCode: z.string().nullable(),
});
export type InviteOutcome = z.infer<typeof InviteOutcome>;

export const InviteResults = z.object({ results: z.array(InviteOutcome) });
export type InviteResults = z.infer<typeof InviteResults>;

export const InviteQuery = PageQuery.extend({ status: z.enum(INVITE_STATUSES).optional() });
export const InvitePage = pageOf(Invite);
export type InvitePage = z.infer<typeof InvitePage>;
