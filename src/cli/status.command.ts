import { parseArgs } from 'node:util';
import type { Result } from '../contract/codes.js';
import { exitCodeFor } from '../contract/failures.js';
import { messageFor } from '../contract/messages.js';
import type { LicenseFacts, StatusReport } from '../licensing/manager.types.js';
import { COMMON_OPTIONS, reportFailure, withLicensing, type CliContext } from './licensing-context.js';
import { EXIT, printFailure, printJson, UsageError, type Io } from './output.js';

export const STATUS_HELP = `Usage: tessera status [--offline] [--config FILE] [--json]

Says whether this machine is licensed: the license, its policy and expiry, entitlements, the
machine it is bound to, the last and next check-in, and any warning. The stored license file is
checked offline first; the licensing server is asked too when it can be reached.

Options:
  --offline      never touch the network: answer from the stored license file alone
  --config FILE  the vendor configuration (default: $TESSERA_CONFIG, the app's
                 tessera.config.json, or the embedded local issuer)
  --json         print the status report as one JSON object
  -h, --help     show this help

Exit status: 0 licensed, 1 not licensed (the reason and next step are printed),
2 usage error, 3 the licensing server could not be reached.
`;

/** A fingerprint shortened for display: enough to compare by eye. */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint.length <= 16 ? fingerprint : `${fingerprint.slice(0, 12)}…`;
}

function named(value: { readonly id: string; readonly name: string | null } | null): string | null {
  if (value === null) return null;
  return value.name === null ? value.id : `${value.name} (${value.id})`;
}

/** The lines describing a license, shared by `status`, `licenses show` and `import`. */
export function licenseLines(license: LicenseFacts): string[] {
  const lines = [`  License:       ${license.name ?? '(unnamed)'} (${license.id})`];
  if (license.keyHint !== null) lines.push(`  Key:           ${license.keyHint}`);
  const policy = named(license.policy);
  if (policy !== null) lines.push(`  Policy:        ${policy}`);
  const product = named(license.product);
  if (product !== null) lines.push(`  Product:       ${product}`);
  if (license.status !== null) lines.push(`  Status:        ${license.status}`);
  lines.push(`  Expires:       ${license.expiry ?? 'never'}`);
  lines.push(`  Entitlements:  ${license.entitlements.length > 0 ? license.entitlements.join(', ') : 'none'}`);
  if (license.machine !== null) {
    lines.push(`  Machine:       ${license.machine.name ?? license.machine.id} (fingerprint ${shortFingerprint(license.machine.fingerprint)})`);
  }
  return lines;
}

/** A status report for people. */
export function describeStatus(report: StatusReport): string {
  const checked = report.source === 'online' ? 'confirmed by the licensing server' : 'from the stored license file (offline)';
  const lines = [report.licensed ? `✔ ${report.summary}` : `✘ Not licensed: ${report.message}`];
  if (report.license !== null) lines.push(...licenseLines(report.license));
  if (report.license !== null || report.fileExpiry !== null) lines.push(`  Offline until: ${report.fileExpiry ?? 'no limit'}`);
  if (report.license !== null) {
    lines.push(`  Last check-in: ${report.lastCheckIn ?? 'never'}`);
    lines.push(`  Next check-in: ${report.nextCheckIn ?? 'not required'}`);
  }
  if (!report.licensed) lines.push(`  Checked:       ${checked}`);
  for (const warning of report.warnings) lines.push(`⚠ ${warning.message} (${warning.at})`);
  return `${lines.join('\n')}\n`;
}

/** The exit code of a status report: 0 licensed, else that of its reason. */
export function statusExitCode(report: StatusReport): number {
  if (report.licensed) return EXIT.ok;
  return report.code === 'VALID' ? EXIT.refused : exitCodeFor(report.code);
}

/** Prints a status report (the report itself with --json), after `headline` when licensed, and returns its exit code. */
export function printStatus(io: Io, report: StatusReport, json: boolean, headline?: string): number {
  if (json) {
    printJson(io, report);
  } else {
    if (headline !== undefined && report.licensed) io.stdout(`${headline}\n`);
    io.stdout(describeStatus(report));
    if (!report.licensed && report.code !== 'VALID') {
      printFailure(io, report.code);
      io.stderr(`  Code: ${report.code}\n`);
    }
  }
  return statusExitCode(report);
}

/**
 * Prints the outcome of an action that answers with a fresh status (activate, check-in, renew):
 * the failure, or `{"ok":true,"status":…}` / the report for people.
 */
export function printStatusResult(io: Io, result: Result<StatusReport>, json: boolean, headline: string): number {
  if (!result.ok) return reportFailure(io, result, json);
  if (json) {
    printJson(io, { ok: true, status: result.value });
    return statusExitCode(result.value);
  }
  return printStatus(io, result.value, false, headline);
}

/** `tessera status`: returns the process exit code. */
export async function statusCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({
    args: [...argv],
    allowPositionals: true,
    strict: true,
    options: { ...COMMON_OPTIONS, offline: { type: 'boolean', default: false } },
  });
  if (values.help) {
    io.stdout(STATUS_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError('status takes no arguments');
  return withLicensing(context, io, values, async ({ manager }) => printStatus(io, await manager.status({ online: !values.offline }), values.json));
}

/** The title of a code, for one-line listings. */
export function codeTitle(code: StatusReport['code']): string {
  return code === 'VALID' ? 'valid' : messageFor(code).title;
}
