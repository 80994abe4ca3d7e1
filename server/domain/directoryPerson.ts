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

/**
 * Lower-cased text the pool search matches against: userName, email and name, one per line. An
 * email the userName already contains (Okta and Entra usually send the same address twice) is left
 * out: every query without a line break that is part of the email is part of the userName too, so
 * the same users match, and the trigram index (migration 003) takes a third fewer trigrams per user.
 * Rows written before keep their longer text; the index's triggers read the stored text, so it stays
 * consistent, and a later write of the name or email stores the shorter one.
 */
export function searchTextOf(resource: StoredResource, email = emailOf(resource), name = nameOf(resource)): string {
  const userName = typeof resource.userName === 'string' ? resource.userName.toLowerCase() : undefined;
  const lowerEmail = email?.toLowerCase();
  const emailAlreadyThere = userName !== undefined && lowerEmail !== undefined && userName.includes(lowerEmail);
  return [userName, emailAlreadyThere ? undefined : lowerEmail, name.toLowerCase()].filter((v): v is string => v !== undefined).join('\n');
}
