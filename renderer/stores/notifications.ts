/**
 * Notifications: short-lived toasts (someone was removed by a directory, an invite was cancelled)
 * and persistent alerts from the backend (a refused removal of the last owner) that stay until an
 * admin dismisses them (`alerts:dismiss`).
 */
import { createStore } from 'zustand/vanilla';
import type { Alert } from '../../shared/api/audit.js';
import type { Actor } from '../../shared/api/common.js';
import type { PushMessage } from '../../shared/ipc.js';
import { call, type DesktopApi, type IpcError, type Result } from '../api.js';
import type { LoadStatus } from './accounts.js';

export interface Toast {
  id: string;
  tone: 'info' | 'success' | 'warn';
  title: string;
  body?: string;
}

export interface NotificationsStoreState {
  toasts: Toast[];
  alerts: Alert[];
  alertsStatus: LoadStatus;
  error: IpcError | null;
  notify(toast: Omit<Toast, 'id'>): string;
  dismissToast(id: string): void;
  loadAlerts(): Promise<void>;
  dismissAlert(alertId: string): Promise<Result<unknown>>;
  handlePush(message: PushMessage): void;
  reset(): void;
}

/** "Okta connection “Default SCIM Connection”", "Olivia Owner", "the backend". */
export function actorText(by: Actor): string {
  if (by.type === 'connection') return `the directory connection “${by.label}”`;
  if (by.type === 'system') return 'the backend';
  return by.label;
}

const count = (n: number, one: string, many = `${one}s`) => `${n} ${n === 1 ? one : many}`;

/** What a removal revoked, in words: "Signed out of 1 device; 2 pending invites cancelled." */
export function revokedText(revokedDevices: number, cancelledInvites: number): string {
  if (revokedDevices === 0 && cancelledInvites === 0) return 'They held no devices or pending invites.';
  const parts: string[] = [];
  if (revokedDevices > 0) parts.push(`${count(revokedDevices, 'device')} signed out`);
  if (cancelledInvites > 0) parts.push(`${count(cancelledInvites, 'pending invite')} cancelled`);
  return `Revoked: ${parts.join(', ')}.`;
}

export function createNotificationsStore(api: DesktopApi, options: { toastMs?: number } = {}) {
  const toastMs = options.toastMs ?? 12_000;
  return createStore<NotificationsStoreState>()((set, get) => {
    let counter = 0;
    const timers = new Map<string, ReturnType<typeof setTimeout>>();
    return {
      toasts: [],
      alerts: [],
      alertsStatus: 'idle',
      error: null,

      notify(toast) {
        const id = `toast-${++counter}`;
        set({ toasts: [...get().toasts, { id, ...toast }].slice(-4) });
        if (toastMs > 0) timers.set(id, setTimeout(() => get().dismissToast(id), toastMs));
        return id;
      },

      dismissToast(id) {
        clearTimeout(timers.get(id));
        timers.delete(id);
        set({ toasts: get().toasts.filter((t) => t.id !== id) });
      },

      async loadAlerts() {
        if (get().alertsStatus !== 'ready') set({ alertsStatus: 'loading' });
        const result = await call(api.alerts.list({}));
        if (result.ok) set({ alertsStatus: 'ready', alerts: result.value.items.filter((a) => !a.dismissedAt), error: null });
        else set({ alertsStatus: get().alertsStatus === 'ready' ? 'ready' : 'error', error: result.error });
      },

      async dismissAlert(alertId) {
        const result = await call(api.alerts.dismiss({ alertId }));
        if (result.ok) set({ alerts: get().alerts.filter((a) => a.id !== alertId) });
        return result;
      },

      handlePush(message) {
        if (message.kind !== 'live') return;
        const event = message.event;
        if (event.type === 'member.removed') {
          get().notify({
            tone: 'warn',
            title: `${event.name} (${event.email}) was removed by ${actorText(event.by)}`,
            body: revokedText(event.revokedDevices, event.cancelledInvites),
          });
        } else if (event.type === 'member.removal_refused') {
          if (!get().alerts.some((a) => a.id === event.alertId)) {
            const alert: Alert = {
              id: event.alertId,
              kind: 'member.removal_refused',
              message: `${actorText(event.by)[0]!.toUpperCase()}${actorText(event.by).slice(1)} tried to remove ${event.name}, but the removal was refused: ${event.reason}`,
              details: { memberId: event.memberId },
              createdAt: new Date().toISOString(),
              dismissedAt: null,
            };
            set({ alerts: [alert, ...get().alerts] });
          }
          // The backend's own wording replaces ours when it answers.
          void get().loadAlerts();
        }
      },

      reset() {
        for (const timer of timers.values()) clearTimeout(timer);
        timers.clear();
        set({ toasts: [], alerts: [], alertsStatus: 'idle', error: null });
      },
    };
  });
}

export type NotificationsStore = ReturnType<typeof createNotificationsStore>;
