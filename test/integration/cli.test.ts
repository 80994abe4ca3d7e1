/**
 * The command line as an admin runs it: every command is a real child process (`node --import tsx
 * server/cli.ts …`) against one data folder, while one `serve` process answers SCIM requests on
 * the same folder (in the integration-pg project: one PostgreSQL database, through DATABASE_URL).
 */
import fs from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTempDir } from '../support/server.js';
import { CONNECTION_CREDENTIAL_TTL_MS } from '../../server/scim/connectionCredentialCache.js';
import { runCli, runTsxScript, startServe, type CliResult, type ServeProcess } from '../support/cliProcess.js';
import { createTestDatabase, databaseEnv, type TestDatabase } from '../support/testDatabase.js';

const PUBLIC_URL = 'https://scim.example.com/base';
const SECRET_FORMAT = /^[A-Za-z0-9_-]{22,}$/; // base64url, ≥ 22 characters = ≥ 128 bits

/** Creates a connection and rotates its secret, 10 times, the way `connection create` / `rotate-secret` do; prints the failures. */
const ADMIN_WRITES_LOOP = `
import { openStore } from './server/store/database.js';
import { createConnection, rotateConnectionSecret } from './server/domain/connections.js';
const db = await openStore(process.argv[1], process.env.DATABASE_URL);
const failures = [];
for (let i = 0; i < 10; i++) {
  try {
    const c = await createConnection(db, { orgName: 'Loop org ' + i, name: 'Loop', provider: 'okta', publicUrl: 'http://127.0.0.1' });
    await rotateConnectionSecret(db, { connectionId: c.connectionId, publicUrl: 'http://127.0.0.1', graceSeconds: 60 });
  } catch (error) {
    failures.push(String(error.code ?? '') + ' ' + String(error.message));
  }
}
await db.destroy();
process.stdout.write(JSON.stringify(failures));
`;

interface Created {
  connectionId: string;
  endpointBaseUrl: string;
  authenticationSecret: string;
}

