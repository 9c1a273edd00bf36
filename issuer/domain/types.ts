/**
 * The issuer's domain objects, as the repositories return them. Times are milliseconds since
 * the epoch (null when unset); JSON columns are already parsed. Serializers turn these into
 * Keygen's wire shapes; nothing here knows about HTTP.
 */

/** Free-form metadata; keys are stored camelCased, as Keygen serializes them. */
export type Metadata = Record<string, unknown>;

/** A Keygen account: the tenant every other row belongs to, and the response-signing key. */
export interface Account {
  readonly id: string;
  readonly slug: string;
  readonly name: string;
  /** Raw Ed25519 public key, 64 hex characters (what vendors pin). */
  readonly publicKeyHex: string;
  /** PKCS8 PEM. A development issuer keeps it in its database file; never log it. */
  readonly privateKeyPem: string;
  /** PKCS8 PEM of the ECDSA P-256 key for `…+ecdsa-p256` certificates (null until made). */
  readonly ecdsaPrivateKeyPem: string | null;
  /** PKCS8 PEM of the RSA-2048 key for `…+rsa-pss-sha256` and `…+rsa-sha256` certificates (null until made). */
  readonly rsaPrivateKeyPem: string | null;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface Product {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  readonly code: string | null;
  readonly distributionStrategy: string | null;
  readonly url: string | null;
  readonly platforms: readonly string[] | null;
  readonly metadata: Metadata;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Policy attributes by their wire (camelCase) names; see `db/policy-fields.ts` for the full list. */
export type PolicyAttributes = Readonly<Record<string, string | number | boolean | null | Metadata>>;

export interface Policy {
  readonly id: string;
  readonly accountId: string;
  readonly productId: string;
  /** Every serialized attribute except `created`/`updated`, in Keygen's order. */
  readonly attributes: PolicyAttributes;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * Typed accessors for the policy attributes the issuer itself reasons about; its limits are the
 * ones a license may override.
 */
export interface PolicyRules extends LicenseOverrides {
  readonly name: string;
  readonly duration: number | null;
  readonly strict: boolean;
  readonly floating: boolean;
  readonly protected: boolean;
  readonly scheme: string | null;
  readonly encrypted: boolean;
  readonly expirationStrategy: string;
  readonly expirationBasis: string;
  readonly authenticationStrategy: string;
  readonly machineUniquenessStrategy: string;
  readonly requireCheckIn: boolean;
  readonly checkInInterval: string | null;
  readonly checkInIntervalCount: number | null;
  readonly requireHeartbeat: boolean;
  readonly heartbeatDuration: number | null;
}

export interface License {
  readonly id: string;
  readonly accountId: string;
  readonly policyId: string;
  readonly productId: string;
  readonly ownerId: string | null;
  readonly groupId: string | null;
  readonly name: string | null;
  readonly key: string;
  readonly expiry: number | null;
  readonly uses: number;
  readonly suspended: boolean;
  readonly protected: boolean | null;
  /** Per-license overrides of the policy limits (null = inherit). */
  readonly overrides: LicenseOverrides;
  readonly lastValidatedAt: number | null;
  readonly lastValidatedVersion: string | null;
  readonly lastCheckOutAt: number | null;
  readonly lastCheckInAt: number | null;
  readonly metadata: Metadata;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface LicenseOverrides {
  readonly maxMachines: number | null;
  readonly maxProcesses: number | null;
  readonly maxUsers: number | null;
  readonly maxCores: number | null;
  readonly maxMemory: number | null;
  readonly maxDisk: number | null;
  readonly maxUses: number | null;
}

export interface User {
  readonly id: string;
  readonly accountId: string;
  readonly groupId: string | null;
  readonly email: string;
  readonly firstName: string | null;
  readonly lastName: string | null;
  /** `admin` or `user` (Keygen role names, dasherized). */
  readonly role: string;
  readonly bannedAt: number | null;
  readonly metadata: Metadata;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface Group {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  readonly maxLicenses: number | null;
  readonly maxMachines: number | null;
  readonly maxUsers: number | null;
  readonly metadata: Metadata;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface Entitlement {
  readonly id: string;
  readonly accountId: string;
  readonly name: string;
  readonly code: string;
  readonly metadata: Metadata;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** Keygen's token kinds; `activation-token` is a license token (`activ-…`). */
export type TokenKind = 'admin-token' | 'product-token' | 'activation-token' | 'user-token';
export type TokenBearerType = 'users' | 'products' | 'licenses';

export interface Token {
  readonly id: string;
  readonly accountId: string;
  readonly bearerType: TokenBearerType;
  readonly bearerId: string;
  readonly kind: TokenKind;
  readonly name: string | null;
  readonly expiry: number | null;
  readonly maxActivations: number | null;
  readonly activations: number;
  readonly maxDeactivations: number | null;
  readonly deactivations: number;
  readonly createdAt: number;
  readonly updatedAt: number;
}

export interface Machine {
  readonly id: string;
  readonly accountId: string;
  readonly licenseId: string;
  readonly policyId: string;
  readonly productId: string;
  readonly ownerId: string | null;
  readonly fingerprint: string;
  readonly name: string | null;
  readonly ip: string | null;
  readonly hostname: string | null;
  readonly platform: string | null;
  readonly cores: number | null;
  readonly memory: number | null;
  readonly disk: number | null;
  readonly maxProcessesOverride: number | null;
  readonly lastHeartbeatAt: number | null;
  readonly lastDeathEventAt: number | null;
  readonly lastCheckOutAt: number | null;
  /** When a validation last named this machine by fingerprint (an issuer extension: Keygen keeps no such time). */
  readonly lastValidatedAt: number | null;
  readonly metadata: Metadata;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A machine component (a hardware part with its own fingerprint). */
export interface Component {
  readonly id: string;
  readonly accountId: string;
  readonly machineId: string;
  readonly fingerprint: string;
  readonly name: string;
  readonly metadata: Metadata;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/**
 * A machine process (Keygen's `MachineProcess`), with what it inherits through its machine:
 * the license, policy, product and owner it is counted against. Its heartbeat starts at
 * creation, so `lastHeartbeatAt` is always set.
 */
export interface MachineProcess {
  readonly id: string;
  readonly accountId: string;
  readonly machineId: string;
  readonly licenseId: string;
  readonly policyId: string;
  readonly productId: string;
  /** The machine's owner (the PER_USER leasing strategy counts by it). */
  readonly ownerId: string | null;
  readonly pid: string;
  readonly lastHeartbeatAt: number;
  readonly metadata: Metadata;
  readonly createdAt: number;
  readonly updatedAt: number;
}

/** A component with its machine's license, policy and product (for scoping and serializing). */
export interface PlacedComponent extends Component {
  readonly licenseId: string;
  readonly policyId: string;
  readonly productId: string;
}
