/**
 * Every route the issuer serves. To add endpoints, write `issuer/routes/<resource>.routes.ts`
 * exporting `routes: readonly RouteDefinition[]` and add it to this list; see issuer/README.md.
 */
import type { RouteDefinition } from '../http/context.js';
import { routes as entitlements } from './entitlements.routes.js';
import { routes as licenseTokens } from './license-tokens.routes.js';
import { routes as licenses } from './licenses.routes.js';
import { routes as me } from './me.routes.js';
import { routes as policies } from './policies.routes.js';
import { routes as products } from './products.routes.js';
import { routes as users } from './users.routes.js';

/** The route table, in no particular order (find-my-way matches static segments before parameters). */
export const ROUTES: readonly RouteDefinition[] = [...products, ...policies, ...entitlements, ...users, ...licenses, ...licenseTokens, ...me];
