import { z } from 'zod';
import { Actor, Id, PageQuery, Timestamp, pageOf } from './common.js';

export const AuditEvent = z.object({
  id: Id,
  at: Timestamp,
  actor: Actor,
  kind: z.string(),
  subject: z.object({ type: z.string(), id: z.string().nullable(), label: z.string().nullable() }).nullable(),
  details: z.record(z.string(), z.unknown()),
});
export type AuditEvent = z.infer<typeof AuditEvent>;

export const AuditQuery = PageQuery.extend({
  actorId: z.string().optional(),
  actorType: z.enum(['member', 'connection', 'system']).optional(),
  kind: z.string().optional(),
  since: Timestamp.optional(),
  until: Timestamp.optional(),
});
export const AuditPage = pageOf(AuditEvent);

export const Alert = z.object({
  id: Id,
  kind: z.string(),
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  createdAt: Timestamp,
  dismissedAt: Timestamp.nullable(),
});
export type Alert = z.infer<typeof Alert>;
export const AlertList = z.object({ items: z.array(Alert) });
