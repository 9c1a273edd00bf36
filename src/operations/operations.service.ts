/**
 * The core side of the contract: every operation the UI can ask for, over the licensing
 * runtime. Electron's IPC handlers and the web console's HTTP route both call `run`, which
 * parses the untrusted input with the contract's schema before anything else happens.
 */
import { fail } from '../contract/messages.js';
import type { Failure } from '../contract/codes.js';
import { describeIssues, OPERATION_SCHEMAS } from '../contract/operation-schemas.js';
import { isOperationName, type OperationInput, type OperationName, type OperationResult, type SeatAccess, type SettingsView } from '../contract/operations.js';
import { createAirgapService, type AirgapService } from '../airgap/airgap.service.js';
import type { SeatCredentials } from '../licensing/manager.types.js';
import type { LicensingRuntime } from '../licensing/runtime.types.js';
import { buildDiagnostics, proxySettings } from './diagnostics.js';

export interface OperationsOptions {
  readonly runtime: LicensingRuntime;
  /** Where the UI runs. */
  readonly shell: SettingsView['shell'];
  readonly version: string;
  /** The environment the proxies were read from. */
  readonly env: Readonly<Record<string, string | undefined>>;
  /** This machine's fingerprint, shortened in diagnostics; null when it cannot be read. */
  readonly fingerprint: () => Promise<string | null>;
  readonly now?: () => number;
  /** The air-gapped operations; built from the runtime when not given. */
  readonly airgap?: AirgapService;
}

/** An operation run by the core; `files:choose` belongs to the shell and is refused here. */
export interface OperationsService {
  /** Parses `input` with the operation's schema (INVALID_INPUT when it does not fit), then runs it. Never throws for an expected failure. */
  run<N extends OperationName>(name: N, input: unknown): Promise<OperationResult<N>>;
}

/** The INVALID_INPUT failure, with a description of the rule broken (never the value). */
function invalidInput(detail: string): Failure<'INVALID_INPUT'> {
  return { ...fail('INVALID_INPUT'), message: `${fail('INVALID_INPUT').message} (${detail})` };
}

function credentialsOf(access: SeatAccess): SeatCredentials {
  return access.kind === 'active-license' ? { activeLicense: true } : { adminToken: access.adminToken, licenseId: access.licenseId };
}

export function createOperationsService(options: OperationsOptions): OperationsService {
  const { runtime } = options;
  const { manager } = runtime;
  const now = options.now ?? Date.now;
  let airgapService = options.airgap ?? null;
  const airgap = (): AirgapService => (airgapService ??= createAirgapService({ runtime, env: options.env, version: options.version }));

  function settings(): SettingsView {
    const { config, source } = runtime;
    return {
      apiUrl: config.apiUrl,
      account: config.account,
      product: config.product,
      vendor: source.kind === 'file' ? { kind: 'file', path: source.path } : { kind: 'embedded' },
      proxy: proxySettings(options.env),
      dataFolder: runtime.dataFolder,
      secrets: { mode: runtime.secretStorage.mode, file: runtime.secretStorage.filePath },
      version: options.version,
      shell: options.shell,
    };
  }

  // One function per operation, typed by the contract: the compiler fails when one is missing.
  const handlers: { readonly [N in OperationName]: (input: OperationInput<N>) => Promise<OperationResult<N>> } = {
    'license:status': async (input) => ({ ok: true, value: await manager.status(input.online === undefined ? {} : { online: input.online }) }),
    'license:activate': (input) => manager.activate(input.licenseKey),
    'license:check-in': () => manager.checkIn(),
    'license:renew': () => manager.renew(),
    'license:deactivate': () => manager.deactivate(),
    'files:choose': async () => invalidInput('choosing a file is done by the window, not the core'),
    'files:import': (input) => (input.licenseKey === undefined ? manager.importFile(input.certificate) : manager.importFile(input.certificate, { licenseKey: input.licenseKey })),
    'licenses:list': async (input) => ({
      ok: true,
      value: await manager.installed({ ...(input.after === undefined ? {} : { after: input.after }), ...(input.limit === undefined ? {} : { limit: input.limit }) }),
    }),
    'licenses:remove': async (input) => {
      const removed = await manager.remove(input.id);
      return removed.ok ? { ok: true, value: null } : removed;
    },
    'seats:list': (input) =>
      manager.seats(credentialsOf(input.access), { ...(input.page === undefined ? {} : { number: input.page }), ...(input.size === undefined ? {} : { size: input.size }) }),
    'seats:deactivate': (input) => manager.deactivateSeats(credentialsOf(input.access), input.ids),
    'settings:get': async () => ({ ok: true, value: settings() }),
    'settings:diagnostics': async () => {
      const [report, installed, fingerprint] = await Promise.all([manager.status({ online: false }), manager.installed({ limit: 1000 }), options.fingerprint()]);
      return { ok: true, value: { text: buildDiagnostics({ settings: settings(), report, installed: installed.data, fingerprint, now: now() }) } };
    },
    'airgap:machine': () => airgap().machine(),
    'airgap:create-request': (input) => airgap().createRequest(input.licenseKey),
    'airgap:import-file': (input) => airgap().importFile(input.file, input.licenseKey),
    'airgap:deactivate-offline': () => airgap().deactivateOffline(),
    'airgap:fulfil-file': (input) => airgap().fulfilFile(input.file, input.access),
    'drives:list': () => airgap().listDrives(),
    'drives:import': (input) => airgap().importDrive(input.drive, input.licenseKey),
    'drives:fulfil': (input) => airgap().fulfilDrive(input.drive, input.access),
    'files:choose-many': async () => invalidInput('choosing files is done by the window, not the core'),
    'files:save': async () => invalidInput('saving a file is done by the window, not the core'),
  };

  return {
    async run(name, input) {
      if (!isOperationName(name)) return invalidInput('unknown operation');
      const parsed = OPERATION_SCHEMAS[name].safeParse(input ?? {});
      if (!parsed.success) return invalidInput(describeIssues(parsed.error));
      const handler = handlers[name] as (input: unknown) => Promise<OperationResult<typeof name>>;
      return handler(parsed.data);
    },
  };
}
