/** Hash routes: `#/status` (default), `#/activate`, `#/offline`, `#/fulfil`, `#/seats`, `#/licenses`, `#/settings`. */

export const ROUTES = ['status', 'activate', 'offline', 'fulfil', 'seats', 'licenses', 'settings'] as const;
export type Route = (typeof ROUTES)[number];

/** The route a location hash names; anything else is the Status screen. */
export function routeFromHash(hash: string): Route {
  const name = /^#\/([a-z-]+)\/?$/.exec(hash)?.[1];
  return (ROUTES as readonly string[]).includes(name ?? '') ? (name as Route) : 'status';
}

/** The location hash of a route. */
export function hashOf(route: Route): string {
  return `#/${route}`;
}
