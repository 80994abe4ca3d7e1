/**
 * In-process notice that a connection's credentials changed (secret rotated, connection deleted),
 * so the SCIM authentication cache (server/scim/connectionCredentialCache.ts) drops its copy at
 * once instead of waiting for its TTL. Other processes and instances are covered by that TTL.
 * Process-wide on purpose: connection ids are UUIDs, so a notice can never hit another store's row.
 */
type Listener = (connectionId: string) => void;

const listeners = new Set<Listener>();

export function onConnectionCredentialsChanged(listener: Listener): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function connectionCredentialsChanged(connectionId: string): void {
  for (const listener of listeners) listener(connectionId);
}
