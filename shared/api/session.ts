import { z } from 'zod';
import { Id, Role, Timestamp } from './common.js';

/** Redeeming a one-time code (the owner's enrollment code or an invite code) yields a device token. */
export const RedeemCodeRequest = z.object({
  code: z.string().trim().min(1).max(200),
  deviceLabel: z.string().trim().min(1).max(100).default('Desktop app'),
});
export type RedeemCodeRequest = z.infer<typeof RedeemCodeRequest>;

export const SessionInfo = z.object({
  org: z.object({ id: Id, name: z.string() }),
  member: z.object({ id: Id, email: z.string(), name: z.string(), role: Role }),
  deviceId: Id,
});
export type SessionInfo = z.infer<typeof SessionInfo>;

export const RedeemCodeResponse = SessionInfo.extend({
  /** Shown once; the desktop app keeps it in the OS keychain. */
  deviceToken: z.string(),
  issuedAt: Timestamp,
});
export type RedeemCodeResponse = z.infer<typeof RedeemCodeResponse>;
