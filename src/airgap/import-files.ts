/**
 * Import on the air-gapped machine: from one file, several dropped at once, a folder or a stick
 * full of responses, install those made for this machine and report every other file with why
 * (another machine's, needs a key, not genuine, older than the installed one, or a file for the
 * other side). Files are read and their signatures checked on worker threads; installing goes
 * through the license manager one file at a time, which verifies each again in full.
 */
import type { ImportResult, ImportedKind } from '../contract/airgap.types.js';
import type { FailureCode } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { keyRef } from '../licensing/manager-core.js';
import type { LicenseManager } from '../licensing/manager.types.js';
import type { MachineService } from '../machine/machine.service.js';
import type { SecretStore } from '../vault/secret-store.js';
import { RECEIPT_FORMAT, REQUEST_FORMAT, RESPONSE_FORMAT } from './documents.js';
import { CERTIFICATE_SUFFIX, RESPONSE_SUFFIX } from './file-names.js';
import { mapInChunks, type FilePool } from './worker-pool.js';
import { checkCarriedText, type CarriedVerdict } from './worker-tasks.js';

export interface ImportDeps {
  readonly manager: Pick<LicenseManager, 'importFile' | 'installed'>;
  readonly secrets: SecretStore;
  readonly machine: Pick<MachineService, 'fingerprint'>;
  /** The vendor's pinned public key as configured (hex or PEM). */
  readonly publicKey: string;
  readonly pool: FilePool;
}

/** A file to import: on disk, or in memory (dropped or picked in the UI). */
export type ImportInput = { readonly path: string; readonly shown: string } | { readonly name: string; readonly text: string };

/** Whether a folder scan offers a file for import: license and machine files, and responses. */
export const isImportName = (name: string): boolean => {
  const lower = name.toLowerCase();
  return lower.endsWith(CERTIFICATE_SUFFIX) || lower.endsWith(RESPONSE_SUFFIX);
};

const KIND_OF_LOOK: Readonly<Record<string, ImportedKind>> = { request: 'request', response: 'response', receipt: 'receipt', certificate: 'license', unknown: 'unknown' };

const refused = (file: string, kind: ImportedKind, code: FailureCode): ImportResult => ({ file, kind, ok: false, code, message: fail(code).message });

/**
 * Imports every input in order. `licenseKey` (given by the person) is tried first for encrypted
 * files; then the key a response carries; then the keys already stored for installed licenses
 * (a renewed file for a license this machine has). Never rejects for a bad file.
 */
export async function importFiles(inputs: readonly ImportInput[], deps: ImportDeps, options: { readonly licenseKey?: string } = {}): Promise<ImportResult[]> {
  const onDisk = inputs.filter((input): input is { path: string; shown: string } => 'path' in input);
  const reads = await mapInChunks(deps.pool, 'read-carried', onDisk.map((input) => input.path), 32, (chunk) => ({ paths: chunk, publicKey: deps.publicKey }));
  const readByPath = new Map(reads.map((read) => [read.path, read]));
  const fingerprint = await deps.machine.fingerprint();
  const results: ImportResult[] = [];
  for (const input of inputs) {
    const file = 'path' in input ? input.shown : input.name;
    const verdict = 'path' in input ? (readByPath.get(input.path) as CarriedVerdict) : checkCarriedText(input.name, input.text, deps.publicKey);
    if (!fingerprint.ok) {
      results.push(refused(file, 'unknown', fingerprint.code));
      continue;
    }
    results.push(await importOne(file, verdict, fingerprint.value, deps, options.licenseKey));
  }
  return results;
}

async function importOne(file: string, verdict: CarriedVerdict, fingerprint: string, deps: ImportDeps, givenKey: string | undefined): Promise<ImportResult> {
  if (!verdict.ok) return refused(file, KIND_OF_LOOK[verdict.looksLike] ?? 'unknown', verdict.code);
  if (verdict.kind === 'certificate') {
    const kind: ImportedKind = verdict.certificateKind;
    return install(file, kind, verdict.text, verdict.encrypted, deps, [givenKey]);
  }
  const { carried } = verdict;
  if (carried.format === REQUEST_FORMAT) return refused(file, 'request', 'AIRGAP_FILE_WRONG_STEP');
  if (carried.format === RECEIPT_FORMAT) return refused(file, 'receipt', 'AIRGAP_FILE_WRONG_STEP');
  if (carried.format !== RESPONSE_FORMAT) return refused(file, 'unknown', 'AIRGAP_FILE_WRONG_STEP');
  const response = carried.document;
  // Said in those words: a response for another machine is not this machine's to install.
  if (response.request.fingerprint !== fingerprint) return refused(file, 'response', 'FINGERPRINT_MISMATCH');
  const stored = await deps.secrets.get(keyRef(response.license.id.toLowerCase()));
  return install(file, 'response', response.certificate, true, deps, [givenKey, response.licenseKey, stored.ok ? (stored.value ?? undefined) : undefined]);
}

/** Installs a certificate with the first key that opens it; the stored keys of installed licenses are the last resort. */
async function install(file: string, kind: ImportedKind, certificate: string, encrypted: boolean, deps: ImportDeps, keys: readonly (string | undefined)[]): Promise<ImportResult> {
  const candidates = [...new Set(keys.filter((key): key is string => key !== undefined))];
  if (encrypted && candidates.length === 0) {
    const listed = await deps.manager.installed({ limit: 100 });
    for (const installed of listed.ok ? listed.value.data : []) {
      const stored = await deps.secrets.get(keyRef(installed.id));
      if (stored.ok && stored.value !== null) candidates.push(stored.value);
    }
  }
  if (!encrypted || candidates.length === 0) {
    const result = await deps.manager.importFile(certificate);
    return result.ok ? { file, kind, ok: true, licenseId: result.value.id } : refused(file, kind, result.code);
  }
  let last: FailureCode = 'LICENSE_KEY_REQUIRED';
  for (const licenseKey of candidates) {
    const result = await deps.manager.importFile(certificate, { licenseKey });
    if (result.ok) return { file, kind, ok: true, licenseId: result.value.id };
    last = result.code;
    // Only a key that does not open the file is worth trying the next one for.
    if (result.code !== 'LICENSE_FILE_DECRYPTION_FAILED' && result.code !== 'LICENSE_INVALID') break;
  }
  const tried = keys.some((key) => key !== undefined);
  return refused(file, kind, !tried && last === 'LICENSE_FILE_DECRYPTION_FAILED' ? 'LICENSE_KEY_REQUIRED' : last);
}
