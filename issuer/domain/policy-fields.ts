/**
 * The policy object's attributes, in the order Keygen's PolicySerializer emits them, with
 * their column, type, default and allowed values. One list drives the table mapping, the
 * request schema, validation and the serializer, so a new policy field is one line here plus
 * one migration.
 */

export type PolicyFieldKind = 'text' | 'int' | 'bool' | 'json';

export interface PolicyField {
  /** Wire name (camelCase). */
  readonly attr: string;
  readonly column: string;
  readonly kind: PolicyFieldKind;
  /** Value on create when the request leaves it out (Keygen's `before_create` defaults). */
  readonly default: string | number | boolean | null | Record<string, never>;
  /** Allowed values for strategy enums; the 422 detail for anything else. */
  readonly values?: readonly string[];
  readonly unsupported?: string;
  /** Whether clients may set it (false for read-only attributes). */
  readonly writable: boolean;
  /** Whether it may be set only on create (Keygen's update params omit it). */
  readonly createOnly?: boolean;
}

const UNIQUENESS = ['UNIQUE_PER_ACCOUNT', 'UNIQUE_PER_PRODUCT', 'UNIQUE_PER_POLICY', 'UNIQUE_PER_LICENSE'];
const MATCHING = ['MATCH_ANY', 'MATCH_TWO', 'MATCH_MOST', 'MATCH_ALL'];

/**
 * Keygen's key schemes (`Policy::CRYPTO_SCHEMES`, plus `ECDSA_P256_SIGN`, which Keygen's license
 * features issue since it gained ECDSA account keys). Licenses of these policies get signed or
 * encrypted keys (`signed-license-key.ts`); `LEGACY_ENCRYPT` is named so that Keygen's policy
 * errors read the same, but the issuer refuses it (`checkNewPolicyScheme`).
 */
export const CRYPTO_SCHEMES = [
  'LEGACY_ENCRYPT',
  'RSA_2048_PKCS1_ENCRYPT',
  'RSA_2048_PKCS1_SIGN',
  'RSA_2048_PKCS1_PSS_SIGN',
  'RSA_2048_JWT_RS256',
  'RSA_2048_PKCS1_SIGN_V2',
  'RSA_2048_PKCS1_PSS_SIGN_V2',
  'ED25519_SIGN',
  'ECDSA_P256_SIGN',
] as const;

function text(attr: string, column: string, value: string | null, values?: readonly string[], unsupported?: string): PolicyField {
  return { attr, column, kind: 'text', default: value, writable: true, ...(values ? { values, unsupported } : {}) };
}
const int = (attr: string, column: string): PolicyField => ({ attr, column, kind: 'int', default: null, writable: true });
const bool = (attr: string, column: string, value = false): PolicyField => ({ attr, column, kind: 'bool', default: value, writable: true });

