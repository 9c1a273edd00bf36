/**
 * What every part of the license manager shares (its types are in manager-core.types.ts): the
 * state (read without writing, changed under the cross-process lock), the offline evaluation of
 * every installed file against signed evidence, the active license with its key, the validation
 * scope, the check-out that installs a fresh machine file, and the keeping of the server's answers.
 */
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { KEYGEN_DEFAULT_CHECKOUT_TTL } from '../config/offline-policy.js';
import type { CheckoutOptions, KeygenClient, SignedAnswer, ValidationScope } from '../keygen/client.types.js';
import { parsePublicKey, type KeyFamily, type PinnedKey } from '../license-file/public-key.js';
import type { VerifiedLicenseFile } from '../license-file/types.js';
import { verifyLicenseFile } from '../license-file/verify.js';
import { createTrustedClock } from './clock.js';
import { readAnswer } from './evidence.js';
import { withAnswerKept } from './evidence-keeping.js';
import { fileIssuedOf, licenseIdOf, maskKey } from './facts.js';
import type { ActiveAccess, Evaluation, LicenseManagerDeps, ManagerCore } from './manager-core.types.js';
import type { InstalledLicense, StatusReport, StatusWarning } from './manager.types.js';
import { offlineTerms } from './offline-terms.js';
import { isSealed, openAnswer, seal, sealAnswer, stateKey, unseal } from './sealed-certificate.js';
import { failureReport, pickActive, severalLicensesWarning, toInstalled, type Evaluated } from './status.js';
import type { InstalledRecord, LicensingState } from './state.types.js';
import { judge, withSummary, type DecisionTime } from './verdict.js';

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
/** The secret-store account that holds a license's key. */
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

