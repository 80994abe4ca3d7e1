/** Every guide step follows the seed document, in its words. */
import { describe, expect, it } from 'vitest';
import { PROVIDER_GUIDES, azureAdGuide, guideFor, oktaGuide, otherGuide, uiLabelsOf, type StepLine, type TextPart } from '../../shared/providers/index.js';
import { readSeed } from './seed.js';

const seed = readSeed();
/** Compare ignoring whitespace (the seed has "clickTest Connection" and "Okta ."). */
const squash = (s: string) => s.replace(/\s+/g, '');
const squashedSeed = squash(seed);

/** The product in the seed is EnvKey; this app names itself. */
function asSeedWords(text: string): string {
  return text.replaceAll('the SCIM Directory Sync app', 'the EnvKey UI').replaceAll('SCIM Directory Sync', 'EnvKey');
}

function textOf(parts: TextPart[]): string {
  return parts.map((p) => (typeof p === 'string' ? p : 'ui' in p ? p.ui : p.value.kind === 'literal' ? p.value.value : p.value.label)).join('');
}

function allLines(lines: StepLine[]): StepLine[] {
  return lines.flatMap((l) => [l, ...allLines(l.bullets ?? [])]);
}

describe('provider guides', () => {
  it('offers Okta (the default), Azure AD and Other SCIM directory', () => {
    expect(PROVIDER_GUIDES.map((g) => g.label)).toEqual(['Okta', 'Azure AD', 'Other SCIM directory']);
    expect(guideFor('azure-ad')).toBe(azureAdGuide);
  });

  it('numbers the Okta guide 3–7 and the Azure AD guide 3–10, as the seed does', () => {
    expect(oktaGuide.steps.map((s) => s.number)).toEqual([3, 4, 5, 6, 7]);
    expect(azureAdGuide.steps.map((s) => s.number)).toEqual([3, 4, 5, 6, 7, 8, 9, 10]);
  });

  for (const guide of [oktaGuide, azureAdGuide]) {
    describe(guide.label, () => {
      it('quotes every UI label verbatim from the seed', () => {
        const labels = uiLabelsOf(guide);
        expect(labels.length).toBeGreaterThan(5);
        for (const label of labels) expect(seed, `"${label}"`).toContain(label);
      });

      it("words every line as the seed does (the product's name aside)", () => {
        for (const step of guide.steps) {
          for (const line of allLines(step.lines)) expect(squashedSeed, `step ${step.number}: ${textOf(line.parts)}`).toContain(squash(asSeedWords(textOf(line.parts))));
        }
        for (const line of guide.prerequisites) expect(squashedSeed).toContain(squash(asSeedWords(textOf(line.parts))));
      });

      it("starts each step with the seed's number", () => {
        for (const step of guide.steps) expect(squashedSeed).toContain(squash(`${step.number}.) ${asSeedWords(textOf(step.lines[0]!.parts))}`));
      });

      it('has one Test Connection step, one Done step, and ends by watching for the first request', () => {
        expect(guide.steps.filter((s) => s.check === 'probe')).toHaveLength(1);
        expect(guide.steps.filter((s) => s.check === 'done')).toHaveLength(1);
        expect(guide.steps.at(-1)!.check).toBe('firstRequest');
        // The probe step asks for both values; Done comes after it.
        const probe = guide.steps.find((s) => s.check === 'probe')!;
        expect(probe.values.map((v) => v.kind)).toEqual(expect.arrayContaining(['endpointBaseUrl', 'authenticationSecret']));
        expect(guide.steps.indexOf(probe)).toBeLessThan(guide.steps.findIndex((s) => s.check === 'done'));
      });
    });
  }

  it('names the exact Okta form fields and values of seed step 4', () => {
    const step4 = oktaGuide.steps.find((s) => s.number === 4)!;
    expect(step4.values).toEqual([
      { kind: 'literal', label: 'SCIM version', value: '2.0' },
      { kind: 'endpointBaseUrl', label: 'Endpoint Base URL' },
      { kind: 'literal', label: 'Unique identifier field for users', value: 'userName' },
      { kind: 'authenticationSecret', label: 'Authentication Secret' },
    ]);
    expect(uiLabelsOf(oktaGuide)).toEqual(
      expect.arrayContaining([
        'Applications',
        'General > App Settings',
        'Edit',
        'Provisioning',
        'SCIM',
        'Provisioning tab',
        'SCIM Connection > Integration > Edit',
        'SCIM version',
        'SCIM connector base URL',
        'Unique identifier field for users',
        'Supported provisioning actions',
        'Import New Users and Profile Updates',
        'Push New Users',
        'Push Profile Updates',
        'Authentication Mode',
        'HTTP Header',
        'HTTP Header Authorization Bearer',
        'To App',
        'Provisioning to App > Edit',
        'Create Users',
        'Deactivate Users',
        'Done',
        'Force Sync',
        'Attribute Mappings',
      ]),
    );
    expect(oktaGuide.steps[0]!.link?.id).toBe('okta-admin');
  });

  it('names the Azure portal elements of seed steps 3–10', () => {
    expect(uiLabelsOf(azureAdGuide)).toEqual(
      expect.arrayContaining([
        'portal.azure.com',
        'Default Directory',
        'Enterprise Application',
        'Provisioning',
        'Get Started',
        'Provisioning Mode',
        'Automatic',
        'Tenant URL',
        'Secret Token',
        'Test Connection',
        'Save',
        'Mappings',
        'Disable group mapping',
        'system notification email',
        'Provisioning status',
        'Enabled',
        'Start Provisioning',
        'Provision on demand',
      ]),
    );
    expect(azureAdGuide.steps[0]!.link?.id).toBe('azure-portal');
  });

  it('gives other directories a generic guide whose quoted labels still come from the seed', () => {
    for (const label of uiLabelsOf(otherGuide)) expect(seed).toContain(label);
    expect(otherGuide.steps.map((s) => s.check).filter(Boolean)).toEqual(['probe', 'done', 'firstRequest']);
  });

  it('gives every step a unique id', () => {
    const ids = PROVIDER_GUIDES.flatMap((g) => g.steps.map((s) => s.id));
    expect(new Set(ids).size).toBe(ids.length);
  });
});
