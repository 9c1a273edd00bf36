/**
 * Keygen's overage strategies: how far a count (machines, cores, users, processes) may go over
 * its limit (`License#allow_*_overage?`). Node-locked policies may only use
 * ALWAYS_ALLOW_OVERAGE and ALLOW_2X_OVERAGE; the fractional ones never apply to them.
 */
import type { OverageStrategy } from './validation.types.js';

const STRATEGIES: readonly OverageStrategy[] = ['NO_OVERAGE', 'ALWAYS_ALLOW_OVERAGE', 'ALLOW_1_25X_OVERAGE', 'ALLOW_1_5X_OVERAGE', 'ALLOW_2X_OVERAGE'];

/** A policy's stored `overageStrategy`, NO_OVERAGE when absent or unknown. */
export function overageStrategyOf(value: unknown): OverageStrategy {
  return STRATEGIES.find((strategy) => strategy === value) ?? 'NO_OVERAGE';
}

/** Whether `count`, over `limit`, is still allowed by `strategy`. */
export function withinOverage(strategy: OverageStrategy | undefined, count: number, limit: number, nodeLocked = false): boolean {
  switch (strategy ?? 'NO_OVERAGE') {
    case 'ALWAYS_ALLOW_OVERAGE':
      return true;
    case 'ALLOW_1_25X_OVERAGE':
      return !nodeLocked && count <= limit * 1.25;
    case 'ALLOW_1_5X_OVERAGE':
      return !nodeLocked && count <= limit * 1.5;
    case 'ALLOW_2X_OVERAGE':
      return count <= limit * 2;
    case 'NO_OVERAGE':
      return false;
  }
}
