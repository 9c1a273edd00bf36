/**
 * Key lists of the example objects in shared/reference/keygen-licenses-api.md (and, for
 * policies and products, which that document does not show, keygen-api's serializers), in
 * document order. Tests compare the issuer's JSON against these.
 */

/** "Create a license" → Example response / 201 Created, `data`. */
export const LICENSE_KEYS = ['id', 'type', 'links', 'attributes', 'relationships'];
export const LICENSE_ATTRIBUTES = [
  'name',
  'key',
  'expiry',
  'status',
  'uses',
  'protected',
  'version',
  'suspended',
  'scheme',
  'encrypted',
  'floating',
  'strict',
  'maxMachines',
  'maxProcesses',
  'maxUsers',
  'maxCores',
  'maxMemory',
  'maxDisk',
  'maxUses',
  'requireHeartbeat',
  'requireCheckIn',
  'lastValidated',
  'lastCheckOut',
  'lastCheckIn',
  'nextCheckIn',
  'permissions',
  'metadata',
  'created',
  'updated',
];
export const LICENSE_RELATIONSHIPS = ['account', 'product', 'policy', 'group', 'owner', 'users', 'machines', 'tokens', 'entitlements'];

/** "Generate a license token" → Example response. */
export const TOKEN_KEYS = ['id', 'type', 'attributes', 'relationships'];
export const TOKEN_ATTRIBUTES = ['kind', 'token', 'expiry', 'permissions', 'maxActivations', 'activations', 'maxDeactivations', 'deactivations', 'created', 'updated'];
export const TOKEN_RELATIONSHIPS = ['account', 'bearer'];

/** "List users" → Example response, `data[0]`. */
export const USER_KEYS = ['id', 'type', 'attributes', 'relationships'];
export const USER_ATTRIBUTES = ['fullName', 'firstName', 'lastName', 'email', 'status', 'role', 'metadata', 'created', 'updated'];
export const USER_RELATIONSHIPS = ['account', 'group', 'products', 'licenses', 'machines', 'tokens'];

/** "List license entitlements" → Example response, `data[0]`. */
export const ENTITLEMENT_KEYS = ['id', 'type', 'attributes', 'relationships', 'links'];
export const ENTITLEMENT_ATTRIBUTES = ['name', 'code', 'metadata', 'created', 'updated'];

/** keygen-api PolicySerializer (CE). */
export const POLICY_ATTRIBUTES = [
  'name',
  'duration',
  'strict',
  'floating',
  'usePool',
  'maxMachines',
  'maxProcesses',
  'maxUsers',
  'maxCores',
  'maxMemory',
  'maxDisk',
  'maxUses',
  'machineUniquenessStrategy',
  'machineMatchingStrategy',
  'componentUniquenessStrategy',
  'componentMatchingStrategy',
  'expirationStrategy',
  'expirationBasis',
  'renewalBasis',
  'transferStrategy',
  'authenticationStrategy',
  'machineLeasingStrategy',
  'processLeasingStrategy',
  'overageStrategy',
  'scheme',
  'encrypted',
  'protected',
  'requireProductScope',
  'requirePolicyScope',
  'requireMachineScope',
  'requireFingerprintScope',
  'requireComponentsScope',
  'requireUserScope',
  'requireChecksumScope',
  'requireVersionScope',
  'requireCheckIn',
  'checkInInterval',
  'checkInIntervalCount',
  'heartbeatDuration',
  'heartbeatCullStrategy',
  'heartbeatResurrectionStrategy',
  'heartbeatBasis',
  'requireHeartbeat',
  'metadata',
  'created',
  'updated',
];
export const POLICY_RELATIONSHIPS = ['account', 'product', 'pool', 'licenses', 'entitlements'];

/** keygen-api ProductSerializer (CE). */
export const PRODUCT_ATTRIBUTES = ['name', 'code', 'distributionStrategy', 'url', 'platforms', 'metadata', 'created', 'updated'];
