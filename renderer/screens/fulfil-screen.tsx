/**
 * `#/fulfil`: the connected machine's screen. Drop (or pick, or paste as QR parts) activation
 * requests and deactivation receipts carried from air-gapped machines, say who pays (a license
 * key, an administrator token, or the key each request carries), and get a result per file with
 * its response or confirmation to save; or fulfil a removable drive in place.
 */
import { useId, useState } from 'react';
import { bridge } from '../bridge/bridge.js';
import { readCarriedFiles } from '../bridge/carried-files.js';
import type { ReadableFile } from '../bridge/file-reader.js';
import { DrivesPanel } from '../components/drives-panel.js';
import { FailureAlert } from '../components/failure-alert.js';
import { joinQrParts, MESSAGES, type CarriedFile, type FulfilAccess, type FulfilResult } from '../contract.js';
import { useTessera } from '../store/use-tessera.js';

type Payer = 'license-key' | 'admin' | 'from-request';

function AccessFields({ payer, onPayer, values, onValues }: {
  readonly payer: Payer;
  readonly onPayer: (payer: Payer) => void;
  readonly values: { readonly licenseKey: string; readonly adminToken: string; readonly licenseId: string };
  readonly onValues: (values: { licenseKey: string; adminToken: string; licenseId: string }) => void;
}): React.JSX.Element {
  const id = useId();
  return (
    <fieldset className="form">
      <legend>Who pays for the seats</legend>
      <label className="checkbox">
        <input type="radio" name={`${id}-payer`} checked={payer === 'license-key'} onChange={() => onPayer('license-key')} /> A license key
      </label>
      <label className="checkbox">
        <input type="radio" name={`${id}-payer`} checked={payer === 'admin'} onChange={() => onPayer('admin')} /> An administrator token
      </label>
      <label className="checkbox">
        <input type="radio" name={`${id}-payer`} checked={payer === 'from-request'} onChange={() => onPayer('from-request')} /> The license key each request carries
      </label>
      {payer === 'license-key' ? (
        <>
          <label htmlFor={`${id}-key`}>License key for the requests</label>
          <input id={`${id}-key`} type="password" autoComplete="off" spellCheck={false} value={values.licenseKey} onChange={(event) => onValues({ ...values, licenseKey: event.target.value })} />
        </>
      ) : null}
      {payer === 'admin' ? (
        <>
          <label htmlFor={`${id}-token`}>Administrator token</label>
          <input id={`${id}-token`} type="password" autoComplete="off" spellCheck={false} value={values.adminToken} onChange={(event) => onValues({ ...values, adminToken: event.target.value })} />
          <label htmlFor={`${id}-license`}>License ID</label>
          <input id={`${id}-license`} type="text" autoComplete="off" spellCheck={false} value={values.licenseId} onChange={(event) => onValues({ ...values, licenseId: event.target.value })} />
        </>
      ) : null}
    </fieldset>
  );
}

function accessOf(payer: Payer, values: { readonly licenseKey: string; readonly adminToken: string; readonly licenseId: string }): FulfilAccess | null {
  if (payer === 'from-request') return { kind: 'from-request' };
  if (payer === 'license-key') return values.licenseKey.trim() === '' ? null : { kind: 'license-key', licenseKey: values.licenseKey.trim() };
  return values.adminToken.trim() === '' || values.licenseId.trim() === '' ? null : { kind: 'admin', adminToken: values.adminToken.trim(), licenseId: values.licenseId.trim() };
}

