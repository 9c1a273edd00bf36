/**
 * Importing several files at once on the Offline screen (dropped, picked, or from a removable
 * drive): a row per file, installed or why not, and one form for the license key that the
 * files still needing one ask for. File texts stay in this component's state.
 */
import { useId, useState } from 'react';
import { MESSAGES, type CarriedFile, type ImportResult } from '../contract.js';
import { FailureAlert } from '../components/failure-alert.js';
import { useTessera } from '../store/use-tessera.js';

const KIND_LABELS: Readonly<Record<ImportResult['kind'], string>> = {
  license: 'License file',
  machine: 'Machine file',
  response: 'Activation response',
  request: 'Activation request',
  receipt: 'Deactivation receipt',
  unknown: 'File',
};

export function ImportResults({ files }: { readonly files: readonly CarriedFile[] }): React.JSX.Element | null {
  const batch = useTessera((state) => state.importBatch);
  const importFiles = useTessera((state) => state.importFiles);
  const [key, setKey] = useState('');
  const keyId = useId();
  if (batch.kind === 'idle') return null;
  if (batch.kind === 'working') return <p className="muted">{batch.total === 0 ? 'Importing…' : `Importing ${batch.done} of ${batch.total}…`}</p>;
  if (batch.kind === 'failed') return <FailureAlert code={batch.code} message={batch.message} />;
  const needKey = batch.results.filter((result) => result.code === 'LICENSE_KEY_REQUIRED' || result.code === 'LICENSE_FILE_DECRYPTION_FAILED');
  const retry = files.filter((file) => needKey.some((result) => result.file === file.name));
  return (
    <section className="card" aria-labelledby="import-results-title">
      <div className="table-wrap">
        <table className="table">
          <caption id="import-results-title" className="table-title">
            Imported files
          </caption>
          <thead>
            <tr>
              <th scope="col">File</th>
              <th scope="col">Kind</th>
              <th scope="col">Result</th>
            </tr>
          </thead>
          <tbody>
            {batch.results.map((result, index) => (
              <tr key={`${result.file}-${index}`}>
                <th scope="row">{result.file}</th>
                <td>{KIND_LABELS[result.kind]}</td>
                <td>
                  {result.ok ? (
                    <span className="success-text">Installed{result.licenseId === undefined ? '' : ` (license ${result.licenseId})`}</span>
                  ) : (
                    <span>
                      {MESSAGES[result.code ?? 'LICENSE_FILE_MALFORMED'].title}: {MESSAGES[result.code ?? 'LICENSE_FILE_MALFORMED'].message} <code>{result.code}</code>
                    </span>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      {retry.length > 0 ? (
        <form
          className="form narrow"
          onSubmit={(event) => {
            event.preventDefault();
            const licenseKey = key.trim();
            if (licenseKey === '') return;
            setKey('');
            void importFiles(retry, licenseKey);
          }}
        >
          <label htmlFor={keyId}>License key for {retry.length === 1 ? retry[0]?.name : `${retry.length} files`}</label>
          <input id={keyId} type="password" autoComplete="off" spellCheck={false} required value={key} onChange={(event) => setKey(event.target.value)} />
          <div className="actions">
            <button type="submit" className="button primary">
              Import with this key
            </button>
          </div>
        </form>
      ) : null}
    </section>
  );
}
