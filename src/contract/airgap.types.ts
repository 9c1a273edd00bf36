/**
 * What the air-gapped operations of the contract carry: files moved by hand between an
 * air-gapped machine and a connected one, and the per-file outcome of each step. Portable
 * (the renderer reads these types): no Node, no schema library.
 */
import type { FailureCode } from './codes.js';

/** A file the person picked or dropped (or that the core offers for saving): its name and text. */
export interface CarriedFile {
  readonly name: string;
  readonly text: string;
}

/** This machine as an air-gapped request describes it. */
export interface AirgapMachine {
  /** The full app-scoped fingerprint (64 hex characters). */
  readonly fingerprint: string;
  readonly hostname: string;
  readonly platform: string;
}

/** A new activation request: the file to save (or to show as QR codes) and the fingerprint it asks for. */
export interface CreatedRequest {
  readonly file: CarriedFile;
  readonly fingerprint: string;
  /** Whether the request carries the license key (only when the person asked for it). */
  readonly includesLicenseKey: boolean;
}

/** An offline deactivation: the license is gone from this machine; the receipt frees its seat once fulfilled. */
export interface OfflineDeactivation {
  readonly licenseId: string;
  readonly machineId: string;
  readonly receipt: CarriedFile;
}

/** Who pays for a fulfilment: a license key, an administrator token for one license, or the key each request carries. */
export type FulfilAccess =
  | { readonly kind: 'license-key'; readonly licenseKey: string }
  | { readonly kind: 'admin'; readonly adminToken: string; readonly licenseId: string }
  | { readonly kind: 'from-request' };

/** One request or receipt fulfilled on a connected machine (`tessera fulfil --json` prints these). */
export interface FulfilResult {
  /** The file as named by the person (a path relative to the folder, or the dropped file's name). */
  readonly file: string;
  readonly kind: 'activation' | 'deactivation';
  readonly ok: boolean;
  /** Why it failed; on success only `MACHINE_ALREADY_DEACTIVATED` (a receipt applied twice). */
  readonly code?: FailureCode;
  readonly message?: string;
  /** Where the response or confirmation was written (a path), or its file name when it is returned instead. */
  readonly output?: string;
  /** The machine's id on the licensing server. */
  readonly machine?: string;
  /** The response or confirmation itself, when the caller saves it (the UI); absent when written to disk. */
  readonly document?: CarriedFile;
}

/** What a file offered for import on the air-gapped machine turned out to be. */
export type ImportedKind = 'license' | 'machine' | 'response' | 'request' | 'receipt' | 'unknown';

/** One file imported on the air-gapped machine, or why not (another machine's, needs a key, not genuine, older). */
export interface ImportResult {
  readonly file: string;
  readonly kind: ImportedKind;
  readonly ok: boolean;
  readonly code?: FailureCode;
  readonly message?: string;
  /** The installed license's id. */
  readonly licenseId?: string;
}

/** A removable drive that holds files for Tessera. */
export interface DriveView {
  /** Opaque: the core maps it back to the mount point; the UI never sends a path. */
  readonly id: string;
  /** The drive's name (its mount folder's name). */
  readonly label: string;
  /** Where it is mounted, for the person to recognise it. */
  readonly location: string;
  /** Whether it appeared after Tessera started watching. */
  readonly fresh: boolean;
  /** What Tessera found on it, by kind. */
  readonly counts: { readonly licenseFiles: number; readonly responses: number; readonly requests: number; readonly receipts: number };
}
