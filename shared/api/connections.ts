import { z } from 'zod';
import { DirectoryProvider, Id, Timestamp } from './common.js';

export const ConnectionHealth = z.object({
  detectedProvider: z.string().nullable(),
  lastRequestAt: Timestamp.nullable(),
  requestsLast24h: z.number().int(),
  errorsLast24h: z.number().int(),
  lastError: z.object({ at: Timestamp, detail: z.string() }).nullable(),
  syncedUsers: z.number().int(),
});
export type ConnectionHealth = z.infer<typeof ConnectionHealth>;

export const Connection = z.object({
  id: Id,
  name: z.string(),
  provider: DirectoryProvider,
  endpointBaseUrl: z.string(),
  createdAt: Timestamp,
  health: ConnectionHealth,
});
export type Connection = z.infer<typeof Connection>;

export const ConnectionName = z.string().trim().min(1).max(100);

export const CreateConnectionRequest = z.object({
  name: ConnectionName.optional(),
  provider: DirectoryProvider.default('okta'),
  /** Omit to have the server generate the secret (the default); or paste the directory's own. */
  pastedSecret: z.string().optional(),
});
export type CreateConnectionRequest = z.infer<typeof CreateConnectionRequest>;

/** The only response that ever carries the Authentication Secret. */
export const ConnectionWithSecret = z.object({ connection: Connection, authenticationSecret: z.string() });
export type ConnectionWithSecret = z.infer<typeof ConnectionWithSecret>;

export const RenameConnectionRequest = z.object({ name: ConnectionName });

export const RotateSecretRequest = z.object({
  /** How long the previous secret keeps working: 0 (at once), e.g. 3600 (1 hour) or 86400 (24 hours). */
  graceSeconds: z.number().int().min(0).max(7 * 24 * 3600).default(0),
  pastedSecret: z.string().optional(),
});

export const RequestLogEntry = z.object({
  at: Timestamp,
  method: z.string(),
  path: z.string(),
  status: z.number().int(),
  durationMs: z.number(),
  errorDetail: z.string().nullable(),
  /** The request body with secrets and passwords redacted, truncated to 8 KiB. */
  body: z.string().nullable(),
});
export type RequestLogEntry = z.infer<typeof RequestLogEntry>;

export const RequestLog = z.object({ items: z.array(RequestLogEntry) });
