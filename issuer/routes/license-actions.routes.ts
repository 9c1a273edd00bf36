/** Placeholder: routes are added here. */
import type { RouteDefinition } from '../http/context.js';

export const routes: readonly RouteDefinition[] = [];
