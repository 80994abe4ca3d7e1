/**
 * Invite Users (seed step 8 / 11): pick the User Directory (None, or "SCIM → <connection>"), pick
 * people from its pool (no typing emails), choose a role, Send; then one result per person, with
 * the invite code to hand over.
 */
import { useEffect, useId, useState, type FormEvent } from 'react';
import { useStore } from 'zustand';
import type { InviteOutcome } from '../../../shared/api/invites.js';
import { PoolTable, PoolToolbar, usePoolStore } from '../../components/PoolTable.js';
import { Button, CopyButton, EmptyState, ErrorCallout, Icon, Loading, plural } from '../../components/ui.js';
import { navigate } from '../../router.js';
import { useConnections, useInvites, useStores } from '../../stores/index.js';
import type { InviteRole } from '../../stores/invites.js';
import { Field } from '../SignInScreen.js';

export const POOL_EMPTY_TEXT = "This user directory doesn't have anyone available to invite.";

const NONE = 'none';

export function InviteUsersScreen({ connectionId }: { connectionId?: string }) {
  const stores = useStores();
  const id = useId();
  const connections = useConnections((s) => s.items);
  const connectionsStatus = useConnections((s) => s.status);
  const results = useInvites((s) => s.results);
  const [directory, setDirectory] = useState<string | null>(connectionId ?? null);
  useEffect(() => {
    void stores.connections.getState().load();
    return () => stores.invites.getState().clearResults();
  }, [stores]);
  // Default: the first connection, as EnvKey does.
  const chosen = directory ?? connections[0]?.id ?? NONE;

  return (
    <div className="page page-wide">
      <header className="page-header">
        <p className="eyebrow">My Org · Members</p>
        <h1>Invite Users</h1>
      </header>
      {connectionsStatus !== 'ready' && connectionsStatus !== 'error' ? (
        <Loading label="Loading user directories…" />
      ) : results ? (
        <InviteResultsView results={results} onAgain={() => stores.invites.getState().clearResults()} />
      ) : (
        <div className="invite-layout">
          <section className="panel" aria-labelledby={`${id}-dir`}>
            <h2 id={`${id}-dir`} className="panel-title">
              User Directory
            </h2>
            <div className="field field-inline">
              <label htmlFor={`${id}-select`}>User Directory</label>
              <select id={`${id}-select`} className="select" value={chosen} onChange={(e) => setDirectory(e.target.value)}>
                <option value={NONE}>None (invite by email)</option>
                {connections.map((c) => (
                  <option key={c.id} value={c.id}>
                    SCIM → {c.name}
                  </option>
                ))}
              </select>
            </div>
          </section>
          {chosen === NONE ? <InviteByEmail /> : <InviteFromPool key={chosen} connectionId={chosen} />}
        </div>
      )}
    </div>
  );
}

function RoleSelect({ id, value, onChange }: { id: string; value: InviteRole; onChange: (role: InviteRole) => void }) {
  return (
    <div className="field field-inline">
      <label htmlFor={id}>Role</label>
      <select id={id} className="select" value={value} onChange={(e) => onChange(e.target.value === 'admin' ? 'admin' : 'member')}>
        <option value="member">Member</option>
        <option value="admin">Admin</option>
      </select>
    </div>
  );
}

function InviteFromPool({ connectionId }: { connectionId: string }) {
  const stores = useStores();
  const id = useId();
  const store = usePoolStore(connectionId);
  const selected = useStore(store, (s) => s.selected);
  const sending = useInvites((s) => s.sending);
  const sendError = useInvites((s) => s.sendError);
  const [role, setRole] = useState<InviteRole>('member');
  const [available, setAvailable] = useState<number | null>(null);
  const api = stores.api;
  const total = useStore(store, (s) => s.total);
  useEffect(() => {
    let live = true;
    // Only "is anyone available?": the backend stops counting at the first one.
    void api.pool.list({ connectionId, status: 'available', page: 1, pageSize: 1, countUpTo: 1 }).then((r) => {
      if (live && r.ok) setAvailable(r.value.total);
    });
    return () => {
      live = false;
    };
  }, [api, connectionId, total]);
  const people = Object.values(selected);
  const send = async () => {
    await stores.invites.getState().sendFromPool(
      connectionId,
      people.map((p) => p.id),
      role,
    );
  };
  if (available === 0 && people.length === 0) {
    return (
      <section className="panel" aria-labelledby={`${id}-people`}>
        <h2 id={`${id}-people`} className="panel-title">
          People To Invite
        </h2>
        <EmptyState title={POOL_EMPTY_TEXT} icon="users">
          People appear here when the directory assigns them to this app. Anyone already invited, already a member, or deactivated in the directory
          can't be invited again.
        </EmptyState>
      </section>
    );
  }
  return (
    <section className="panel panel-flush" aria-labelledby={`${id}-people`}>
      <div className="panel-pad">
        <h2 id={`${id}-people`} className="panel-title">
          People To Invite
        </h2>
        <p className="muted small">Select people from the directory. Name and email come from the directory and can't be edited here.</p>
      </div>
      <PoolToolbar store={store} searchLabel="Search people to invite" />
      <PoolTable store={store} label="People To Invite" selectable height={360} />
      <div className="invite-footer">
        <div className="chips" aria-live="polite">
          {people.length === 0 ? (
            <span className="muted small">Nobody selected yet. Click a row or press Space.</span>
          ) : (
            <>
              <span className="small strong">{plural(people.length, 'person', 'people')} selected:</span>
              {people.slice(0, 6).map((p) => (
                <span key={p.id} className="chip">
                  {p.name}
                  <button type="button" className="chip-x" aria-label={`Unselect ${p.name}`} onClick={() => store.getState().toggle(p)}>
                    <Icon name="x" />
                  </button>
                </span>
              ))}
              {people.length > 6 ? <span className="muted small">and {people.length - 6} more</span> : null}
            </>
          )}
        </div>
        <RoleSelect id={`${id}-role`} value={role} onChange={setRole} />
        <Button variant="primary" icon={<Icon name="mail" />} busy={sending} disabled={people.length === 0} onClick={() => void send()}>
          {people.length > 1 ? `Send ${people.length} invites` : 'Send invite'}
        </Button>
      </div>
      {sendError ? (
        <div className="panel-pad">
          <ErrorCallout error={sendError} title="The invites were not sent" />
        </div>
      ) : null}
    </section>
  );
}

