/**
 * The license manager (`LicenseManager`): activation, the offline-first status, check-in,
 * renewal, heartbeats, deactivation, imports, installed licenses and seats. License keys live in
 * the keychain (`license:<license id>`), everything else in the state store; state changes run
 * one at a time, each on freshly loaded state.
 */
import type { FailureCode, Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import type { VendorConfig } from '../config/vendor-config.types.js';
import type { ApiResource, CheckoutOptions, Credentials, KeygenClient, ValidationScope } from '../keygen/client.types.js';
import { parsePublicKey, type KeyFamily, type PinnedKey } from '../license-file/public-key.js';
import type { VerifiedLicenseFile } from '../license-file/types.js';
import { verifyCertificateSignature, verifyLicenseFile } from '../license-file/verify.js';
import type { MachineService } from '../machine/machine.service.js';
import type { SecretStore } from '../vault/secret-store.js';
import { fileExpiryOf, fileIssuedOf, heartbeatOf, licenseIdOf, licenseTimesOf, maskKey, recordFor, timeOf, toSeat, upsert } from './facts.js';
import type { BulkOutcome, InstalledLicense, LicenseManager, Paged, Seat, SeatCredentials, StatusReport } from './manager.types.js';
import type { LicensingSchedule, SchedulableManager } from './scheduler.js';
import { asFailureCode, decideOffline, failureReport, mergeOnline, notActivatedReport, pickActive, toInstalled, withWarnings, type Evaluated } from './status.js';
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

/** The manager, plus the schedule its background work follows. */
export interface ManagedLicenseManager extends LicenseManager, SchedulableManager {}

/** Validation codes after which this machine is activated (protocol §2.2 step 2). */
const ACTIVATE_CODES: ReadonlySet<string> = new Set(['NO_MACHINE', 'NO_MACHINES', 'FINGERPRINT_SCOPE_MISMATCH']);
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
const MAX_LABEL_LENGTH = 200;
const DEFAULT_PAGE = 20;
const MAX_PAGE = 100;

const ok = <T>(value: T): Result<T> => ({ ok: true, value });
const keyRef = (licenseId: string): string => `license:${licenseId}`;

/** A license key or token as given: visible ASCII, bounded. */
function isSecretShaped(value: unknown): value is string {
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

/** Creates the manager. A vendor public key that does not parse fails every operation with PUBLIC_KEY_INVALID. */
export function createLicenseManager(deps: LicenseManagerDeps): ManagedLicenseManager {
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

  async function load(): Promise<Result<LicensingState>> {
    return store.load();
  }

  /** Loads, changes and saves the state in one turn; `change` returns the new state or a failure. */
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

  /** Every installed license, judged offline at `time`; advances the watermark when a file verified. */
  async function evaluateAll(time: number): Promise<Result<Evaluated[]>> {
    if (!pinned.ok) return pinned;
    const loaded = await load();
    if (!loaded.ok) return loaded;
    const evaluated: Evaluated[] = [];
    for (const record of loaded.value.licenses) evaluated.push(await verifyRecord(record, pinned.value, loaded.value.watermark, time));
    if (evaluated.some((entry) => entry.file !== null) && time > loaded.value.watermark) await advanceWatermark(time);
    return ok(evaluated);
  }

  /** The active license with its key (LICENSE_KEY_REQUIRED when none is stored), or NOT_ACTIVATED. */
  async function activeWithKey(time: number): Promise<Result<{ readonly entry: Evaluated; readonly key: string; readonly credentials: Credentials }>> {
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

  /**
   * Checks out a machine file for `machineRef`, verifies it against this machine and `licenseId`,
   * stores the key first and then the record. Returns the status it gives.
   */
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

  /** Seat credentials as API credentials and the license they are about (looked up for a license key). */
  async function seatAccess(credentials: SeatCredentials, needLicenseId: boolean): Promise<Result<{ readonly credentials: Credentials; readonly licenseId: string | null }>> {
    if ('activeLicense' in credentials) {
      const listed = await installedEntries();
      const active = listed?.active ?? null;
      if (active === null) return fail('NOT_ACTIVATED');
      // A license imported without its key cannot speak for itself: an administrator must.
      if (active.key === null) return fail('ADMIN_CREDENTIALS_REQUIRED');
      return ok({ credentials: { kind: 'license-key', key: active.key }, licenseId: active.record.id });
    }
    if ('adminToken' in credentials) {
      if (!isSecretShaped(credentials.adminToken) || typeof credentials.licenseId !== 'string' || credentials.licenseId === '') return fail('ADMIN_CREDENTIALS_REQUIRED');
      return ok({ credentials: { kind: 'token', token: credentials.adminToken }, licenseId: credentials.licenseId });
    }
    if (!isSecretShaped(credentials.licenseKey)) return fail('ADMIN_CREDENTIALS_REQUIRED');
    const access: Credentials = { kind: 'license-key', key: credentials.licenseKey };
    if (!needLicenseId) return ok({ credentials: access, licenseId: null });
    // An installed license with this key answers without a request.
    const loaded = await load();
    if (loaded.ok) {
      for (const record of loaded.value.licenses) {
        if (record.licenseKeyRef === null) continue;
        const stored = await secrets.get(record.licenseKeyRef);
        if (stored.ok && stored.value === credentials.licenseKey) return ok({ credentials: access, licenseId: record.id });
      }
    }
    const validation = await client.validateKey(credentials.licenseKey, {});
    if (!validation.ok) return validation;
    if (validation.value.license === null) return fail(asFailureCode(validation.value.code));
    return ok({ credentials: access, licenseId: validation.value.license.id });
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

  const manager: ManagedLicenseManager = {
    async activate(licenseKey) {
      if (!isSecretShaped(licenseKey)) return fail('LICENSE_INVALID');
      if (!pinned.ok) return pinned;
      const described = await machine.describe();
      if (!described.ok) return described;
      const { fingerprint, hostname, platform, cores, memory, disk } = described.value;
      const loaded = await load();
      if (!loaded.ok) return loaded;
      // The key must be storable before a seat is taken on the server: probe the keychain first.
      const keychain = await secrets.list();
      if (!keychain.ok) return keychain;
      const validation = await client.validateKey(licenseKey, scopeFor(null, fingerprint));
      if (!validation.ok) return validation;
      const { valid, code, license } = validation.value;
      if (license === null) return fail(asFailureCode(code));
      const credentials: Credentials = { kind: 'license-key', key: licenseKey };
      let machineResource: ApiResource;
      // Valid with this fingerprint in scope means this machine is already activated: recognise it, never activate twice.
      if (valid || code === 'HEARTBEAT_NOT_STARTED') {
        const found = await client.machine(fingerprint, credentials);
        if (!found.ok) return found;
        machineResource = found.value;
        log(`activation: machine ${machineResource.id} already activated for license ${license.id}`);
      } else if (ACTIVATE_CODES.has(code)) {
        const created = await client.activate(license.id, { fingerprint, name: hostname, hostname, platform, cores, memory, ...(disk === null ? {} : { disk }) }, credentials);
        if (!created.ok) return created;
        machineResource = created.value;
        log(`activation: machine ${machineResource.id} activated for license ${license.id}`);
      } else {
        return fail(asFailureCode(code));
      }
      const stored = await checkOutAndStore(license.id, machineResource.id, licenseKey, fingerprint, 'activation');
      if (!stored.ok) return stored;
      if (heartbeatOf(machineResource).requireHeartbeat && machineResource.attributes.heartbeatStatus === 'NOT_STARTED') {
        // The server counts the machine as not started until its first heartbeat (HEARTBEAT_NOT_STARTED).
        const pinged = await client.ping(machineResource.id, credentials);
        if (!pinged.ok) log(`activation: first heartbeat failed (${pinged.code})`);
      }
      return stored;
    },

    async status(options = {}) {
      const time = now();
      const evaluated = await evaluateAll(time);
      if (!evaluated.ok) return failureReport(evaluated.code, null);
      const active = pickActive(evaluated.value);
      if (active === null) return notActivatedReport();
      if (options.online === false || active.key === null) return active.report;
      let fingerprint: string | undefined;
      if (active.record.kind === 'machine') {
        const read = await machine.fingerprint();
        if (!read.ok) return active.report;
        fingerprint = read.value;
      }
      const answer = await statusClient.validate(active.record.id, scopeFor(active.record, fingerprint), { kind: 'license-key', key: active.key });
      return mergeOnline(active.report, answer, { keyHint: maskKey(active.key), lastCheckInAt: active.record.lastCheckInAt, now: now() });
    },

    async checkIn() {
      const access = await activeWithKey(now());
      if (!access.ok) return access;
      const { entry, credentials } = access.value;
      const checked = await client.checkIn(entry.record.id, credentials);
      if (!checked.ok) return checked;
      const time = now();
      const updated = await mutate((state) => {
        const record = state.licenses.find((candidate) => candidate.id === entry.record.id);
        if (record === undefined) return fail('LICENSE_NOT_INSTALLED');
        const next: InstalledRecord = {
          ...record,
          lastCheckInAt: timeOf(checked.value.attributes.lastCheckIn) ?? time,
          nextCheckInAt: timeOf(checked.value.attributes.nextCheckIn),
          updatedAt: time,
        };
        return ok({ state: upsert(state, next, time), value: next });
      });
      if (!updated.ok) return updated;
      if (updated.value.kind === 'machine') {
        const fingerprint = await machine.fingerprint();
        if (!fingerprint.ok) return fingerprint;
        const refreshed = await checkOutAndStore(entry.record.id, updated.value.machineId ?? fingerprint.value, access.value.key, fingerprint.value, updated.value.source);
        if (!refreshed.ok) return refreshed;
      }
      return ok(await manager.status());
    },

    async renew() {
      const access = await activeWithKey(now());
      if (!access.ok) return access;
      const { entry } = access.value;
      const fingerprint = await machine.fingerprint();
      if (!fingerprint.ok) return fingerprint;
      return checkOutAndStore(entry.record.id, entry.record.machineId ?? fingerprint.value, access.value.key, fingerprint.value, entry.record.source);
    },

    async deactivate() {
      const access = await activeWithKey(now());
      if (!access.ok) return access;
      const { entry, credentials } = access.value;
      const machineId = entry.record.machineId;
      if (machineId === null) return fail('NOT_ACTIVATED');
      const deleted = await client.deactivate(machineId, credentials);
      if (!deleted.ok && deleted.code === 'ISSUER_UNREACHABLE') return fail('OFFLINE_DEACTIVATION_UNAVAILABLE');
      // Already gone on the server: the seat is free either way.
      if (!deleted.ok && deleted.code !== 'RESOURCE_NOT_FOUND') return deleted;
      const removed = await removeLocally(entry.record);
      if (!removed.ok) return removed;
      log(`deactivation: machine ${machineId} of license ${entry.record.id} deactivated`);
      return ok({ licenseId: entry.record.id, machineId });
    },

    async heartbeat() {
      const access = await activeWithKey(now());
      if (!access.ok) return access;
      const { entry, credentials } = access.value;
      if (!entry.record.requireHeartbeat) return ok({ sent: false });
      let target = entry.record.machineId;
      if (target === null) {
        const fingerprint = await machine.fingerprint();
        if (!fingerprint.ok) return fingerprint;
        target = fingerprint.value;
      }
      const pinged = await client.ping(target, credentials);
      return pinged.ok ? ok({ sent: true }) : pinged;
    },

    async importFile(certificate, options = {}) {
      if (!pinned.ok) return pinned;
      if (typeof certificate !== 'string') return fail('LICENSE_FILE_MALFORMED');
      const licenseKey = options.licenseKey ?? null;
      if (licenseKey !== null && !isSecretShaped(licenseKey)) return fail('LICENSE_INVALID');
      const envelope = verifyCertificateSignature(certificate, pinned.value);
      if (!envelope.ok) return envelope;
      if (envelope.value.encrypted && licenseKey === null) return fail('LICENSE_KEY_REQUIRED');
      let fingerprint: string | undefined;
      if (envelope.value.kind === 'machine') {
        const read = await machine.fingerprint();
        if (!read.ok) return read;
        fingerprint = read.value;
      }
      const loaded = await load();
      if (!loaded.ok) return loaded;
      const time = now();
      const verified = verifyLicenseFile(certificate, pinned.value, { licenseKey, fingerprint, now: time, watermark: loaded.value.watermark });
      if (!verified.ok) return verified;
      const file = verified.value;
      const id = licenseIdOf(file);
      if (id === null) return fail('LICENSE_FILE_MALFORMED');
      const keyInFile = file.license?.attributes.key;
      // An unencrypted file names its key: a different one given beside it belongs to another license.
      if (licenseKey !== null && typeof keyInFile === 'string' && keyInFile !== licenseKey) return fail('LICENSE_INVALID');
      if (licenseKey !== null) {
        const stored = await secrets.set(keyRef(id), licenseKey);
        if (!stored.ok) return stored;
      }
      const saved = await mutate((state) => {
        const previous = state.licenses.find((entry) => entry.id === id);
        const ref = licenseKey !== null ? keyRef(id) : (previous?.licenseKeyRef ?? null);
        return ok({ state: upsert(state, recordFor(id, certificate, file, 'import', ref, previous, time), time), value: undefined });
      });
      if (!saved.ok) return saved;
      log(`import: license ${id} installed from a ${file.kind} file`);
      return getInstalled(id);
    },

    async installed(page = {}) {
      const limit = Math.min(MAX_PAGE, Math.max(1, Math.floor(page.limit ?? DEFAULT_PAGE) || DEFAULT_PAGE));
      const listed = await installedEntries();
      if (listed === null) return { data: [], next: null };
      let start = 0;
      if (page.after !== undefined) {
        const index = listed.entries.findIndex((entry) => entry.record.id === page.after?.toLowerCase());
        if (index < 0) return { data: [], next: null };
        start = index + 1;
      }
      const slice = listed.entries.slice(start, start + limit);
      const last = slice[slice.length - 1];
      const next = last !== undefined && start + limit < listed.entries.length ? last.record.id : null;
      return { data: slice.map((entry) => toInstalled(entry, listed.active)), next };
    },

    get: (id) => getInstalled(String(id)),

    async update(id, changes) {
      const label = changes.label;
      if (label !== undefined && label !== null) {
        // eslint-disable-next-line no-control-regex -- a label is one line of plain text
        if (typeof label !== 'string' || label.length > MAX_LABEL_LENGTH || /[\u0000-\u001f\u007f-\u009f]/.test(label)) {
          throw new TypeError(`A label is one line of at most ${MAX_LABEL_LENGTH} characters.`);
        }
      }
      if (changes.pinned !== undefined && typeof changes.pinned !== 'boolean') throw new TypeError('pinned must be a boolean.');
      const wanted = String(id).toLowerCase();
      const time = now();
      const updated = await mutate((state) => {
        const record = state.licenses.find((entry) => entry.id === wanted);
        if (record === undefined) return fail('LICENSE_NOT_INSTALLED');
        const changed: InstalledRecord = {
          ...record,
          ...(label === undefined ? {} : { label: label === null || label.trim() === '' ? null : label.trim() }),
          ...(changes.pinned === undefined ? {} : { pinned: changes.pinned }),
        };
        // One pin at most: pinning a license unpins the others.
        const licenses = state.licenses.map((entry) => (entry.id === wanted ? changed : changes.pinned === true && entry.pinned ? { ...entry, pinned: false } : entry));
        return ok({ state: { ...state, licenses }, value: time });
      });
      if (!updated.ok) return updated;
      return getInstalled(wanted);
    },

    async remove(id) {
      const loaded = await load();
      if (!loaded.ok) return loaded;
      const record = loaded.value.licenses.find((entry) => entry.id === String(id).toLowerCase());
      if (record === undefined) return fail('LICENSE_NOT_INSTALLED');
      return removeLocally(record);
    },

    async seats(credentials, page = {}) {
      const access = await seatAccess(credentials, true);
      if (!access.ok) return access;
      const number = Math.max(1, Math.floor(page.number ?? 1) || 1);
      const size = Math.min(MAX_PAGE, Math.max(1, Math.floor(page.size ?? DEFAULT_PAGE) || DEFAULT_PAGE));
      const listed = await client.licenseMachines(access.value.licenseId as string, { number, size }, access.value.credentials);
      if (!listed.ok) return listed;
      const fingerprint = await machine.fingerprint();
      const current = fingerprint.ok ? fingerprint.value : null;
      return ok({ data: listed.value.data.map((seat) => toSeat(seat, current)), next: listed.value.next === null ? null : String(listed.value.next) } satisfies Paged<Seat>);
    },

    async deactivateSeats(credentials, ids, onProgress) {
      const access = await seatAccess(credentials, false);
      if (!access.ok) return access;
      const unique = [...new Set(ids.map((id) => String(id)))];
      const deactivated: string[] = [];
      const failed: { id: string; code: FailureCode; message: string }[] = [];
      for (const [index, id] of unique.entries()) {
        const result = id === '' ? fail('RESOURCE_NOT_FOUND') : await client.deactivate(id, access.value.credentials);
        if (result.ok) deactivated.push(id);
        else failed.push({ id, code: result.code, message: result.message });
        onProgress?.(index + 1, unique.length);
      }
      // A seat freed here may be this machine's own: its local record no longer stands for a seat.
      const loaded = await load();
      if (loaded.ok) {
        for (const record of loaded.value.licenses) {
          if (record.machineId !== null && deactivated.includes(record.machineId)) {
            const removed = await removeLocally(record);
            if (!removed.ok) log(`seats: local record of license ${record.id} not removed (${removed.code})`);
          }
        }
      }
      return ok({ deactivated, failed } satisfies BulkOutcome);
    },

    async schedule(): Promise<LicensingSchedule | null> {
      const evaluated = await evaluateAll(now());
      if (!evaluated.ok) return null;
      const entry = pickActive(evaluated.value);
      if (entry === null) return null;
      const { record, file, report } = entry;
      const times = file === null ? null : licenseTimesOf(file);
      return {
        checkInAt: record.nextCheckInAt ?? times?.nextCheckIn ?? null,
        renewable: record.machineId !== null && entry.key !== null,
        fileIssuedAt: file === null ? null : fileIssuedOf(file),
        fileExpiresAt: file === null ? null : fileExpiryOf(file),
        fileUnusable: report.code === 'LICENSE_FILE_EXPIRED',
        heartbeatSeconds: record.requireHeartbeat ? (record.heartbeatDuration ?? 600) : null,
      };
    },
  };
  return manager;
}
