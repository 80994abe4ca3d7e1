/** The audit log: every change to the org's people and connections, with who made it. */
import type { Kysely } from 'kysely';
import type { AuditEventsTable, Database } from '../store/schema.js';
import { PrecompiledQuery } from '../store/precompiledQuery.js';
import type { DomainContext } from './context.js';
import { newTimeOrderedId } from './ids.js';

export interface AuditEntry {
  orgId: string;
  kind: string;
  subject?: { type: string; id: string | null; label: string | null };
  details?: Record<string, unknown>;
}

type AuditValues = [
  id: string,
  orgId: string,
  at: string,
  actorType: AuditEventsTable['actor_type'],
  actorId: string | null,
  actorLabel: string,
  kind: string,
  subjectType: string | null,
  subjectId: string | null,
  subjectLabel: string | null,
  details: string,
];

/** Every change writes one (a directory's deprovisioning wave, one per removal): compiled once, not built per row. */
const insertAuditEvent = new PrecompiledQuery((db: Kysely<Database>, v: AuditValues) =>
  db.insertInto('audit_events').values({
    id: v[0],
    org_id: v[1],
    at: v[2],
    actor_type: v[3],
    actor_id: v[4],
    actor_label: v[5],
    kind: v[6],
    subject_type: v[7],
    subject_id: v[8],
    subject_label: v[9],
    details: v[10],
  }),
);

export async function recordAudit(ctx: DomainContext, entry: AuditEntry): Promise<string> {
  const id = newTimeOrderedId();
  await insertAuditEvent.execute(ctx.db, [
    id,
    entry.orgId,
    ctx.now,
    ctx.actor.type,
    ctx.actor.id,
    ctx.actor.label,
    entry.kind,
    entry.subject?.type ?? null,
    entry.subject?.id ?? null,
    entry.subject?.label ?? null,
    JSON.stringify(entry.details ?? {}),
  ]);
  return id;
}
