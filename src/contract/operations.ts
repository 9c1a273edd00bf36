/**
 * The one contract between the UI and the core: operation name → input → result. Electron IPC
 * (the preload's `window.tessera`), the web console's HTTP bridge and the core's handlers are
 * all generated from this map, so a verb cannot exist in one transport and not in another.
 *
 * Portable: the renderer imports this file (types and pure helpers only, no schema library).
 * The run-time input schemas live beside it in `operation-schemas.ts`, for the Node side.
 */
import type { AdminLicense, AdminSession, AuditEntry, BulkProgress, ExportFile, ExportFormat, ListPage, SeatCapacity } from './admin.js';
import type { FailureCode, Result } from './codes.js';
import type { DoctorReport } from './doctor.js';
import type { BulkOutcome, InstalledLicense, Paged, Seat, StatusReport } from '../licensing/manager.types.js';
import type { AirgapMachine, CarriedFile, CreatedRequest, DriveView, FulfilAccess, FulfilResult, ImportResult, OfflineDeactivation } from './airgap.types.js';

export type { AirgapMachine, CarriedFile, CreatedRequest, DriveView, FulfilAccess, FulfilResult, ImportResult, OfflineDeactivation } from './airgap.types.js';

/** The permission an operation needs from a web console session or an agent token. */
export type OperationScope = 'licensing:read' | 'licensing:write' | 'licensing:delete';

/**
 * Who can list or deactivate seats: the active license's own key (kept in the keychain), an
 * administrator (a token given with the request, or the signed-in one, which never leaves the
 * core), or a license key typed by its owner (an end user freeing a seat without being activated).
 */
export type SeatAccess =
  | { readonly kind: 'active-license' }
  | { readonly kind: 'admin'; readonly adminToken: string; readonly licenseId: string }
  | { readonly kind: 'admin-session'; readonly licenseId: string }
  | { readonly kind: 'license-key'; readonly licenseKey: string };

/** Whether an administrator asks (a token given with the request, or the signed-in one), for one license. */
export function isAdminAccess(access: SeatAccess): access is Extract<SeatAccess, { readonly licenseId: string }> {
  return access.kind === 'admin' || access.kind === 'admin-session';
}

/** A license or machine file picked by the person (native dialog, file picker or drag-and-drop): its name and text. */
export interface ChosenFile {
  readonly name: string;
  readonly certificate: string;
}

/** What the Settings screen shows: where Tessera talks to and keeps its data. Never a secret. */
export interface SettingsView {
  readonly apiUrl: string;
  readonly account: string;
  /** The product licenses must belong to, or null when not scoped to one. */
  readonly product: string | null;
  /**
   * `file` with its path, or the embedded local issuer. `shipped`: the file is the vendor's,
   * shipped with the app (the trust anchor); `apiUrlFrom`: the override that changed its `apiUrl`.
   */
  readonly vendor:
    | { readonly kind: 'file'; readonly path: string; readonly shipped?: boolean; readonly apiUrlFrom?: string }
    | { readonly kind: 'embedded' };
  /** Proxies in use, with any user:password removed. */
  readonly proxy: { readonly https: string | null; readonly http: string | null; readonly noProxy: string | null };
  readonly dataFolder: string;
  /**
   * Where secrets are kept: the OS keychain only, the keychain or (on a machine without one)
   * the owner-only `file`, or that file only.
   */
  readonly secrets: { readonly mode: 'keychain' | 'auto' | 'file'; readonly file: string };
  readonly version: string;
  /** Where the UI runs: the Electron window or the web console. */
  readonly shell: 'desktop' | 'console';
}

