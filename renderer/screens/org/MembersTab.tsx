/** My Org → Members: members (active / removed), pending invites, link to a directory. */
import * as Dialog from '@radix-ui/react-dialog';
import { useEffect, useId, useState } from 'react';
import { useStore } from 'zustand';
import type { Member } from '../../../shared/api/members.js';
import { usePoolStore } from '../../components/PoolTable.js';
import { Button, EmptyState, ErrorCallout, Icon, Loading, ago, plural } from '../../components/ui.js';
import { navigate } from '../../router.js';
import { useConnections, useInvites, useMembers, useStores } from '../../stores/index.js';
import { actorText } from '../../stores/notifications.js';

export function MembersTab() {
  const stores = useStores();
  const filter = useMembers((s) => s.filter);
  const status = useMembers((s) => s.status);
  const items = useMembers((s) => s.items);
  const total = useMembers((s) => s.total);
  const page = useMembers((s) => s.page);
  const pageSize = useMembers((s) => s.pageSize);
  const error = useMembers((s) => s.error);
  useEffect(() => {
    void stores.members.getState().load();
    void stores.invites.getState().load();
    void stores.connections.getState().load();
  }, [stores]);
  const pages = Math.max(1, Math.ceil(total / pageSize));
  return (
    <>
      <section className="section" aria-labelledby="members-title">
        <div className="section-head">
          <div>
            <h2 id="members-title">Members</h2>
            <p className="muted">Who is in the org, where each person came from, and who removed whom.</p>
          </div>
          <Button variant="primary" icon={<Icon name="mail" />} onClick={() => navigate({ name: 'invite' })}>
            Invite Users
          </Button>
        </div>
        <div className="filters">
          <div className="segmented" role="group" aria-label="Member status">
            <button type="button" className="seg" aria-pressed={filter.status === 'active'} onClick={() => void stores.members.getState().setFilter({ status: 'active' })}>
              Active
            </button>
            <button type="button" className="seg" aria-pressed={filter.status === 'removed'} onClick={() => void stores.members.getState().setFilter({ status: 'removed' })}>
              Removed
            </button>
          </div>
          <label className="check-label">
            <input
              type="checkbox"
              checked={filter.unmanaged}
              disabled={filter.status === 'removed'}
              onChange={(e) => void stores.members.getState().setFilter({ unmanaged: e.target.checked })}
            />
            Not managed by any directory
          </label>
          <span className="muted small grow text-end" aria-live="polite" data-testid="members-total">
            {status === 'ready' ? plural(total, filter.status === 'removed' ? 'removed member' : 'member') : ''}
          </span>
        </div>
        {status === 'loading' || status === 'idle' ? <Loading label="Loading members…" /> : null}
        {status === 'error' && error ? <ErrorCallout error={error} title="Could not load members" /> : null}
        {status === 'ready' && items.length === 0 ? (
          <EmptyState title={filter.status === 'removed' ? 'Nobody has been removed' : 'No members match'} icon="users" />
        ) : null}
        {status === 'ready' && items.length > 0 ? (
          <div className="table-card">
            <table className="table table-members" aria-label={filter.status === 'removed' ? 'Removed members' : 'Members'}>
              <thead>
                <tr>
                  <th scope="col">Member</th>
                  <th scope="col">Role</th>
                  <th scope="col">Source</th>
                  <th scope="col">{filter.status === 'removed' ? 'Removed' : 'Status'}</th>
                  <th scope="col">
                    <span className="sr-only">Actions</span>
                  </th>
                </tr>
              </thead>
              <tbody>
                {items.map((m) => (
                  <MemberRow key={m.id} member={m} />
                ))}
              </tbody>
            </table>
          </div>
        ) : null}
        {pages > 1 ? (
          <Pager page={page} pages={pages} onPage={(p) => void stores.members.getState().setPage(p)} label="Members pages" />
        ) : null}
      </section>
      <PendingInvites />
    </>
  );
}

