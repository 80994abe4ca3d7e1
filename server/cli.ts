#!/usr/bin/env node
/**
 * The backend's command line: `serve` and the `connection` commands (see README).
 * Exit codes: 0 done, 1 refused or failed, 2 wrong usage.
 */
import { parseArgs } from 'node:util';
import { resolveSettings, UsageError, normalizePublicUrl } from './config.js';
import { serve } from './serve.js';
import { openStore } from './store/database.js';
import {
  createConnection,
  deleteConnection,
  listConnections,
  rotateConnectionSecret,
  type ConnectionWithSecret,
} from './domain/connections.js';
import { DomainError } from './domain/errors.js';
import { createOrgWithOwner, issueEnrollmentCode } from './domain/orgs.js';

const USAGE = `Usage:
  npm run server -- serve [--host 127.0.0.1] [--port 8080] [--data-dir ./data] [--public-url URL]
                         [--max-concurrent-requests 64]   (more at once are answered 429 + Retry-After; 0: no limit)
  npm run server -- org create --name NAME --owner-email EMAIL [--owner-name NAME] [--data-dir DIR] [--json]
  npm run server -- org enroll --name NAME --email EMAIL [--data-dir DIR] [--json]
  npm run server -- connection create --org NAME --name NAME --provider okta|azure-ad|other
                                      [--data-dir DIR] [--public-url URL] [--secret-stdin] [--json]
  npm run server -- connection list [--data-dir DIR] [--public-url URL] [--json]
  npm run server -- connection rotate-secret ID [--grace SECONDS] [--secret-stdin] [--data-dir DIR] [--public-url URL] [--json]
  npm run server -- connection delete ID [--data-dir DIR]

Environment: PORT, SCIM_HOST, SCIM_DATA_DIR, SCIM_PUBLIC_URL, SCIM_MAX_CONCURRENT_REQUESTS, LOG_LEVEL,
  DATABASE_URL (postgres://…: use PostgreSQL instead of SQLite in the data folder).`;

const options = {
  host: { type: 'string' },
  port: { type: 'string' },
  'data-dir': { type: 'string' },
  'public-url': { type: 'string' },
  'max-concurrent-requests': { type: 'string' },
  org: { type: 'string' },
  name: { type: 'string' },
  provider: { type: 'string' },
  grace: { type: 'string' },
  'secret-stdin': { type: 'boolean' },
  'owner-email': { type: 'string' },
  'owner-name': { type: 'string' },
  email: { type: 'string' },
  json: { type: 'boolean' },
  help: { type: 'boolean', short: 'h' },
} as const;

async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) process.stderr.write('Paste the secret, then press Enter and Ctrl-D:\n');
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  // Only the line break a paste or `echo` adds is removed; anything else is part of the secret.
  return Buffer.concat(chunks).toString('utf8').replace(/\r?\n$/, '');
}

function printSecret(result: ConnectionWithSecret, json: boolean, heading: string): void {
  if (json) {
    process.stdout.write(`${JSON.stringify(result)}\n`);
    return;
  }
  process.stdout.write(
    `${heading}\n\n` +
      `  Endpoint Base URL:      ${result.endpointBaseUrl}\n` +
      `  Authentication Secret:  ${result.authenticationSecret}\n\n` +
      'The Authentication Secret is shown only this once. Paste both values into your directory now.\n',
  );
}

async function connectionCommand(action: string | undefined, args: string[], values: Record<string, unknown>): Promise<void> {
  const settings = resolveSettings(values as Parameters<typeof resolveSettings>[0]);
  const publicUrl = normalizePublicUrl(settings.publicUrl);
  const json = values.json === true;
  const needId = () => {
    const id = args[0];
    if (!id) throw new UsageError(`connection ${action} needs the connection id.`);
    return id;
  };
  const db = await openStore(settings.dataDir, settings.databaseUrl);
  try {
    switch (action) {
      case 'create': {
        if (typeof values.org !== 'string') throw new UsageError('connection create needs --org NAME.');
        if (typeof values.provider !== 'string') throw new UsageError('connection create needs --provider okta|azure-ad|other.');
        const pastedSecret = values['secret-stdin'] === true ? await readStdin() : undefined;
        const result = await createConnection(db, {
          orgName: values.org,
          ...(typeof values.name === 'string' ? { name: values.name } : {}),
          provider: values.provider,
          ...(pastedSecret !== undefined ? { pastedSecret } : {}),
          publicUrl,
        });
        printSecret(result, json, `Created SCIM connection ${result.connectionId}.`);
        return;
      }
      case 'list': {
        const connections = await listConnections(db, publicUrl);
        if (json) {
          process.stdout.write(`${JSON.stringify(connections)}\n`);
        } else if (connections.length === 0) {
          process.stdout.write('No SCIM connections yet. Create one with: npm run server -- connection create --org NAME --name NAME --provider okta\n');
        } else {
          for (const c of connections) {
            process.stdout.write(
              `${c.connectionId}  ${c.orgName} / ${c.name}  (${c.provider}${c.detectedProvider ? `, seen: ${c.detectedProvider}` : ''})\n` +
                `    ${c.endpointBaseUrl}\n    last request: ${c.lastRequestAt ?? 'never'}\n`,
            );
          }
        }
        return;
      }
      case 'rotate-secret': {
        const id = needId();
        const graceText = typeof values.grace === 'string' ? values.grace : '0';
        if (!/^\d+$/.test(graceText)) throw new UsageError(`--grace must be a whole number of seconds, not "${graceText}".`);
        const pastedSecret = values['secret-stdin'] === true ? await readStdin() : undefined;
        const result = await rotateConnectionSecret(db, {
          connectionId: id,
          publicUrl,
          graceSeconds: Number(graceText),
          ...(pastedSecret !== undefined ? { pastedSecret } : {}),
        });
        const grace = Number(graceText) > 0 ? ` The previous secret stays valid for ${graceText} seconds.` : ' The previous secret no longer works.';
        printSecret(result, json, `Rotated the secret of ${id}.${grace}`);
        return;
      }
      case 'delete': {
        const id = needId();
        await deleteConnection(db, id);
        process.stdout.write(`Deleted SCIM connection ${id}. No users were removed; its endpoint now answers 410 Gone.\n`);
        return;
      }
      default:
        throw new UsageError(`Unknown connection command "${action ?? ''}".`);
    }
  } finally {
    await db.destroy();
  }
}

