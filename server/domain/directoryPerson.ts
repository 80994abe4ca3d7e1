/**
 * How a directory user (a SCIM User resource) reads as a person: the name and email the org sees
 * in the pool, on invites and on members. Directories fill these fields differently (Okta always
 * sends name.givenName/familyName and a primary email; Entra often only userName and displayName),
 * so each falls back in the order an admin would expect.
 */
import type { StoredResource } from '../store/scimResources.js';

interface MultiValue {
  value?: unknown;
  type?: unknown;
  primary?: unknown;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

const EMAIL_SHAPE = /^[^\s@]+@[^\s@]+$/;

/** The primary email, else the work email, else the first; else userName when it is an email. */
export function emailOf(resource: StoredResource): string | null {
  const emails = (Array.isArray(resource.emails) ? resource.emails : []) as MultiValue[];
  const chosen = emails.find((e) => e.primary === true) ?? emails.find((e) => e.type === 'work') ?? emails[0];
  const email = text(chosen?.value) ?? text(resource.userName);
  return email && EMAIL_SHAPE.test(email) ? email : null;
}

/** displayName, else the formatted name, else given + family name, else userName. */
export function nameOf(resource: StoredResource): string {
  const name = (resource.name ?? {}) as Record<string, unknown>;
  const joined = [text(name.givenName), text(name.familyName)].filter(Boolean).join(' ');
  return text(resource.displayName) ?? text(name.formatted) ?? (joined || undefined) ?? String(resource.userName);
}

/** Lower-cased text the pool search matches against. */
export function searchTextOf(resource: StoredResource): string {
  return [resource.userName, emailOf(resource), nameOf(resource)]
    .filter((v): v is string => typeof v === 'string')
    .join('\n')
    .toLowerCase();
}
