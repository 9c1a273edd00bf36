/**
 * What every part of the license manager shares: the dependencies, one-at-a-time state
 * changes, the offline evaluation of every installed file, the active license with its key,
 * the validation scope, and the check-out that installs a fresh machine file.
 */
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import type { VendorConfig } from '../config/vendor-config.types.js';
import type { CheckoutOptions, Credentials, KeygenClient, ValidationScope } from '../keygen/client.types.js';
import { parsePublicKey, type KeyFamily, type PinnedKey } from '../license-file/public-key.js';
import type { VerifiedLicenseFile } from '../license-file/types.js';
import { verifyLicenseFile } from '../license-file/verify.js';
import type { MachineService } from '../machine/machine.service.js';
import type { SecretStore } from '../vault/secret-store.js';
import { licenseIdOf, maskKey, recordFor, upsert } from './facts.js';
import type { InstalledLicense, StatusReport } from './manager.types.js';
import { decideOffline, pickActive, toInstalled, withWarnings, type Evaluated } from './status.js';
import type { InstalledRecord, LicensingState, StateStore } from './state.types.js';

export interface LicenseManagerDeps {
  readonly config: VendorConfig;
  readonly client: KeygenClient;
  /** The client for the online half of `status`; default `client`. A runtime passes one that fails fast (no retries). */
  readonly statusClient?: KeygenClient;
  readonly state: StateStore;
  readonly secrets: SecretStore;
  readonly machine: Pick<MachineService, 'fingerprint' | 'describe'>;
  /** Wall clock, in ms since the epoch. */
  readonly now: () => number;
  /** Diagnostics; never given a license key or token. */
  readonly log?: (line: string) => void;
  /** Called once per licensing API call (retries inside the client are not counted), with the call's name. */
  readonly onRequest?: (call: keyof KeygenClient) => void;
}

/**
 * What a machine file carries besides the machine. Not `license.product` / `license.policy`:
 * Keygen grants a license bearer neither `product.read` nor `policy.read`, so asking for them
 * with a license key is ACCESS_DENIED; the license's relationships still name both by id.
 */
const CERTIFICATE_INCLUDES = ['license', 'license.entitlements'] as const;
const ALGORITHM_FOR: Record<KeyFamily, string> = {
  ed25519: 'aes-256-gcm+ed25519',
  'ecdsa-p256': 'aes-256-gcm+ecdsa-p256',
  rsa: 'aes-256-gcm+rsa-pss-sha256',
};
const MAX_SECRET_LENGTH = 8192;

export const ok = <T>(value: T): Result<T> => ({ ok: true, value });
/** The keychain account that holds a license's key. */
export const keyRef = (licenseId: string): string => `license:${licenseId}`;

/** A license key or token as given: visible ASCII, bounded. */
export function isSecretShaped(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= MAX_SECRET_LENGTH && /^[\x21-\x7e]+$/.test(value);
}

/** Calls `onRequest` before each client call. */
function observed(client: KeygenClient, onRequest: ((call: keyof KeygenClient) => void) | undefined): KeygenClient {
  if (onRequest === undefined) return client;
  return {
    validateKey: (...args) => (onRequest('validateKey'), client.validateKey(...args)),
    validate: (...args) => (onRequest('validate'), client.validate(...args)),
    activate: (...args) => (onRequest('activate'), client.activate(...args)),
    machine: (...args) => (onRequest('machine'), client.machine(...args)),
    checkOutMachine: (...args) => (onRequest('checkOutMachine'), client.checkOutMachine(...args)),
    checkIn: (...args) => (onRequest('checkIn'), client.checkIn(...args)),
    ping: (...args) => (onRequest('ping'), client.ping(...args)),
    deactivate: (...args) => (onRequest('deactivate'), client.deactivate(...args)),
    licenseMachines: (...args) => (onRequest('licenseMachines'), client.licenseMachines(...args)),
  };
}

/** The active license, judged offline, with its key and the credentials it gives. */
export interface ActiveAccess {
  readonly entry: Evaluated;
  readonly key: string;
  readonly credentials: Credentials;
}

