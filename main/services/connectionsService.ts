/**
 * SCIM Connections of the active account, through the admin API. The Authentication Secret from
 * create or reset stays in main (see heldSecrets.ts): the renderer gets `secretAvailable`, can ask
 * for an explicit reveal, and copies through main, which clears the clipboard 60 s later if it
 * still holds the secret.
 */
import type { Connection, RequestLogEntry } from '../../shared/api/connections.js';
import type { ConnectionView, IpcRequest, ProbeReport } from '../../shared/ipc.js';
import type { AccountsService } from './accounts.js';
import type { ClipboardGuard } from './clipboardGuard.js';
import { ServiceError } from './errors.js';
import type { HeldSecrets } from './heldSecrets.js';
import { probeConnection } from './connectionProbe.js';
import type { WizardStore } from './wizardStore.js';

export const FIX_SECRET_NOT_HELD = 'Reset the secret to get a new one, then paste it into the directory.';

export interface ConnectionsServiceOptions {
  accounts: AccountsService;
  secrets: HeldSecrets;
  clipboard: ClipboardGuard;
  wizard: WizardStore;
  probeTimeoutMs?: number;
}

export class ConnectionsService {
  constructor(private readonly options: ConnectionsServiceOptions) {}

  private session() {
    return this.options.accounts.activeSession();
  }

  private async view(accountId: string, connection: Connection): Promise<ConnectionView> {
    return { ...connection, secretAvailable: await this.options.secrets.has(accountId, connection.id) };
  }

  async list(): Promise<ConnectionView[]> {
    const { account, api } = await this.session();
    const connections = await api.listConnections();
    return Promise.all(connections.map((c) => this.view(account.id, c)));
  }

  async create(request: IpcRequest<'connections:create'>): Promise<ConnectionView> {
    const { account, api } = await this.session();
    const { connection, authenticationSecret } = await api.createConnection({
      provider: request.provider,
      ...(request.name !== undefined ? { name: request.name } : {}),
      ...(request.pastedSecret !== undefined ? { pastedSecret: request.pastedSecret } : {}),
    });
    await this.options.secrets.hold(account.id, connection.id, authenticationSecret);
    return this.view(account.id, connection);
  }

  async rename(connectionId: string, name: string): Promise<ConnectionView> {
    const { account, api } = await this.session();
    return this.view(account.id, await api.renameConnection(connectionId, name));
  }

  async rotateSecret(connectionId: string, graceSeconds: number, pastedSecret?: string): Promise<ConnectionView> {
    const { account, api } = await this.session();
    const { connection, authenticationSecret } = await api.rotateSecret(connectionId, {
      graceSeconds,
      ...(pastedSecret !== undefined ? { pastedSecret } : {}),
    });
    await this.options.secrets.hold(account.id, connection.id, authenticationSecret);
    return this.view(account.id, connection);
  }

  async delete(connectionId: string): Promise<void> {
    const { account, api } = await this.session();
    await api.deleteConnection(connectionId);
    await this.options.secrets.forget(connectionId);
    const wizard = await this.options.wizard.load(account.id);
    if (wizard?.connectionId === connectionId) await this.options.wizard.clear(account.id);
  }

  async requestLog(connectionId: string): Promise<RequestLogEntry[]> {
    const { api } = await this.session();
    return api.requestLog(connectionId);
  }

  private async heldSecret(connectionId: string): Promise<string> {
    const { account } = await this.session();
    const secret = await this.options.secrets.get(account.id, connectionId);
    if (secret === null) {
      throw new ServiceError('not_found', 'The app no longer holds this connection’s Authentication Secret (it is forgotten when setup is done).', FIX_SECRET_NOT_HELD);
    }
    return secret;
  }

  revealSecret(connectionId: string): Promise<string> {
    return this.heldSecret(connectionId);
  }

  async copy(connectionId: string, what: 'endpointBaseUrl' | 'authenticationSecret'): Promise<{ copied: true; clearsAfterSeconds: number | null }> {
    if (what === 'authenticationSecret') {
      const secret = await this.heldSecret(connectionId);
      return { copied: true, clearsAfterSeconds: this.options.clipboard.copySecret(secret) };
    }
    const { api } = await this.session();
    const connection = await api.getConnection(connectionId);
    this.options.clipboard.copy(connection.endpointBaseUrl);
    return { copied: true, clearsAfterSeconds: null };
  }

  /** Test Connection with the secret main holds (or, once forgotten, the checks that need none). */
  async test(connectionId: string): Promise<ProbeReport> {
    const { account, api } = await this.session();
    const connection = await api.getConnection(connectionId);
    const secret = await this.options.secrets.get(account.id, connectionId);
    return probeConnection({
      endpointBaseUrl: connection.endpointBaseUrl,
      secret,
      ...(this.options.probeTimeoutMs !== undefined ? { timeoutMs: this.options.probeTimeoutMs } : {}),
    });
  }

  /** Test Connection with a given secret: what the directory would see if it holds that one. */
  async testWithSecret(connectionId: string, secret: string): Promise<ProbeReport> {
    const { api } = await this.session();
    const connection = await api.getConnection(connectionId);
    return probeConnection({ endpointBaseUrl: connection.endpointBaseUrl, secret });
  }

  async forgetSecret(connectionId: string): Promise<void> {
    await this.options.secrets.forget(connectionId);
  }
}