/** Inputs and results, by operation. Every result is a `Result`: expected failures are values. */
export interface OperationMap {
  'license:status': { input: { readonly online?: boolean }; value: StatusReport };
  'license:activate': { input: { readonly licenseKey: string }; value: StatusReport };
  'license:check-in': { input: Record<string, never>; value: StatusReport };
  'license:renew': { input: Record<string, never>; value: StatusReport };
  'license:deactivate': { input: Record<string, never>; value: { readonly licenseId: string; readonly machineId: string } };
  'files:choose': { input: Record<string, never>; value: ChosenFile | null };
  'files:import': { input: { readonly certificate: string; readonly licenseKey?: string }; value: InstalledLicense };
  'licenses:list': { input: { readonly after?: string; readonly limit?: number }; value: Paged<InstalledLicense> };
  'licenses:remove': { input: { readonly id: string }; value: null };
  /** Makes an installed license the active one (the one `license:status` answers for). */
  'licenses:use': { input: { readonly id: string }; value: InstalledLicense };
  /** Forgets the notices about damaged license states set aside. */
  'licenses:dismiss-notices': { input: Record<string, never>; value: null };
  'seats:list': { input: { readonly access: SeatAccess; readonly page?: number; readonly size?: number }; value: Paged<Seat> };
  'seats:deactivate': { input: { readonly access: SeatAccess; readonly ids: readonly string[] }; value: BulkOutcome };
  'settings:get': { input: Record<string, never>; value: SettingsView };
  'settings:diagnostics': { input: Record<string, never>; value: { readonly text: string } };
  /** The checks of `tessera doctor`: keychain, data folder, state, network, TLS, clock, configuration. */
  'settings:doctor': { input: Record<string, never>; value: DoctorReport };
  // Administrator views.
  'admin:sign-in': { input: { readonly token: string }; value: AdminSession };
  'admin:session': { input: Record<string, never>; value: AdminSession | null };
  'admin:sign-out': { input: Record<string, never>; value: null };
  'admin:licenses': { input: { readonly page?: number; readonly size?: number; readonly search?: string }; value: ListPage<AdminLicense> };
  'admin:export-licenses': { input: { readonly format: ExportFormat; readonly search?: string }; value: ExportFile };
  'seats:capacity': { input: { readonly access: SeatAccess }; value: SeatCapacity };
  'seats:export': { input: { readonly access: SeatAccess; readonly format: ExportFormat; readonly unseenDays?: number }; value: ExportFile };
  'seats:bulk-start': { input: { readonly access: SeatAccess; readonly ids: readonly string[] }; value: BulkProgress };
  'seats:bulk-status': { input: { readonly jobId: string }; value: BulkProgress };
  'seats:bulk-cancel': { input: { readonly jobId: string }; value: BulkProgress };
  'audit:list': { input: { readonly limit?: number }; value: { readonly entries: readonly AuditEntry[]; readonly path: string } };
  'airgap:machine': { input: Record<string, never>; value: AirgapMachine };
  'airgap:create-request': { input: { readonly licenseKey?: string }; value: CreatedRequest };
  'airgap:import-file': { input: { readonly file: CarriedFile; readonly licenseKey?: string }; value: ImportResult };
  'airgap:deactivate-offline': { input: Record<string, never>; value: OfflineDeactivation };
  'airgap:fulfil-file': { input: { readonly file: CarriedFile; readonly access: FulfilAccess }; value: FulfilResult };
  'drives:list': { input: Record<string, never>; value: readonly DriveView[] };
  'drives:import': { input: { readonly drive: string; readonly licenseKey?: string }; value: { readonly results: readonly ImportResult[] } };
  'drives:fulfil': { input: { readonly drive: string; readonly access: FulfilAccess }; value: { readonly results: readonly FulfilResult[] } };
  'files:choose-many': { input: Record<string, never>; value: readonly CarriedFile[] };
  'files:save': { input: { readonly file: CarriedFile }; value: { readonly saved: boolean } };
}

export type OperationName = keyof OperationMap;
export type OperationInput<N extends OperationName> = OperationMap[N]['input'];
export type OperationResult<N extends OperationName> = Result<OperationMap[N]['value'], FailureCode>;

