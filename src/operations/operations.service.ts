/**
 * The core side of the contract: every operation the UI can ask for, over the licensing
 * runtime. Electron's IPC handlers and the web console's HTTP route both call `run`, which
 * parses the untrusted input with the contract's schema before anything else happens.
 */
import { adminFailure, tokenLabel } from '../admin/admin-session.js';
import { createAdminService, type AdminService } from '../admin/admin.service.js';
import { fail } from '../contract/messages.js';
import type { ConfigSource } from '../config/vendor-config.types.js';
import type { Failure } from '../contract/codes.js';
import { describeIssues, OPERATION_SCHEMAS } from '../contract/operation-schemas.js';
import { isAdminAccess, isOperationName, type OperationInput, type OperationName, type OperationResult, type SeatAccess, type SettingsView } from '../contract/operations.js';
import { createAirgapService, type AirgapService } from '../airgap/airgap.service.js';
import type { LicensingRuntime } from '../licensing/runtime.types.js';
import { runDoctor } from '../doctor/doctor.js';
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
  /** The administrator views' service; default: one over `runtime`, made on first use. */
  readonly admin?: AdminService;
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

/** Where the configuration came from, as the settings screen shows it. */
function vendorView(source: ConfigSource): SettingsView['vendor'] {
  switch (source.kind) {
    case 'shipped':
      return { kind: 'file', path: source.path, shipped: true, ...(source.apiUrlFrom === null ? {} : { apiUrlFrom: source.apiUrlFrom.path }) };
    case 'file':
      return { kind: 'file', path: source.path };
    case 'embedded-issuer':
      return { kind: 'embedded' };
  }
}

/** A failure of a seats call, in an administrator's terms when an administrator asked. */
function seatFailure(access: SeatAccess, failure: Failure): Failure {
  return isAdminAccess(access) ? adminFailure(failure, 'license') : failure;
}

export function createOperationsService(options: OperationsOptions): OperationsService {
  const { runtime } = options;
  const { manager } = runtime;
  const now = options.now ?? Date.now;
  let adminService: AdminService | undefined = options.admin;
  const admin = (): AdminService => (adminService ??= createAdminService({ runtime, env: options.env, now }));
  let airgapService = options.airgap ?? null;
  const airgap = (): AirgapService => (airgapService ??= createAirgapService({ runtime, env: options.env, version: options.version }));

  function settings(): SettingsView {
    const { config, source } = runtime;
    return {
      apiUrl: config.apiUrl,
      account: config.account,
      product: config.product,
      vendor: vendorView(source),
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
    'licenses:list': (input) => manager.installed({ ...(input.after === undefined ? {} : { after: input.after }), ...(input.limit === undefined ? {} : { limit: input.limit }) }),
    'licenses:remove': async (input) => {
      const removed = await manager.remove(input.id);
      return removed.ok ? { ok: true, value: null } : removed;
    },
    'licenses:use': (input) => manager.update(input.id, { pinned: true }),
    'licenses:dismiss-notices': async () => {
      const dismissed = await manager.dismissNotices();
      return dismissed.ok ? { ok: true, value: null } : dismissed;
    },
    'seats:list': async (input) => {
      const credentials = await admin().managerCredentials(input.access);
      if (!credentials.ok) return credentials;
      const listed = await manager.seats(credentials.value, { ...(input.page === undefined ? {} : { number: input.page }), ...(input.size === undefined ? {} : { size: input.size }) });
      return listed.ok ? listed : seatFailure(input.access, listed);
    },
    'seats:deactivate': async (input) => {
      const credentials = await admin().managerCredentials(input.access);
      if (!credentials.ok) return credentials;
      const writable = await admin().audit.writable();
      if (!writable.ok) return writable;
      const outcome = await manager.deactivateSeats(credentials.value, input.ids);
      if (!outcome.ok) return seatFailure(input.access, outcome);
      const session = input.access.kind === 'admin-session' ? await admin().session() : null;
      const { deactivated, alreadyGone, failed, notAttempted } = outcome.value;
      await admin().audit.append({
        action: 'deactivate',
        license: isAdminAccess(input.access) ? input.access.licenseId : null,
        machines: [...new Set(input.ids)],
        result: failed.length + notAttempted.length === 0 ? 'ok' : deactivated.length + alreadyGone.length === 0 ? 'failed' : 'partial',
        credential: isAdminAccess(input.access) ? 'admin-token' : input.access.kind,
        tokenId: input.access.kind === 'admin' ? tokenLabel(input.access.adminToken) : session?.ok === true ? (session.value?.tokenId ?? null) : null,
        detail: `${deactivated.length} deactivated, ${alreadyGone.length} already gone, ${failed.length} failed`,
      });
      return outcome;
    },
    'settings:get': async () => ({ ok: true, value: settings() }),
    'settings:diagnostics': async () => {
      const [report, installed, fingerprint] = await Promise.all([manager.status({ online: false }), manager.installed({ limit: 1000 }), options.fingerprint()]);
      return { ok: true, value: { text: buildDiagnostics({ settings: settings(), report, installed: installed.ok ? installed.value.data : [], fingerprint, now: now() }) } };
    },
    'settings:doctor': async () => ({ ok: true, value: await runDoctor({ runtime, dataFolder: runtime.dataFolder, env: options.env }) }),
    'admin:sign-in': (input) => admin().signIn(input.token),
    'admin:session': () => admin().session(),
    'admin:sign-out': () => admin().signOut(),
    'admin:licenses': (input) => admin().licensesPage({ kind: 'session' }, { number: input.page ?? 1, size: input.size ?? 100 }, input.search),
    'admin:export-licenses': (input) => admin().exportLicenses({ kind: 'session' }, input.format, input.search),
    'seats:capacity': (input) => admin().capacity(input.access),
    'seats:export': (input) => admin().exportSeats(input.access, input.format, input.unseenDays),
    'seats:bulk-start': (input) => admin().startBulk(input.access, input.ids),
    'seats:bulk-status': async (input) => admin().bulkStatus(input.jobId),
    'seats:bulk-cancel': async (input) => admin().cancelBulk(input.jobId),
    'audit:list': async (input) => {
      const entries = await admin().audit.read(input.limit ?? 200);
      return entries.ok ? { ok: true, value: { entries: entries.value, path: admin().audit.path } } : entries;
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
