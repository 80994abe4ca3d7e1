/** The audit log: every change to the org's people and connections, with who made it. */
import type { DomainContext } from './context.js';
import { newId } from './ids.js';

export interface AuditEntry {
  orgId: string;
  kind: string;
  subject?: { type: string; id: string | null; label: string | null };
  details?: Record<string, unknown>;
}

export async function recordAudit(ctx: DomainContext, entry: AuditEntry): Promise<string> {
  const id = newId();
  await ctx.db
    .insertInto('audit_events')
    .values({
      id,
      org_id: entry.orgId,
      at: ctx.now,
      actor_type: ctx.actor.type,
      actor_id: ctx.actor.id,
      actor_label: ctx.actor.label,
      kind: entry.kind,
      subject_type: entry.subject?.type ?? null,
      subject_id: entry.subject?.id ?? null,
      subject_label: entry.subject?.label ?? null,
      details: JSON.stringify(entry.details ?? {}),
    })
    .execute();
  return id;
}
