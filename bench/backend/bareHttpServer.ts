/**
 * The baseline: a bare `node:http` server answering every request with a fixed small JSON body
 * (about the size of a SCIM error or an empty ListResponse). It reads the request body, so POSTs
 * cost it what they cost any server. Prints its port on stdout.
 *
 *   node bench/backend/bareHttpServer.ts   (through tsx: node --import tsx …)
 */
import http from 'node:http';
import type { AddressInfo } from 'node:net';

const BODY = JSON.stringify({
  schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
  totalResults: 0,
  startIndex: 1,
  itemsPerPage: 0,
  Resources: [],
});

const server = http.createServer((request, response) => {
  request.resume();
  request.on('end', () => {
    response.writeHead(200, { 'content-type': 'application/scim+json', 'content-length': Buffer.byteLength(BODY) });
    response.end(BODY);
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => {
  process.stdout.write(`${(server.address() as AddressInfo).port}\n`);
});
process.on('SIGTERM', () => server.close(() => process.exit(0)));
