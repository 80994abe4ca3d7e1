import http from 'node:http';
import { describe, expect, it } from 'vitest';
import { PROBE_FIXES, fixForStatus, probeConnection } from '../../main/services/connectionProbe.js';
import { findFreePort } from '../../main/services/bundledBackend.js';

describe('probe fixes', () => {
  it('maps statuses to plain-language fixes', () => {
    expect(fixForStatus(401)).toBe(PROBE_FIXES.wrongSecret);
    expect(fixForStatus(410)).toBe(PROBE_FIXES.deleted);
    expect(fixForStatus(404)).toBe(PROBE_FIXES.notFound);
    expect(fixForStatus(503)).toBe(PROBE_FIXES.serverError);
    expect(fixForStatus(200)).toBeUndefined();
  });

  it('reports an endpoint nobody listens on as not reachable, with the fix', async () => {
    const port = await findFreePort();
    const report = await probeConnection({ endpointBaseUrl: `http://127.0.0.1:${port}/scim/v2/x`, secret: 's', timeoutMs: 2000 });
    expect(report.ok).toBe(false);
    const reachable = report.checks.find((c) => c.id === 'reachable');
    expect(reachable).toMatchObject({ status: 'fail', fix: PROBE_FIXES.refused });
    expect(report.checks.map((c) => c.id)).toEqual(['reachable', 'serviceProviderConfig', 'userLookup', 'userPaging', 'wrongSecretRefused', 'publicAddress']);
    expect(report.checks.find((c) => c.id === 'publicAddress')).toMatchObject({ status: 'warn', fix: PROBE_FIXES.publicAddress });
  });
});

describe('probe against endpoints that are not right', () => {
  async function fakeEndpoint(handler: (path: string) => { status: number; type: string; body: string }) {
    const server = http.createServer((request, response) => {
      const answer = handler(request.url ?? '');
      response.writeHead(answer.status, { 'Content-Type': answer.type }).end(answer.body);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as { port: number }).port;
    return { url: `http://127.0.0.1:${port}/scim/v2/abc`, close: () => new Promise((resolve) => server.close(resolve)) };
  }

  it('an HTML page is not SCIM', async () => {
    const endpoint = await fakeEndpoint(() => ({ status: 200, type: 'text/html', body: '<html>login</html>' }));
    try {
      const report = await probeConnection({ endpointBaseUrl: endpoint.url, secret: 's' });
      expect(report.checks.find((c) => c.id === 'serviceProviderConfig')).toMatchObject({ status: 'fail', fix: PROBE_FIXES.notScim });
      expect(report.checks.find((c) => c.id === 'wrongSecretRefused')).toMatchObject({ status: 'fail', fix: PROBE_FIXES.acceptsWrongSecret });
    } finally {
      await endpoint.close();
    }
  });

  it('a deleted connection (410) says to create a new one', async () => {
    const body = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '410', detail: 'deleted' });
    const endpoint = await fakeEndpoint(() => ({ status: 410, type: 'application/scim+json', body }));
    try {
      const report = await probeConnection({ endpointBaseUrl: endpoint.url, secret: 's' });
      expect(report.ok).toBe(false);
      for (const id of ['serviceProviderConfig', 'userLookup', 'userPaging', 'wrongSecretRefused'] as const) {
        expect(report.checks.find((c) => c.id === id), id).toMatchObject({ status: 'fail', fix: PROBE_FIXES.deleted });
      }
    } finally {
      await endpoint.close();
    }
  });

  it('a lookup that finds users for a userName nobody has fails', async () => {
    const list = JSON.stringify({ schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'], totalResults: 3, Resources: [{}, {}, {}] });
    const spc = JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:ServiceProviderConfig'] });
    const endpoint = await fakeEndpoint((p) => ({ status: 200, type: 'application/scim+json', body: p.includes('/Users') ? list : spc }));
    try {
      const report = await probeConnection({ endpointBaseUrl: endpoint.url, secret: 's' });
      expect(report.checks.find((c) => c.id === 'serviceProviderConfig')).toMatchObject({ status: 'pass' });
      expect(report.checks.find((c) => c.id === 'userLookup')).toMatchObject({ status: 'fail' });
      expect(report.checks.find((c) => c.id === 'userPaging')).toMatchObject({ status: 'fail' });
    } finally {
      await endpoint.close();
    }
  });
});
