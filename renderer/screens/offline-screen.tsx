/**
 * `#/offline`: the air-gapped machine's screen. This machine's fingerprint and its activation
 * request (file and QR codes); importing license files and responses (chooser, several at once,
 * drag-and-drop, removable drives), with the license key when one is encrypted; the installed
 * licenses; offline deactivation. File texts stay in this screen's state only.
 */
import { useEffect, useId, useState } from 'react';
import type { ChosenFile, InstalledLicense } from '../contract.js';
import type { ReadableFile } from '../bridge/file-reader.js';
import { ConfirmDialog } from '../components/confirm-dialog.js';
import { FailureAlert } from '../components/failure-alert.js';
import { InstalledNameCell } from '../components/installed-name-cell.js';
import { installedKind, installedName } from '../format/license-name.js';
import { formatDateTime } from '../format/time.js';
import { useTessera } from '../store/use-tessera.js';
import { bridge } from '../bridge/bridge.js';
import { readCarriedFiles } from '../bridge/carried-files.js';
import { DrivesPanel } from '../components/drives-panel.js';
import type { CarriedFile } from '../contract.js';
import { OfflineDeactivationCard } from './offline-deactivation.js';
import { ImportResults } from './offline-import.js';
import { MachineCard, RequestCard } from './offline-request.js';

function DropZone({
  busy,
  onFile,
  onFiles,
}: {
  readonly busy: boolean;
  readonly onFile: (source: 'chooser' | ReadableFile) => void;
  readonly onFiles: (files: readonly ReadableFile[] | 'chooser') => void;
}): React.JSX.Element {
  const [over, setOver] = useState(false);
  return (
    <div
      role="region"
      aria-label="Drop license files or activation responses here"
      aria-describedby="drop-hint"
      tabIndex={0}
      className={over ? 'drop-zone over' : 'drop-zone'}
      onKeyDown={(event) => {
        if (busy || (event.key !== 'Enter' && event.key !== ' ')) return;
        event.preventDefault();
        onFile('chooser');
      }}
      onDragOver={(event) => {
        event.preventDefault();
        event.dataTransfer.dropEffect = 'copy';
        setOver(true);
      }}
      onDragLeave={() => setOver(false)}
      onDrop={(event) => {
        event.preventDefault();
        setOver(false);
        if (busy) return;
        const files = Array.from(event.dataTransfer.files);
        // One license file keeps the single-file route (its key asked for by name); anything else is imported file by file.
        const [only] = files;
        if (files.length === 1 && only !== undefined && only.name.toLowerCase().endsWith('.lic')) onFile(only);
        else if (files.length > 0) onFiles(files);
      }}
    >
      <p className="drop-title">Drop license files or activation responses here</p>
      <p id="drop-hint" className="hint">
        <code>.lic</code> files from your vendor, or the <code>.activation-response.json</code> files a connected machine wrote; several at once. Press Enter to choose one.
      </p>
      <div className="actions">
        <button type="button" className="button primary" disabled={busy} onClick={() => onFile('chooser')}>
          Choose file…
        </button>
        <button type="button" className="button" disabled={busy} onClick={() => onFiles('chooser')}>
          Choose several files…
        </button>
      </div>
    </div>
  );
}

