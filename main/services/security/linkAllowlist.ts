/**
 * External links the renderer may open, by id. The renderer never passes a URL: `links:open`
 * takes an id, main looks it up here, and only these https addresses reach `shell.openExternal`.
 */
export const EXTERNAL_LINKS = {
  'okta-admin': 'https://login.okta.com/',
  'okta-scim-docs': 'https://developer.okta.com/docs/guides/scim-provisioning-integration-overview/main/',
  'okta-provisioning-help': 'https://help.okta.com/en-us/content/topics/apps/apps_app_integration_wizard_scim.htm',
  'azure-portal': 'https://portal.azure.com/',
  'entra-admin-center': 'https://entra.microsoft.com/',
  'entra-scim-docs': 'https://learn.microsoft.com/en-us/entra/identity/app-provisioning/use-scim-to-provision-users-and-groups',
  'entra-provisioning-docs': 'https://learn.microsoft.com/en-us/entra/identity/app-provisioning/configure-automatic-user-provisioning-portal',
  'scim-rfc7643': 'https://www.rfc-editor.org/rfc/rfc7643',
  'scim-rfc7644': 'https://www.rfc-editor.org/rfc/rfc7644',
} as const satisfies Record<string, string>;

export type ExternalLinkId = keyof typeof EXTERNAL_LINKS;

export function isExternalLinkId(id: string): id is ExternalLinkId {
  return Object.prototype.hasOwnProperty.call(EXTERNAL_LINKS, id);
}

/** The https URL for an allowlisted id, or null for anything else (including `__proto__`, URLs). */
export function resolveExternalLink(id: string): string | null {
  if (!isExternalLinkId(id)) return null;
  const url = EXTERNAL_LINKS[id];
  return new URL(url).protocol === 'https:' ? url : null;
}
