/**
 * Offline deactivation on the air-gapped machine: the license and its key leave this machine
 * first, then a receipt signed by the machine key says so, for a connected machine to free the
 * seat (`tessera fulfil RECEIPT`). A kill at any instant must leave the receipt producible, so:
 *   1. the signed receipt is written to `airgap/pending-receipt.json` (atomically);
 *   2. the license record and its key are removed;
 *   3. the receipt is published (kept in `airgap/receipts/`, and written where the caller wants
 *      it), and only then does the pending file go.
 * The next run finishes a pending receipt before anything else: the license is removed if it
 * is still there, and the same receipt is published. A pending receipt whose license was
 * installed again since (its record changed) is stale and dropped.
 */
import { mkdir, readFile, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import type { VendorConfig } from '../config/vendor-config.types.js';
import { writeFileAtomic } from '../licensing/atomic-file.js';
import type { InstalledLicense, LicenseManager } from '../licensing/manager.types.js';
import type { SecretStore } from '../vault/secret-store.js';
import { DOCUMENT_VERSION, RECEIPT_FORMAT, documentText, parseCarried, signDocument, type DeactivationReceipt, type Unsigned } from './documents.js';
import { RECEIPT_SUFFIX, machineStem } from './file-names.js';
import { machineKey } from './machine-key.js';
import { newNonce } from './request.js';

/** The steps, for tests that stop the process between two of them. */
export type OfflineStep = 'pending-written' | 'license-removed' | 'published';

export interface OfflineDeactivationDeps {
  readonly manager: Pick<LicenseManager, 'installed' | 'get' | 'remove'>;
  readonly secrets: SecretStore;
  readonly config: Pick<VendorConfig, 'account' | 'product'>;
  readonly dataFolder: string;
  /** This machine's hostname, named in the receipt. */
  readonly hostname: () => string;
  readonly now: () => number;
  /**
   * Where the caller wants the receipt (a file on a stick): called before the pending receipt is
   * dropped, so a failure here (the stick was pulled) leaves it pending for the next run.
   */
  readonly publish?: (name: string, text: string) => Promise<Result<unknown>>;
  /** Called after each step (tests kill the process here). */
  readonly afterStep?: (step: OfflineStep) => void | Promise<void>;
}

/** A finished offline deactivation. */
export interface OfflineReceipt {
  readonly licenseId: string;
  readonly machineId: string;
  readonly document: DeactivationReceipt;
  /** The receipt's file name, and its text. */
  readonly name: string;
  readonly text: string;
  /** Where the receipt is kept in the data folder. */
  readonly kept: string;
}

interface Pending {
  readonly receipt: DeactivationReceipt;
  /** The installed record's `updatedAt` when the receipt was made: a change means it was installed again. */
  readonly updatedAt: string;
}

const folderOf = (dataFolder: string): string => join(dataFolder, 'airgap');
const pendingPath = (dataFolder: string): string => join(folderOf(dataFolder), 'pending-receipt.json');

async function readPending(dataFolder: string): Promise<Pending | null> {
  let text: string;
  try {
    text = await readFile(pendingPath(dataFolder), 'utf8');
  } catch {
    return null;
  }
  try {
    const value = JSON.parse(text) as { receipt?: unknown; updatedAt?: unknown };
    const parsed = parseCarried(JSON.stringify(value.receipt));
    if (parsed.ok && parsed.value.format === RECEIPT_FORMAT && typeof value.updatedAt === 'string') return { receipt: parsed.value.document, updatedAt: value.updatedAt };
  } catch {
    // A damaged pending file cannot be finished; it is dropped below.
  }
  await unlink(pendingPath(dataFolder)).catch(() => undefined);
  return null;
}

/**
 * Removes the active license (a machine activation) and its key from this machine and returns
 * the signed receipt. Finishes an interrupted one first. Fails with NOT_ACTIVATED,
 * AIRGAP_NOT_A_MACHINE_LICENSE, the secret store's code (machine key), or the removal's.
 */
export async function deactivateOffline(deps: OfflineDeactivationDeps): Promise<Result<OfflineReceipt>> {
  const pending = await readPending(deps.dataFolder);
  if (pending !== null) {
    const installed = await deps.manager.get(pending.receipt.license.id);
    if (!installed.ok || installed.value.updatedAt === pending.updatedAt) return finish(deps, pending);
    // Installed again since the receipt was made: the person changed their mind.
    await unlink(pendingPath(deps.dataFolder)).catch(() => undefined);
  }
  const listed = await deps.manager.installed({ limit: 100 });
  if (!listed.ok) return listed;
  const active = listed.value.data.find((entry) => entry.active);
  if (active === undefined) return fail('NOT_ACTIVATED');
  const machine = active.license?.machine ?? null;
  if (active.kind !== 'machine' || machine === null) return fail('AIRGAP_NOT_A_MACHINE_LICENSE');
  const key = await machineKey(deps.secrets);
  if (!key.ok) return key;
  const unsigned: Unsigned<DeactivationReceipt> = {
    format: RECEIPT_FORMAT,
    version: DOCUMENT_VERSION,
    created: new Date(deps.now()).toISOString(),
    nonce: newNonce(),
    account: deps.config.account,
    product: deps.config.product,
    license: { id: active.id },
    machine: { id: machine.id.toLowerCase(), fingerprint: machine.fingerprint, hostname: deps.hostname() },
    machineKey: { alg: 'ed25519', publicKey: key.value.publicKey },
  };
  const receipt = signDocument<DeactivationReceipt>(unsigned, key.value.sign);
  await mkdir(folderOf(deps.dataFolder), { recursive: true, mode: 0o700 });
  await writeFileAtomic(pendingPath(deps.dataFolder), `${JSON.stringify({ receipt, updatedAt: active.updatedAt } satisfies Pending)}\n`);
  await deps.afterStep?.('pending-written');
  return finish(deps, { receipt, updatedAt: active.updatedAt });
}

async function finish(deps: OfflineDeactivationDeps, pending: Pending): Promise<Result<OfflineReceipt>> {
  const { receipt } = pending;
  const installed: Result<InstalledLicense> = await deps.manager.get(receipt.license.id);
  if (installed.ok) {
    const removed = await deps.manager.remove(receipt.license.id);
    if (!removed.ok && removed.code !== 'LICENSE_NOT_INSTALLED') return removed;
  }
  await deps.afterStep?.('license-removed');
  const name = `${machineStem(receipt.machine.hostname, receipt.machine.fingerprint)}-${receipt.created.replace(/[:.]/g, '')}${RECEIPT_SUFFIX}`;
  const kept = join(folderOf(deps.dataFolder), 'receipts', name);
  const text = documentText(receipt);
  await mkdir(join(folderOf(deps.dataFolder), 'receipts'), { recursive: true, mode: 0o700 });
  await writeFileAtomic(kept, text);
  if (deps.publish !== undefined) {
    const published = await deps.publish(name, text);
    if (!published.ok) return published;
  }
  await deps.afterStep?.('published');
  // The pending file goes last: until then, the next run publishes the same receipt again.
  await unlink(pendingPath(deps.dataFolder)).catch(() => undefined);
  return { ok: true, value: { licenseId: receipt.license.id, machineId: receipt.machine.id, document: receipt, name, text, kept } };
}
