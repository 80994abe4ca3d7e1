/**
 * The discovery documents (RFC 7644 §4, RFC 7643 §5–7). They say only what this server does:
 * PATCH and filters yes; bulk, sort, ETags and password changes no.
 */
import {
  SCIM_LIST_RESPONSE,
  SCIM_RESOURCE_TYPE,
  SCIM_SCHEMA,
  SCIM_SERVICE_PROVIDER_CONFIG,
} from '../../shared/scim/urns.js';
import {
  allSchemas,
  groupResourceType,
  userResourceType,
  type AttributeDefinition,
  type ResourceTypeDefinition,
  type SchemaDefinition,
} from './schema/definitions.js';

export const DEFAULT_PAGE_SIZE = 100;
export const MAX_PAGE_SIZE = 1000;

/** Where we announce the default and maximum page size, which RFC 7643 §5 has no field for. */
export const PAGING_EXTENSION = 'urn:scim-directory-sync:params:scim:extension:2.0:Paging';

export function serviceProviderConfig(baseUrl: string) {
  return {
    schemas: [SCIM_SERVICE_PROVIDER_CONFIG, PAGING_EXTENSION],
    patch: { supported: true },
    bulk: { supported: false, maxOperations: 0, maxPayloadSize: 0 },
    filter: { supported: true, maxResults: MAX_PAGE_SIZE },
    changePassword: { supported: false },
    sort: { supported: false },
    etag: { supported: false },
    authenticationSchemes: [
      {
        type: 'oauthbearertoken',
        name: 'Bearer token',
        description: "Send the connection's Authentication Secret as 'Authorization: Bearer <secret>'.",
        primary: true,
      },
    ],
    [PAGING_EXTENSION]: { defaultCount: DEFAULT_PAGE_SIZE, maxCount: MAX_PAGE_SIZE },
    meta: { resourceType: 'ServiceProviderConfig', location: `${baseUrl}/ServiceProviderConfig` },
  };
}

function resourceTypeDocument(type: ResourceTypeDefinition, baseUrl: string) {
  return {
    schemas: [SCIM_RESOURCE_TYPE],
    id: type.name,
    name: type.name,
    endpoint: type.endpoint,
    description: type.schema.description,
    schema: type.schema.id,
    schemaExtensions: type.extensions.map((e) => ({ schema: e.id, required: false })),
    meta: { resourceType: 'ResourceType', location: `${baseUrl}/ResourceTypes/${type.name}` },
  };
}

export const resourceTypes = [userResourceType, groupResourceType];

export function findResourceTypeDocument(name: string, baseUrl: string) {
  const type = resourceTypes.find((t) => t.name.toLowerCase() === name.toLowerCase());
  return type ? resourceTypeDocument(type, baseUrl) : undefined;
}

export function resourceTypesList(baseUrl: string) {
  return listOf(resourceTypes.map((t) => resourceTypeDocument(t, baseUrl)));
}

function attributeDocument(a: AttributeDefinition): Record<string, unknown> {
  return {
    name: a.name,
    type: a.type,
    multiValued: a.multiValued,
    description: a.description,
    required: a.required,
    caseExact: a.caseExact,
    mutability: a.mutability,
    returned: a.returned,
    uniqueness: a.uniqueness,
    ...(a.canonicalValues && a.canonicalValues.length > 0 ? { canonicalValues: a.canonicalValues } : {}),
    ...(a.referenceTypes ? { referenceTypes: a.referenceTypes } : {}),
    ...(a.subAttributes ? { subAttributes: a.subAttributes.map(attributeDocument) } : {}),
  };
}

function schemaDocument(schema: SchemaDefinition, baseUrl: string) {
  return {
    schemas: [SCIM_SCHEMA],
    id: schema.id,
    name: schema.name,
    description: schema.description,
    attributes: schema.attributes.map(attributeDocument),
    meta: { resourceType: 'Schema', location: `${baseUrl}/Schemas/${schema.id}` },
  };
}

export function findSchemaDocument(urn: string, baseUrl: string) {
  const schema = allSchemas.find((s) => s.id.toLowerCase() === urn.toLowerCase());
  return schema ? schemaDocument(schema, baseUrl) : undefined;
}

export function schemasList(baseUrl: string) {
  return listOf(allSchemas.map((s) => schemaDocument(s, baseUrl)));
}

function listOf<T>(resources: T[]) {
  return {
    schemas: [SCIM_LIST_RESPONSE],
    totalResults: resources.length,
    startIndex: 1,
    itemsPerPage: resources.length,
    Resources: resources,
  };
}
