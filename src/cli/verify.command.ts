import { readFileSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { parseArgs } from 'node:util';
import type { FailureCode } from '../contract/codes.js';
import { messageFor } from '../contract/messages.js';
import type { FolderSummary } from '../license-file/folder.js';
import { verifyFolderParallel } from '../airgap/verify-folder-parallel.js';
import { loadPublicKeyArgument, type PinnedKey } from '../license-file/public-key.js';
import { MAX_CERTIFICATE_BYTES, type Resource, type VerifiedLicenseFile } from '../license-file/types.js';
import { verifyLicenseFile } from '../license-file/verify.js';
import { createMachineService } from '../machine/machine.service.js';
import { EXIT, maskSecret, printFailure, printJson, UsageError, type Io } from './output.js';

export const VERIFY_HELP = `Usage: tessera verify FILE|FOLDER --public-key KEY [options]

Verifies a Keygen license file or machine file offline: signature first (with the pinned
public key), then decryption, then its claims (kind, machine, issue date, expiry, clock).
A FOLDER is searched recursively for .lic files and every file is verified, on every core.

Options:
  --public-key KEY    the vendor's public key: 64 hex characters (Ed25519), or the path of
                      a PEM file (Ed25519, ECDSA P-256 or RSA)              (required)
  --license-key KEY   the license key, to decrypt encrypted files; use "-" to read it from
                      standard input. Default: $TESSERA_LICENSE_KEY. Prefer stdin or the
                      variable: a key on the command line is visible to other users.
  --fingerprint FP    the machine fingerprint a machine file must be bound to
                      (default: this machine's, as printed by "tessera fingerprint")
  --now ISO           check expiry against this time instead of the clock (e.g. 2025-01-31T00:00:00Z)
  --json              print one JSON object instead of text
  -h, --help          show this help

Exit status: 0 the file is genuine and current, 1 it was rejected (the reason is printed),
2 usage error (bad option, unreadable file, invalid public key).
`;

/** A resource for output, with the license key masked. */
function shown(resource: Resource | null): Record<string, unknown> | null {
  if (resource === null) return null;
  const attributes: Record<string, unknown> = { ...resource.attributes };
  if (typeof attributes.key === 'string') attributes.key = maskSecret(attributes.key);
  return { id: resource.id, type: resource.type, attributes };
}

function toJson(file: VerifiedLicenseFile): Record<string, unknown> {
  return {
    ok: true,
    kind: file.kind,
    alg: file.alg,
    meta: file.meta,
    license: shown(file.license),
    machine: shown(file.machine),
    included: file.included.map(shown),
  };
}

function describeText(file: VerifiedLicenseFile): string {
  const license = file.license?.attributes ?? {};
  const lines = [`✔ Genuine ${file.kind} file (${file.alg})`];
  if (file.license) lines.push(`  License:      ${String(license.name ?? '(unnamed)')} (${file.license.id})`);
  if (typeof license.status === 'string') lines.push(`  Status:       ${license.status}`);
  if (file.machine) lines.push(`  Machine:      ${String(file.machine.attributes.name ?? file.machine.attributes.hostname ?? file.machine.id)}`);
  if (file.product) lines.push(`  Product:      ${String(file.product.attributes.name ?? file.product.id)}`);
  if (file.policy) lines.push(`  Policy:       ${String(file.policy.attributes.name ?? file.policy.id)}`);
  if (file.entitlements.length > 0) {
    lines.push(`  Entitlements: ${file.entitlements.map((entitlement) => String(entitlement.attributes.code ?? entitlement.id)).join(', ')}`);
  }
  lines.push(`  Issued:       ${file.meta.issued}`);
  lines.push(`  File expires: ${file.meta.expiry ?? 'never'}`);
  if (typeof license.expiry === 'string' || license.expiry === null) lines.push(`  License ends: ${String(license.expiry ?? 'never')}`);
  return `${lines.join('\n')}\n`;
}

async function readLicenseKey(value: string | undefined, io: Io): Promise<string | null> {
  if (value === '-') return (await io.readStdin()).trim() || null;
  return value ?? io.env.TESSERA_LICENSE_KEY ?? null;
}

function parseNow(value: string | undefined): number {
  if (value === undefined) return Date.now();
  const now = Date.parse(value);
  if (Number.isNaN(now)) throw new UsageError(`--now: "${value}" is not an ISO-8601 date and time`);
  return now;
}

/** The key as text for the worker threads: the argument itself (hex or PEM), or the PEM file's text (already read once, so it exists). */
function publicKeyText(argument: string): string {
  const trimmed = argument.trim();
  return /^[0-9a-fA-F]{64}$/.test(trimmed) || trimmed.startsWith('-----BEGIN') ? trimmed : readFileSync(argument, 'utf8');
}

async function machineFingerprint(): Promise<string | null> {
  const result = await createMachineService().fingerprint();
  return result.ok ? result.value : null;
}

function printFolder(io: Io, summary: FolderSummary, json: boolean): number {
  if (json) {
    printJson(io, {
      ok: summary.rejected === 0,
      total: summary.total,
      valid: summary.valid,
      rejected: summary.rejected,
      byCode: summary.byCode,
      files: summary.entries.map((entry) => (entry.ok ? { path: entry.path, ok: true } : { path: entry.path, ok: false, code: entry.code })),
    });
  } else {
    for (const entry of summary.entries) {
      if (entry.ok) io.stdout(`✔ ${entry.path}\n`);
      else io.stdout(`✘ ${entry.path}: ${entry.code === 'FILE_UNREADABLE' ? 'cannot be read' : messageFor(entry.code).title}\n`);
    }
    io.stdout(`${summary.valid} of ${summary.total} files genuine and current, ${summary.rejected} rejected\n`);
  }
  return summary.rejected === 0 && summary.total > 0 ? EXIT.ok : EXIT.refused;
}

/** `tessera verify`: returns the process exit code. Throws UsageError for usage mistakes. */
export async function verifyCommand(argv: readonly string[], io: Io): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: {
      'public-key': { type: 'string' },
      'license-key': { type: 'string' },
      fingerprint: { type: 'string' },
      now: { type: 'string' },
      json: { type: 'boolean', default: false },
      help: { type: 'boolean', short: 'h', default: false },
    },
  });
  if (values.help) {
    io.stdout(VERIFY_HELP);
    return EXIT.ok;
  }
  if (positionals.length !== 1) throw new UsageError('verify takes exactly one FILE or FOLDER');
  if (values['public-key'] === undefined) throw new UsageError('--public-key is required: the vendor public key (64 hex characters or a PEM file)');
  const key = loadPublicKeyArgument(values['public-key']);
  if (!key.ok) throw new UsageError(`--public-key: ${messageFor(key.code).message}`);
  const path = positionals[0] as string;
  const now = parseNow(values.now);
  const licenseKey = await readLicenseKey(values['license-key'], io);
  const fingerprint = values.fingerprint ?? (await machineFingerprint());

  let info;
  try {
    info = await stat(path);
  } catch {
    throw new UsageError(`cannot read ${path}: no such file or folder`);
  }
  if (info.isDirectory()) {
    // Spread over every core: each worker thread verifies its share with the same engine.
    const summary = await verifyFolderParallel(path, publicKeyText(values['public-key']), {
      licenseKey,
      fingerprint,
      now,
      ...(io.isTty && !values.json ? { onProgress: (done: number, total: number) => io.stderr(`\r${done}/${total} files`) } : {}),
    });
    if (io.isTty && !values.json && summary.total > 0) io.stderr('\n');
    return printFolder(io, summary, values.json);
  }
  return verifyOne(io, path, info.size, key.value, { licenseKey, fingerprint, now }, values.json);
}

async function verifyOne(
  io: Io,
  path: string,
  size: number,
  key: PinnedKey,
  options: { licenseKey: string | null; fingerprint: string | null; now: number },
  json: boolean,
): Promise<number> {
  let result;
  if (size > MAX_CERTIFICATE_BYTES) {
    result = { ok: false as const, code: 'LICENSE_FILE_TOO_LARGE' as FailureCode };
  } else {
    let bytes: Buffer;
    try {
      bytes = await readFile(path);
    } catch {
      throw new UsageError(`cannot read ${path}`);
    }
    result = verifyLicenseFile(bytes, key, options);
  }
  if (result.ok) {
    if (json) printJson(io, toJson(result.value));
    else io.stdout(describeText(result.value));
    return EXIT.ok;
  }
  if (json) printJson(io, { ok: false, code: result.code, message: messageFor(result.code).message });
  else printFailure(io, result.code);
  return EXIT.refused;
}
