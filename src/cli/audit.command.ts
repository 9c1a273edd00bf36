/** `tessera audit`: the administrator actions recorded on this machine. */
import { parseArgs } from 'node:util';
import { auditCsv } from '../admin/audit-log.js';
import { ADMIN_OPTIONS, adminService, formatTable, outputFormat } from './admin-access.js';
import { COMMON_OPTIONS, positiveInteger, reportFailure, withLicensing, type CliContext } from './licensing-context.js';
import { EXIT, UsageError, type Io } from './output.js';
import { writeExport } from '../admin/exports.js';

export const AUDIT_HELP = `Usage: tessera audit [--limit N] [--format table|json|csv] [--output FILE] [--config FILE] [--json]

The audit log: every administrator action on this machine — sign-ins and sign-outs,
deactivations, exports — with its time, license, machines, result and the token's id (never
the token). It is kept as JSON Lines in <data folder>/admin/audit.jsonl, readable by you only.

Options:
  --limit N      the newest N entries (default 1000)
  --format F     table (default, newest first), json ({"ok":true,"path":…,"entries":[…]},
                 newest first) or csv (oldest first; cells a spreadsheet would run as a
                 formula are prefixed with ')
  --output FILE  write the json or csv to FILE, atomically
  --config FILE  the vendor configuration (default: $TESSERA_CONFIG, the app's
                 tessera.config.json, or the embedded local issuer)
  --json         the same as --format json
  -h, --help     show this help
`;

/** `tessera audit`: returns the process exit code. */
export async function auditCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { ...COMMON_OPTIONS, output: ADMIN_OPTIONS.output, format: ADMIN_OPTIONS.format, limit: { type: 'string' } } });
  if (values.help) {
    io.stdout(AUDIT_HELP);
    return EXIT.ok;
  }
  if (positionals.length > 0) throw new UsageError('audit takes no arguments');
  const format = outputFormat(values.format, values.json, values.output);
  const limit = positiveInteger(values.limit, '--limit', 1_000_000) ?? 1000;
  return withLicensing(context, io, values, async (runtime) => {
    const { audit } = adminService(context, runtime, io);
    const read = await audit.read(limit);
    if (!read.ok) return reportFailure(io, read, values.json);
    const entries = read.value;
    let text: string;
    if (format === 'csv') text = auditCsv(entries);
    else if (format === 'json') text = `${JSON.stringify({ ok: true, path: audit.path, entries })}\n`;
    else {
      const rows = entries.map((entry) => [entry.time, entry.action, entry.result, entry.license ?? '', String(entry.machines.length), entry.tokenId ?? entry.credential, entry.detail ?? '']);
      text = entries.length === 0 ? `No administrator action recorded yet (${audit.path}).\n` : formatTable(['TIME', 'ACTION', 'RESULT', 'LICENSE', 'MACHINES', 'TOKEN', 'DETAIL'], rows);
    }
    if (values.output === undefined) {
      io.stdout(text);
      return EXIT.ok;
    }
    const written = await writeExport(values.output, { fileName: values.output, mediaType: format === 'csv' ? 'text/csv' : 'application/json', text, rows: entries.length });
    if (!written.ok) return reportFailure(io, written, values.json);
    io.stderr(`✔ ${entries.length} entries written to ${values.output}\n`);
    return EXIT.ok;
  });
}
