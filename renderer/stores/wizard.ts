/**
 * Wizard domain: where the admin is in a provider guide. Every change is saved through
 * `wizard:save`, so the guide can be left (or the app quit) and resumed.
 */
import { createStore } from 'zustand/vanilla';
import type { DirectoryProvider } from '../../shared/scim/wire.js';
import type { WizardState } from '../../shared/ipc.js';
import { call, type DesktopApi, type IpcError } from '../api.js';
import type { LoadStatus } from './accounts.js';

export interface WizardStoreState {
  status: LoadStatus;
  wizard: WizardState | null;
  error: IpcError | null;
  load(): Promise<void>;
  begin(connectionId: string, provider: DirectoryProvider): Promise<void>;
  toggleStep(stepId: string, done?: boolean): Promise<void>;
  goTo(stepIndex: number): Promise<void>;
  clear(): Promise<void>;
}

export function createWizardStore(api: DesktopApi, now: () => Date = () => new Date()) {
  return createStore<WizardStoreState>()((set, get) => {
    const save = async (next: WizardState): Promise<void> => {
      set({ wizard: next });
      const result = await call(api.wizard.save(next));
      set({ error: result.ok ? null : result.error });
    };
    return {
      status: 'idle',
      wizard: null,
      error: null,

      async load() {
        set({ status: 'loading' });
        const result = await call(api.wizard.load({}));
        if (result.ok) set({ status: 'ready', wizard: result.value, error: null });
        else set({ status: 'error', error: result.error });
      },

      begin(connectionId, provider) {
        return save({ connectionId, provider, completedSteps: [], currentStep: 0, updatedAt: now().toISOString() });
      },

      async toggleStep(stepId, done) {
        const wizard = get().wizard;
        if (!wizard) return;
        const has = wizard.completedSteps.includes(stepId);
        const want = done ?? !has;
        if (want === has) return;
        const completedSteps = want ? [...wizard.completedSteps, stepId] : wizard.completedSteps.filter((s) => s !== stepId);
        await save({ ...wizard, completedSteps, updatedAt: now().toISOString() });
      },

      async goTo(stepIndex) {
        const wizard = get().wizard;
        if (!wizard || wizard.currentStep === stepIndex) return;
        await save({ ...wizard, currentStep: Math.max(0, stepIndex), updatedAt: now().toISOString() });
      },

      async clear() {
        set({ wizard: null });
        const result = await call(api.wizard.clear({}));
        set({ error: result.ok ? null : result.error });
      },
    };
  });
}

export type WizardStore = ReturnType<typeof createWizardStore>;