function ResultsTable({ results }: { readonly results: readonly FulfilResult[] }): React.JSX.Element {
  const saveFile = useTessera((state) => state.saveFile);
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="table-title">Fulfilled files</caption>
        <thead>
          <tr>
            <th scope="col">File</th>
            <th scope="col">Kind</th>
            <th scope="col">Result</th>
            <th scope="col">
              <span className="visually-hidden">Actions</span>
            </th>
          </tr>
        </thead>
        <tbody>
          {results.map((result, index) => {
            const code = result.code ?? 'REQUEST_REFUSED';
            const document = result.document;
            return (
              <tr key={`${result.file}-${index}`}>
                <th scope="row">{result.file}</th>
                <td>{result.kind === 'activation' ? 'Activation request' : 'Deactivation receipt'}</td>
                <td>
                  {result.ok && result.code === 'MACHINE_ALREADY_DEACTIVATED' ? <span className="success-text">{MESSAGES.MACHINE_ALREADY_DEACTIVATED.title}: its seat is free</span> : null}
                  {result.ok && result.code === undefined ? (
                    <span className="success-text">{result.kind === 'activation' ? `Activated (machine ${result.machine ?? ''})` : `Deactivated, seat freed (machine ${result.machine ?? ''})`}</span>
                  ) : null}
                  {result.ok ? null : (
                    <span>
                      {MESSAGES[code].title}: {MESSAGES[code].action} <code>{code}</code>
                    </span>
                  )}
                  {result.ok && document === undefined && result.output !== undefined ? (
                    <>
                      <br />
                      <span className="muted">Written: {result.output}</span>
                    </>
                  ) : null}
                </td>
                <td>
                  {document === undefined ? null : (
                    <button type="button" className="button small" onClick={() => void saveFile(document)}>
                      {result.kind === 'activation' ? `Save response for ${result.file}` : `Save confirmation for ${result.file}`}
                    </button>
                  )}
                </td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}

export function FulfilScreen(): React.JSX.Element {
  const status = useTessera((state) => state.fulfilment);
  const fulfilFiles = useTessera((state) => state.fulfilFiles);
  const fulfilDrive = useTessera((state) => state.fulfilDrive);
  const [payer, setPayer] = useState<Payer>('license-key');
  const [values, setValues] = useState({ licenseKey: '', adminToken: '', licenseId: '' });
  const [over, setOver] = useState(false);
  const [pasted, setPasted] = useState('');
  const [missing, setMissing] = useState(false);
  const [unreadable, setUnreadable] = useState(false);
  const pasteId = useId();
  const busy = status.kind === 'working';

  const run = async (files: readonly CarriedFile[]): Promise<void> => {
    const access = accessOf(payer, values);
    setMissing(access === null);
    if (access === null || files.length === 0) return;
    await fulfilFiles(files, access);
  };
  const fromDrop = async (dropped: readonly ReadableFile[]): Promise<void> => {
    const read = await readCarriedFiles(dropped);
    await run(read.flatMap((entry) => (entry.ok ? [entry.file] : [{ name: entry.name, text: '' }])));
  };

  return (
    <>
      <h1 tabIndex={-1}>Fulfil requests</h1>
      <p className="lede">
        On a machine with a network: turn activation requests from air-gapped machines into responses to carry back, and deactivation receipts into free seats.
      </p>
      <section className="card">
        <AccessFields payer={payer} onPayer={setPayer} values={values} onValues={setValues} />
        {missing ? <FailureAlert code="FULFIL_CREDENTIALS_REQUIRED" level={3} /> : null}
      </section>
      <div
        role="region"
        aria-label="Drop activation requests or deactivation receipts here"
        tabIndex={0}
        className={over ? 'drop-zone over' : 'drop-zone'}
        onDragOver={(event) => {
          event.preventDefault();
          event.dataTransfer.dropEffect = 'copy';
          setOver(true);
        }}
        onDragLeave={() => setOver(false)}
        onDrop={(event) => {
          event.preventDefault();
          setOver(false);
          if (!busy) void fromDrop(Array.from(event.dataTransfer.files));
        }}
      >
        <p className="drop-title">Drop activation requests or deactivation receipts here</p>
        <p className="hint">
          <code>.activation-request.json</code> and <code>.deactivation-receipt.json</code> files, as many as a fleet has.
        </p>
        <button
          type="button"
          className="button primary"
          disabled={busy}
          onClick={() =>
            void bridge()
              .files.chooseMany()
              .then((chosen) => (chosen.ok ? run(chosen.value) : undefined))
          }
        >
          Choose files…
        </button>
      </div>
      <section className="card">
        <form
          className="form"
          onSubmit={(event) => {
            event.preventDefault();
            const text = joinQrParts(pasted) ?? (pasted.trim().startsWith('{') ? pasted.trim() : null);
            setUnreadable(text === null);
            if (text !== null) void run([{ name: 'pasted request', text }]);
          }}
        >
          <label htmlFor={pasteId}>Or paste a request scanned from its QR codes</label>
          <textarea id={pasteId} rows={3} spellCheck={false} value={pasted} onChange={(event) => setPasted(event.target.value)} />
          <div className="actions">
            <button type="submit" className="button" disabled={busy || pasted.trim() === ''}>
              Fulfil the pasted request
            </button>
          </div>
        </form>
        {unreadable ? <FailureAlert code="AIRGAP_FILE_MALFORMED" level={3} /> : null}
      </section>
      {status.kind === 'working' ? <p className="muted">{status.total === 0 ? 'Fulfilling…' : `Fulfilling ${status.done} of ${status.total}…`}</p> : null}
      {status.kind === 'failed' ? <FailureAlert code={status.code} message={status.message} /> : null}
      {status.kind === 'done' ? <ResultsTable results={status.results} /> : null}
      <DrivesPanel
        action="fulfil"
        busy={busy}
        onAct={(drive) => {
          const access = accessOf(payer, values);
          setMissing(access === null);
          if (access !== null) void fulfilDrive(drive.id, access);
        }}
      />
    </>
  );
}