function KeyForm({ fileName, busy, onSubmit, onCancel }: { readonly fileName: string; readonly busy: boolean; readonly onSubmit: (key: string) => void; readonly onCancel: () => void }): React.JSX.Element {
  const [key, setKey] = useState('');
  const id = useId();
  return (
    <form
      className="card narrow form"
      onSubmit={(event) => {
        event.preventDefault();
        const licenseKey = key.trim();
        if (licenseKey === '' || busy) return;
        setKey('');
        onSubmit(licenseKey);
      }}
    >
      <h2>License key needed</h2>
      <p>
        <strong>{fileName}</strong> is encrypted: enter the license key that came with it.
      </p>
      <label htmlFor={id}>License key for this file</label>
      <input id={id} type="password" autoComplete="off" spellCheck={false} required value={key} disabled={busy} onChange={(event) => setKey(event.target.value)} />
      <div className="actions">
        <button type="submit" className="button primary" disabled={busy}>
          {busy ? 'Importing…' : 'Import'}
        </button>
        <button type="button" className="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}

function InstalledTable(): React.JSX.Element {
  const installed = useTessera((state) => state.installed);
  const removal = useTessera((state) => state.removal);
  const removeInstalled = useTessera((state) => state.removeInstalled);
  const [removing, setRemoving] = useState<InstalledLicense | null>(null);
  return (
    <section className="card">
      {installed.kind === 'loaded' ? null : <h2>Installed licenses</h2>}
      {installed.kind === 'loading' ? <p className="muted">Loading installed licenses…</p> : null}
      {installed.kind === 'failed' ? <FailureAlert code={installed.code} message={installed.message} level={3} /> : null}
      {removal.kind === 'failed' ? <FailureAlert code={removal.code} message={removal.message} level={3} /> : null}
      {installed.kind === 'loaded' ? (
        <div className="table-wrap">
          <table className="table">
            <caption className="table-title">Installed licenses</caption>
            <thead>
              <tr>
                <th scope="col">License</th>
                <th scope="col">Kind</th>
                <th scope="col">Source</th>
                <th scope="col">Status</th>
                <th scope="col">Valid until</th>
                <th scope="col">Active</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {installed.licenses.length === 0 ? (
                <tr>
                  <td colSpan={7} className="muted">
                    No license installed yet.
                  </td>
                </tr>
              ) : null}
              {installed.licenses.map((item) => (
                <tr key={item.id}>
                  <InstalledNameCell item={item} />
                  <td>{installedKind(item)}</td>
                  <td>{item.source === 'activation' ? 'Activation' : 'Import'}</td>
                  <td>
                    <code>{item.code}</code>
                  </td>
                  <td>{formatDateTime(item.fileExpiry, 'No expiry')}</td>
                  <td>{item.active ? 'Yes' : 'No'}</td>
                  <td>
                    <button type="button" className="button small" disabled={removal.kind === 'working'} onClick={() => setRemoving(item)}>
                      {removal.kind === 'working' && removal.id === item.id ? 'Removing…' : 'Remove'}
                    </button>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      ) : null}
      <ConfirmDialog
        open={removing !== null}
        title="Remove this license?"
        confirmLabel="Yes, remove"
        onCancel={() => setRemoving(null)}
        onConfirm={() => {
          const item = removing;
          setRemoving(null);
          if (item !== null) void removeInstalled(item.id);
        }}
      >
        <p>{removing === null ? '' : `${installedName(removing)} and its stored key are removed from this machine. The licensing server is not told.`}</p>
      </ConfirmDialog>
    </section>
  );
}

export function OfflineScreen(): React.JSX.Element {
  const status = useTessera((state) => state.importStatus);
  const openFile = useTessera((state) => state.openFile);
  const importFile = useTessera((state) => state.importFile);
  const cancelImport = useTessera((state) => state.cancelImport);
  const loadInstalled = useTessera((state) => state.loadInstalled);
  const [pending, setPending] = useState<ChosenFile | null>(null);
  const [carried, setCarried] = useState<readonly CarriedFile[]>([]);
  const importFiles = useTessera((state) => state.importFiles);
  const importDrive = useTessera((state) => state.importDrive);
  const batch = useTessera((state) => state.importBatch);
  const busy = status.kind === 'choosing' || status.kind === 'working' || batch.kind === 'working';

  const startMany = async (source: readonly ReadableFile[] | 'chooser'): Promise<void> => {
    setPending(null);
    cancelImport();
    let files: readonly CarriedFile[];
    if (source === 'chooser') {
      const chosen = await bridge().files.chooseMany();
      files = chosen.ok ? chosen.value : [];
    } else {
      files = (await readCarriedFiles(source)).flatMap((entry) => (entry.ok ? [entry.file] : [{ name: entry.name, text: '' }]));
    }
    if (files.length === 0) return;
    setCarried(files);
    await importFiles(files);
  };

  useEffect(() => {
    void loadInstalled();
  }, [loadInstalled]);

  const start = async (source: 'chooser' | ReadableFile): Promise<void> => {
    setPending(null);
    const file = await openFile(source);
    if (file === null) return;
    const outcome = await importFile(file);
    if (outcome === 'key-required') setPending(file);
  };

  const retryWithKey = async (licenseKey: string): Promise<void> => {
    if (pending === null) return;
    const outcome = await importFile(pending, licenseKey);
    // A wrong key leaves the form open to try again; anything else ends this file.
    if (outcome === 'done') setPending(null);
  };

  return (
    <>
      <h1 tabIndex={-1}>Offline license files</h1>
      <p className="lede">For machines without internet access: ask for a license with an activation request, then import the response or the license file your vendor issued for this machine.</p>
      <MachineCard />
      <RequestCard />
      <DropZone busy={busy} onFile={(source) => void start(source)} onFiles={(source) => void startMany(source)} />
      {status.kind === 'choosing' ? <p className="muted">Waiting for a file…</p> : null}
      {status.kind === 'working' ? <p className="muted">Checking {status.fileName}…</p> : null}
      {pending === null ? null : (
        <KeyForm
          fileName={pending.name}
          busy={busy}
          onSubmit={(key) => void retryWithKey(key)}
          onCancel={() => {
            setPending(null);
            cancelImport();
          }}
        />
      )}
      {status.kind === 'failed' ? <FailureAlert code={status.code} message={status.message} /> : null}
      {status.kind === 'done' ? (
        <p className="success">
          Imported {status.fileName}: {status.license.license?.name ?? status.license.id}.
        </p>
      ) : null}
      <ImportResults files={carried} />
      <DrivesPanel
        action="import"
        busy={busy}
        onAct={(drive) => {
          setCarried([]);
          void importDrive(drive.id);
        }}
      />
      <InstalledTable />
      <OfflineDeactivationCard />
    </>
  );
}