describe('CLI', () => {
  const dataDir = makeTempDir('scim-cli-');
  let serve: ServeProcess;
  const secretsSeen: string[] = [];
  let okta: Created;
  let entra: { connectionId: string; secret: string };

  let database: TestDatabase | undefined;
  const cli = (args: string[], options: { stdin?: string } = {}) => runCli([...args, '--data-dir', dataDir], { ...options, env: databaseEnv(database) });
  const describeRun = (r: CliResult) => `exit ${r.code}\nstdout: ${r.stdout}\nstderr: ${r.stderr}`;

  /** GET /Users of a connection on the running serve (the public URL is not where it listens). */
  async function scimStatus(connectionId: string, secret: string): Promise<number> {
    const response = await fetch(`${serve.baseUrl}/scim/v2/${connectionId}/Users`, {
      headers: { Authorization: `Bearer ${secret}`, Accept: 'application/scim+json' },
    });
    await response.text();
    return response.status;
  }

  /**
   * `serve` keeps connection credentials for up to CONNECTION_CREDENTIAL_TTL_MS, so a change the
   * CLI (another process) makes must show within that time: polls until `expected` or the TTL
   * (plus a margin for a busy machine) has passed, and returns the last status seen.
   */
  async function scimStatusWithinTtl(connectionId: string, secret: string, expected: number): Promise<number> {
    const deadline = Date.now() + CONNECTION_CREDENTIAL_TTL_MS + 1_000;
    for (;;) {
      const status = await scimStatus(connectionId, secret);
      if (status === expected || Date.now() > deadline) return status;
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  beforeAll(async () => {
    // trace: the most talkative level is where a secret would leak first.
    database = await createTestDatabase();
    serve = await startServe({ dataDir, env: { LOG_LEVEL: 'trace', ...databaseEnv(database) } });
  });

  afterAll(async () => {
    await serve?.stop('SIGKILL');
    await database?.drop();
    fs.rmSync(dataDir, { recursive: true, force: true });
  });

  it('connection create --json prints exactly the id, the Endpoint Base URL and a strong secret', async () => {
    const result = await cli(['connection', 'create', '--org', 'Acme', '--name', 'Okta prod', '--provider', 'okta', '--json', '--public-url', PUBLIC_URL]);
    expect(result.code, describeRun(result)).toBe(0);
    const parsed = JSON.parse(result.stdout) as Created;
    expect(Object.keys(parsed).sort()).toEqual(['authenticationSecret', 'connectionId', 'endpointBaseUrl']);
    expect(parsed.connectionId).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i);
    expect(parsed.endpointBaseUrl).toBe(`${PUBLIC_URL}/scim/v2/${parsed.connectionId}`);
    expect(parsed.authenticationSecret).toMatch(SECRET_FORMAT);
    expect(result.stdout.trim().split('\n')).toHaveLength(1);
    okta = parsed;
    secretsSeen.push(parsed.authenticationSecret);
    // Created while serve runs on the same data folder: serve accepts it at once.
    expect(await scimStatus(okta.connectionId, okta.authenticationSecret)).toBe(200);
  });

  it('connection create prints "Endpoint Base URL" and "Authentication Secret" for humans', async () => {
    const result = await cli(['connection', 'create', '--org', 'Acme', '--name', 'Entra', '--provider', 'azure-ad', '--public-url', `${PUBLIC_URL}/`]);
    expect(result.code, describeRun(result)).toBe(0);
    const url = /Endpoint Base URL:\s*(\S+)/.exec(result.stdout)?.[1];
    const secret = /Authentication Secret:\s*(\S+)/.exec(result.stdout)?.[1];
    expect(url, result.stdout).toMatch(new RegExp(`^${PUBLIC_URL.replace(/\./g, '\\.')}/scim/v2/[0-9a-f-]{36}$`));
    expect(secret).toMatch(SECRET_FORMAT);
    secretsSeen.push(secret!);
    entra = { connectionId: url!.split('/').pop()!, secret: secret! };
    expect(await scimStatus(entra.connectionId, entra.secret)).toBe(200);
  });

  it('--secret-stdin takes a pasted secret, and refuses a short one', async () => {
    const pasted = 'Pasted-From-The-Okta-Portal-0123456789';
    const [good, short] = await Promise.all([
      cli(['connection', 'create', '--org', 'Pasted Inc', '--name', 'Okta', '--provider', 'okta', '--secret-stdin', '--json'], { stdin: `${pasted}\n` }),
      cli(['connection', 'create', '--org', 'Pasted Inc', '--name', 'Too short', '--provider', 'okta', '--secret-stdin', '--json'], { stdin: 'short\n' }),
    ]);
    expect(good.code, describeRun(good)).toBe(0);
    const created = JSON.parse(good.stdout) as Created;
    expect(created.authenticationSecret).toBe(pasted);
    secretsSeen.push(pasted);
    expect(await scimStatus(created.connectionId, pasted)).toBe(200);

    expect(short.code, describeRun(short)).toBe(1);
    expect(short.stderr).toMatch(/at least 16 characters/i);
    expect(short.stdout).toBe('');
  });

  it('refuses an unknown provider, and a second connection with the same name in the same org (any case)', async () => {
    const [provider, dup] = await Promise.all([
      cli(['connection', 'create', '--org', 'Acme', '--name', 'G', '--provider', 'google']),
      cli(['connection', 'create', '--org', 'ACME', '--name', 'okta PROD', '--provider', 'okta']),
    ]);
    expect([1, 2], describeRun(provider)).toContain(provider.code);
    expect(provider.stderr).toMatch(/google/);
    expect(provider.stderr).toMatch(/okta/);
    expect(provider.stdout).toBe('');

    expect(dup.code, describeRun(dup)).toBe(1);
    expect(dup.stderr).toMatch(/already has a connection named/i);
    expect(dup.stdout).toBe('');
  });

  it('connection list shows the connection (JSON and human), never a secret', async () => {
    const [asJson, human] = await Promise.all([cli(['connection', 'list', '--json', '--public-url', PUBLIC_URL]), cli(['connection', 'list'])]);
    expect(asJson.code, describeRun(asJson)).toBe(0);
    const list = JSON.parse(asJson.stdout) as any[];
    const entry = list.find((c) => c.connectionId === okta.connectionId);
    expect(entry).toMatchObject({ orgName: 'Acme', name: 'Okta prod', provider: 'okta', endpointBaseUrl: okta.endpointBaseUrl });
    expect(entry.lastRequestAt).toEqual(expect.any(String)); // serve recorded the request above

    expect(human.code, describeRun(human)).toBe(0);
    expect(human.stdout).toContain(okta.connectionId);
    expect(human.stdout).toContain('Acme / Okta prod');
    for (const secret of secretsSeen) {
      expect(asJson.stdout).not.toContain(secret);
      expect(human.stdout).not.toContain(secret);
    }
  });

  it('rotate-secret while serve runs: the new secret works at once, the old one is refused within the credential TTL; with --grace both work', async () => {
    const rotated = await cli(['connection', 'rotate-secret', okta.connectionId, '--json', '--public-url', PUBLIC_URL]);
    expect(rotated.code, describeRun(rotated)).toBe(0);
    const second = JSON.parse(rotated.stdout) as Created;
    expect(second.connectionId).toBe(okta.connectionId);
    expect(second.endpointBaseUrl).toBe(okta.endpointBaseUrl);
    expect(second.authenticationSecret).toMatch(SECRET_FORMAT);
    expect(second.authenticationSecret).not.toBe(okta.authenticationSecret);
    secretsSeen.push(second.authenticationSecret);
    // The new secret works at once (a refused secret is checked against the database again) …
    expect(await scimStatus(okta.connectionId, second.authenticationSecret)).toBe(200);
    // … and the old one is refused within the credential cache's TTL.
    expect(await scimStatusWithinTtl(okta.connectionId, okta.authenticationSecret, 401)).toBe(401);

    const graced = await cli(['connection', 'rotate-secret', okta.connectionId, '--grace', '3600', '--json']);
    expect(graced.code, describeRun(graced)).toBe(0);
    const third = JSON.parse(graced.stdout) as Created;
    secretsSeen.push(third.authenticationSecret);
    expect(await scimStatus(okta.connectionId, second.authenticationSecret)).toBe(200);
    expect(await scimStatus(okta.connectionId, third.authenticationSecret)).toBe(200);
    expect(await scimStatus(okta.connectionId, okta.authenticationSecret)).toBe(401);
    okta = third;
  });

  it('connection delete: the SCIM endpoints answer 410 Gone', async () => {
    const deleted = await cli(['connection', 'delete', okta.connectionId]);
    expect(deleted.code, describeRun(deleted)).toBe(0);
    expect(await scimStatusWithinTtl(okta.connectionId, okta.authenticationSecret, 410)).toBe(410);
    const response = await fetch(`${serve.baseUrl}/scim/v2/${okta.connectionId}/Users`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${okta.authenticationSecret}`, 'Content-Type': 'application/scim+json' },
      body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: 'late@example.com' }),
    });
    expect(response.status).toBe(410);
    expect(await response.json()).toMatchObject({ schemas: ['urn:ietf:params:scim:api:messages:2.0:Error'], status: '410' });

    const [list, again] = await Promise.all([cli(['connection', 'list', '--json']), cli(['connection', 'delete', okta.connectionId])]);
    expect((JSON.parse(list.stdout) as any[]).some((c) => c.connectionId === okta.connectionId)).toBe(false);
    expect(again.code, describeRun(again)).toBe(1);
    expect(again.stderr).toMatch(/No connection/i);
  });

  it('CLI commands succeed while serve is busy writing (WAL: the CLI can write while serve runs)', async () => {
    let stop = false;
    const outcomes: string[] = [];
    let n = 0;
    const worker = async () => {
      while (!stop) {
        const response = await fetch(`${serve.baseUrl}/scim/v2/${entra.connectionId}/Users`, {
          method: 'POST',
          headers: { Authorization: `Bearer ${entra.secret}`, 'Content-Type': 'application/scim+json' },
          body: JSON.stringify({ schemas: ['urn:ietf:params:scim:schemas:core:2.0:User'], userName: `busy-${n++}@example.com` }),
        });
        const text = await response.text();
        outcomes.push(response.status === 201 ? '201' : `${response.status} ${text}`);
      }
    };
    const workers = Array.from({ length: 6 }, worker);
    try {
      await new Promise((r) => setTimeout(r, 100));
      const [rotated, created, loop] = await Promise.all([
        cli(['connection', 'rotate-secret', entra.connectionId, '--grace', '3600', '--json']),
        cli(['connection', 'create', '--org', 'Busy Org', '--name', 'While busy', '--provider', 'okta', '--json']),
        // The same domain calls the CLI makes, 20 times from one more process: a race that a single
        // CLI run may or may not hit becomes near certain.
        runTsxScript(ADMIN_WRITES_LOOP, [dataDir], { env: databaseEnv(database) }),
      ]);
      // One assertion over all three, so that a failure shows every outcome.
      expect({
        rotate: rotated.code === 0 ? 'ok' : describeRun(rotated),
        create: created.code === 0 ? 'ok' : describeRun(created),
        loopFailures: loop.code === 0 ? (JSON.parse(loop.stdout) as string[]) : [describeRun(loop)],
      }).toEqual({ rotate: 'ok', create: 'ok', loopFailures: [] });
      secretsSeen.push((JSON.parse(rotated.stdout) as Created).authenticationSecret, (JSON.parse(created.stdout) as Created).authenticationSecret);
    } finally {
      stop = true;
      await Promise.all(workers);
    }
    expect(outcomes.length).toBeGreaterThan(10);
    expect(outcomes.filter((o) => o !== '201')).toEqual([]);
  });

  it('never writes a secret to the serve logs', async () => {
    // A few more requests with right and wrong secrets, then read what serve logged.
    expect(await scimStatus(entra.connectionId, entra.secret)).toBe(200);
    expect(await scimStatus(entra.connectionId, 'a-wrong-secret-that-is-long-enough')).toBe(401);
    await new Promise((r) => setTimeout(r, 200));
    const logs = serve.output();
    expect(logs.length).toBeGreaterThan(0);
    for (const secret of secretsSeen) expect(logs).not.toContain(secret);
    expect(logs).not.toContain('a-wrong-secret-that-is-long-enough');
  });

  it('wrong usage exits 2 with the usage text', async () => {
    // Each spawn costs about a second (tsx), so only a representative few.
    const runs = await Promise.all([
      runCli(['frobnicate']),
      cli(['connection', 'create', '--name', 'X', '--provider', 'okta']),
      runCli(['serve', '--port', 'abc', '--data-dir', dataDir]),
    ]);
    for (const r of runs) {
      expect(r.code, describeRun(r)).toBe(2);
      expect(r.stderr).toContain('Usage:');
      expect(r.stdout).toBe('');
    }
    expect(runs[0]!.stderr).toMatch(/frobnicate/);
    expect(runs[1]!.stderr).toMatch(/--org/);
    expect(runs[2]!.stderr).toMatch(/--port/);
  });
});