/** How each operation is reached: its verb on the bridge (`license.checkIn`), its positional arguments, and its scope. */
interface OperationSpec<N extends OperationName> {
  readonly domain: keyof TesseraBridge;
  readonly verb: string;
  /** The input's keys, in the order the verb takes them as arguments. */
  readonly args: readonly (keyof OperationInput<N> & string)[];
  readonly scope: OperationScope;
  /**
   * `shell`: served by the shell around the UI (Electron's native dialog, the browser's file
   * picker), never by the core or over HTTP.
   */
  readonly servedBy: 'core' | 'shell';
}

/** The operations, with their bridge verbs. Names are `domain:verb-noun`. */
export const OPERATIONS: { readonly [N in OperationName]: OperationSpec<N> } = {
  'license:status': { domain: 'license', verb: 'status', args: ['online'], scope: 'licensing:read', servedBy: 'core' },
  'license:activate': { domain: 'license', verb: 'activate', args: ['licenseKey'], scope: 'licensing:write', servedBy: 'core' },
  'license:check-in': { domain: 'license', verb: 'checkIn', args: [], scope: 'licensing:write', servedBy: 'core' },
  'license:renew': { domain: 'license', verb: 'renew', args: [], scope: 'licensing:write', servedBy: 'core' },
  'license:deactivate': { domain: 'license', verb: 'deactivate', args: [], scope: 'licensing:delete', servedBy: 'core' },
  'files:choose': { domain: 'files', verb: 'chooseFile', args: [], scope: 'licensing:read', servedBy: 'shell' },
  'files:import': { domain: 'files', verb: 'import', args: ['certificate', 'licenseKey'], scope: 'licensing:write', servedBy: 'core' },
  'licenses:list': { domain: 'licenses', verb: 'list', args: ['after', 'limit'], scope: 'licensing:read', servedBy: 'core' },
  'licenses:remove': { domain: 'licenses', verb: 'remove', args: ['id'], scope: 'licensing:delete', servedBy: 'core' },
  'licenses:use': { domain: 'licenses', verb: 'use', args: ['id'], scope: 'licensing:write', servedBy: 'core' },
  'licenses:dismiss-notices': { domain: 'licenses', verb: 'dismissNotices', args: [], scope: 'licensing:write', servedBy: 'core' },
  'seats:list': { domain: 'seats', verb: 'list', args: ['access', 'page', 'size'], scope: 'licensing:read', servedBy: 'core' },
  'seats:deactivate': { domain: 'seats', verb: 'deactivate', args: ['access', 'ids'], scope: 'licensing:delete', servedBy: 'core' },
  'settings:get': { domain: 'settings', verb: 'get', args: [], scope: 'licensing:read', servedBy: 'core' },
  'settings:diagnostics': { domain: 'settings', verb: 'diagnostics', args: [], scope: 'licensing:read', servedBy: 'core' },
  'settings:doctor': { domain: 'settings', verb: 'doctor', args: [], scope: 'licensing:read', servedBy: 'core' },
  'admin:sign-in': { domain: 'admin', verb: 'signIn', args: ['token'], scope: 'licensing:write', servedBy: 'core' },
  'admin:session': { domain: 'admin', verb: 'session', args: [], scope: 'licensing:read', servedBy: 'core' },
  'admin:sign-out': { domain: 'admin', verb: 'signOut', args: [], scope: 'licensing:write', servedBy: 'core' },
  'admin:licenses': { domain: 'admin', verb: 'licenses', args: ['page', 'size', 'search'], scope: 'licensing:read', servedBy: 'core' },
  'admin:export-licenses': { domain: 'admin', verb: 'exportLicenses', args: ['format', 'search'], scope: 'licensing:read', servedBy: 'core' },
  'seats:capacity': { domain: 'seats', verb: 'capacity', args: ['access'], scope: 'licensing:read', servedBy: 'core' },
  'seats:export': { domain: 'seats', verb: 'export', args: ['access', 'format', 'unseenDays'], scope: 'licensing:read', servedBy: 'core' },
  'seats:bulk-start': { domain: 'seats', verb: 'bulkStart', args: ['access', 'ids'], scope: 'licensing:delete', servedBy: 'core' },
  'seats:bulk-status': { domain: 'seats', verb: 'bulkStatus', args: ['jobId'], scope: 'licensing:read', servedBy: 'core' },
  'seats:bulk-cancel': { domain: 'seats', verb: 'bulkCancel', args: ['jobId'], scope: 'licensing:delete', servedBy: 'core' },
  'audit:list': { domain: 'audit', verb: 'list', args: ['limit'], scope: 'licensing:read', servedBy: 'core' },
  'airgap:machine': { domain: 'airgap', verb: 'machine', args: [], scope: 'licensing:read', servedBy: 'core' },
  'airgap:create-request': { domain: 'airgap', verb: 'createRequest', args: ['licenseKey'], scope: 'licensing:write', servedBy: 'core' },
  'airgap:import-file': { domain: 'airgap', verb: 'importFile', args: ['file', 'licenseKey'], scope: 'licensing:write', servedBy: 'core' },
  'airgap:deactivate-offline': { domain: 'airgap', verb: 'deactivateOffline', args: [], scope: 'licensing:delete', servedBy: 'core' },
  'airgap:fulfil-file': { domain: 'airgap', verb: 'fulfilFile', args: ['file', 'access'], scope: 'licensing:write', servedBy: 'core' },
  'drives:list': { domain: 'drives', verb: 'list', args: [], scope: 'licensing:read', servedBy: 'core' },
  'drives:import': { domain: 'drives', verb: 'import', args: ['drive', 'licenseKey'], scope: 'licensing:write', servedBy: 'core' },
  'drives:fulfil': { domain: 'drives', verb: 'fulfil', args: ['drive', 'access'], scope: 'licensing:write', servedBy: 'core' },
  'files:choose-many': { domain: 'files', verb: 'chooseMany', args: [], scope: 'licensing:read', servedBy: 'shell' },
  'files:save': { domain: 'files', verb: 'save', args: ['file'], scope: 'licensing:read', servedBy: 'shell' },
};

