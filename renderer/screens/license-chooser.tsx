/**
 * The installed licenses on the Status screen, when there are several: which one the status
 * answers for, and "Use" to make another one the active license (the core pins it).
 */
import { MESSAGES, type InstalledLicense } from '../contract.js';
import { FailureAlert } from '../components/failure-alert.js';
import { InstalledNameCell } from '../components/installed-name-cell.js';
import { installedKind, installedName } from '../format/license-name.js';
import { formatDateTime } from '../format/time.js';
import type { LicenseChoiceStatus } from '../store/license.slice.js';
import { useTessera } from '../store/use-tessera.js';

function stateText(license: InstalledLicense): string {
  if (license.licensed) return 'Valid';
  return license.code === 'VALID' ? 'Not valid' : MESSAGES[license.code].title;
}

/** The button's words; its accessible name adds the license's name, as several rows have one. */
function chooseLabel(choice: LicenseChoiceStatus, license: InstalledLicense): string {
  return choice.kind === 'working' && choice.id === license.id ? 'Switching to' : 'Use';
}

export function LicenseChooser({ licenses }: { readonly licenses: readonly InstalledLicense[] }): React.JSX.Element | null {
  const choice = useTessera((state) => state.licenseChoice);
  const chooseLicense = useTessera((state) => state.chooseLicense);
  if (licenses.length < 2) return null;
  return (
    <section className="card">
      {choice.kind === 'failed' ? <FailureAlert code={choice.code} message={choice.message} level={3} /> : null}
      <div className="table-wrap">
        <table className="table">
          <caption className="table-title">Installed licenses</caption>
          <thead>
            <tr>
              <th scope="col">License</th>
              <th scope="col">Kind</th>
              <th scope="col">State</th>
              <th scope="col">Valid offline until</th>
              <th scope="col">Active</th>
            </tr>
          </thead>
          <tbody>
            {licenses.map((item) => (
              <tr key={item.id}>
                <InstalledNameCell item={item} />
                <td>{installedKind(item)}</td>
                <td>{stateText(item)}</td>
                <td>{formatDateTime(item.fileExpiry, 'No expiry')}</td>
                <td>
                  {item.active ? (
                    <span className="tag">Active</span>
                  ) : item.code === 'DEACTIVATION_INCOMPLETE' ? (
                    // Being deactivated: the core never makes it the active license again.
                    <span className="muted">Being deactivated</span>
                  ) : (
                    <button
                      type="button"
                      className="button small"
                      aria-label={`${chooseLabel(choice, item)} ${installedName(item)}`}
                      disabled={choice.kind === 'working'}
                      onClick={() => void chooseLicense(item.id)}
                    >
                      {chooseLabel(choice, item)}
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <p className="hint">The status above answers for the active license. Another installed license never takes over on its own.</p>
    </section>
  );
}
