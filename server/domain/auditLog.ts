/** Reading the audit log and the org's alerts (writing them is audit.ts and memberRemoval.ts). */
import type { Kysely } from 'kysely';
import type { Database } from '../store/schema.js';
import type { Alert, AuditEvent } from '../../shared/api/audit.js';
import type { Actor } from '../../shared/api/common.js';
import type { DomainContext } from './context.js';
import { DomainError } from './errors.js';
import { recordAudit } from './audit.js';

export interface AuditFilter {
  actorId?: string | undefined;
  actorType?: Actor['type'] | undefined;
  kind?: string | undefined;
  since?: string | undefined;
  until?: string | undefined;
  page: number;
  pageSize: number;
}

/** Stored times are ISO strings with milliseconds; a bound is normalised to the same shape so they compare. */
function timeBound(value: string, field: string): string {
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) throw new DomainError('invalid', `${field}: "${value}" is not an ISO-8601 time.`, field);
  return new Date(ms).toISOString();
}

function parseDetails(text: string): Record<string, unknown> {
  try {
    const value: unknown = JSON.parse(text);
    return value && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  } catch {
    return {};
  }
}

/** Newest first; `since` and `until` are inclusive bounds. */
export async function listAudit(
  db: Kysely<Database>,
  orgId: string,
  filter: AuditFilter,
): Promise<{ items: AuditEvent[]; total: number; page: number; pageSize: number }> {
  let base = db.selectFrom('audit_events').where('org_id', '=', orgId);
  if (filter.actorId) base = base.where('actor_id', '=', filter.actorId);
  if (filter.actorType) base = base.where('actor_type', '=', filter.actorType);
  if (filter.kind) base = base.where('kind', '=', filter.kind);
  if (filter.since) base = base.where('at', '>=', timeBound(filter.since, 'since'));
  if (filter.until) base = base.where('at', '<=', timeBound(filter.until, 'until'));
  const { total } = await base.select((eb) => eb.fn.countAll<number>().as('total')).executeTakeFirstOrThrow();
  const rows = await base
    .selectAll()
    .orderBy('seq', 'desc')
    .limit(filter.pageSize)
    .offset((filter.page - 1) * filter.pageSize)
    .execute();
  const items: AuditEvent[] = rows.map((row) => ({
    id: row.id,
    at: row.at,
    actor: { type: row.actor_type, id: row.actor_id, label: row.actor_label },
    kind: row.kind,
    subject: row.subject_type ? { type: row.subject_type, id: row.subject_id, label: row.subject_label } : null,
    details: parseDetails(row.details),
  }));
  return { items, total: Number(total), page: filter.page, pageSize: filter.pageSize };
}

/** Undismissed alerts, newest first. */
export async function listOpenAlerts(db: Kysely<Database>, orgId: string): Promise<Alert[]> {
  const rows = await db
    .selectFrom('alerts')
    .selectAll()
    .where('org_id', '=', orgId)
    .where('dismissed_at', 'is', null)
    .orderBy('created_at', 'desc')
    .orderBy('id')
    .execute();
  return rows.map((row) => ({
    id: row.id,
    kind: row.kind,
    message: row.message,
    details: parseDetails(row.details),
    createdAt: row.created_at,
    dismissedAt: row.dismissed_at,
  }));
}

/** Dismisses an alert; dismissing one already dismissed changes nothing. */
export async function dismissAlert(ctx: DomainContext, orgId: string, alertId: string, memberId: string): Promise<void> {
  const alert = await ctx.db.selectFrom('alerts').select(['id', 'kind', 'dismissed_at']).where('id', '=', alertId).where('org_id', '=', orgId).executeTakeFirst();
  if (!alert) throw new DomainError('not_found', `No alert with id ${alertId} in this org.`);
  if (alert.dismissed_at !== null) return;
  await ctx.db.updateTable('alerts').set({ dismissed_at: ctx.now, dismissed_by_member_id: memberId }).where('id', '=', alert.id).execute();
  await recordAudit(ctx, { orgId, kind: 'alert.dismissed', subject: { type: 'alert', id: alert.id, label: alert.kind } });
}