export const OPERATION_NAMES = Object.keys(OPERATIONS) as OperationName[];

/** Whether `value` names an operation of the contract. */
export function isOperationName(value: unknown): value is OperationName {
  return typeof value === 'string' && Object.hasOwn(OPERATIONS, value);
}

/** A verb of the bridge: the operation's input keys as positional arguments, resolving to its result. */
type Verb<N extends OperationName> = (...args: VerbArgs<N>) => Promise<OperationResult<N>>;
type VerbArgs<N extends OperationName> = N extends 'license:status'
  ? [online?: boolean]
  : N extends 'license:activate'
    ? [licenseKey: string]
    : N extends 'files:import'
      ? [certificate: string, licenseKey?: string]
      : N extends 'licenses:list'
        ? [after?: string, limit?: number]
        : N extends 'licenses:remove' | 'licenses:use'
          ? [id: string]
          : N extends 'seats:list'
            ? [access: SeatAccess, page?: number, size?: number]
            : N extends 'seats:deactivate'
              ? [access: SeatAccess, ids: readonly string[]]
              : AdminVerbArgs<N>;

/** The administrator views' verbs' arguments. */
type AdminVerbArgs<N extends OperationName> = N extends 'admin:sign-in'
  ? [token: string]
  : N extends 'admin:licenses'
    ? [page?: number, size?: number, search?: string]
    : N extends 'admin:export-licenses'
      ? [format: ExportFormat, search?: string]
      : N extends 'seats:capacity'
        ? [access: SeatAccess]
        : N extends 'seats:export'
          ? [access: SeatAccess, format: ExportFormat, unseenDays?: number]
          : N extends 'seats:bulk-start'
            ? [access: SeatAccess, ids: readonly string[]]
            : N extends 'seats:bulk-status' | 'seats:bulk-cancel'
              ? [jobId: string]
              : N extends 'audit:list'
                ? [limit?: number]
                : AirgapVerbArgs<N>;

