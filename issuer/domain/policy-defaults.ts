/** Keygen's create-time policy defaults (the `before_create` callbacks of its Policy model). */
import { POLICY_FIELDS } from './policy-fields.js';

/**
 * A complete attribute set from the client's: every field defaulted, heartbeats counted from
 * creation when required, and node-locked policies limited to one machine.
 */
export function withPolicyDefaults(attributes: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const complete: Record<string, unknown> = {};
  for (const field of POLICY_FIELDS) complete[field.attr] = attributes[field.attr] ?? field.default;
  if (attributes.heartbeatBasis === undefined) complete.heartbeatBasis = complete.requireHeartbeat === true ? 'FROM_CREATION' : 'FROM_FIRST_PING';
  if (complete.floating !== true && complete.maxMachines === null) complete.maxMachines = 1;
  return complete;
}
