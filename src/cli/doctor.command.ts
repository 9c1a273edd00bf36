import { homedir } from 'node:os';
import { parseArgs } from 'node:util';
import type { DoctorCheck, DoctorReport } from '../contract/doctor.js';
import { runDoctor } from '../doctor/doctor.js';
import { appDataFolder } from '../platform/app-data.js';
import { COMMON_OPTIONS, type CliContext } from './licensing-context.js';
import { EXIT, printJson, UsageError, type Io } from './output.js';

export const DOCTOR_HELP = `Usage: tessera doctor [--config FILE] [--json]

Checks what Tessera depends on, one line each with its verdict (ok, warn, fail) and the fix:
  the vendor configuration's source; the keychain (a test entry stored, read back and deleted);
  the data folder (writable, free space); the license state (version, damaged copies set aside);
  the proxy in use (password hidden); DNS, TCP and TLS to the licensing server, with the
  certificate's subject and issuer (an unexpected issuer means TLS is intercepted); and this
  computer's clock against the licensing server's signed time.
Each check is bounded in time. Nothing secret is printed.

Options:
  --config FILE   the vendor configuration to check (default: as every command finds it)
  --json          print {"ok", "checks": [{"id","title","verdict","summary","fix","code"}]}

Exit status: 0 when no check fails (warnings allowed), 1 when one does, 2 usage error.
`;

const MARKS: Readonly<Record<DoctorCheck['verdict'], string>> = { ok: '✔', warn: '⚠', fail: '✘' };

/** One line per check: mark, verdict, title, what was found, and the fix. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines = report.checks.map((check) => {
    const fix = check.fix === null ? '' : ` Fix: ${check.fix}`;
    const code = check.code === null || check.verdict === 'ok' ? '' : ` [${check.code}]`;
    return `${MARKS[check.verdict]} ${check.verdict.padEnd(4)}  ${check.title}: ${check.summary}${fix}${code}`;
  });
  const failures = report.checks.filter((check) => check.verdict === 'fail').length;
  const warnings = report.checks.filter((check) => check.verdict === 'warn').length;
  const plural = (count: number, word: string): string => `${count} ${word}${count === 1 ? '' : 's'}`;
  const verdict = failures === 0 ? `All ${report.checks.length} checks passed` : `${plural(failures, 'check')} failed`;
  lines.push(`${verdict}${warnings === 0 ? '.' : `, with ${plural(warnings, 'warning')}.`}`);
  return `${lines.join('\n')}\n`;
}

/** `tessera doctor`: runs the checks against the configuration every command would use. */
export async function doctorCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], options: COMMON_OPTIONS, allowPositionals: true, strict: true });
  if (values.help) {
    io.stdout(DOCTOR_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError('doctor takes no arguments');
  if (values.config !== undefined && values.config.trim() === '') throw new UsageError('--config needs the path of a vendor configuration file');

  const opened = await context.openLicensing({ configPath: values.config, env: io.env, appFolder: context.appFolder, warn: () => undefined });
  try {
    const report = await runDoctor(
      opened.ok
        ? { runtime: opened.value, dataFolder: opened.value.dataFolder, env: io.env }
        : { runtime: null, configFailure: opened, dataFolder: appDataFolder({ env: io.env, platform: process.platform, home: homedir() }), env: io.env },
    );
    if (values.json) printJson(io, report);
    else io.stdout(formatDoctorReport(report));
    return report.ok ? EXIT.ok : EXIT.refused;
  } finally {
    if (opened.ok) await opened.value.close();
  }
}
