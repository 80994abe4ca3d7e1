/**
 * A resource's metadata and derived links for the renderer tests that compare two ways of writing
 * the same resource (renderJson.ts against the object path, the splice against both): the display
 * names hold the characters JSON text escapes or that could end a member early.
 */
import type { RenderMeta, ResourceLink } from '../../server/scim/resource/render.js';

export const sampleMeta: RenderMeta = {
  id: '2819c223-7f76-453a-919d-413861904646',
  created: '2024-01-02T03:04:05.000Z',
  lastModified: '2024-02-03T04:05:06.000Z',
  version: 7,
  location: 'https://sp.example/scim/v2/0e6f/Users/2819c223-7f76-453a-919d-413861904646',
};

export const sampleGroupLinks: ResourceLink[] = [
  { value: 'g1', display: 'Admins', $ref: 'https://sp.example/scim/v2/0e6f/Groups/g1' },
  { value: 'g2', display: 'Ünïcödé "quoted" \\ } \u2028', $ref: 'https://sp.example/scim/v2/0e6f/Groups/g2' },
  { value: 'g3', display: '', $ref: 'https://sp.example/scim/v2/0e6f/Groups/g3' },
];
