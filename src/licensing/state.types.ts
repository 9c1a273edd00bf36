import type { Result } from '../contract/codes.js';
import type { SignedAnswer } from '../keygen/client.types.js';

/**
 * What Tessera keeps on disk about installed licenses: a cache of evidence the vendor's key
 * signed (certificates, server answers kept whole) and the operations in flight. Nothing here
 * decides on its own: every date a decision uses is read from signed evidence, verified again
 * each time. Secrets (license keys, tokens) are never here: they live in the secret store,
 * under the account names given in `licenseKeyRef`.
 */

/** The version this Tessera writes. A newer one is refused (STATE_TOO_NEW) and left untouched. */
export const STATE_VERSION = 2;

/** The server's latest word on one license, kept with its signature. */
export interface RecordEvidence {
  /** The newest answer that speaks for the license: a valid validation, a check-in. */
  readonly confirmation: SignedAnswer | null;
  /** The newest refusal: suspended, expired, banned, revoked, or this machine gone. */
  readonly refusal: SignedAnswer | null;
}

/** No answer kept yet. */
export const NO_EVIDENCE: RecordEvidence = { confirmation: null, refusal: null };

/** One installed license: a machine file from an activation, or a license/machine file imported by hand. */
export interface InstalledRecord {
  /** The license id (UUID) from the certificate; one record per license. */
  readonly id: string;
  readonly kind: 'license' | 'machine';
  readonly source: 'activation' | 'import';
  /**
   * The certificate exactly as received (armored), or, for a file that carries its license
   * key in clear (unencrypted), that text sealed with the state key (`sealed-certificate.ts`),
   * so that no key is ever on disk in plain text.
   */
  readonly certificate: string;
  /** The machine id on the server (activations), else null. */
  readonly machineId: string | null;
  /** The fingerprint the machine file is bound to, else null. */
  readonly fingerprint: string | null;
  /** Secret-store account holding the license key, or null when none is stored. */
  readonly licenseKeyRef: string | null;
  /** A person's label for the license (agent `PATCH`), or null. */
  readonly label: string | null;
  /** Chosen as the active license (`tessera licenses use`, the console, the agent's `pinned`). */
  readonly pinned: boolean;
  readonly evidence: RecordEvidence;
  /**
   * When a deactivation started (ms), or null. Set before the seat is freed on the server: the
   * license stops counting as licensed at once, and the next run finishes the deactivation.
   */
  readonly deactivating: number | null;
  readonly installedAt: number;
  readonly updatedAt: number;
}

/**
 * An activation in flight, written before the seat is taken on the server: after a crash, the
 * next run finishes it (checks out the machine file) or releases the seat.
 */
export interface PendingActivation {
  readonly licenseId: string;
  readonly fingerprint: string;
  /** Where the license key was stored before the seat was taken. */
  readonly licenseKeyRef: string;
  /** The machine id once the server created (or recognised) it; null before. */
  readonly machineId: string | null;
  /** Whether this activation created the machine (only then may giving up release the seat). */
  readonly created: boolean;
  readonly startedAt: number;
}

/** A damaged state file that was moved aside, until a person dismisses the notice. */
export interface SetAsideNotice {
  readonly name: string;
  readonly at: number;
}

/** The whole state, saved and loaded as one unit. */
export interface LicensingState {
  readonly version: typeof STATE_VERSION;
  readonly licenses: readonly InstalledRecord[];
  /**
   * The verified server answer with the latest signed date seen, from any license: with the
   * installed files' signed `issued` dates, it bounds how far back the clock may be set.
   */
  readonly timeWitness: SignedAnswer | null;
  readonly activations: readonly PendingActivation[];
  readonly setAside: readonly SetAsideNotice[];
}

/** The empty state of a fresh installation. */
export const EMPTY_STATE: LicensingState = { version: STATE_VERSION, licenses: [], timeWitness: null, activations: [], setAside: [] };

/** Why the state could not be read: damaged, made by a newer Tessera, or its folder unusable. */
export type StateReadCode = 'STATE_UNREADABLE' | 'STATE_TOO_NEW' | 'DATA_FOLDER_UNUSABLE';
/** Why a change could not be saved. */
export type StateWriteCode = 'STATE_TOO_NEW' | 'STATE_BUSY' | 'DATA_FOLDER_READ_ONLY' | 'DISK_FULL' | 'DATA_FOLDER_UNUSABLE';

/**
 * Durable storage of `LicensingState`. Reading never writes (a read-only or full disk still
 * answers); changes run under a lock shared by every Tessera process on the folder, and are
 * atomic: after a crash at any instant, `load` returns the previous or the new state.
 */
export interface StateStore {
  /**
   * The saved state (a version 1 state migrated in memory), or EMPTY_STATE when nothing was
   * saved. A damaged file is STATE_UNREADABLE, left where it is until the next change sets it
   * aside; a newer version's file is STATE_TOO_NEW, never touched.
   */
  load(): Promise<Result<LicensingState, StateReadCode>>;
  /**
   * Loads, changes and saves under the cross-process lock. A damaged file is set aside first
   * (and noted in `setAside`); `change` returns the new state, or a failure that leaves the file
   * as it was. Failures: the codes of `StateWriteCode`, or `change`'s own.
   */
  update<T>(change: (state: LicensingState) => Result<{ readonly state: LicensingState; readonly value: T }>): Promise<Result<T>>;
  /** The folder the state lives in (for diagnostics and for the secrets scan in tests). */
  readonly folder: string;
}