function InviteByEmail() {
  const stores = useStores();
  const id = useId();
  const sending = useInvites((s) => s.sending);
  const sendError = useInvites((s) => s.sendError);
  const [name, setName] = useState('');
  const [email, setEmail] = useState('');
  const [role, setRole] = useState<InviteRole>('member');
  const submit = async (event: FormEvent) => {
    event.preventDefault();
    await stores.invites.getState().sendByEmail({ name: name.trim(), email: email.trim(), role });
  };
  return (
    <section className="panel" aria-labelledby={`${id}-h`}>
      <h2 id={`${id}-h`} className="panel-title">
        Invite by email
      </h2>
      <p className="muted small">Nobody manages this person in a directory; you can link them to one later from Members.</p>
      <form className="form" onSubmit={(e) => void submit(e)}>
        <div className="form-row">
          <Field id={`${id}-name`} label="Name">
            <input id={`${id}-name`} value={name} onChange={(e) => setName(e.target.value)} maxLength={200} required />
          </Field>
          <Field id={`${id}-email`} label="Email" error={sendError?.field === 'email' ? sendError.message : null}>
            <input id={`${id}-email`} type="email" value={email} onChange={(e) => setEmail(e.target.value)} required />
          </Field>
        </div>
        <div className="form-actions form-actions-start">
          <RoleSelect id={`${id}-role`} value={role} onChange={setRole} />
          <Button type="submit" variant="primary" busy={sending} disabled={!name.trim() || !email.trim()} icon={<Icon name="mail" />}>
            Send invite
          </Button>
        </div>
        {sendError && sendError.field !== 'email' ? <ErrorCallout error={sendError} title="The invite was not sent" /> : null}
      </form>
    </section>
  );
}

const OUTCOME: Record<InviteOutcome['outcome'], { label: string; tone: string }> = {
  invited: { label: 'Invited', tone: 'pill-ok' },
  already_member: { label: 'Already a member', tone: '' },
  already_invited: { label: 'Already invited', tone: 'pill-warn' },
  deactivated: { label: 'Skipped: deactivated', tone: 'pill-error' },
  no_email: { label: 'Skipped: no email', tone: 'pill-error' },
  not_found: { label: 'Not found', tone: 'pill-error' },
};

export function InviteResultsView({ results, onAgain }: { results: InviteOutcome[]; onAgain: () => void }) {
  const stores = useStores();
  const invited = results.filter((r) => r.outcome === 'invited').length;
  return (
    <section className="panel" aria-labelledby="invite-results-h">
      <div className="section-head">
        <div>
          <h2 id="invite-results-h" className="panel-title">
            {invited > 0 ? `${plural(invited, 'invite')} sent` : 'No invites sent'}
          </h2>
          <p className="muted small">Hand each person their invite code: they redeem it in SCIM Directory Sync to join the org.</p>
        </div>
        <div className="row">
          <Button onClick={() => navigate({ name: 'myOrg', tab: 'members' })} icon={<Icon name="users" />}>
            Go to Members
          </Button>
          <Button variant="primary" onClick={onAgain} icon={<Icon name="plus" />}>
            Invite more
          </Button>
        </div>
      </div>
      <ul className="results" aria-label="Invite results">
        {results.map((r, i) => {
          const who = r.invite?.name ?? r.email ?? 'Unknown person';
          const outcome = OUTCOME[r.outcome];
          return (
            <li key={r.poolEntryId ?? r.email ?? i} className={`result result-${r.outcome}`} data-outcome={r.outcome}>
              <div className="result-who">
                <span className="result-name">{who}</span>
                {r.email && r.email !== who ? <span className="muted small">{r.email}</span> : null}
              </div>
              <div className="result-outcome">
                <span className={`pill ${outcome.tone}`}>{outcome.label}</span>
                <span className="muted small">{r.message}</span>
              </div>
              {r.inviteCode ? (
                <div className="result-code">
                  <code className="mono value" aria-label={`Invite code for ${r.email ?? who}`}>
                    {r.inviteCode}
                  </code>
                  <CopyButton label={`invite code for ${r.email ?? who}`} onCopy={() => stores.invites.getState().copyCode(r.inviteCode!)} />
                </div>
              ) : (
                <div className="result-code" />
              )}
            </li>
          );
        })}
      </ul>
    </section>
  );
}
