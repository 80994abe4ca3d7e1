import type { ConnectionStatus } from './status.js';

/** The status sentence of a connection, its detail, and the fix when something is wrong. */
export function ConnectionStatusLines({ status }: { status: ConnectionStatus }) {
  return (
    <>
      <p className="conn-status-text">{status.text}</p>
      {status.detail ? <p className="small">{status.detail}</p> : null}
      {status.fix ? (
        <p className="small fix">
          <strong>How to fix: </strong>
          {status.fix}
        </p>
      ) : null}
    </>
  );
}
