/**
 * Which account a request is for. Keygen routes every endpoint twice (keygen-api
 * `config/routes.rb`: the `:v1` concern inside `scope 'accounts/:account_id'` and again bare
 * under `namespace :v1`): `/v1/accounts/{id|slug}/…` names the account, and `/v1/…` is the
 * single-account form that self-hosted Keygen serves and that keygen-go uses for any host
 * other than api.keygen.sh (`client.go`, "Support for custom domains"). In that form Keygen's
 * `ResolveAccountService` takes the configured account (`KEYGEN_ACCOUNT_ID`); the issuer takes
 * its configured default account, else the only account in its database.
 */
import type { Store } from '../db/store.js';
import type { Account } from '../domain/types.js';
import { ApiError, endpointNotFound, notFound } from './errors.js';

const ACCOUNT_PATH = /^\/v1\/accounts\/([^/]+)/;
const ACCOUNTS = /^\/v1\/accounts\/?$/;
const VERSIONED = /^\/v1(\/|$)/;

/** How a request path names its account. */
export type AccountTarget = { readonly kind: 'named'; readonly segment: string } | { readonly kind: 'served' };

/**
 * Reads the account part of a path (without its query). Throws the routing 404 for a path
 * outside `/v1`, and for `/v1/accounts` itself (Keygen has no account index route).
 */
export function accountTargetOf(path: string): AccountTarget {
  const named = ACCOUNT_PATH.exec(path)?.[1];
  if (named !== undefined) return { kind: 'named', segment: named };
  if (ACCOUNTS.test(path) || !VERSIONED.test(path)) throw endpointNotFound();
  return { kind: 'served' };
}

/**
 * The account of a request. Throws a 404 `ApiError` (which the server sends unsigned: there is
 * no account key to sign with) for an unknown account segment, and, on a `/v1/…` path, when no
 * account can be chosen: no default and not exactly one account. Keygen answers that case with
 * `render_not_found detail: e.message` for its `InvalidAccountIdError` "account is required"
 * (keygen-api `app/services/resolve_account_service.rb`, `application_controller.rb`).
 */
export function resolveAccount(target: AccountTarget, store: Store, defaultAccountId: string | null): Account {
  if (target.kind === 'named') {
    const identifier = safeDecode(target.segment);
    const account = identifier === null ? null : store.accounts.findByIdOrSlug(identifier);
    if (account === null) throw notFound('account', identifier ?? target.segment);
    return account;
  }
  const account = defaultAccountId === null ? store.accounts.only() : store.accounts.findById(defaultAccountId);
  if (account === null) throw new ApiError(404, [{ title: 'Not found', detail: 'account is required', code: 'NOT_FOUND' }]);
  return account;
}

function safeDecode(segment: string): string | null {
  try {
    return decodeURIComponent(segment);
  } catch {
    return null;
  }
}
