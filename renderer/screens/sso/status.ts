/** Plain-language status of a connection, from its health. */
import type { ConnectionView } from '../../../shared/ipc.js';
import { guideFor } from '../../../shared/providers/index.js';
import { plural } from '../../components/ui.js';

export type ConnectionTone = 'waiting' | 'live' | 'error';

export interface ConnectionStatus {
  tone: ConnectionTone;
  text: string;
  detail?: string;
  fix?: string;
}

/** Where the admin pastes the secret in the directory's console (seed wording). */
export function secretFieldOf(provider: ConnectionView['provider']): string {
  return provider === 'okta' ? 'HTTP Header Authorization Bearer' : provider === 'azure-ad' ? 'Secret Token' : 'the bearer token field';
}

export function directoryNameOf(connection: Pick<ConnectionView, 'provider'>): string {
  return connection.provider === 'other' ? 'the directory' : guideFor(connection.provider).directoryName;
}

export function connectionStatus(connection: ConnectionView): ConnectionStatus {
  const { health } = connection;
  const directory = directoryNameOf(connection);
  const Directory = directory[0]!.toUpperCase() + directory.slice(1);
  // The app's own Test Connection is logged too; it is not the directory (no directory User-Agent, no users).
  const heardFromDirectory = health.lastRequestAt !== null && (health.detectedProvider !== null || health.syncedUsers > 0);
  if (!heardFromDirectory || !health.lastRequestAt) return { tone: 'waiting', text: `Waiting for the first request from ${directory}…` };
  const connected = `Connected — ${Directory} has synced ${plural(health.syncedUsers, 'user')}`;
  const failing = health.lastError && health.lastError.at >= health.lastRequestAt;
  if (failing && health.lastError) {
    return { tone: 'error', text: connected, detail: `Its last request failed: ${health.lastError.detail}`, fix: fixFor(connection, health.lastError.detail) };
  }
  return { tone: 'live', text: connected };
}

export function fixFor(connection: ConnectionView, detail: string): string {
  const directory = directoryNameOf(connection);
  if (/secret|401|unauthori[sz]ed|bearer/i.test(detail)) {
    return `Copy the current Authentication Secret into ${secretFieldOf(connection.provider)} in ${directory}. If you no longer have it, reset the secret in Connection settings.`;
  }
  if (/filter|unsupported|schema|invalid/i.test(detail)) {
    return `Check the attribute mappings in ${directory}: the request log in Connection settings shows the exact request that was refused.`;
  }
  return 'Open Connection settings to see the request log with the exact request and answer.';
}
