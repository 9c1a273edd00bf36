/** The license status on every screen: `role="status"`, "Licensed" or "Not licensed" and why. */
import { MESSAGES } from '../contract.js';
import type { LicenseView } from '../store/license.slice.js';
import { useTessera } from '../store/use-tessera.js';

type StatusState = 'loading' | 'licensed' | 'not-licensed';

/** What the region says for the license view: its state and its one line of text. */
export function describeStatus(view: LicenseView): { readonly state: StatusState; readonly text: string } {
  if (view.kind === 'loading') return { state: 'loading', text: 'Checking license…' };
  if (view.kind === 'failed') return { state: 'not-licensed', text: `Not licensed: ${MESSAGES[view.code].title}` };
  const { report } = view;
  if (report.licensed) {
    const name = report.license?.name ?? null;
    return { state: 'licensed', text: name === null ? 'Licensed' : `Licensed: ${name}` };
  }
  return { state: 'not-licensed', text: report.code === 'VALID' ? 'Not licensed' : `Not licensed: ${MESSAGES[report.code].title}` };
}

export function StatusRegion(): React.JSX.Element {
  const view = useTessera((state) => state.license);
  const { state, text } = describeStatus(view);
  return (
    <div role="status" aria-label="License status" data-state={state} className="status-badge">
      <span className="status-dot" aria-hidden="true" />
      <span>{text}</span>
    </div>
  );
}
