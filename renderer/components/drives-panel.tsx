/**
 * Removable drives with files for Tessera, asked for every few seconds while the screen is
 * open (the core looks at the mount points; the page never sees a path it could send back).
 * A newly inserted drive is announced, with what is on it and one button to act on it.
 */
import { useEffect } from 'react';
import type { DriveView } from '../contract.js';
import { useTessera } from '../store/use-tessera.js';

/** How often the screen asks for drives. */
export const DRIVE_POLL_MS = 3_000;

function describe(drive: DriveView): string {
  const { licenseFiles, responses, requests, receipts } = drive.counts;
  const parts = [
    [licenseFiles, 'license file'],
    [responses, 'activation response'],
    [requests, 'activation request'],
    [receipts, 'deactivation receipt'],
  ]
    .filter(([count]) => (count as number) > 0)
    .map(([count, noun]) => `${count as number} ${noun as string}${count === 1 ? '' : 's'}`);
  return parts.join(', ');
}

export function DrivesPanel({ action, onAct, busy }: { readonly action: 'import' | 'fulfil'; readonly onAct: (drive: DriveView) => void; readonly busy: boolean }): React.JSX.Element | null {
  const drives = useTessera((state) => state.drives);
  const loadDrives = useTessera((state) => state.loadDrives);
  useEffect(() => {
    void loadDrives();
    const timer = setInterval(() => void loadDrives(), DRIVE_POLL_MS);
    return () => clearInterval(timer);
  }, [loadDrives]);
  const relevant = drives.kind === 'loaded' ? drives.drives.filter((drive) => (action === 'import' ? drive.counts.licenseFiles + drive.counts.responses > 0 : drive.counts.requests + drive.counts.receipts > 0)) : [];
  return (
    <section className="card" aria-labelledby="drives-title">
      <h2 id="drives-title">Removable drives</h2>
      <div role="status" aria-live="polite">
        {relevant.length === 0 ? (
          <p className="muted">{action === 'import' ? 'Insert a USB stick with license files or activation responses: it is offered here.' : 'Insert a USB stick with activation requests or deactivation receipts: it is offered here.'}</p>
        ) : (
          <ul className="drive-list">
            {relevant.map((drive) => (
              <li key={drive.id}>
                <span>
                  <strong>{drive.label}</strong> {drive.fresh ? <span className="badge">New</span> : null}
                  <br />
                  <span className="muted">
                    {drive.location}: {describe(drive)}
                  </span>
                </span>
                <button type="button" className="button" disabled={busy} onClick={() => onAct(drive)}>
                  {action === 'import' ? `Import from ${drive.label}` : `Fulfil from ${drive.label}`}
                </button>
              </li>
            ))}
          </ul>
        )}
      </div>
    </section>
  );
}
