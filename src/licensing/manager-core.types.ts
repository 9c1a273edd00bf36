/**
 * The types of the license manager's shared core (`manager-core.ts`): what it is built from,
 * and what its parts (activation, renewal, deactivation, installed files, seats) are given.
 */
import type { Result } from '../contract/codes.js';
import type { VendorConfig } from '../config/vendor-config.types.js';
import type { CheckoutOptions, Credentials, KeygenClient, SignedAnswer, ValidationScope } from '../keygen/client.types.js';
import type { PinnedKey } from '../license-file/public-key.js';
import type { VerifiedLicenseFile } from '../license-file/types.js';
import type { MachineService } from '../machine/machine.service.js';
import type { SecretStore } from '../vault/secret-store.js';
import type { TrustedClock } from './clock.js';
import type { InstalledLicense, StatusWarning } from './manager.types.js';
import type { OfflineTerms } from './offline-terms.js';
import type { Evaluated } from './status.js';
import type { InstalledRecord, LicensingState, StateStore } from './state.types.js';
import type { DecisionTime } from './verdict.js';

export interface LicenseManagerDeps {
  readonly config: VendorConfig;
  readonly client: KeygenClient;
  /** The client for the online half of `status`; default `client`. A runtime passes one that fails fast (no retries). */
  readonly statusClient?: KeygenClient;
  readonly state: StateStore;
  readonly secrets: SecretStore;
  readonly machine: Pick<MachineService, 'fingerprint' | 'describe'>;
  /** The local clock, in ms since the epoch. */
  readonly now: () => number;
  /** The clock corrected by the server's signed time; default: over `now`. The runtime shares one with its clients. */
  readonly clock?: TrustedClock;
  /** Waits between retries; injected by tests so that nothing really waits. */
  readonly sleep?: (ms: number) => Promise<void>;
  /** Diagnostics; never given a license key or token. */
  readonly log?: (line: string) => void;
  /** Called once per licensing API call (retries inside the client are not counted), with the call's name. */
  readonly onRequest?: (call: keyof KeygenClient) => void;
}

/** The active license, judged offline, with its key and the credentials it gives. */
export interface ActiveAccess {
  readonly entry: Evaluated;
  readonly key: string;
  readonly credentials: Credentials;
}

/** Every installed license judged at one instant, and the state they came from. */
export interface Evaluation {
  readonly state: LicensingState;
  readonly entries: readonly Evaluated[];
  readonly active: Evaluated | null;
  readonly time: DecisionTime;
  /** Warnings about the installation as a whole (several licenses, a set-aside state, an activation in flight, the clock). */
  readonly warnings: readonly StatusWarning[];
}

/** The shared core the manager's parts are built on. */
export interface ManagerCore {
  readonly config: VendorConfig;
  readonly client: KeygenClient;
  readonly statusClient: KeygenClient;
  readonly secrets: SecretStore;
  readonly machine: LicenseManagerDeps['machine'];
  readonly clock: TrustedClock;
  readonly sleep: (ms: number) => Promise<void>;
  readonly log: (line: string) => void;
  /** The vendor's key, or why it does not parse (every operation then fails with it). */
  readonly pinned: Result<PinnedKey>;
  readonly terms: OfflineTerms;
  /** The check-out every machine file is asked with. */
  readonly checkout: CheckoutOptions;
  /** The state as saved; never writes. */
  load(): Promise<Result<LicensingState>>;
  /** Changes the state under the lock; see `StateStore.update`. */
  update<T>(change: (state: LicensingState) => Result<{ readonly state: LicensingState; readonly value: T }>): Promise<Result<T>>;
  /** Every installed license judged now, offline; never writes. */
  evaluate(): Promise<Result<Evaluation>>;
  /** The active license with its key (LICENSE_KEY_REQUIRED when none is stored), or NOT_ACTIVATED. */
  activeWithKey(): Promise<Result<ActiveAccess>>;
  /** One installed license (LICENSE_NOT_INSTALLED when unknown). */
  getInstalled(id: string): Promise<Result<InstalledLicense>>;
  /** The validation scope: product, the fingerprint (every install: a license file may license one machine only through the server), required entitlements. */
  scopeFor(fingerprint: string | undefined): ValidationScope;
  /** A verified certificate's text as it is kept: sealed when it carries its key in clear. */
  storable(certificate: string, file: VerifiedLicenseFile): Promise<Result<string>>;
  /**
   * Keeps a server answer about license `licenseId` as evidence (a confirmation or a refusal,
   * as it says) and as the latest signed date. Never fails: when the state cannot be written
   * it returns the warning to show.
   */
  keepAnswer(licenseId: string, answer: SignedAnswer, options?: { readonly fresh?: boolean }): Promise<StatusWarning | null>;
  /** When the installed file of `record` was issued (its signed date, whatever the clock), or null when it cannot be opened. */
  issuedOf(record: InstalledRecord): Promise<number | null>;
  /** Removes a license's record, then its key. */
  removeLocally(record: InstalledRecord): Promise<Result<void>>;
  /** Deletes license keys that no record or activation in flight refers to (left by a crash). Best effort. */
  cleanOrphanKeys(): Promise<void>;
}
