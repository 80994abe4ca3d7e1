import type { FastifyPluginAsync } from 'fastify';
import { notFound } from '../errors.js';
import {
  findResourceTypeDocument,
  findSchemaDocument,
  resourceTypesList,
  schemasList,
  serviceProviderConfig,
} from '../discovery.js';

export const discoveryRoutes: FastifyPluginAsync = async (app) => {
  app.get('/ServiceProviderConfig', async (request) => serviceProviderConfig(request.scim.baseUrl));
  app.get('/ResourceTypes', async (request) => resourceTypesList(request.scim.baseUrl));
  app.get<{ Params: { name: string } }>('/ResourceTypes/:name', async (request) => {
    const document = findResourceTypeDocument(request.params.name, request.scim.baseUrl);
    if (!document) throw notFound(`No resource type named "${request.params.name}".`);
    return document;
  });
  app.get('/Schemas', async (request) => schemasList(request.scim.baseUrl));
  app.get<{ Params: { urn: string } }>('/Schemas/:urn', async (request) => {
    const document = findSchemaDocument(request.params.urn, request.scim.baseUrl);
    if (!document) throw notFound(`No schema with id "${request.params.urn}".`);
    return document;
  });
};
