/**
 * Provider guides as data: the numbered steps of the product documentation (the seed), in its
 * words for every UI element the admin sees in the directory's console. The renderer draws them;
 * tests check every quoted label against the seed text.
 */
import type { DirectoryProvider } from '../scim/wire.js';

/** A value the admin copies from this app into the directory's console. */
export type CopyValue =
  | { kind: 'endpointBaseUrl'; label: 'Endpoint Base URL' }
  | { kind: 'authenticationSecret'; label: 'Authentication Secret' }
  | { kind: 'literal'; label: string; value: string };

/**
 * One piece of a step's text. `ui` is a label exactly as the directory's console (or this app)
 * shows it, quoted verbatim from the seed; `value` shows a value to copy with its copy button.
 */
export type TextPart = string | { ui: string } | { value: CopyValue };

/** A line of a step: a paragraph, or a bullet that may hold nested bullets. */
export interface StepLine {
  parts: TextPart[];
  bullets?: StepLine[];
}

/** Console links the main process opens by id from its allowlist (`links:open`). */
export type ConsoleLinkId = 'okta-admin' | 'azure-portal';

export interface ConsoleLink {
  id: ConsoleLinkId;
  label: string;
}

/**
 * What the app can check for a step:
 * - `probe`: runs `connections:test`, the requests the directory makes when it tests the connection;
 * - `done`: the step is this app's own "Done" button (forgets the secret, ends the wizard);
 * - `firstRequest`: watches for the directory's first request and the users it syncs.
 */
export type StepCheck = 'probe' | 'done' | 'firstRequest';

export interface GuideStep {
  /** Stable id, saved in the wizard state when the admin ticks the step. */
  id: string;
  /** The step's number in the seed document ("3.)", "4.)"…). */
  number: number;
  title: string;
  lines: StepLine[];
  /** The values this step asks the admin to copy, in order (also shown with copy buttons). */
  values: CopyValue[];
  link?: ConsoleLink;
  check?: StepCheck;
}

export interface ProviderGuide {
  provider: DirectoryProvider;
  /** "Okta", "Azure AD", "Other SCIM directory". */
  label: string;
  /** How the directory is named in running text ("Okta has synced 3 users"). */
  directoryName: string;
  /** One sentence under the title. */
  summary: string;
  /** Seed steps done before the guide starts (the SAML app, and the form in this app). */
  prerequisites: StepLine[];
  steps: GuideStep[];
}

export const ENDPOINT_BASE_URL: CopyValue = { kind: 'endpointBaseUrl', label: 'Endpoint Base URL' };
export const AUTHENTICATION_SECRET: CopyValue = { kind: 'authenticationSecret', label: 'Authentication Secret' };
export function literal(label: string, value: string): CopyValue {
  return { kind: 'literal', label, value };
}

/** Every `ui` label of a guide, for tests and for screen-reader summaries. */
export function uiLabelsOf(guide: ProviderGuide): string[] {
  const out: string[] = [];
  const walk = (lines: StepLine[]): void => {
    for (const line of lines) {
      for (const part of line.parts) if (typeof part === 'object' && 'ui' in part) out.push(part.ui);
      if (line.bullets) walk(line.bullets);
    }
  };
  walk(guide.prerequisites);
  for (const step of guide.steps) walk(step.lines);
  return out;
}
