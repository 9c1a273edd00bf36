/**
 * The air-gapped operations over one licensing runtime: what the contract's `airgap:*` and
 * `drives:*` operations run (for the app and the web console), built by hand from the runtime's
 * configuration, secret store and license manager. The CLI commands use the same pieces.
 */
import { hostname } from 'node:os';
import { userInfo } from 'node:os';
import type { AirgapMachine, CarriedFile, CreatedRequest, DriveView, FulfilAccess, FulfilResult, ImportResult, OfflineDeactivation } from '../contract/airgap.types.js';
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { createKeygenClient } from '../keygen/client.js';
import { createNodeTransport } from '../keygen/transport.js';
import { parsePublicKey } from '../license-file/public-key.js';
import type { LicensingRuntime } from '../licensing/runtime.types.js';
import { createMachineService, type MachineService } from '../machine/machine.service.js';
import { createDriveWatcher, defaultMountRoots, type DriveWatcher } from './drives.js';
import { createFulfiller, type Fulfiller } from './fulfil.js';
import { fulfilBatch, isFulfilName } from './fulfil-batch.js';
import { importFiles, isImportName } from './import-files.js';
import { listFiles } from './list-files.js';
import { deactivateOffline } from './offline-deactivation.js';
import { rateLimitRetrying } from './rate-limit-transport.js';
import { createReceiptLedger } from './receipt-ledger.js';
import { createActivationRequest } from './request.js';
import { createFilePool, type FilePool } from './worker-pool.js';

export interface AirgapServiceOptions {
  readonly runtime: Pick<LicensingRuntime, 'manager' | 'config' | 'secrets' | 'dataFolder'>;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly version: string;
  readonly machine?: Pick<MachineService, 'fingerprint' | 'describe'>;
  readonly drives?: DriveWatcher;
  readonly now?: () => number;
}

/** The air-gapped operations; every expected failure is a value. */
export interface AirgapService {
  machine(): Promise<Result<AirgapMachine>>;
  createRequest(licenseKey?: string): Promise<Result<CreatedRequest>>;
  importFile(file: CarriedFile, licenseKey?: string): Promise<Result<ImportResult>>;
  deactivateOffline(): Promise<Result<OfflineDeactivation>>;
  fulfilFile(file: CarriedFile, access: FulfilAccess): Promise<Result<FulfilResult>>;
  listDrives(): Promise<Result<readonly DriveView[]>>;
  importDrive(drive: string, licenseKey?: string): Promise<Result<{ readonly results: readonly ImportResult[] }>>;
  fulfilDrive(drive: string, access: FulfilAccess): Promise<Result<{ readonly results: readonly FulfilResult[] }>>;
}

/** The fulfiller for a runtime: a Keygen client that waits out rate limits, and the receipt ledger. Null when the pinned key does not parse. */
export function fulfillerFor(runtime: Pick<LicensingRuntime, 'config' | 'dataFolder'>, env: Readonly<Record<string, string | undefined>>, now: () => number = Date.now): Fulfiller | null {
  const pinned = parsePublicKey(runtime.config.publicKey);
  if (!pinned.ok) return null;
  const client = createKeygenClient({ config: runtime.config, env, now, transport: rateLimitRetrying(createNodeTransport({ env, keepAlive: true })) });
  return createFulfiller({ config: runtime.config, client, pinned: pinned.value, ledger: createReceiptLedger(runtime.dataFolder), now });
}

/** Builds the service. Nothing starts until an operation runs (the worker pool, the client). */
export function createAirgapService(options: AirgapServiceOptions): AirgapService {
  const { runtime } = options;
  const now = options.now ?? Date.now;
  const machine = options.machine ?? createMachineService();
  const drives =
    options.drives ??
    (() => {
      const { roots, rootsAreDrives } = defaultMountRoots(options.env, process.platform, safeUser());
      return createDriveWatcher({ roots, rootsAreDrives, now });
    })();
  let pool: FilePool | null = null;
  let fulfiller: Fulfiller | null = null;
  const filePool = (): FilePool => (pool ??= createFilePool());
  const fulfillerNow = (): Fulfiller | null => (fulfiller ??= fulfillerFor(runtime, options.env, now));
  const importDeps = () => ({ manager: runtime.manager, secrets: runtime.secrets, machine, publicKey: runtime.config.publicKey, pool: filePool() });
  const ok = <T>(value: T): Result<T> => ({ ok: true, value });

  return {
    async machine() {
      const described = await machine.describe();
      if (!described.ok) return described;
      return ok({ fingerprint: described.value.fingerprint, hostname: described.value.hostname, platform: described.value.platform });
    },
    async createRequest(licenseKey) {
      const made = await createActivationRequest(
        { config: runtime.config, secrets: runtime.secrets, machine, now, version: options.version },
        licenseKey === undefined ? {} : { licenseKey },
      );
      if (!made.ok) return made;
      return ok({ file: { name: made.value.name, text: made.value.text }, fingerprint: made.value.document.machine.fingerprint, includesLicenseKey: licenseKey !== undefined });
    },
    async importFile(file, licenseKey) {
      const [result] = await importFiles([{ name: file.name, text: file.text }], importDeps(), licenseKey === undefined ? {} : { licenseKey });
      return ok(result as ImportResult);
    },
    async deactivateOffline() {
      const done = await deactivateOffline({ manager: runtime.manager, secrets: runtime.secrets, config: runtime.config, dataFolder: runtime.dataFolder, hostname, now });
      if (!done.ok) return done;
      return ok({ licenseId: done.value.licenseId, machineId: done.value.machineId, receipt: { name: done.value.name, text: done.value.text } });
    },
    async fulfilFile(file, access) {
      const using = fulfillerNow();
      if (using === null) return fail('PUBLIC_KEY_INVALID');
      const [result] = await fulfilBatch([{ name: file.name, text: file.text }], { fulfiller: using, pool: filePool(), access, concurrency: 1 });
      return ok(result as FulfilResult);
    },
    async listDrives() {
      return ok(await drives.list());
    },
    async importDrive(drive, licenseKey) {
      const path = drives.pathOf(drive);
      if (path === null) return fail('DRIVE_NOT_FOUND');
      const files = await listFiles(path, { match: isImportName, maxDepth: 3 }).catch(() => null);
      if (files === null) return fail('DRIVE_NOT_FOUND');
      const results = await importFiles(files.map((file) => ({ path: file, shown: file.slice(path.length + 1) })), importDeps(), licenseKey === undefined ? {} : { licenseKey });
      return ok({ results });
    },
    async fulfilDrive(drive, access) {
      const path = drives.pathOf(drive);
      if (path === null) return fail('DRIVE_NOT_FOUND');
      const using = fulfillerNow();
      if (using === null) return fail('PUBLIC_KEY_INVALID');
      const files = await listFiles(path, { match: isFulfilName, maxDepth: 3 }).catch(() => null);
      if (files === null) return fail('DRIVE_NOT_FOUND');
      const results = await fulfilBatch(
        files.map((file) => ({ path: file, shown: file.slice(path.length + 1) })),
        { fulfiller: using, pool: filePool(), access },
      );
      // Written next to each request on the drive; the paths shown are the drive's own.
      return ok({ results: results.map((result) => (result.output === undefined ? result : { ...result, output: result.output.startsWith(path) ? result.output.slice(path.length + 1) : result.output })) });
    },
  };
}

function safeUser(): string {
  try {
    return userInfo().username;
  } catch {
    return process.env.USER ?? '';
  }
}
