/**
 * Keygen's policy validations (keygen-api `Policy` model) over a complete attribute set, as
 * 422 failures. Type errors never reach here: the request schema rejects them with a 400.
 */
import { POLICY_FIELDS } from './policy-fields.js';
import { invalidAttribute, type Invalid } from './invalid.js';
import { MAX_METADATA_KEYS } from './metadata.js';

/** PostgreSQL's integer limit, which Keygen's numericality validations mirror. */
export const INT_MAX = 2_147_483_647;
const CHECK_IN_INTERVALS = ['day', 'week', 'month', 'year'];

type Attributes = Readonly<Record<string, unknown>>;
const num = (value: unknown): number | null => (typeof value === 'number' ? value : null);

/** Every failure of a policy with these (merged, defaulted) attributes; empty when valid. */
export function checkPolicy(attributes: Attributes): Invalid[] {
  const failures: Invalid[] = [];
  const fail = (attr: string, detail: string, kind: 'invalid' | 'not_allowed' | 'missing' | 'too_long' | 'not_supported'): void => {
    failures.push(invalidAttribute(attr, detail, kind));
  };
  if (typeof attributes.name !== 'string' || attributes.name.trim() === '') fail('name', "can't be blank", 'missing');

  const duration = num(attributes.duration);
  if (duration !== null && (duration <= 0 || duration > INT_MAX)) fail('duration', `must be greater than 0 and less than or equal to ${INT_MAX}`, 'invalid');
  else if (duration !== null && duration < 86_400) fail('duration', 'must be greater than or equal to 86400 (1 day)', 'invalid');

  const heartbeat = num(attributes.heartbeatDuration);
  if (heartbeat !== null && (heartbeat <= 0 || heartbeat > INT_MAX)) fail('heartbeatDuration', `must be greater than 0 and less than or equal to ${INT_MAX}`, 'invalid');
  else if (heartbeat !== null && heartbeat < 60) fail('heartbeatDuration', 'must be greater than or equal to 60 (1 minute)', 'invalid');

  const maxMachines = num(attributes.maxMachines);
  if (maxMachines !== null) {
    if (maxMachines < 0 || maxMachines > INT_MAX) fail('maxMachines', `must be greater than or equal to 0 and less than or equal to ${INT_MAX}`, 'invalid');
    else if (attributes.floating === true && maxMachines < 1) fail('maxMachines', 'must be greater than or equal to 1 for floating policy', 'invalid');
    else if (attributes.floating !== true && maxMachines !== 1) fail('maxMachines', 'must be equal to 1 for non-floating policy', 'invalid');
  }
  for (const [attr, min] of [['maxCores', 1], ['maxMemory', 1], ['maxDisk', 1], ['maxProcesses', 1], ['maxUses', 0], ['maxUsers', 0]] as const) {
    const value = num(attributes[attr]);
    if (value !== null && (value < min || value > INT_MAX)) fail(attr, `must be greater than or equal to ${min} and less than or equal to ${INT_MAX}`, 'invalid');
  }

  if (attributes.requireCheckIn === true) {
    if (typeof attributes.checkInInterval !== 'string' || !CHECK_IN_INTERVALS.includes(attributes.checkInInterval)) {
      fail('checkInInterval', 'must be one of: day, week, month, year', 'not_allowed');
    }
    const count = num(attributes.checkInIntervalCount);
    if (count === null || count < 1 || count > 365) fail('checkInIntervalCount', 'must be a number between 1 and 365 inclusive', 'not_allowed');
  }

  for (const field of POLICY_FIELDS) {
    const value = attributes[field.attr];
    if (field.values === undefined || value === null || value === undefined) continue;
    if (!field.values.includes(String(value))) fail(field.attr, field.unsupported ?? 'is not allowed', 'not_allowed');
  }
  if (attributes.heartbeatResurrectionStrategy === 'ALWAYS_REVIVE' && attributes.heartbeatCullStrategy !== 'KEEP_DEAD') {
    fail('heartbeatCullStrategy', 'incompatible heartbeat cull strategy (must be KEEP_DEAD when resurrection strategy is ALWAYS_REVIVE)', 'not_allowed');
  }
  if (attributes.usePool === true && attributes.scheme !== null && attributes.scheme !== undefined) fail('scheme', 'cannot use a scheme and use a pool', 'not_supported');
  if (attributes.encrypted === true && attributes.usePool === true) fail('encrypted', 'cannot be encrypted and use a pool', 'not_supported');

  const metadata = attributes.metadata;
  if (metadata !== null && typeof metadata === 'object' && Object.keys(metadata).length > MAX_METADATA_KEYS) {
    fail('metadata', `too many keys (exceeded limit of ${MAX_METADATA_KEYS} keys)`, 'too_long');
  }
  return failures;
}

/**
 * Keygen's scheme rules of a new policy (`Policy` validations and its `before_validation`
 * default): an encrypted policy takes `LEGACY_ENCRYPT` and no other scheme, and that scheme
 * needs `encrypted`. The issuer then refuses `LEGACY_ENCRYPT` itself with Keygen's
 * "unsupported encryption scheme": its keys are bcrypt digests shown once and looked up by a
 * separate legacy path, which the issuer does not reproduce.
 */
export function checkNewPolicyScheme(attributes: Attributes): Invalid[] {
  const scheme = typeof attributes.scheme === 'string' ? attributes.scheme : null;
  const encrypted = attributes.encrypted === true;
  if (encrypted && scheme !== null && scheme !== 'LEGACY_ENCRYPT') {
    return [invalidAttribute('scheme', 'unsupported encryption scheme (scheme must be LEGACY_ENCRYPT for legacy encrypted policies)', 'not_allowed')];
  }
  if (!encrypted && scheme === 'LEGACY_ENCRYPT') return [invalidAttribute('scheme', 'must be encrypted when using LEGACY_ENCRYPT scheme', 'invalid')];
  // An encrypted policy without a scheme is LEGACY_ENCRYPT in Keygen (`before_validation`).
  if (encrypted) return [invalidAttribute('scheme', 'unsupported encryption scheme', 'not_allowed')];
  return [];
}
