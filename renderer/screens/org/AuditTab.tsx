/** My Org → Audit: what happened in the org, who did it (an admin, a directory, the backend), filtered and paged. */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { Button, EmptyState, ErrorCallout, Icon, Loading } from '../../components/ui.js';
import { useAudit, useStores } from '../../stores/index.js';
import type { AuditFilters } from '../../stores/audit.js';
import { Pager } from './MembersTab.js';

export const AUDIT_KINDS = [
  'member.removed',
  'member.removal_refused',
  'member.role_changed',
  'member.linked',
  'invite.created',
  'invite.redeemed',
  'invite.revoked',
  'invite.cancelled',
  'pool.user_created',
  'pool.user_updated',
  'pool.user_deactivated',
  'pool.user_deleted',
  'connection.created',
  'connection.secret_rotated',
] as const;

const toIso = (date: string, endOfDay: boolean): string | undefined => (date ? new Date(`${date}T${endOfDay ? '23:59:59.999' : '00:00:00.000'}Z`).toISOString() : undefined);

export function AuditTab() {
  const stores = useStores();
  const id = useId();
  const items = useAudit((s) => s.items);
  const total = useAudit((s) => s.total);
  const page = useAudit((s) => s.page);
  const pageSize = useAudit((s) => s.pageSize);
  const status = useAudit((s) => s.status);
  const error = useAudit((s) => s.error);
  const [kind, setKind] = useState('');
  const [actorType, setActorType] = useState('');
  const [since, setSince] = useState('');
  const [until, setUntil] = useState('');
  useEffect(() => {
    void stores.audit.getState().load();
  }, [stores]);
  const apply = (event?: FormEvent) => {
    event?.preventDefault();
    const filters: AuditFilters = {};
    if (kind.trim()) filters.kind = kind.trim();
    if (actorType === 'member' || actorType === 'connection' || actorType === 'system') filters.actorType = actorType;
    const s = toIso(since, false);
    const u = toIso(until, true);
    if (s) filters.since = s;
    if (u) filters.until = u;
    void stores.audit.getState().setFilters(filters);
  };
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <section className="section" aria-labelledby="audit-title">
      <div className="section-head">
        <div>
          <h2 id="audit-title">Audit log</h2>
          <p className="muted">Every change to the org, whether an admin, a directory or the backend made it.</p>
        </div>
      </div>
      <form className="filters filters-form" onSubmit={apply} aria-label="Audit filters">
        <div className="field">
          <label htmlFor={`${id}-kind`}>Kind</label>
          <input id={`${id}-kind`} list={`${id}-kinds`} value={kind} onChange={(e) => setKind(e.target.value)} placeholder="Any kind" />
          <datalist id={`${id}-kinds`}>
            {AUDIT_KINDS.map((k) => (
              <option key={k} value={k} />
            ))}
          </datalist>
        </div>
        <div className="field">
          <label htmlFor={`${id}-actor`}>Actor</label>
          <select id={`${id}-actor`} className="select" value={actorType} onChange={(e) => setActorType(e.target.value)}>
            <option value="">Anyone</option>
            <option value="member">An admin or member</option>
            <option value="connection">A directory</option>
            <option value="system">The backend</option>
          </select>
        </div>
        <div className="field">
          <label htmlFor={`${id}-since`}>From</label>
          <input id={`${id}-since`} type="date" value={since} onChange={(e) => setSince(e.target.value)} />
        </div>
        <div className="field">
          <label htmlFor={`${id}-until`}>To</label>
          <input id={`${id}-until`} type="date" value={until} onChange={(e) => setUntil(e.target.value)} />
        </div>
        <Button type="submit" icon={<Icon name="search" />}>
          Apply
        </Button>
      </form>
      {status === 'loading' || status === 'idle' ? <Loading label="Loading the audit log…" /> : null}
      {status === 'error' && error ? <ErrorCallout error={error} title="Could not load the audit log" /> : null}
      {status === 'ready' && items.length === 0 ? <EmptyState title="No events match" icon="list" /> : null}
      {status === 'ready' && items.length > 0 ? (
        <div className="table-card">
          <table className="table" aria-label="Audit log">
            <thead>
              <tr>
                <th scope="col">When</th>
                <th scope="col">Actor</th>
                <th scope="col">Kind</th>
                <th scope="col">Subject</th>
              </tr>
            </thead>
            <tbody>
              {items.map((e) => (
                <tr key={e.id}>
                  <td className="nowrap small" title={e.at}>
                    {new Date(e.at).toLocaleString()}
                  </td>
                  <td>
                    <span className={`actor actor-${e.actor.type}`}>{e.actor.type === 'connection' ? 'Directory' : e.actor.type === 'system' ? 'Backend' : 'Member'}</span>{' '}
                    <span className="small">{e.actor.label}</span>
                  </td>
                  <td>
                    <code className="mono small">{e.kind}</code>
                  </td>
                  <td className="small truncate-cell">{e.subject?.label ?? e.subject?.id ?? '—'}</td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <div className="row">
        <span className="muted small grow">
          {status === 'ready' && total > 0 ? `${(page - 1) * pageSize + 1}–${Math.min(total, page * pageSize)} of ${total.toLocaleString('en-US')} events` : ''}
        </span>
        {pages > 1 ? <Pager page={page} pages={pages} onPage={(p) => void stores.audit.getState().setPage(p)} label="Audit log pages" /> : null}
      </div>
    </section>
  );
}
