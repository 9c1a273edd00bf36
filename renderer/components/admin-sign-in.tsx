/**
 * Signing in to the administrator views with an admin or product token. The token goes to the
 * core, which checks it with the server and keeps it in the secret store; this page forgets it
 * at once and shows only the token's id from then on.
 */
import { useId, useState } from 'react';
import { useTessera } from '../store/use-tessera.js';
import { FailureAlert } from './failure-alert.js';

export function AdminSignIn({ level = 2 }: { readonly level?: 2 | 3 }): React.JSX.Element {
  const session = useTessera((state) => state.adminSession);
  const signIn = useTessera((state) => state.signIn);
  const signOut = useTessera((state) => state.signOut);
  const [token, setToken] = useState('');
  const id = useId();
  const hintId = useId();
  const Heading = level === 2 ? 'h2' : 'h3';

  if (session.kind === 'signed-in') {
    const { bearer, tokenId, signedInAt } = session.session;
    return (
      <div className="admin-session">
        <p>
          Signed in as {bearer.kind === 'admin' ? 'administrator' : 'product'} <strong>{bearer.name ?? bearer.id}</strong> with token <code>{tokenId}</code> since{' '}
          {new Date(signedInAt).toLocaleString()}.
        </p>
        <div className="actions">
          <button type="button" className="button" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </div>
    );
  }
  const working = session.kind === 'signing-in';
  return (
    <form
      className="form"
      onSubmit={(event) => {
        event.preventDefault();
        const value = token.trim();
        if (value === '' || working) return;
        setToken('');
        void signIn(value);
      }}
    >
      <Heading>Administrator sign-in</Heading>
      <div className="field">
        <label htmlFor={id}>Admin or product token</label>
        <input id={id} type="password" autoComplete="off" spellCheck={false} required aria-describedby={hintId} value={token} disabled={working} onChange={(event) => setToken(event.target.value)} />
      </div>
      <p id={hintId} className="hint">
        A token of your licensing account (admin, or this product's). Tessera checks it with the server and keeps it in this computer's keychain; it is never shown again.
      </p>
      <div className="actions">
        <button type="submit" className="button primary" disabled={working}>
          {working ? 'Signing in…' : 'Sign in'}
        </button>
      </div>
      {session.kind === 'failed' ? <FailureAlert code={session.code} message={session.message} level={3} /> : null}
    </form>
  );
}
