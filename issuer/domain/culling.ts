/** Dead-machine culling (placeholder until the heartbeat rules land). */
import type { Store } from '../db/store.js';

/**
 * Deletes the license's machines whose required heartbeat is dead when the policy's
 * `heartbeatCullStrategy` is DEACTIVATE_DEAD; returns how many were deleted.
 */
export function cullDeadMachines(_store: Store, _licenseId: string, _now: number): number {
  return 0;
}
