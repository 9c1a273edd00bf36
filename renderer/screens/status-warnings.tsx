/** The warnings beside the verdict, in the app's terms; the notice of a damaged state set aside has Dismiss. */
import type { StatusWarning } from '../contract.js';
import { FailureAlert } from '../components/failure-alert.js';
import { useTessera } from '../store/use-tessera.js';

export function StatusWarnings({ warnings }: { readonly warnings: readonly StatusWarning[] }): React.JSX.Element {
  const dismissal = useTessera((state) => state.noticeDismissal);
  const dismiss = useTessera((state) => state.dismissStateNotices);
  const setAside = warnings.filter((warning) => warning.code === 'STATE_SET_ASIDE');
  // One button forgets every such notice, so it sits on the last of them.
  const last = setAside.at(-1);
  return (
    <>
      {warnings.map((warning) => (
        <div role="note" className={warning === last ? 'warning with-action' : 'warning'} key={`${warning.code}-${warning.at}`}>
          <p>{warning.uiMessage ?? warning.message}</p>
          {warning === last ? (
            <button type="button" className="button small" disabled={dismissal.kind === 'working'} onClick={() => void dismiss()}>
              {dismissal.kind === 'working' ? 'Dismissing…' : setAside.length > 1 ? 'Dismiss all' : 'Dismiss'}
            </button>
          ) : null}
        </div>
      ))}
      {dismissal.kind === 'failed' ? <FailureAlert code={dismissal.code} message={dismissal.message} level={3} /> : null}
    </>
  );
}
