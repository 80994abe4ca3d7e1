/**
 * Assertions shared by okta.test.ts and entra.test.ts: what both directories read back from
 * every response (status, media type, ListResponse numbers, error bodies, Location).
 */
import { expect } from 'vitest';
import type { ScimResponse } from '../support/scimClient.js';
import type { TestServer } from '../support/server.js';
import { SCIM_ERROR, SCIM_LIST_RESPONSE } from '../../shared/scim/urns.js';

/** Status, and `application/scim+json` on every response that has a body. */
export function expectScim(response: ScimResponse, status: number): void {
  expect(response.status, `HTTP ${response.status}: ${response.text.slice(0, 400)}`).toBe(status);
  if (status !== 204) {
    expect(response.headers.get('content-type') ?? '').toMatch(/^application\/scim\+json/);
  } else {
    expect(response.text).toBe('');
  }
}

/** A ListResponse with integer paging numbers (Okta: "exchanged as integers, not as strings") and an array of Resources. */
export function expectListResponse(
  response: ScimResponse,
  expected: { totalResults?: number; startIndex?: number; itemsPerPage?: number },
): any[] {
  expectScim(response, 200);
  const body = response.body;
  expect(body.schemas).toEqual([SCIM_LIST_RESPONSE]);
  expect(Number.isInteger(body.totalResults)).toBe(true);
  expect(Number.isInteger(body.startIndex)).toBe(true);
  expect(Number.isInteger(body.itemsPerPage)).toBe(true);
  expect(Array.isArray(body.Resources)).toBe(true);
  expect(body.itemsPerPage).toBe(body.Resources.length);
  if (expected.totalResults !== undefined) expect(body.totalResults).toBe(expected.totalResults);
  if (expected.startIndex !== undefined) expect(body.startIndex).toBe(expected.startIndex);
  if (expected.itemsPerPage !== undefined) expect(body.itemsPerPage).toBe(expected.itemsPerPage);
  return body.Resources;
}

/** An RFC 7644 §3.12 error body: Error URN, `status` as a string, a `detail`. */
export function expectScimError(response: ScimResponse, status: number, scimType?: string): void {
  expectScim(response, status);
  expect(response.body.schemas).toEqual([SCIM_ERROR]);
  expect(response.body.status).toBe(String(status));
  expect(typeof response.body.detail).toBe('string');
  expect(response.body.detail.length).toBeGreaterThan(0);
  if (scimType !== undefined) expect(response.body.scimType).toBe(scimType);
}

/** 201 Created with `Location` equal to `meta.location`, both `<base>/<Users|Groups>/<id>`. */
export function expectCreated(response: ScimResponse, endpointBaseUrl: string, resourceType: 'User' | 'Group'): string {
  expectScim(response, 201);
  const id = response.body.id;
  expect(typeof id).toBe('string');
  expect(id.length).toBeGreaterThan(0);
  const location = `${endpointBaseUrl}/${resourceType}s/${id}`;
  expect(response.headers.get('location')).toBe(location);
  expect(response.body.meta?.location).toBe(location);
  expect(response.body.meta?.resourceType).toBe(resourceType);
  expect(typeof response.body.meta?.created).toBe('string');
  expect(typeof response.body.meta?.lastModified).toBe('string');
  return id;
}

/** The resource the server returned for `id` is that resource, with its location. */
export function expectResource(response: ScimResponse, endpointBaseUrl: string, resourceType: 'User' | 'Group', id: string): any {
  expectScim(response, 200);
  expect(response.body.id).toBe(id);
  expect(response.body.meta?.resourceType).toBe(resourceType);
  expect(response.body.meta?.location).toBe(`${endpointBaseUrl}/${resourceType}s/${id}`);
  return response.body;
}

/**
 * The connection's `detected_provider`, which the server writes after the response has been sent
 * (an onResponse hook), so it is polled for a moment.
 */
export async function detectedProvider(server: TestServer, connectionId: string, expected: string | null, timeoutMs = 3000): Promise<string | null> {
  const deadline = Date.now() + timeoutMs;
  let value: string | null = null;
  for (;;) {
    const row = await server.db.selectFrom('scim_connections').select(['detected_provider']).where('id', '=', connectionId).executeTakeFirst();
    value = row?.detected_provider ?? null;
    if (value === expected || Date.now() > deadline) return value;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
}
