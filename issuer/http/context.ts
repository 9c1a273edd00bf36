/**
 * What a route handler receives and returns. Route files export `RouteDefinition`s; the
 * server resolves the account, parses the body and authenticates before calling a handler,
 * and signs whatever the handler returns. Handlers throw `ApiError` for expected failures.
 */
import type { IncomingHttpHeaders } from 'node:http';
import type { Store } from '../db/store.js';
import type { Account } from '../domain/types.js';
import type { Bearer } from './auth.js';
import { unauthorized } from './errors.js';
import type { Query } from './query.js';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** One request, resolved. */
export interface RequestContext {
  readonly requestId: string;
  readonly method: HttpMethod;
  /** The path without its query, as requested (percent-encoding kept). */
  readonly path: string;
  readonly query: Query;
  /** Path parameters, percent-decoded (`:id` → `params.id`). */
  readonly params: Readonly<Record<string, string>>;
  /** The parsed JSON body, or undefined when the request had none. */
  readonly body: unknown;
  readonly headers: IncomingHttpHeaders;
  readonly account: Account;
  /** Null when the request carried no credentials (only `auth: 'optional'` routes see that). */
  readonly bearer: Bearer | null;
  readonly store: Store;
  /** The request time, from the issuer's clock: use it instead of `Date.now()`. */
  readonly now: number;
  /**
   * `/v1/accounts/<account id>`: the prefix of every `links` URL, whichever form the request
   * used, as Keygen's serializers build every link with its `v1_account_*_path` helpers.
   */
  readonly base: string;
}

/** What a handler answers. `body` is serialized as JSON; omit it for 204. */
export interface Reply {
  readonly status: number;
  readonly body?: unknown;
  readonly headers?: Readonly<Record<string, string>>;
}

/**
 * One endpoint. `path` is relative to `/v1/accounts/:account` (and to `/v1`, see `router.ts`)
 * and uses find-my-way syntax (`/licenses/:id`); `''` is the account resource itself.
 */
export interface RouteDefinition {
  readonly method: HttpMethod;
  readonly path: string;
  /** `required`: 401 TOKEN_MISSING without credentials. `optional`: the handler sees `bearer: null`. */
  readonly auth: 'required' | 'optional';
  readonly handler: (ctx: RequestContext) => Reply | Promise<Reply>;
}

/** The bearer of an `auth: 'required'` route (the server guarantees it; this narrows the type). */
export function bearerOf(ctx: RequestContext): Bearer {
  if (ctx.bearer === null) throw unauthorized('TOKEN_MISSING');
  return ctx.bearer;
}

/** A 200 JSON:API document. */
export function ok(body: unknown): Reply {
  return { status: 200, body };
}

/** A 201 with `Location` (absolute path of the new resource, as Keygen sends it). */
export function created(body: unknown, location: string): Reply {
  return { status: 201, body, headers: { Location: location } };
}

/** A 204 with no body. */
export function noContent(): Reply {
  return { status: 204 };
}
