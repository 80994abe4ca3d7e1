/**
 * SCIM 2.0 shapes as they travel over HTTP (RFC 7643, RFC 7644). Resources are open-ended JSON,
 * so only the parts clients and the server both rely on are typed.
 */

export type ScimErrorType =
  | 'invalidFilter'
  | 'tooMany'
  | 'uniqueness'
  | 'mutability'
  | 'invalidSyntax'
  | 'invalidPath'
  | 'noTarget'
  | 'invalidValue'
  | 'invalidVers'
  | 'sensitive';

export interface ScimErrorBody {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'];
  /** The HTTP status as a string, as RFC 7644 §3.12 requires. */
  status: string;
  scimType?: ScimErrorType;
  detail?: string;
}

export interface ScimMeta {
  resourceType: 'User' | 'Group';
  created: string;
  lastModified: string;
  location: string;
  version?: string;
}

export interface ScimResource {
  schemas: string[];
  id: string;
  externalId?: string;
  meta: ScimMeta;
  [attribute: string]: unknown;
}

export interface ScimListResponse<T = ScimResource> {
  schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'];
  totalResults: number;
  startIndex: number;
  itemsPerPage: number;
  Resources: T[];
}

export interface ScimPatchOperation {
  op: string;
  path?: string;
  value?: unknown;
}

export interface ScimPatchRequest {
  schemas: string[];
  Operations: ScimPatchOperation[];
}

/** Directories the product documents and tests; "other" is any SCIM 2.0 client. */
export const DIRECTORY_PROVIDERS = ['okta', 'azure-ad', 'other'] as const;
export type DirectoryProvider = (typeof DIRECTORY_PROVIDERS)[number];
