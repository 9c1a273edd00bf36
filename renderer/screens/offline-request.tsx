/**
 * The air-gapped machine's request, on the Offline screen: this machine's full fingerprint with
 * a copy button, "Create activation request" (saved as a file, and shown as QR codes for a
 * phone), with the license key in it only when the person asks.
 */
import { useEffect, useId, useState } from 'react';
import { shell } from '../bridge/bridge.js';
import { FailureAlert } from '../components/failure-alert.js';
import { QrCodes } from '../components/qr-code.js';
import { useTessera } from '../store/use-tessera.js';

export function MachineCard(): React.JSX.Element {
  const view = useTessera((state) => state.machineView);
  const loadMachine = useTessera((state) => state.loadMachine);
  const notify = useTessera((state) => state.notify);
  useEffect(() => {
    void loadMachine();
  }, [loadMachine]);
  return (
    <section className="card" aria-labelledby="machine-title">
      <h2 id="machine-title">This machine</h2>
      {view.kind === 'loading' ? <p className="muted">Reading this machine's fingerprint…</p> : null}
      {view.kind === 'failed' ? <FailureAlert code={view.code} message={view.message} level={3} /> : null}
      {view.kind === 'loaded' ? (
        <dl className="facts">
          <dt>Fingerprint</dt>
          <dd>
            <code className="fingerprint-full">{view.machine.fingerprint}</code>{' '}
            <button
              type="button"
              className="button small"
              onClick={() => void shell().copyText(view.machine.fingerprint).then((copied) => notify(copied ? 'Fingerprint copied.' : 'Could not copy: select the fingerprint and copy it.'))}
            >
              Copy fingerprint
            </button>
          </dd>
          <dt>Hostname</dt>
          <dd>{view.machine.hostname}</dd>
          <dt>Platform</dt>
          <dd>{view.machine.platform}</dd>
        </dl>
      ) : null}
    </section>
  );
}

export function RequestCard(): React.JSX.Element {
  const status = useTessera((state) => state.request);
  const createRequest = useTessera((state) => state.createRequest);
  const saveFile = useTessera((state) => state.saveFile);
  const [includeKey, setIncludeKey] = useState(false);
  const [key, setKey] = useState('');
  const keyId = useId();
  const working = status.kind === 'working';
  return (
    <section className="card" aria-labelledby="request-title">
      <h2 id="request-title">Activation request</h2>
      <p>
        No network here? Create an activation request and carry it (on a USB stick, or as QR codes on a phone) to any connected machine with Tessera, where
        "Fulfil requests" turns it into a response to import here.
      </p>
      <form
        className="form"
        onSubmit={(event) => {
          event.preventDefault();
          if (working) return;
          const licenseKey = includeKey && key.trim() !== '' ? key.trim() : undefined;
          setKey('');
          void createRequest(licenseKey);
        }}
      >
        <label className="checkbox">
          <input type="checkbox" checked={includeKey} onChange={(event) => setIncludeKey(event.target.checked)} /> Include a license key in the request
        </label>
        {includeKey ? (
          <>
            <label htmlFor={keyId}>License key to include</label>
            <input id={keyId} type="password" autoComplete="off" spellCheck={false} value={key} disabled={working} onChange={(event) => setKey(event.target.value)} />
            <p className="hint">Anyone holding the request can read the key; the connected machine then needs no credentials of its own.</p>
          </>
        ) : null}
        <div className="actions">
          <button type="submit" className="button primary" disabled={working}>
            {working ? 'Creating…' : 'Create activation request'}
          </button>
          {status.kind === 'done' ? (
            <button type="button" className="button" onClick={() => void saveFile(status.request.file)}>
              Save the request again
            </button>
          ) : null}
        </div>
      </form>
      {status.kind === 'failed' ? <FailureAlert code={status.code} message={status.message} level={3} /> : null}
      {status.kind === 'done' ? (
        <>
          <p className="success">
            Request <strong>{status.request.file.name}</strong> created{status.request.includesLicenseKey ? ', with the license key in it' : ''}.
          </p>
          <h3>The same request as QR codes</h3>
          <QrCodes text={status.request.file.text} label="Activation request QR code" />
        </>
      ) : null}
    </section>
  );
}