async function orgCommand(action: string | undefined, values: Record<string, unknown>): Promise<void> {
  const settings = resolveSettings(values as Parameters<typeof resolveSettings>[0]);
  const json = values.json === true;
  if (typeof values.name !== 'string') throw new UsageError(`org ${action ?? ''} needs --name NAME.`);
  const db = await openStore(settings.dataDir, settings.databaseUrl);
  try {
    if (action === 'create') {
      if (typeof values['owner-email'] !== 'string') throw new UsageError('org create needs --owner-email EMAIL.');
      const result = await createOrgWithOwner(db, {
        name: values.name,
        ownerEmail: values['owner-email'],
        ...(typeof values['owner-name'] === 'string' ? { ownerName: values['owner-name'] } : {}),
      });
      const out = { orgId: result.org.id, ownerMemberId: result.ownerMemberId, enrollmentCode: result.enrollmentCode, expiresAt: result.enrollmentExpiresAt };
      process.stdout.write(
        json
          ? `${JSON.stringify(out)}\n`
          : `Created org "${result.org.name}".\n\n  Enrollment code:  ${result.enrollmentCode}\n  Valid until:      ${result.enrollmentExpiresAt}\n\n` +
              'Redeem it once in the app (or POST /api/v1/session/redeem) to sign the owner in.\n',
      );
      return;
    }
    if (action === 'enroll') {
      if (typeof values.email !== 'string') throw new UsageError('org enroll needs --email EMAIL of an active member.');
      const member = await db
        .selectFrom('members as m')
        .innerJoin('orgs as o', 'o.id', 'm.org_id')
        .select('m.id')
        .where('o.name_lower', '=', values.name.trim().toLowerCase())
        .where('m.email_lower', '=', values.email.trim().toLowerCase())
        .where('m.status', '=', 'active')
        .executeTakeFirst();
      if (!member) throw new DomainError('not_found', `No active member ${values.email} in an org named "${values.name}".`);
      const { code, expiresAt } = await issueEnrollmentCode(db, member.id);
      process.stdout.write(json ? `${JSON.stringify({ enrollmentCode: code, expiresAt })}\n` : `Enrollment code: ${code} (valid until ${expiresAt})\n`);
      return;
    }
    throw new UsageError(`Unknown org command "${action ?? ''}".`);
  } finally {
    await db.destroy();
  }
}

async function main(argv: string[]): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({ args: argv, options, allowPositionals: true, strict: true });
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  const { values, positionals } = parsed;
  const [command, action, ...rest] = positionals;
  if (values.help || command === undefined || command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return command === undefined && !values.help ? 2 : 0;
  }
  try {
    if (command === 'serve') {
      await serve(resolveSettings(values));
      return -1; // keeps running until a signal
    }
    if (command === 'connection') {
      await connectionCommand(action, rest, values);
      return 0;
    }
    if (command === 'org') {
      await orgCommand(action, values);
      return 0;
    }
    throw new UsageError(`Unknown command "${command}".`);
  } catch (error) {
    if (error instanceof UsageError) {
      process.stderr.write(`${error.message}\n\n${USAGE}\n`);
      return 2;
    }
    if (error instanceof DomainError) {
      process.stderr.write(`${error.message}\n`);
      return 1;
    }
    process.stderr.write(`Error: ${(error as Error).message}\n`);
    return 1;
  }
}

const code = await main(process.argv.slice(2));
if (code >= 0) process.exitCode = code;
