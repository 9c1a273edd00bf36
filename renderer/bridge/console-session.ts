/**
 * The web console's session secret. The login link's redirect hands it to this tab in the
 * location's fragment (`#session=…`, never sent to a server); the page moves it at once to the
 * tab's sessionStorage (which survives reloads but belongs to this tab and this origin only)
 * and clears it from the address bar, then sends it as the `Tessera-Session` header with every
 * operation. The agent accepts the session cookie only with it, so a cookie that reached
 * another server on 127.0.0.1 (cookies ignore ports) is worth nothing there.
 */

/** The header that carries the secret (the agent's `SESSION_HEADER`). */
export const SESSION_HEADER = 'Tessera-Session';
const STORAGE_KEY = 'tessera.console.session';
const FRAGMENT = /^#session=([A-Za-z0-9_-]{43})$/;

/** The part of `sessionStorage` used here (declared here: the store's tests run without the DOM). */
export interface TabStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
}

/** What adopting the secret touches: the page's location, history and this tab's storage. */
export interface SessionPlace {
  readonly location: { readonly hash: string; readonly pathname: string; readonly search: string };
  readonly history: { replaceState(data: unknown, unused: string, url?: string | null): void };
  /** A getter: reading `sessionStorage` throws where storage is disabled. */
  readonly storage: () => TabStorage;
}

/**
 * Moves a secret from the location's fragment to the tab's storage and clears the fragment
 * (so it is neither bookmarked nor shown). Returns whether there was one. Never throws: a tab
 * without storage keeps no secret and is asked to sign in.
 */
export function adoptSessionSecret(place: SessionPlace): boolean {
  const secret = FRAGMENT.exec(place.location.hash)?.[1];
  if (secret === undefined) return false;
  place.history.replaceState(null, '', `${place.location.pathname}${place.location.search}`);
  try {
    place.storage().setItem(STORAGE_KEY, secret);
    return true;
  } catch {
    return false;
  }
}

/** This tab's session secret, or null when it has none (or storage is disabled). */
export function sessionSecret(storage: () => Pick<TabStorage, 'getItem'>): string | null {
  try {
    return storage().getItem(STORAGE_KEY);
  } catch {
    return null;
  }
}
