/**
 * Keygen's machine and component validations (`Machine`, `MachineComponent` models) as 422
 * failures: the fingerprint (present, at most 4 KiB, not reserved, not another machine's
 * UUID, unique per the policy's machine uniqueness strategy), the client-chosen id, resource
 * attributes, and nested components. Codes follow Keygen's derivation: blank → `_MISSING`
 * (`_NOT_FOUND` under a relationship), exclusion → `_NOT_ALLOWED`, numericality → `_INVALID`.
 */
import type { UniquenessScope } from '../db/machines.repo.js';
import { invalidAttribute, invalidId, type Invalid } from './invalid.js';
import { INT_MAX } from './policy-checks.js';
import type { License } from './types.js';

/** Keygen's `EXCLUDED_ALIASES`: identifiers that would shadow `/machines/actions/…` routes. */
const RESERVED = new Set(['actions', 'action']);
/** The fingerprint cap (keygen-protocol §2.2: "up to 4 KB"). */
export const MAX_FINGERPRINT_LENGTH = 4096;
const UUID_RE = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;

export type UniquenessStrategy = 'UNIQUE_PER_ACCOUNT' | 'UNIQUE_PER_PRODUCT' | 'UNIQUE_PER_POLICY' | 'UNIQUE_PER_LICENSE' | 'UNIQUE_PER_MACHINE';

/** What the checks need to know about existing records. */
export interface MachineLookups {
  /** Whether a machine already has this fingerprint within `scope`. */
  readonly fingerprintTaken: (fingerprint: string, scope: UniquenessScope) => boolean;
  /** Whether a component already has this fingerprint within `scope`. */
  readonly componentTaken: (fingerprint: string, scope: UniquenessScope) => boolean;
  /** Whether a machine has this id (in the account for fingerprints, anywhere for new ids). */
  readonly machineExists: (id: string) => boolean;
}

/** A component of the activation request. */
export interface ComponentInput {
  readonly fingerprint: string;
  readonly name: string;
}

/** How a strategy names its scope for a license, and the "taken" wording Keygen uses for it. */
function uniquenessScope(strategy: UniquenessStrategy, license: Pick<License, 'id' | 'policyId' | 'productId'>): { scope: UniquenessScope; suffix: string } | null {
  switch (strategy) {
    case 'UNIQUE_PER_ACCOUNT':
      return { scope: { kind: 'account' }, suffix: ' for this account' };
    case 'UNIQUE_PER_PRODUCT':
      return { scope: { kind: 'product', productId: license.productId }, suffix: ' for this product' };
    case 'UNIQUE_PER_POLICY':
      return { scope: { kind: 'policy', policyId: license.policyId }, suffix: ' for this policy' };
    case 'UNIQUE_PER_LICENSE':
      return { scope: { kind: 'license', licenseId: license.id }, suffix: ' for this license' };
    case 'UNIQUE_PER_MACHINE':
      return null;
  }
}

const isBlank = (text: string): boolean => text.trim() === '';

/** Fingerprint failures of a new machine for `license` under `strategy` (machine uniqueness). */
export function checkFingerprint(fingerprint: string, license: License, strategy: UniquenessStrategy, lookups: MachineLookups): Invalid[] {
  const failures: Invalid[] = [];
  const fail = (detail: string, kind: Parameters<typeof invalidAttribute>[2]) => failures.push(invalidAttribute('fingerprint', detail, kind));
  // The schema's own rule (`uniqueness: { scope: :license_id }`) holds for every strategy.
  if (lookups.fingerprintTaken(fingerprint, { kind: 'license', licenseId: license.id })) fail('has already been taken', 'taken');
  if (RESERVED.has(fingerprint)) fail('is reserved', 'not_allowed');
  if (isBlank(fingerprint)) failures.push({ detail: "can't be blank", code: 'FINGERPRINT_MISSING', pointer: '/data/attributes/fingerprint' });
  if (fingerprint.length > MAX_FINGERPRINT_LENGTH) fail(`is too long (maximum is ${MAX_FINGERPRINT_LENGTH} characters)`, 'too_long');
  if (UUID_RE.test(fingerprint) && lookups.machineExists(fingerprint.toLowerCase())) {
    fail("must not conflict with another machine's identifier (UUID)", 'conflict');
  }
  const wider = strategy === 'UNIQUE_PER_LICENSE' ? null : uniquenessScope(strategy, license);
  if (wider !== null && lookups.fingerprintTaken(fingerprint, wider.scope)) fail(`has already been taken${wider.suffix}`, 'taken');
  return failures;
}

