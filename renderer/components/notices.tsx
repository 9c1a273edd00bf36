/** The polite live region where every successful action says what it did; each notice fades after a while. */
import { useEffect } from 'react';
import type { Notice } from '../store/shell.slice.js';
import { useTessera } from '../store/use-tessera.js';

/** How long a notice stays on screen. */
const NOTICE_MS = 10_000;

function NoticeItem({ notice }: { readonly notice: Notice }): React.JSX.Element {
  const dismiss = useTessera((state) => state.dismissNotice);
  useEffect(() => {
    const timer = setTimeout(() => dismiss(notice.id), NOTICE_MS);
    return () => clearTimeout(timer);
  }, [dismiss, notice.id]);
  return (
    <p className="notice">
      <span className="notice-icon" aria-hidden="true">
        ✓
      </span>
      {notice.text}
    </p>
  );
}

export function Notices(): React.JSX.Element {
  const notices = useTessera((state) => state.notices);
  return (
    <div role="log" aria-live="polite" aria-label="Notices" className="notices">
      {notices.map((notice) => (
        <NoticeItem key={notice.id} notice={notice} />
      ))}
    </div>
  );
}
