/**
 * `#/licenses`: for administrators, every license of the configured product — search by key,
 * name, id or owner email, export every page as CSV or JSON, and open a license's seats.
 * Signing in with an admin or product token comes first.
 */
import { useEffect, useId, useState } from 'react';
import type { AdminLicense } from '../contract.js';
import { AdminSignIn } from '../components/admin-sign-in.js';
import { FailureAlert } from '../components/failure-alert.js';
import { useTessera } from '../store/use-tessera.js';
import { LicensesTable } from './licenses-table.js';

function SearchForm(): React.JSX.Element {
  const search = useTessera((state) => state.licensesSearch);
  const loadLicenses = useTessera((state) => state.loadLicenses);
  const exportLicenses = useTessera((state) => state.exportLicenses);
  const exporting = useTessera((state) => state.exportStatus.kind === 'working');
  const [text, setText] = useState(search);
  const id = useId();
  return (
    <form
      className="toolbar"
      role="search"
      onSubmit={(event) => {
        event.preventDefault();
        void loadLicenses(text.trim());
      }}
    >
      <div className="field inline">
        <label htmlFor={id}>Search licenses</label>
        <input id={id} type="search" value={text} placeholder="Key, name, id or owner email" onChange={(event) => setText(event.target.value)} />
      </div>
      <div className="actions end">
        <button type="submit" className="button primary">
          Search
        </button>
        {search === '' ? null : (
          <button
            type="button"
            className="button"
            onClick={() => {
              setText('');
              void loadLicenses('');
            }}
          >
            Show all
          </button>
        )}
        <button type="button" className="button" disabled={exporting} onClick={() => void exportLicenses('csv')}>
          Export CSV
        </button>
        <button type="button" className="button" disabled={exporting} onClick={() => void exportLicenses('json')}>
          Export JSON
        </button>
      </div>
    </form>
  );
}

export function LicensesScreen(): React.JSX.Element {
  const session = useTessera((state) => state.adminSession);
  const view = useTessera((state) => state.adminLicenses);
  const exportStatus = useTessera((state) => state.exportStatus);
  const loadAdminSession = useTessera((state) => state.loadAdminSession);
  const loadLicenses = useTessera((state) => state.loadLicenses);
  const chooseSeats = useTessera((state) => state.chooseSeats);
  const navigate = useTessera((state) => state.navigate);
  const signedIn = session.kind === 'signed-in';

  useEffect(() => {
    void loadAdminSession();
  }, [loadAdminSession]);
  useEffect(() => {
    if (signedIn) void loadLicenses();
  }, [signedIn, loadLicenses]);

  const open = (license: AdminLicense): void => {
    chooseSeats({ kind: 'admin-session', licenseId: license.id });
    navigate('seats');
  };
  const licenses = view.kind === 'loaded' ? view.licenses : view.kind === 'loading' ? view.previous : null;

  return (
    <>
      <h1 tabIndex={-1}>Licenses</h1>
      <p className="lede">Every license of this product on the licensing server, for administrators.</p>
      <section className="card">
        {session.kind === 'unknown' ? <p className="muted">Checking the sign-in…</p> : <AdminSignIn />}
      </section>
      {signedIn ? (
        <>
          {view.kind === 'loading' ? (
            <p className="muted">
              Loading licenses… {view.loaded.toLocaleString('en')}
              {view.total === null ? '' : ` of ${view.total.toLocaleString('en')}`}
            </p>
          ) : null}
          {view.kind === 'failed' ? <FailureAlert code={view.code} message={view.message} /> : null}
          {exportStatus.kind === 'failed' ? <FailureAlert code={exportStatus.code} message={exportStatus.message} /> : null}
          {exportStatus.kind === 'working' ? <p className="muted">Exporting every license…</p> : null}
          <section className="card">
            <SearchForm />
            {licenses === null ? null : (
              <>
                <p className="muted count" aria-live="polite">
                  {view.kind === 'loaded' && view.search !== ''
                    ? `${licenses.length.toLocaleString('en')} ${licenses.length === 1 ? 'license matches' : 'licenses match'} “${view.search}”`
                    : `${licenses.length.toLocaleString('en')} ${licenses.length === 1 ? 'license' : 'licenses'}`}
                </p>
                <LicensesTable licenses={licenses} onOpen={open} />
              </>
            )}
          </section>
        </>
      ) : null}
    </>
  );
}