/** Every policy attribute except `created`/`updated`, in serializer order. */
export const POLICY_FIELDS: readonly PolicyField[] = [
  text('name', 'name', null),
  int('duration', 'duration'),
  bool('strict', 'strict'),
  bool('floating', 'floating'),
  { ...bool('usePool', 'use_pool'), createOnly: true },
  int('maxMachines', 'max_machines'),
  int('maxProcesses', 'max_processes'),
  int('maxUsers', 'max_users'),
  int('maxCores', 'max_cores'),
  int('maxMemory', 'max_memory'),
  int('maxDisk', 'max_disk'),
  int('maxUses', 'max_uses'),
  text('machineUniquenessStrategy', 'machine_uniqueness_strategy', 'UNIQUE_PER_LICENSE', UNIQUENESS, 'unsupported machine uniqueness strategy'),
  text('machineMatchingStrategy', 'machine_matching_strategy', 'MATCH_ANY', MATCHING, 'unsupported machine matching strategy'),
  text('componentUniquenessStrategy', 'component_uniqueness_strategy', 'UNIQUE_PER_MACHINE', [...UNIQUENESS, 'UNIQUE_PER_MACHINE'], 'unsupported component uniqueness strategy'),
  text('componentMatchingStrategy', 'component_matching_strategy', 'MATCH_ANY', MATCHING, 'unsupported component matching strategy'),
  text('expirationStrategy', 'expiration_strategy', 'RESTRICT_ACCESS', ['RESTRICT_ACCESS', 'REVOKE_ACCESS', 'MAINTAIN_ACCESS', 'ALLOW_ACCESS'], 'unsupported expiration strategy'),
  text(
    'expirationBasis',
    'expiration_basis',
    'FROM_CREATION',
    ['FROM_CREATION', 'FROM_FIRST_VALIDATION', 'FROM_FIRST_ACTIVATION', 'FROM_FIRST_DOWNLOAD', 'FROM_FIRST_USE'],
    'unsupported expiration basis',
  ),
  text('renewalBasis', 'renewal_basis', 'FROM_EXPIRY', ['FROM_EXPIRY', 'FROM_NOW', 'FROM_NOW_IF_EXPIRED'], 'unsupported renewal basis'),
  text('transferStrategy', 'transfer_strategy', 'KEEP_EXPIRY', ['RESET_EXPIRY', 'KEEP_EXPIRY'], 'unsupported transfer strategy'),
  text('authenticationStrategy', 'authentication_strategy', 'TOKEN', ['TOKEN', 'LICENSE', 'MIXED', 'NONE'], 'unsupported authentication strategy'),
  text('machineLeasingStrategy', 'machine_leasing_strategy', 'PER_LICENSE', ['PER_LICENSE', 'PER_USER'], 'unsupported machine leasing strategy'),
  text('processLeasingStrategy', 'process_leasing_strategy', 'PER_MACHINE', ['PER_LICENSE', 'PER_MACHINE', 'PER_USER'], 'unsupported process leasing strategy'),
  text(
    'overageStrategy',
    'overage_strategy',
    'NO_OVERAGE',
    ['ALWAYS_ALLOW_OVERAGE', 'ALLOW_1_25X_OVERAGE', 'ALLOW_1_5X_OVERAGE', 'ALLOW_2X_OVERAGE', 'NO_OVERAGE'],
    'unsupported overage strategy',
  ),
  { ...text('scheme', 'scheme', null, CRYPTO_SCHEMES, 'unsupported encryption scheme'), createOnly: true },
  { ...bool('encrypted', 'encrypted'), createOnly: true },
  bool('protected', 'protected'),
  bool('requireProductScope', 'require_product_scope'),
  bool('requirePolicyScope', 'require_policy_scope'),
  bool('requireMachineScope', 'require_machine_scope'),
  bool('requireFingerprintScope', 'require_fingerprint_scope'),
  bool('requireComponentsScope', 'require_components_scope'),
  bool('requireUserScope', 'require_user_scope'),
  bool('requireChecksumScope', 'require_checksum_scope'),
  bool('requireVersionScope', 'require_version_scope'),
  bool('requireCheckIn', 'require_check_in'),
  text('checkInInterval', 'check_in_interval', null),
  int('checkInIntervalCount', 'check_in_interval_count'),
  int('heartbeatDuration', 'heartbeat_duration'),
  text('heartbeatCullStrategy', 'heartbeat_cull_strategy', 'DEACTIVATE_DEAD', ['DEACTIVATE_DEAD', 'KEEP_DEAD'], 'unsupported heartbeat cull strategy'),
  text(
    'heartbeatResurrectionStrategy',
    'heartbeat_resurrection_strategy',
    'NO_REVIVE',
    ['ALWAYS_REVIVE', '15_MINUTE_REVIVE', '10_MINUTE_REVIVE', '5_MINUTE_REVIVE', '2_MINUTE_REVIVE', '1_MINUTE_REVIVE', 'NO_REVIVE'],
    'unsupported heartbeat resurrection strategy',
  ),
  text('heartbeatBasis', 'heartbeat_basis', 'FROM_FIRST_PING', ['FROM_CREATION', 'FROM_FIRST_PING'], 'unsupported heartbeat basis'),
  bool('requireHeartbeat', 'require_heartbeat'),
  { attr: 'metadata', column: 'metadata', kind: 'json', default: {}, writable: true },
];

/** Looks a field up by its wire name. */
export const POLICY_FIELD_BY_ATTR: ReadonlyMap<string, PolicyField> = new Map(POLICY_FIELDS.map((field) => [field.attr, field]));
