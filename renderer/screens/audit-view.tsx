/** Settings' administrator section: the sign-in, and the audit log of administrator actions on this machine. */
import { useEffect } from 'react';
import { AdminSignIn } from '../components/admin-sign-in.js';
import { FailureAlert } from '../components/failure-alert.js';
import { formatDateTime } from '../format/time.js';
import { useTessera } from '../store/use-tessera.js';

const ACTIONS: Readonly<Record<string, string>> = { 'sign-in': 'Sign-in', 'sign-out': 'Sign-out', deactivate: 'Deactivation', export: 'Export' };

function AuditLog(): React.JSX.Element {
  const audit = useTessera((state) => state.audit);
  const loadAudit = useTessera((state) => state.loadAudit);
  useEffect(() => {
    void loadAudit();
  }, [loadAudit]);
  return (
    <>
      <h3>Audit log</h3>
      <p className="hint">
        Every administrator action on this machine, newest first: who (the token's id, never the token), what, on which license and machines, and how it went.
        {audit.kind === 'loaded' ? (
          <>
            {' '}
            Kept in <code>{audit.path}</code>; <code>tessera audit --format csv</code> exports it.
          </>
        ) : null}
      </p>
      {audit.kind === 'failed' ? <FailureAlert code={audit.code} message={audit.message} level={3} /> : null}
      {audit.kind === 'loading' ? <p className="muted">Loading the audit log…</p> : null}
      {audit.kind === 'loaded' ? (
        audit.entries.length === 0 ? (
          <p className="muted">No administrator action recorded yet.</p>
        ) : (
          <div className="table-wrap" tabIndex={0} role="region" aria-label="Audit log, scrollable">
            <table className="table audit-table">
              <caption className="table-title">Administrator actions</caption>
              <thead>
                <tr>
                  {['Time', 'Action', 'Result', 'License', 'Machines', 'Token', 'Detail'].map((label) => (
                    <th key={label} scope="col">
                      {label}
                    </th>
                  ))}
                </tr>
              </thead>
              <tbody>
                {audit.entries.map((entry, index) => (
                  <tr key={`${entry.time}-${index}`}>
                    <td>{formatDateTime(entry.time)}</td>
                    <td>{ACTIONS[entry.action] ?? entry.action}</td>
                    <td>{entry.result}</td>
                    <td>{entry.license === null ? '—' : <code>{entry.license}</code>}</td>
                    <td>{entry.machines.length.toLocaleString('en')}</td>
                    <td>{entry.tokenId === null ? entry.credential : <code>{entry.tokenId}</code>}</td>
                    <td>{entry.detail ?? ''}</td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        )
      ) : null}
      <div className="actions">
        <button type="button" className="button" onClick={() => void loadAudit()}>
          Reload the audit log
        </button>
      </div>
    </>
  );
}

export function AdministratorSettings(): React.JSX.Element {
  const loadAdminSession = useTessera((state) => state.loadAdminSession);
  useEffect(() => {
    void loadAdminSession();
  }, [loadAdminSession]);
  return (
    <section className="card">
      <h2>Administrator</h2>
      <AdminSignIn level={3} />
      <AuditLog />
    </section>
  );
}
