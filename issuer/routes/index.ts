/**
 * Every route the issuer serves. To add endpoints, write `issuer/routes/<resource>.routes.ts`
 * exporting `routes: readonly RouteDefinition[]` and add it to this list; see issuer/README.md.
 */
import type { RouteDefinition } from '../http/context.js';
import { routes as accounts } from './accounts.routes.js';
import { routes as checkouts } from './checkouts.routes.js';
import { routes as components } from './components.routes.js';
import { routes as entitlements } from './entitlements.routes.js';
import { routes as groups } from './groups.routes.js';
import { routes as licenseActions } from './license-actions.routes.js';
import { routes as licenseRelationships } from './license-relationships.routes.js';
import { routes as licenseTokens } from './license-tokens.routes.js';
import { routes as licenses } from './licenses.routes.js';
import { routes as machineProofs } from './machine-proofs.routes.js';
import { routes as machineRelationships } from './machine-relationships.routes.js';
import { routes as machines } from './machines.routes.js';
import { routes as me } from './me.routes.js';
import { routes as policies } from './policies.routes.js';
import { routes as policyRelationships } from './policy-relationships.routes.js';
import { routes as processes } from './processes.routes.js';
import { routes as productRelationships } from './product-relationships.routes.js';
import { routes as products } from './products.routes.js';
import { routes as tokens } from './tokens.routes.js';
import { routes as userRelationships } from './user-relationships.routes.js';
import { routes as users } from './users.routes.js';

/** The route table, in no particular order (find-my-way matches static segments before parameters). */
export const ROUTES: readonly RouteDefinition[] = [
  ...products,
  ...policies,
  ...entitlements,
  ...users,
  ...accounts,
  ...groups,
  ...productRelationships,
  ...policyRelationships,
  ...userRelationships,
  ...machineRelationships,
  ...licenses,
  ...licenseActions,
  ...licenseRelationships,
  ...licenseTokens,
  ...tokens,
  ...machines,
  ...processes,
  ...components,
  ...machineProofs,
  ...checkouts,
  ...me,
];