/** Builds the core. A vendor public key that does not parse is kept as the failure `pinned`. */
export function createManagerCore(deps: LicenseManagerDeps): ManagerCore {
  const { config, state: store, secrets, machine } = deps;
  const log = deps.log ?? (() => undefined);
  const client = observed(deps.client, deps.onRequest);
  const statusClient = deps.statusClient === undefined ? client : observed(deps.statusClient, deps.onRequest);
  const clock = deps.clock ?? createTrustedClock(deps.now);
  const sleep = deps.sleep ?? ((ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms)));
  const pinned = parsePublicKey(config.publicKey);
  const keyId = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i.test(config.account) ? config.account : undefined;
  const terms = offlineTerms(config);
  const entitlements = terms.requiredEntitlements.length > 0 ? terms.requiredEntitlements : undefined;
  const checkout: CheckoutOptions = {
    encrypt: true,
    // Asked for explicitly (Keygen's own default when the vendor sets none), so that the answer can be checked.
    ttl: config.checkoutTtl === undefined ? KEYGEN_DEFAULT_CHECKOUT_TTL : config.checkoutTtl,
    include: CERTIFICATE_INCLUDES,
    algorithm: pinned.ok ? ALGORITHM_FOR[pinned.value.family] : ALGORITHM_FOR.ed25519,
  };

  const load = (): Promise<Result<LicensingState>> => store.load();

  /** The state key when anything in `state` is sealed (null otherwise, or when it cannot be read). */
  async function stateKeyFor(state: LicensingState): Promise<Result<Buffer | null>> {
    const answers = [state.timeWitness, ...state.licenses.flatMap((record) => [record.evidence.confirmation, record.evidence.refusal])];
    const sealed = state.licenses.some((record) => isSealed(record.certificate)) || answers.some((answer) => answer !== null && isSealed(answer.body));
    if (!sealed) return ok(null);
    return stateKey(secrets, false);
  }

  /** The stored certificate's text: sealed ones opened with the state key. */
  function certificateOf(record: InstalledRecord, key: Result<Buffer | null>): Result<string> {
    if (!isSealed(record.certificate)) return ok(record.certificate);
    if (!key.ok) return key;
    return key.value === null ? fail('LICENSE_FILE_DECRYPTION_FAILED') : unseal(record.certificate, key.value);
  }

  /** A kept answer opened and verified again; null when it is absent, sealed beyond reach, or edited. */
  function readKept(stored: SignedAnswer | null, key: Result<Buffer | null>): ReturnType<typeof readAnswer> {
    if (!pinned.ok) return null;
    return readAnswer(openAnswer(stored, key.ok ? key.value : null), pinned.value, keyId);
  }

  /** The engine's result on a stored certificate, and the key it needed. */
  /**
   * The engine's result on a stored certificate (dates are the verdict's to judge, with the
   * watermark and tolerance), and the key it needed.
   */
  async function openRecord(record: InstalledRecord, key: PinnedKey, sealKey: Result<Buffer | null>): Promise<{ verified: Result<VerifiedLicenseFile>; licenseKey: string | null }> {
    let licenseKey: string | null = null;
    if (record.licenseKeyRef !== null) {
      const stored = await secrets.get(record.licenseKeyRef);
      if (!stored.ok) return { verified: stored, licenseKey: null };
      licenseKey = stored.value;
    }
    let fingerprint: string | undefined;
    if (record.kind === 'machine') {
      const read = await machine.fingerprint();
      if (!read.ok) return { verified: read, licenseKey };
      fingerprint = read.value;
      // Installed for another machine (a copied data folder): say so rather than "cannot decrypt".
      if (record.fingerprint !== null && record.fingerprint !== fingerprint) return { verified: fail('FINGERPRINT_MISMATCH'), licenseKey };
    }
    const certificate = certificateOf(record, sealKey);
    if (!certificate.ok) return { verified: certificate, licenseKey };
    const verified = verifyLicenseFile(certificate.value, key, { licenseKey, fingerprint, now: 0, ignoreDates: true });
    if (!verified.ok) {
      const needsKey = verified.code === 'LICENSE_FILE_DECRYPTION_FAILED' && licenseKey === null;
      return { verified: needsKey ? fail('LICENSE_KEY_REQUIRED') : verified, licenseKey };
    }
    if (licenseIdOf(verified.value) !== record.id) return { verified: fail('LICENSE_FILE_MALFORMED'), licenseKey };
    return { verified, licenseKey };
  }

  async function evaluate(): Promise<Result<Evaluation>> {
    if (!pinned.ok) return pinned;
    const loaded = await load();
    if (!loaded.ok) return loaded;
    const state = loaded.value;
    const trusted = clock.lastServerTime() !== null;
    const now = clock.now();
    const sealKey = await stateKeyFor(state);
    const opened = [];
    for (const record of state.licenses) opened.push({ record, ...(await openRecord(record, pinned.value, sealKey)) });
    // The latest signed date seen: files' `issued`, and the kept answer with the latest `Date`.
    const witness = readKept(state.timeWitness, sealKey);
    let watermark = witness?.date ?? 0;
    for (const { verified } of opened) if (verified.ok) watermark = Math.max(watermark, fileIssuedOf(verified.value) ?? 0);
    const time: DecisionTime = { now, local: clock.local(), trusted, watermark, toleranceMs: terms.clockToleranceMs };

    const entries: Evaluated[] = opened.map(({ record, verified, licenseKey }) => {
      const report = judge({
        record,
        verified,
        confirmation: readKept(record.evidence.confirmation, sealKey),
        refusal: readKept(record.evidence.refusal, sealKey),
        keyHint: licenseKey === null ? null : maskKey(licenseKey),
        time,
        terms,
      });
      return { record, report, file: verified.ok ? verified.value : null, key: licenseKey };
    });
    const active = pickActive(entries);
    const warnings: StatusWarning[] = [];
    const several = severalLicensesWarning(entries, active, now);
    if (several !== null) warnings.push(several);
    for (const notice of state.setAside) {
      const what = `A damaged license state was set aside on ${new Date(notice.at).toISOString()} as ${notice.name}: licenses installed before may need to be activated or imported again`;
      warnings.push({
        code: 'STATE_SET_ASIDE',
        message: `${what} (dismiss with "tessera licenses dismiss-notices").`,
        uiMessage: `${what}.`,
        at: new Date(notice.at).toISOString(),
      });
    }
    for (const record of state.licenses.filter((entry) => entry.deactivating !== null)) {
      const what = `License ${record.id} is being deactivated: it no longer licenses this machine, and its seat is freed as soon as the licensing server can be reached`;
      warnings.push({
        code: 'DEACTIVATION_PENDING',
        message: `${what} (run "tessera deactivate" again, or leave Tessera running).`,
        uiMessage: `${what} (leave Tessera running).`,
        at: new Date(record.deactivating ?? 0).toISOString(),
      });
    }
    for (const pending of state.activations) {
      warnings.push({
        code: 'ACTIVATION_PENDING',
        message: `An activation of license ${pending.licenseId} started on ${new Date(pending.startedAt).toISOString()} did not finish: activate again to finish it (no second seat is taken).`,
        at: new Date(pending.startedAt).toISOString(),
      });
    }
    return ok({ state, entries, active, time, warnings });
  }

  async function activeWithKey(): Promise<Result<ActiveAccess>> {
    const evaluated = await evaluate();
    if (!evaluated.ok) return evaluated;
    const entry = evaluated.value.active;
    if (entry === null) return fail('NOT_ACTIVATED');
    if (entry.key === null) {
      // A keychain failure is the real reason when the key could not be read.
      const code = entry.report.code;
      return fail(code === 'KEYCHAIN_UNAVAILABLE' || code === 'KEYCHAIN_TIMEOUT' || code === 'KEYCHAIN_LOCKED' || code === 'SECRET_FILE_UNUSABLE' ? code : 'LICENSE_KEY_REQUIRED');
    }
    return ok({ entry, key: entry.key, credentials: { kind: 'license-key', key: entry.key } });
  }

  function scopeFor(fingerprint: string | undefined): ValidationScope {
    return {
      ...(config.product === null ? {} : { product: config.product }),
      ...(fingerprint === undefined ? {} : { fingerprint }),
      ...(entitlements === undefined ? {} : { entitlements }),
    };
  }

  async function storable(certificate: string, file: VerifiedLicenseFile): Promise<Result<string>> {
    if (file.encrypted) return ok(certificate);
    const key = await stateKey(secrets, true);
    return key.ok ? ok(seal(certificate, key.value)) : key;
  }

  async function keepAnswer(licenseId: string, answer: SignedAnswer, options: { readonly fresh?: boolean } = {}): Promise<StatusWarning | null> {
    if (!pinned.ok) return null;
    const read = readAnswer(answer, pinned.value, keyId);
    if (read === null) return null;
    const sealKey = await stateKey(secrets, true);
    if (!sealKey.ok) return { code: 'STATE_NOT_SAVED', message: `The licensing server's latest answer could not be kept (${sealKey.message}); decisions are unaffected.`, at: new Date(read.date).toISOString() };
    const kept = { licenseId, read, sealed: sealAnswer(answer, sealKey.value), fresh: options.fresh === true };
    const changed = await store.update((state) => ok({ state: withAnswerKept(state, kept, (stored) => readKept(stored, sealKey)), value: undefined }));
    if (changed.ok) return null;
    return { code: 'STATE_NOT_SAVED', message: `The licensing server's latest answer could not be kept (${changed.message}); decisions are unaffected.`, at: new Date(read.date).toISOString() };
  }

  async function issuedOf(record: InstalledRecord): Promise<number | null> {
    if (!pinned.ok) return null;
    const sealKey = isSealed(record.certificate) ? await stateKey(secrets, false) : ok(null);
    const { verified } = await openRecord(record, pinned.value, sealKey);
    return verified.ok ? fileIssuedOf(verified.value) : null;
  }

  async function removeLocally(record: InstalledRecord): Promise<Result<void>> {
    const removed = await store.update((state) => ok({ state: { ...state, licenses: state.licenses.filter((entry) => entry.id !== record.id) }, value: undefined }));
    if (!removed.ok) return removed;
    if (record.licenseKeyRef === null) return ok(undefined);
    const deleted = await secrets.delete(record.licenseKeyRef);
    return deleted.ok ? ok(undefined) : deleted;
  }

  async function cleanOrphanKeys(): Promise<void> {
    const [listed, loaded] = await Promise.all([secrets.list(), load()]);
    if (!listed.ok || !loaded.ok) return;
    const referenced = new Set([...loaded.value.licenses.map((record) => record.licenseKeyRef), ...loaded.value.activations.map((pending) => pending.licenseKeyRef)]);
    for (const account of listed.value) {
      if (account.startsWith('license:') && !referenced.has(account)) {
        const deleted = await secrets.delete(account);
        if (deleted.ok) log(`cleanup: removed the key of a license no longer installed (${account.slice('license:'.length)})`);
      }
    }
  }

  async function getInstalled(id: string): Promise<Result<InstalledLicense>> {
    const evaluated = await evaluate();
    if (!evaluated.ok) return evaluated;
    const entry = evaluated.value.entries.find((candidate) => candidate.record.id === id.toLowerCase());
    if (entry === undefined) return fail('LICENSE_NOT_INSTALLED');
    return ok(toInstalled(entry, evaluated.value.active));
  }

  return {
    config,
    client,
    statusClient,
    secrets,
    machine,
    clock,
    sleep,
    log,
    pinned,
    terms,
    checkout,
    load,
    update: (change) => store.update(change),
    evaluate,
    activeWithKey,
    getInstalled,
    scopeFor,
    storable,
    keepAnswer,
    issuedOf,
    removeLocally,
    cleanOrphanKeys,
  };
}

/** The report of an evaluation's active license (with its summary sentence), or why there is none. */
export function activeReport(evaluation: Evaluation): StatusReport {
  const active = evaluation.active;
  if (active === null) return { ...failureReport('NOT_ACTIVATED'), warnings: evaluation.warnings };
  return withSummary({ ...active.report, warnings: [...active.report.warnings, ...evaluation.warnings] });
}
