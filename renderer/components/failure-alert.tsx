/** A refusal as the person sees it: the code's title, sentence and next step in the app's terms (MESSAGES), and the code. */
import { MESSAGES, uiActionFor, type FailureCode } from '../contract.js';

export interface FailureAlertProps {
  readonly code: FailureCode;
  /** The core's message: shown as detail when it says more than the code's own sentence. */
  readonly message?: string;
  /** Heading level of the title inside the screen's outline. */
  readonly level?: 2 | 3;
  readonly children?: React.ReactNode;
}

export function FailureAlert({ code, message, level = 2, children }: FailureAlertProps): React.JSX.Element {
  const text = MESSAGES[code];
  const Heading = level === 2 ? 'h2' : 'h3';
  const detail = message !== undefined && message !== '' && message !== text.message ? message : null;
  return (
    <div role="alert" className="alert">
      <Heading className="alert-title">{text.title}</Heading>
      <p>{text.message}</p>
      {detail === null ? null : <p className="alert-detail">Details: {detail}</p>}
      <p>Next step: {uiActionFor(code)}</p>
      <p className="alert-code">
        Code: <code>{code}</code>
      </p>
      {children}
    </div>
  );
}
