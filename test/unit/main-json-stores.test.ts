import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { readJsonFile, writeJsonFileAtomic } from '../../main/services/jsonFile.js';
import { createSettingsStore, SETTINGS_FILE } from '../../main/services/settingsStore.js';
import { createWizardStore, WIZARD_FILE } from '../../main/services/wizardStore.js';
import { ACCOUNTS_FILE, createAccountsStore } from '../../main/services/accountsStore.js';

let dir: string;
beforeEach(() => {
  dir = fs.mkdtempSync(path.join(os.tmpdir(), 'main-json-'));
});
afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));

const wizardState = {
  connectionId: '6f1c2b3a-1d2e-4f50-8a6b-7c8d9e0f1a2b',
  provider: 'okta' as const,
  completedSteps: ['okta-1'],
  currentStep: 2,
  updatedAt: '2026-11-29T10:00:00.000Z',
};

describe('JSON files in the user-data folder', () => {
  it('round-trips, and writes atomically without leaving temporary files', async () => {
    const file = path.join(dir, 'x.json');
    await writeJsonFileAtomic(file, { a: 1 });
    await writeJsonFileAtomic(file, { a: 2 });
    expect(await readJsonFile(file, z.object({ a: z.number() }))).toEqual({ a: 2 });
    expect(fs.readdirSync(dir)).toEqual(['x.json']);
  });

  it.each([
    ['missing', undefined],
    ['empty', ''],
    ['truncated JSON', '{"a": '],
    ['binary garbage', '\u0000\u0001\u0002'],
    ['wrong shape', '{"a": "not a number"}'],
    ['JSON null', 'null'],
  ])('a %s file reads as absent', async (_label, content) => {
    const file = path.join(dir, 'x.json');
    if (content !== undefined) fs.writeFileSync(file, content);
    expect(await readJsonFile(file, z.object({ a: z.number() }))).toBeNull();
  });

  it('a corrupt settings file gives the defaults, and the next update repairs it', async () => {
    fs.writeFileSync(path.join(dir, SETTINGS_FILE), '{"publicUrl": 42');
    const settings = createSettingsStore(dir);
    expect(await settings.read()).toEqual({ publicUrl: null, bundledPort: null });
    await settings.update({ publicUrl: 'https://scim.example.com' });
    expect(await settings.read()).toEqual({ publicUrl: 'https://scim.example.com', bundledPort: null });
  });

  it('a corrupt wizard file means no wizard to resume', async () => {
    fs.writeFileSync(path.join(dir, WIZARD_FILE), '{"byAccount": {"acc": {"currentStep": -1}}}');
    const wizard = createWizardStore(dir);
    expect(await wizard.load('acc')).toBeNull();
    await wizard.save('acc', wizardState);
    expect(await createWizardStore(dir).load('acc')).toEqual(wizardState);
    expect(await wizard.load('other')).toBeNull();
    await wizard.clear('acc');
    expect(await wizard.load('acc')).toBeNull();
  });

  it('a corrupt accounts file means no accounts; an active id naming nobody means none active', async () => {
    fs.writeFileSync(path.join(dir, ACCOUNTS_FILE), 'not json');
    expect(await createAccountsStore(dir).read()).toEqual({ accounts: [], activeAccountId: null });
    fs.writeFileSync(path.join(dir, ACCOUNTS_FILE), JSON.stringify({ accounts: [], activeAccountId: 'ghost' }));
    expect((await createAccountsStore(dir).read()).activeAccountId).toBeNull();
  });

  it('concurrent updates are not lost', async () => {
    const wizard = createWizardStore(dir);
    await Promise.all(['a', 'b', 'c', 'd'].map((id) => wizard.save(id, { ...wizardState, currentStep: id.charCodeAt(0) })));
    for (const id of ['a', 'b', 'c', 'd']) expect((await wizard.load(id))?.currentStep).toBe(id.charCodeAt(0));
  });
});
