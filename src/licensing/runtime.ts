/**
 * The licensing composition root: data folder → vendor configuration → Keygen client → state
 * store, keychain and machine service → license manager. One per process; the CLI, the agent and
 * the desktop app open it. Nothing runs in the background until `startScheduler()`.
 */
import { homedir } from 'node:os';
import { join } from 'node:path';
import { resolveVendorConfig } from '../config/vendor-config.js';
import { fail } from '../contract/messages.js';
import { createKeygenClient } from '../keygen/client.js';
import { parsePublicKey } from '../license-file/public-key.js';
import { createMachineService } from '../machine/machine.service.js';
import { appDataFolder } from '../platform/app-data.js';
import { chooseSecretStore } from '../vault/secret-store-choice.js';
import { createTrustedClock } from './clock.js';
import { createLicenseManager, type ManagedLicenseManager } from './manager.js';
import type { LicensingRuntime, OpenLicensing } from './runtime.types.js';
import { createScheduler, type Scheduler } from './scheduler.js';
import { createFileStateStore } from './state-store.js';

/** The runtime, with its manager's schedule and the background scheduler on demand. */
export interface OpenedLicensing extends LicensingRuntime {
  readonly manager: ManagedLicenseManager;
  /** Starts the background work (check-in, file refresh, heartbeats); returns the running scheduler. Idempotent. */
  startScheduler(options?: { readonly log?: (line: string) => void }): Scheduler;
}

/** The folder, under the data folder, that holds the licensing state. */
export const LICENSING_FOLDER = 'licensing';
/** A status asks the server once, briefly: an offline machine must get its answer at once. */
const STATUS_TIMEOUT_MS = 5_000;

/**
 * Opens the licensing core for the configuration found from `options` (see `resolveVendorConfig`).
 * Returns CONFIG_NOT_FOUND, CONFIG_INVALID, CONFIG_OVERRIDE_REFUSED or PUBLIC_KEY_INVALID (with a
 * `detail` naming the file or field) when no usable configuration is found.
 */
export const openLicensing: OpenLicensing = async (options) => {
  const dataFolder = appDataFolder({ env: options.env, platform: process.platform, home: homedir() });
  const resolved = await resolveVendorConfig({ configPath: options.configPath, env: options.env, appFolder: options.appFolder, packaged: options.packaged, dataFolder });
  if (!resolved.ok) return resolved;
  const { config, source } = resolved.value;
  if (!parsePublicKey(config.publicKey).ok) return fail('PUBLIC_KEY_INVALID');
  // Only the embedded demo issuer falls back to a secrets file unasked (see secret-store-choice.ts).
  const chosen = await chooseSecretStore({
    env: options.env,
    dataFolder,
    defaultMode: source.kind === 'embedded-issuer' ? 'auto' : (config.secretStore ?? 'keychain'),
    warn: options.warn ?? (() => undefined),
  });
  if (!chosen.ok) return { ...fail('CONFIG_INVALID'), detail: chosen.detail };
  const secrets = chosen.value.store;

  const now = (): number => Date.now();
  // One clock for the process: a validation's signed time corrects it for every later answer.
  const clock = createTrustedClock(now);
  const client = createKeygenClient({ config, env: options.env, now: clock.now, onServerTime: clock.learn });
  const statusClient = createKeygenClient({ config, env: options.env, now: clock.now, onServerTime: clock.learn, retries: 0, timeoutMs: STATUS_TIMEOUT_MS });
  const core = createLicenseManager({
    config,
    client,
    statusClient,
    state: createFileStateStore(join(dataFolder, LICENSING_FOLDER)),
    secrets,
    machine: createMachineService(),
    now,
    clock,
  });

  let scheduler: Scheduler | null = null;
  let closed: Promise<void> | null = null;
  // Operations that change what is installed make a running scheduler read its schedule again
  // at once (a new heartbeat requirement cannot wait for the next periodic look). Not awaited:
  // the operation's caller does not wait for background planning.
  const replanning =
    <A extends unknown[], R>(operation: (...args: A) => Promise<R>) =>
    async (...args: A): Promise<R> => {
      const result = await operation(...args);
      if (scheduler !== null) void scheduler.refresh().catch(() => undefined);
      return result;
    };
  const manager: ManagedLicenseManager = {
    ...core,
    activate: replanning(core.activate),
    checkIn: replanning(core.checkIn),
    renew: replanning(core.renew),
    deactivate: replanning(core.deactivate),
    importFile: replanning(core.importFile),
    update: replanning(core.update),
    remove: replanning(core.remove),
    deactivateSeats: replanning(core.deactivateSeats),
    seatsDeactivated: replanning(core.seatsDeactivated),
  };
  const runtime: OpenedLicensing = {
    manager,
    config,
    source,
    dataFolder,
    secrets,
    secretStorage: { mode: chosen.value.mode, filePath: chosen.value.filePath },
    startScheduler(schedulerOptions = {}) {
      if (closed !== null) throw new Error('The licensing runtime is closed.');
      if (scheduler === null) {
        // The scheduler drives the core directly: its own work needs no replanning signal.
        scheduler = createScheduler({ manager: core, now, ...(schedulerOptions.log === undefined ? {} : { log: schedulerOptions.log }) });
        scheduler.start();
      }
      return scheduler;
    },
    close() {
      closed ??= scheduler === null ? Promise.resolve() : scheduler.stop();
      return closed;
    },
  };
  return { ok: true, value: runtime };
};