/** Failures of the resource attributes (`cores` 1–2147483647; `memory` and `disk` at least 1 byte). */
export function checkResources(input: Readonly<Record<'cores' | 'memory' | 'disk', number | null | undefined>>): Invalid[] {
  const failures: Invalid[] = [];
  for (const [attr, value, max] of [
    ['cores', input.cores, INT_MAX],
    ['memory', input.memory, Number.MAX_SAFE_INTEGER],
    ['disk', input.disk, Number.MAX_SAFE_INTEGER],
  ] as const) {
    if (value === null || value === undefined) continue;
    if (value < 1) failures.push(invalidAttribute(attr, 'must be greater than or equal to 1', 'invalid'));
    else if (value > max) failures.push(invalidAttribute(attr, `must be less than or equal to ${max}`, 'invalid'));
  }
  return failures;
}

/** Failure of a client-chosen machine id that is already in use. */
export function checkNewId(id: string | undefined, lookups: MachineLookups): Invalid[] {
  return id !== undefined && lookups.machineExists(id.toLowerCase()) ? [invalidId('must not conflict with another machine', 'conflict')] : [];
}

/**
 * Failures of nested components, each pointing into `relationships.components.data[i]`:
 * blank fields, reserved or repeated fingerprints, and fingerprints taken within the policy's
 * component uniqueness scope (a new machine has no components yet, so UNIQUE_PER_MACHINE only
 * forbids repeats within the request).
 */
export function checkComponents(components: readonly ComponentInput[], license: License, strategy: UniquenessStrategy, lookups: MachineLookups): Invalid[] {
  const failures: Invalid[] = [];
  const scope = uniquenessScope(strategy, license);
  components.forEach((component, index) => {
    const at = (attr: string): string => `/data/relationships/components/data/${index}/attributes/${attr}`;
    const fail = (attr: string, detail: string, kind: string): void => {
      failures.push({ detail, code: `COMPONENTS_${attr.toUpperCase()}_${kind}`, pointer: at(attr) });
    };
    const { fingerprint, name } = component;
    if (RESERVED.has(fingerprint)) fail('fingerprint', 'is reserved', 'NOT_ALLOWED');
    if (isBlank(fingerprint)) fail('fingerprint', "can't be blank", 'NOT_FOUND');
    if (components.filter((other) => other.fingerprint === fingerprint).length > 1) fail('fingerprint', 'is duplicated', 'CONFLICT');
    if (scope !== null && !isBlank(fingerprint) && lookups.componentTaken(fingerprint, scope.scope)) {
      fail('fingerprint', `has already been taken${scope.suffix}`, 'TAKEN');
    }
    if (isBlank(name)) fail('name', "can't be blank", 'NOT_FOUND');
  });
  return failures;
}

/**
 * Failures of a component created on its own (`POST /components`, keygen-api
 * `MachineComponent`), in the model's order: the fingerprint taken on its machine (the rule of
 * every strategy), reserved or blank, a blank name, then the fingerprint taken within the
 * policy's wider component uniqueness scope. `license` is the machine's license.
 */
export function checkNewComponent(
  component: ComponentInput,
  license: Pick<License, 'id' | 'policyId' | 'productId'>,
  strategy: UniquenessStrategy,
  lookups: Pick<MachineLookups, 'componentTaken'> & { readonly takenOnMachine: (fingerprint: string) => boolean },
): Invalid[] {
  const failures: Invalid[] = [];
  const { fingerprint, name } = component;
  if (lookups.takenOnMachine(fingerprint)) failures.push(invalidAttribute('fingerprint', 'has already been taken', 'taken'));
  if (RESERVED.has(fingerprint)) failures.push(invalidAttribute('fingerprint', 'is reserved', 'not_allowed'));
  if (isBlank(fingerprint)) failures.push(invalidAttribute('fingerprint', "can't be blank", 'missing'));
  if (isBlank(name)) failures.push(invalidAttribute('name', "can't be blank", 'missing'));
  const wider = uniquenessScope(strategy, license);
  if (wider !== null && !isBlank(fingerprint) && lookups.componentTaken(fingerprint, wider.scope)) {
    failures.push(invalidAttribute('fingerprint', `has already been taken${wider.suffix}`, 'taken'));
  }
  return failures;
}

/** Reads a uniqueness strategy attribute; anything unknown is the given default. */
export function uniquenessStrategy(value: unknown, fallback: UniquenessStrategy): UniquenessStrategy {
  const known: readonly UniquenessStrategy[] = ['UNIQUE_PER_ACCOUNT', 'UNIQUE_PER_PRODUCT', 'UNIQUE_PER_POLICY', 'UNIQUE_PER_LICENSE', 'UNIQUE_PER_MACHINE'];
  return known.find((strategy) => strategy === value) ?? fallback;
}
