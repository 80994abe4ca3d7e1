/**
 * The failures main's services raise, each carrying what the admin should read and, where one
 * helps, what to do next. `toIpcError` turns any of them (and anything unexpected) into the
 * `IpcError` the renderer shows; nothing here throws across the IPC boundary.
 */
import type { ApiErrorCode } from '../../shared/api/common.js';
import type { IpcError } from '../../shared/ipc.js';
import { KeychainUnavailableError } from '../platform/credentialStore.js';

type IpcErrorCode = IpcError['code'];

/** An expected refusal by main itself (no account, unknown link, secret no longer held…). */
export class ServiceError extends Error {
  constructor(
    readonly code: IpcErrorCode,
    message: string,
    readonly fix?: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'ServiceError';
  }
}

/** The admin API answered with an error (its `ApiError` body, or just a status). */
export class AdminApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: ApiErrorCode,
    message: string,
    readonly field?: string,
  ) {
    super(message);
    this.name = 'AdminApiError';
  }
}

/** No answer from the backend at all: refused, timed out, DNS, TLS. */
export class BackendUnreachableError extends Error {
  constructor(
    readonly baseUrl: string,
    /** The Node error code (ECONNREFUSED, ETIMEDOUT, ECONNABORTED, ENOTFOUND, CERT_…), when known. */
    readonly reason: string | undefined,
    message: string,
  ) {
    super(message);
    this.name = 'BackendUnreachableError';
  }
}

/** The backend's command line exited with a non-zero code; `message` is what it printed on stderr. */
export class BackendCliError extends Error {
  constructor(
    readonly exitCode: number | null,
    message: string,
  ) {
    super(message);
    this.name = 'BackendCliError';
  }
}

export const FIX_SIGN_IN_AGAIN = 'Your sign-in on this device has ended: sign in again (remove the account and redeem a new code).';
export const FIX_BACKEND_UNREACHABLE =
  'The backend did not answer. Check your network connection and that the backend address is right and running, then try again.';
export const FIX_NOT_MANAGER = 'Only owners and admins can do this. Ask an owner to change your role.';

const API_TO_IPC: Record<ApiErrorCode, IpcErrorCode> = {
  invalid_request: 'invalid_request',
  unauthorized: 'unauthorized',
  forbidden: 'forbidden',
  not_found: 'not_found',
  conflict: 'conflict',
  unprocessable: 'conflict',
  rate_limited: 'unavailable',
  unavailable: 'unavailable',
  internal: 'internal',
};

/** The IPC error code for an admin API error code. */
export function ipcCodeOf(code: ApiErrorCode): IpcErrorCode {
  return API_TO_IPC[code];
}

function withOptional(base: Pick<IpcError, 'code' | 'message'>, fix: string | undefined, field: string | undefined): IpcError {
  return { ...base, ...(fix !== undefined ? { fix } : {}), ...(field !== undefined ? { field } : {}) };
}

export function toIpcError(error: unknown): IpcError {
  if (error instanceof ServiceError) return withOptional({ code: error.code, message: error.message }, error.fix, error.field);
  if (error instanceof KeychainUnavailableError) return { code: 'keychain_unavailable', message: error.message, fix: error.fix };
  if (error instanceof AdminApiError) {
    const code = API_TO_IPC[error.code];
    const fix =
      code === 'unauthorized'
        ? FIX_SIGN_IN_AGAIN
        : code === 'forbidden'
          ? FIX_NOT_MANAGER
          : error.code === 'rate_limited'
            ? 'Too many attempts: wait a minute, then try again.'
            : code === 'unavailable' || code === 'internal'
              ? 'The backend had a problem: try again in a moment.'
              : undefined;
    return withOptional({ code, message: error.message }, fix, error.field);
  }
  if (error instanceof BackendUnreachableError) return { code: 'unavailable', message: error.message, fix: FIX_BACKEND_UNREACHABLE };
  if (error instanceof BackendCliError) {
    // Exit code 1 with a plain message is a refusal by the backend's rules (e.g. the org name is taken).
    const refused = error.exitCode === 1 && !error.message.startsWith('Error:');
    return refused ? { code: 'conflict', message: error.message } : { code: 'internal', message: `The backend command failed: ${error.message}` };
  }
  const message = error instanceof Error ? error.message : String(error);
  return { code: 'internal', message: message || 'Something went wrong.' };
}