/** The shared core the manager's parts are built on. */
export interface ManagerCore {
  readonly config: VendorConfig;
  readonly client: KeygenClient;
  readonly statusClient: KeygenClient;
  readonly secrets: SecretStore;
  readonly machine: LicenseManagerDeps['machine'];
  readonly now: () => number;
  readonly log: (line: string) => void;
  /** The vendor's key, or why it does not parse (every operation then fails with it). */
  readonly pinned: Result<PinnedKey>;
  readonly load: () => Promise<Result<LicensingState>>;
  /** Loads, changes and saves the state in one turn; `change` returns the new state or a failure. */
  mutate<T>(change: (state: LicensingState) => Result<{ readonly state: LicensingState; readonly value: T }>): Promise<Result<T>>;
  /** Every installed license, judged offline at `time`; advances the watermark when a file verified. */
  evaluateAll(time: number): Promise<Result<Evaluated[]>>;
  /** The active license with its key (LICENSE_KEY_REQUIRED when none is stored), or NOT_ACTIVATED. */
  activeWithKey(time: number): Promise<Result<ActiveAccess>>;
  /** Every installed license in install order, and the active one; null when the state cannot be read. */
  installedEntries(): Promise<{ readonly entries: readonly Evaluated[]; readonly active: Evaluated | null } | null>;
  /** One installed license (LICENSE_NOT_INSTALLED when unknown). */
  getInstalled(id: string): Promise<Result<InstalledLicense>>;
  /** The validation scope: product, the fingerprint for machine installs, required entitlements. */
  scopeFor(record: InstalledRecord | null, fingerprint: string | undefined): ValidationScope;
  /**
   * Checks out a machine file for `machineRef`, verifies it against this machine and `licenseId`,
   * stores the key first and then the record. Returns the status it gives.
   */
  checkOutAndStore(licenseId: string, machineRef: string, licenseKey: string, fingerprint: string, source: InstalledRecord['source']): Promise<Result<StatusReport>>;
  /** Removes a license's record, then its key. */
  removeLocally(record: InstalledRecord): Promise<Result<void>>;
}