export function Pager({ page, pages, onPage, label }: { page: number; pages: number; onPage: (page: number) => void; label: string }) {
  return (
    <nav className="pager" aria-label={label}>
      <Button size="sm" icon={<Icon name="chevron-left" />} disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous
      </Button>
      <span className="small muted">
        Page {page} of {pages}
      </span>
      <Button size="sm" disabled={page >= pages} onClick={() => onPage(page + 1)}>
        Next <Icon name="chevron-right" />
      </Button>
    </nav>
  );
}

function MemberRow({ member }: { member: Member }) {
  const stores = useStores();
  const busy = useMembers((s) => !!s.busy[member.id]);
  const [confirm, setConfirm] = useState(false);
  const source = member.source.kind === 'directory' ? `SCIM → ${member.source.connectionName}` : 'Invited by email';
  return (
    <tr data-member={member.email}>
      <td>
        <div className="who">
          <span className="avatar" aria-hidden="true">
            {member.name.slice(0, 1).toUpperCase()}
          </span>
          <span className="who-text">
            <span className="strong">{member.name}</span>
            <span className="muted small">{member.email}</span>
          </span>
        </div>
      </td>
      <td>
        {member.status === 'active' ? (
          <select
            className="select select-sm"
            aria-label={`Role of ${member.name}`}
            value={member.role}
            disabled={busy}
            onChange={(e) => void stores.members.getState().setRole(member.id, e.target.value as Member['role'])}
          >
            <option value="owner">Owner</option>
            <option value="admin">Admin</option>
            <option value="member">Member</option>
          </select>
        ) : (
          <span className="pill">{member.role}</span>
        )}
      </td>
      <td>
        <span className={`source source-${member.source.kind}`}>
          <Icon name={member.source.kind === 'directory' ? 'refresh' : 'mail'} />
          {source}
        </span>
      </td>
      <td>
        {member.status === 'active' ? (
          <span className="pill pill-ok">Active</span>
        ) : (
          <span className="small">
            by <strong>{member.removedBy ? actorText(member.removedBy) : 'unknown'}</strong>
            {member.removedAt ? <span className="muted"> · {ago(member.removedAt)}</span> : null}
            {member.removalReason ? <span className="muted block">{member.removalReason}</span> : null}
          </span>
        )}
      </td>
      <td className="actions">
        {member.status === 'active' && member.source.kind === 'email' ? <LinkDialog member={member} /> : null}
        {member.status === 'active' ? (
          confirm ? (
            <>
              <Button size="sm" variant="danger" busy={busy} onClick={() => void stores.members.getState().remove(member.id)}>
                Confirm remove
              </Button>
              <Button size="sm" variant="ghost" onClick={() => setConfirm(false)}>
                Cancel
              </Button>
            </>
          ) : (
            <Button size="sm" variant="ghost" icon={<Icon name="trash" />} aria-label={`Remove ${member.name}`} onClick={() => setConfirm(true)}>
              Remove
            </Button>
          )
        ) : null}
      </td>
    </tr>
  );
}

