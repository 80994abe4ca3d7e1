import type { DirectoryProvider } from '../scim/wire.js';
import { azureAdGuide } from './azureAd.js';
import { oktaGuide } from './okta.js';
import { otherGuide } from './other.js';
import type { ProviderGuide } from './types.js';

export * from './types.js';
export { azureAdGuide, oktaGuide, otherGuide };

/** The directories in the order the form offers them; Okta is the default, as in the seed. */
export const PROVIDER_GUIDES: readonly ProviderGuide[] = [oktaGuide, azureAdGuide, otherGuide];
export const DEFAULT_PROVIDER: DirectoryProvider = 'okta';
export const DEFAULT_CONNECTION_NAME = 'Default SCIM Connection';

export function guideFor(provider: DirectoryProvider): ProviderGuide {
  return PROVIDER_GUIDES.find((g) => g.provider === provider) ?? otherGuide;
}
