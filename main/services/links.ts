/**
 * `links:open`: the renderer names a link by id; only ids in the allowlist
 * (`security/linkAllowlist.ts`) open, in the system browser. Anything else is refused.
 */
import { resolveExternalLink } from './security/linkAllowlist.js';
import { ServiceError } from './errors.js';

export async function openAllowlistedLink(id: string, openExternal: (url: string) => Promise<void>): Promise<void> {
  const url = resolveExternalLink(id);
  if (url === null) throw new ServiceError('forbidden', `"${id}" is not a link this app opens.`, undefined, 'id');
  await openExternal(url);
}
