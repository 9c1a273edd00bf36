/**
 * `#/activate`: activate this machine with a license key. The key lives in the field only (never
 * in the store): it stays there after a refusal so that a typo can be fixed, and is cleared once
 * the activation succeeded.
 */
import { useEffect, useId, useState } from 'react';
import { FailureAlert } from '../components/failure-alert.js';
import { useTessera } from '../store/use-tessera.js';

export function ActivateScreen(): React.JSX.Element {
  const status = useTessera((state) => state.activation);
  const activate = useTessera((state) => state.activate);
  const resetActivation = useTessera((state) => state.resetActivation);
  const navigate = useTessera((state) => state.navigate);
  const [key, setKey] = useState('');
  const [shown, setShown] = useState(false);
  const keyId = useId();
  const hintId = useId();
  const working = status.kind === 'working';

  // A finished activation is not shown again when the person comes back to this screen.
  useEffect(() => {
    if (status.kind === 'done') resetActivation();
  }, [status.kind, resetActivation]);

  return (
    <>
      <h1 tabIndex={-1}>Activate this machine</h1>
      <section className="card narrow">
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            // A pasted key often carries a space or a line break at either end; the core refuses spaces inside.
            const licenseKey = key.trim();
            if (licenseKey === '' || working) return;
            setKey(licenseKey);
            void activate(licenseKey).then((activated) => {
              if (!activated) return;
              setKey('');
              setShown(false);
            });
          }}
        >
          <label htmlFor={keyId}>License key</label>
          <div className="input-row">
            <input
              id={keyId}
              name="license-key"
              type={shown ? 'text' : 'password'}
              autoComplete="off"
              spellCheck={false}
              autoCapitalize="off"
              autoCorrect="off"
              required
              aria-describedby={hintId}
              value={key}
              disabled={working}
              onChange={(event) => setKey(event.target.value)}
            />
            <button type="button" className="button" aria-pressed={shown} aria-controls={keyId} onClick={() => setShown(!shown)}>
              {shown ? 'Hide' : 'Show'}
            </button>
          </div>
          <p id={hintId} className="hint">
            The key your vendor sent you. Tessera keeps it in this computer's keychain, never in a file.
          </p>
          <div className="actions">
            <button type="submit" className="button primary" disabled={working}>
              {working ? 'Activating…' : 'Activate'}
            </button>
            {working ? <progress className="spinner-bar" aria-label="Activating" /> : null}
          </div>
        </form>
      </section>
      {status.kind === 'failed' ? (
        <FailureAlert code={status.code} message={status.message}>
          {status.code === 'MACHINE_LIMIT_EXCEEDED' ? (
            // A full license: its owner can free a seat with the key alone, without this machine being activated.
            <button type="button" className="button" onClick={() => navigate('seats')}>
              Free a seat of this license
            </button>
          ) : null}
          {status.code === 'ISSUER_UNREACHABLE' ? (
            <p>
              No network on this machine?{' '}
              <button type="button" className="button" onClick={() => navigate('offline')}>
                Create an activation request
              </button>
            </p>
          ) : null}
        </FailureAlert>
      ) : null}
    </>
  );
}
