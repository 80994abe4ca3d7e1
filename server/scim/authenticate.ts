/**
 * Bearer authentication for one connection's SCIM endpoints: the connection named in the URL must
 * exist, be live, and hold the presented secret (current, or previous within its grace period).
 * Another connection's secret is refused like any wrong secret.
 */
import type { ScimConnectionsTable } from '../store/schema.js';
import type { ConnectionCredentialCache } from './connectionCredentialCache.js';
import { secretMatchesHash } from '../domain/secrets.js';
import { ScimError } from './errors.js';
import type { FailedAuthLimiter } from './failedAuthLimiter.js';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

function unauthorized(detail: string): ScimError {
  return new ScimError(401, undefined, detail, { 'WWW-Authenticate': 'Bearer realm="SCIM"' });
}

function bearerSecret(authorization: string | undefined): string | undefined {
  const match = /^Bearer\s+(\S+)\s*$/i.exec(authorization ?? '');
  return match?.[1];
}

function holdsSecret(connections: ConnectionCredentialCache, connection: ScimConnectionsTable, secret: string, now: number): boolean {
  if (connections.isVerifiedSecret(connection, secret)) return true;
  if (secretMatchesHash(secret, connection.secret_hash)) {
    connections.rememberVerifiedSecret(connection, secret);
    return true;
  }
  // The previous secret is not remembered: its grace period must be checked on every request.
  return (
    connection.previous_secret_hash !== null &&
    connection.previous_secret_expires_at !== null &&
    Date.parse(connection.previous_secret_expires_at) > now &&
    secretMatchesHash(secret, connection.previous_secret_hash)
  );
}

export async function authenticateConnection(
  connections: ConnectionCredentialCache,
  input: { connectionId: string; authorization: string | undefined; clientAddress: string; limiter: FailedAuthLimiter; now: number },
): Promise<ScimConnectionsTable> {
  let connection = UUID.test(input.connectionId) ? await connections.get(input.connectionId) : undefined;
  const secret = bearerSecret(input.authorization);
  // A secret the cached row refuses may have been set by another process moments ago: ask the database before refusing it.
  if (connection && !connection.deleted_at && secret !== undefined && !holdsSecret(connections, connection, secret, input.now)) {
    connection = await connections.load(input.connectionId);
  }
  if (connection?.deleted_at) {
    throw new ScimError(410, undefined, 'This SCIM connection was deleted. Create a new connection in the app and update the directory.');
  }
  if (connection && secret !== undefined && holdsSecret(connections, connection, secret, input.now)) return connection;

  const wait = input.limiter.retryAfterSeconds(input.clientAddress);
  if (wait > 0) {
    throw new ScimError(429, undefined, 'Too many failed authentication attempts from this address.', {
      'Retry-After': String(wait),
    });
  }
  input.limiter.recordFailure(input.clientAddress);
  if (input.authorization === undefined) {
    throw unauthorized("Authentication required: send the connection's Authentication Secret as 'Authorization: Bearer <secret>'.");
  }
  if (secret === undefined) throw unauthorized("The Authorization header must have the form 'Bearer <secret>'.");
  throw unauthorized('The bearer secret is not valid for this SCIM connection.');
}