function PendingInvites() {
  const stores = useStores();
  const pending = useInvites((s) => s.pending);
  const status = useInvites((s) => s.status);
  const revoking = useInvites((s) => s.revoking);
  const connections = useConnections((s) => s.items);
  return (
    <section className="section" aria-labelledby="invites-title">
      <h2 id="invites-title" className="h3">
        Pending invites
      </h2>
      {status === 'ready' && pending.length === 0 ? <p className="muted small">No pending invites.</p> : null}
      {pending.length > 0 ? (
        <div className="table-card">
          <table className="table" aria-label="Pending invites">
            <thead>
              <tr>
                <th scope="col">Invitee</th>
                <th scope="col">Role</th>
                <th scope="col">Source</th>
                <th scope="col">Sent</th>
                <th scope="col">
                  <span className="sr-only">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {pending.map((invite) => (
                <tr key={invite.id}>
                  <td>
                    <span className="strong">{invite.name}</span> <span className="muted small">{invite.email}</span>
                  </td>
                  <td>
                    <span className="pill">{invite.role}</span>
                  </td>
                  <td className="small">{invite.connectionId ? `SCIM → ${connections.find((c) => c.id === invite.connectionId)?.name ?? 'directory'}` : 'Invited by email'}</td>
                  <td className="small muted">
                    {ago(invite.createdAt)} · expires {new Date(invite.expiresAt).toLocaleDateString()}
                  </td>
                  <td className="actions">
                    <Button size="sm" variant="danger" busy={!!revoking[invite.id]} aria-label={`Revoke invite for ${invite.email}`} onClick={() => void stores.invites.getState().revoke(invite.id)}>
                      Revoke
                    </Button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
    </section>
  );
}

/** Link a member invited by email to the pool entry with the same email. */
function LinkDialog({ member }: { member: Member }) {
  const [open, setOpen] = useState(false);
  return (
    <Dialog.Root open={open} onOpenChange={setOpen}>
      <Dialog.Trigger asChild>
        <Button size="sm" icon={<Icon name="link" />} aria-label={`Link ${member.name} to a directory`}>
          Link
        </Button>
      </Dialog.Trigger>
      <Dialog.Portal>
        <Dialog.Overlay className="overlay" />
        <Dialog.Content className="dialog">
          <div className="dialog-head">
            <Dialog.Title className="dialog-title">Link {member.name} to a directory</Dialog.Title>
            <Dialog.Close asChild>
              <Button variant="ghost" size="sm" aria-label="Close" icon={<Icon name="x" />} />
            </Dialog.Close>
          </div>
          <div className="dialog-body">
            <Dialog.Description className="muted">
              Once linked, the directory manages {member.email}: deactivating them there removes them from the org.
            </Dialog.Description>
            {open ? <LinkPicker member={member} onDone={() => setOpen(false)} /> : null}
          </div>
        </Dialog.Content>
      </Dialog.Portal>
    </Dialog.Root>
  );
}

function LinkPicker({ member, onDone }: { member: Member; onDone: () => void }) {
  const stores = useStores();
  const id = useId();
  const connections = useConnections((s) => s.items);
  const [connectionId, setConnectionId] = useState(connections[0]?.id ?? '');
  const store = usePoolStore(connectionId || null, { search: member.email });
  const rows = useStore(store, (s) => s.pages[1] ?? []);
  const status = useStore(store, (s) => s.status);
  const [error, setError] = useState<string | null>(null);
  const matches = rows.filter((r) => r.email?.toLowerCase() === member.email.toLowerCase());
  if (connections.length === 0) return <p className="muted">There is no SCIM connection to link to.</p>;
  return (
    <div className="form">
      <div className="field field-inline">
        <label htmlFor={`${id}-c`}>User Directory</label>
        <select id={`${id}-c`} className="select" value={connectionId} onChange={(e) => setConnectionId(e.target.value)}>
          {connections.map((c) => (
            <option key={c.id} value={c.id}>
              SCIM → {c.name}
            </option>
          ))}
        </select>
      </div>
      {status === 'loading' ? <Loading label="Searching the pool…" /> : null}
      {status === 'ready' && matches.length === 0 ? <p className="muted">Nobody in this directory has the email {member.email}.</p> : null}
      <ul className="link-list" aria-label="Pool entries with the same email">
        {matches.map((entry) => (
          <li key={entry.id} className="link-row">
            <span className="who-text">
              <span className="strong">{entry.name}</span>
              <span className="muted small mono">{entry.userName}</span>
            </span>
            <span className="pill">{entry.status}</span>
            <Button
              size="sm"
              variant="primary"
              disabled={entry.status !== 'available' || !entry.directoryActive}
              onClick={async () => {
                const result = await stores.members.getState().link(member.id, entry.id);
                if (result.ok) onDone();
                else setError(result.error.message);
              }}
            >
              Link
            </Button>
          </li>
        ))}
      </ul>
      {error ? (
        <p className="field-error" role="alert">
          {error}
        </p>
      ) : null}
    </div>
  );
}
