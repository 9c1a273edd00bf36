/**
 * The route table in find-my-way. Every route answers under `/v1/accounts/:account` and, as in
 * Keygen's single-account mode, under `/v1` alone (keygen-api `config/routes.rb` draws its
 * `:v1` concern in both places); the account resource itself is only under the former.
 */
import FindMyWay from 'find-my-way';
import type { HttpMethod, RouteDefinition } from './context.js';

/** The account segment every route sits under. */
export const ACCOUNT_PREFIX = '/v1/accounts/:account';
/** The prefix of the same routes without an account segment (the served account's). */
export const SINGLE_ACCOUNT_PREFIX = '/v1';

const METHODS: ReadonlySet<string> = new Set<HttpMethod>(['GET', 'POST', 'PUT', 'PATCH', 'DELETE']);

/** A matched route with its decoded path parameters (`account` included when the path named one). */
export interface RouteMatch {
  readonly route: RouteDefinition;
  readonly params: Readonly<Record<string, string>>;
}

/** Looks routes up by method and path. */
export interface Router {
  find(method: string, path: string): RouteMatch | null;
}

/**
 * Builds the router. Throws at start-up (not per request) when two definitions collide.
 * Trailing slashes are ignored, as Rails ignores them; long parameters are allowed because
 * license keys (signed keys especially) may be kilobytes long.
 */
export function createRouter(routes: readonly RouteDefinition[]): Router {
  const router = FindMyWay({ ignoreTrailingSlash: true, maxParamLength: 100 * 1024 });
  for (const route of routes) {
    router.on(route.method, `${ACCOUNT_PREFIX}${route.path}`, () => undefined, route);
    // `''` is the account itself (`GET /v1/accounts/:account`), which has no bare twin: `/v1` is not a resource.
    if (route.path !== '') router.on(route.method, `${SINGLE_ACCOUNT_PREFIX}${route.path}`, () => undefined, route);
  }
  return {
    find(method, path) {
      if (!METHODS.has(method)) return null;
      const found = router.find(method as HttpMethod, path);
      if (found === null) return null;
      const params: Record<string, string> = {};
      for (const [key, value] of Object.entries(found.params)) if (value !== undefined) params[key] = value;
      return { route: found.store as RouteDefinition, params };
    },
  };
}