/** Builds the core. A vendor public key that does not parse is kept as the failure `pinned`. */
export function createManagerCore(deps: LicenseManagerDeps): ManagerCore {
  const { config, state: store, secrets, machine, now } = deps;
  const log = deps.log ?? (() => undefined);
  const client = observed(deps.client, deps.onRequest);
  const statusClient = deps.statusClient === undefined ? client : observed(deps.statusClient, deps.onRequest);
  const pinned = parsePublicKey(config.publicKey);
  const entitlements = config.requiredEntitlements !== undefined && config.requiredEntitlements.length > 0 ? config.requiredEntitlements : undefined;
  const checkout: CheckoutOptions = {
    encrypt: true,
    ...(config.checkoutTtl === undefined ? {} : { ttl: config.checkoutTtl }),
    include: CERTIFICATE_INCLUDES,
    algorithm: pinned.ok ? ALGORITHM_FOR[pinned.value.family] : ALGORITHM_FOR.ed25519,
  };

  // State changes run one at a time, each on state loaded inside its turn.
  let queue: Promise<unknown> = Promise.resolve();
  function exclusive<T>(task: () => Promise<T>): Promise<T> {
    const result = queue.then(task, task);
    queue = result.catch(() => undefined);
    return result;
  }

  const load = (): Promise<Result<LicensingState>> => store.load();

  function mutate<T>(change: (state: LicensingState) => Result<{ readonly state: LicensingState; readonly value: T }>): Promise<Result<T>> {
    return exclusive(async () => {
      const loaded = await load();
      if (!loaded.ok) return loaded;
      const changed = change(loaded.value);
      if (!changed.ok) return changed;
      await store.save(changed.value.state);
      return ok(changed.value.value);
    });
  }

  async function advanceWatermark(time: number): Promise<void> {
    await mutate((state) => ok({ state: time > state.watermark ? { ...state, watermark: time } : state, value: undefined }));
  }

  /** The engine's verdict on a stored certificate, with the key it needed. */
  async function verifyRecord(record: InstalledRecord, key: PinnedKey, watermark: number, time: number): Promise<Evaluated> {
    const judged = (verified: Result<VerifiedLicenseFile>, licenseKey: string | null): Evaluated => {
      const keyHint = licenseKey === null ? null : maskKey(licenseKey);
      return { record, report: decideOffline({ record, verified, keyHint, now: time }), file: verified.ok ? verified.value : null, key: licenseKey };
    };
    let licenseKey: string | null = null;
    if (record.licenseKeyRef !== null) {
      const stored = await secrets.get(record.licenseKeyRef);
      if (!stored.ok) return judged(stored, null);
      licenseKey = stored.value;
    }
    let fingerprint: string | undefined;
    if (record.kind === 'machine') {
      const read = await machine.fingerprint();
      if (!read.ok) return judged(read, licenseKey);
      fingerprint = read.value;
      // Installed for another machine (a copied data folder): say so rather than "cannot decrypt".
      if (record.fingerprint !== null && record.fingerprint !== fingerprint) return judged(fail('FINGERPRINT_MISMATCH'), licenseKey);
    }
    const verified = verifyLicenseFile(record.certificate, key, { licenseKey, fingerprint, now: time, watermark });
    if (!verified.ok) {
      const needsKey = verified.code === 'LICENSE_FILE_DECRYPTION_FAILED' && licenseKey === null;
      return judged(needsKey ? fail('LICENSE_KEY_REQUIRED') : verified, licenseKey);
    }
    if (licenseIdOf(verified.value) !== record.id) return judged(fail('LICENSE_FILE_MALFORMED'), licenseKey);
    return judged(verified, licenseKey);
  }

  async function evaluateAll(time: number): Promise<Result<Evaluated[]>> {
    if (!pinned.ok) return pinned;
    const loaded = await load();
    if (!loaded.ok) return loaded;
    const evaluated: Evaluated[] = [];
    for (const record of loaded.value.licenses) evaluated.push(await verifyRecord(record, pinned.value, loaded.value.watermark, time));
    if (evaluated.some((entry) => entry.file !== null) && time > loaded.value.watermark) await advanceWatermark(time);
    return ok(evaluated);
  }

  async function activeWithKey(time: number): Promise<Result<ActiveAccess>> {
    const evaluated = await evaluateAll(time);
    if (!evaluated.ok) return evaluated;
    const entry = pickActive(evaluated.value);
    if (entry === null) return fail('NOT_ACTIVATED');
    if (entry.key === null) {
      // A keychain failure is the real reason when the key could not be read.
      const code = entry.report.code;
      return fail(code === 'KEYCHAIN_UNAVAILABLE' || code === 'KEYCHAIN_TIMEOUT' ? code : 'LICENSE_KEY_REQUIRED');
    }
    return ok({ entry, key: entry.key, credentials: { kind: 'license-key', key: entry.key } });
  }

  function scopeFor(record: InstalledRecord | null, fingerprint: string | undefined): ValidationScope {
    return {
      ...(config.product === null ? {} : { product: config.product }),
      ...(record === null || record.kind === 'machine' ? (fingerprint === undefined ? {} : { fingerprint }) : {}),
      ...(entitlements === undefined ? {} : { entitlements }),
    };
  }

  async function checkOutAndStore(
    licenseId: string,
    machineRef: string,
    licenseKey: string,
    fingerprint: string,
    source: InstalledRecord['source'],
  ): Promise<Result<StatusReport>> {
    if (!pinned.ok) return pinned;
    const credentials: Credentials = { kind: 'license-key', key: licenseKey };
    const certificate = await client.checkOutMachine(machineRef, checkout, credentials);
    if (!certificate.ok) return certificate;
    const loaded = await load();
    if (!loaded.ok) return loaded;
    const time = now();
    const verified = verifyLicenseFile(certificate.value, pinned.value, { licenseKey, fingerprint, now: time, watermark: loaded.value.watermark });
    if (!verified.ok) return verified;
    const file = verified.value;
    if (file.kind !== 'machine' || licenseIdOf(file) !== licenseId.toLowerCase()) return fail('RESPONSE_SCOPE_MISMATCH');
    const id = licenseIdOf(file) as string;
    // The key first: a record whose key is missing could not be used; a key without a record is harmless.
    const stored = await secrets.set(keyRef(id), licenseKey);
    if (!stored.ok) return stored;
    const saved = await mutate((state) => {
      const previous = state.licenses.find((entry) => entry.id === id);
      const record = recordFor(id, certificate.value, file, source, keyRef(id), previous, time);
      return ok({ state: upsert(state, record, time), value: record });
    });
    if (!saved.ok) return saved;
    const report = decideOffline({ record: saved.value, verified, keyHint: maskKey(licenseKey), now: time });
    return ok(withWarnings({ ...report, source: 'online' }, saved.value.lastCheckInAt, time));
  }

  async function removeLocally(record: InstalledRecord): Promise<Result<void>> {
    const removed = await mutate((state) => ok({ state: { ...state, licenses: state.licenses.filter((entry) => entry.id !== record.id) }, value: undefined }));
    if (!removed.ok) return removed;
    if (record.licenseKeyRef === null) return ok(undefined);
    const deleted = await secrets.delete(record.licenseKeyRef);
    return deleted.ok ? ok(undefined) : deleted;
  }

  async function installedEntries(): Promise<{ readonly entries: readonly Evaluated[]; readonly active: Evaluated | null } | null> {
    const evaluated = await evaluateAll(now());
    if (!evaluated.ok) return null;
    const entries = [...evaluated.value].sort((a, b) => a.record.installedAt - b.record.installedAt || a.record.id.localeCompare(b.record.id));
    return { entries, active: pickActive(entries) };
  }

  async function getInstalled(id: string): Promise<Result<InstalledLicense>> {
    const listed = await installedEntries();
    const entry = listed?.entries.find((candidate) => candidate.record.id === id.toLowerCase());
    if (listed === null || entry === undefined) return fail('LICENSE_NOT_INSTALLED');
    return ok(toInstalled(entry, listed.active));
  }

  return {
    config,
    client,
    statusClient,
    secrets,
    machine,
    now,
    log,
    pinned,
    load,
    mutate,
    evaluateAll,
    activeWithKey,
    installedEntries,
    getInstalled,
    scopeFor,
    checkOutAndStore,
    removeLocally,
  };
}
