import type { Result } from '../contract/codes.js';

/**
 * What Tessera keeps on disk about installed licenses. Secrets (license keys, tokens) are never
 * here: they live in the OS keychain, under the account names given in `secretRefs`.
 */

/** One installed license: a machine file from an activation, or a license/machine file imported by hand. */
export interface InstalledRecord {
  /** The license id (UUID) from the certificate; one record per license. */
  readonly id: string;
  readonly kind: 'license' | 'machine';
  readonly source: 'activation' | 'import';
  /** The certificate text exactly as received (armored). */
  readonly certificate: string;
  /** The machine id on the server (activations), else null. */
  readonly machineId: string | null;
  /** The fingerprint the machine file is bound to, else null. */
  readonly fingerprint: string | null;
  /** Keychain account holding the license key, or null when none is stored (unencrypted import). */
  readonly licenseKeyRef: string | null;
  /** A person's label for the license (agent `PATCH`), or null. */
  readonly label: string | null;
  /** Pinned as the active license even when others are valid. */
  readonly pinned: boolean;
  /** The last successful online check-in (ms), or null. */
  readonly lastCheckInAt: number | null;
  /** The next check-in the server asked for (ms), or null when none is required. */
  readonly nextCheckInAt: number | null;
  /** Whether the license's policy requires heartbeats from this machine. */
  readonly requireHeartbeat: boolean;
  /** Heartbeat window in seconds when required. */
  readonly heartbeatDuration: number | null;
  readonly installedAt: number;
  readonly updatedAt: number;
}

/** The whole state, saved and loaded as one unit. */
export interface LicensingState {
  readonly version: 1;
  readonly licenses: readonly InstalledRecord[];
  /**
   * Rollback watermark: the latest trusted time seen (ms), persisted and advanced on every
   * successful check. A clock earlier than this is CLOCK_ROLLED_BACK.
   */
  readonly watermark: number;
}

/** The empty state of a fresh installation. */
export const EMPTY_STATE: LicensingState = { version: 1, licenses: [], watermark: 0 };

/**
 * Durable storage of `LicensingState`. `save` is atomic: after a crash at any instant, `load`
 * returns either the previous or the new state, never a mix or a broken file.
 */
export interface StateStore {
  /** The saved state, or EMPTY_STATE when nothing was saved; a file that cannot be parsed is `STATE_UNREADABLE` (and is kept aside). */
  load(): Promise<Result<LicensingState, 'STATE_UNREADABLE'>>;
  /** Replaces the saved state atomically. Throws on I/O errors (disk full, permissions): those are not expected failures. */
  save(state: LicensingState): Promise<void>;
  /** The folder the state lives in (for diagnostics and for the secrets scan in tests). */
  readonly folder: string;
}