/** The air-gapped verbs' arguments (kept apart so that other verbs can be added above without touching these). */
type AirgapVerbArgs<N extends OperationName> = N extends 'airgap:create-request'
  ? [licenseKey?: string]
  : N extends 'airgap:import-file'
    ? [file: CarriedFile, licenseKey?: string]
    : N extends 'airgap:fulfil-file'
      ? [file: CarriedFile, access: FulfilAccess]
      : N extends 'drives:import'
        ? [drive: string, licenseKey?: string]
        : N extends 'drives:fulfil'
          ? [drive: string, access: FulfilAccess]
          : N extends 'files:save'
            ? [file: CarriedFile]
            : [];

/** `window.tessera`: `license.activate(key)`, `license.status()`, `files.chooseFile()`, … */
export interface TesseraBridge {
  readonly license: {
    status: Verb<'license:status'>;
    activate: Verb<'license:activate'>;
    checkIn: Verb<'license:check-in'>;
    renew: Verb<'license:renew'>;
    deactivate: Verb<'license:deactivate'>;
  };
  readonly files: { chooseFile: Verb<'files:choose'>; import: Verb<'files:import'>; chooseMany: Verb<'files:choose-many'>; save: Verb<'files:save'> };
  readonly licenses: { list: Verb<'licenses:list'>; remove: Verb<'licenses:remove'>; use: Verb<'licenses:use'>; dismissNotices: Verb<'licenses:dismiss-notices'> };
  readonly seats: {
    list: Verb<'seats:list'>;
    deactivate: Verb<'seats:deactivate'>;
    capacity: Verb<'seats:capacity'>;
    export: Verb<'seats:export'>;
    bulkStart: Verb<'seats:bulk-start'>;
    bulkStatus: Verb<'seats:bulk-status'>;
    bulkCancel: Verb<'seats:bulk-cancel'>;
  };
  readonly settings: { get: Verb<'settings:get'>; diagnostics: Verb<'settings:diagnostics'>; doctor: Verb<'settings:doctor'> };
  readonly admin: {
    signIn: Verb<'admin:sign-in'>;
    session: Verb<'admin:session'>;
    signOut: Verb<'admin:sign-out'>;
    licenses: Verb<'admin:licenses'>;
    exportLicenses: Verb<'admin:export-licenses'>;
  };
  readonly audit: { list: Verb<'audit:list'> };
  readonly airgap: {
    machine: Verb<'airgap:machine'>;
    createRequest: Verb<'airgap:create-request'>;
    importFile: Verb<'airgap:import-file'>;
    deactivateOffline: Verb<'airgap:deactivate-offline'>;
    fulfilFile: Verb<'airgap:fulfil-file'>;
  };
  readonly drives: { list: Verb<'drives:list'>; import: Verb<'drives:import'>; fulfil: Verb<'drives:fulfil'> };
}

/** Sends one operation over a transport (IPC invoke, HTTP POST) and resolves to its result. */
export type Invoke = <N extends OperationName>(name: N, input: OperationInput<N>) => Promise<OperationResult<N>>;

/**
 * Builds the bridge's verbs from the contract over one transport. Positional arguments become
 * the input object by the operation's `args`; an argument left out is not sent.
 */
export function createBridge(invoke: Invoke): TesseraBridge {
  const bridge: Record<string, Record<string, (...args: unknown[]) => Promise<unknown>>> = {};
  for (const name of OPERATION_NAMES) {
    const spec = OPERATIONS[name] as OperationSpec<OperationName>;
    const domain = (bridge[spec.domain] ??= {});
    domain[spec.verb] = (...args: unknown[]) => {
      const input: Record<string, unknown> = {};
      spec.args.forEach((key, index) => {
        if (args[index] !== undefined) input[key] = args[index];
      });
      return invoke(name, input as OperationInput<typeof name>);
    };
  }
  return Object.freeze(Object.fromEntries(Object.entries(bridge).map(([key, verbs]) => [key, Object.freeze(verbs)]))) as unknown as TesseraBridge;
}

/** The IPC channel of an operation (Electron main ↔ preload). */
export function channelOf(name: OperationName): string {
  return `tessera:${name}`;
}
