/** `tessera admin sign-in | sign-out | status`: the administrator token the admin commands and views use. */
import { parseArgs } from 'node:util';
import type { AdminSession } from '../contract/admin.js';
import { adminService, readAdminToken } from './admin-access.js';
import { COMMON_OPTIONS, redacting, reportFailure, withLicensing, type CliContext } from './licensing-context.js';
import { EXIT, printJson, UsageError, type Io } from './output.js';

export const ADMIN_HELP = `Usage: tessera admin sign-in [--admin-token -] [--config FILE] [--json]
       tessera admin sign-out | status [--config FILE] [--json]

For administrators: signs in with an admin or product token of the licensing account, for
"tessera licenses list --remote", "tessera seats … --license-id ID" and the console's Licenses
screen. The token is checked with the server, then kept in the OS keychain (or the owner-only
secrets file on a machine without one) and never shown again: only its id is.

Subcommands:
  sign-in    read the token from standard input (--admin-token -, the default) or
             $TESSERA_ADMIN_TOKEN, check it and keep it
  sign-out   forget the token
  status     who is signed in: the bearer and the token's id

Options:
  --admin-token -  the token on standard input (tokens are never taken on the command line)
  --config FILE    the vendor configuration (default: $TESSERA_CONFIG, the app's
                   tessera.config.json, or the embedded local issuer)
  --json           {"ok":true,"session":{"tokenId","bearer":{"kind","id","name"},"signedInAt"}|null}
  -h, --help       show this help

Sign-ins and sign-outs are recorded in the audit log ("tessera audit").
Exit status: 0 success, 1 refused (a revoked, expired or other account's token), 2 usage error.
`;

function describe(session: AdminSession | null): string {
  if (session === null) return 'Not signed in. Run "tessera admin sign-in" with an admin or product token on standard input.\n';
  const who = session.bearer.kind === 'admin' ? 'administrator' : 'product';
  return `✔ Signed in as ${who} ${session.bearer.name ?? session.bearer.id} (token ${session.tokenId}) since ${session.signedInAt}.\n`;
}

/** \`tessera admin\`: returns the process exit code. */
export async function adminCommand(argv: readonly string[], io: Io, context: CliContext): Promise<number> {
  const { values, positionals } = parseArgs({ args: [...argv], allowPositionals: true, strict: true, options: { ...COMMON_OPTIONS, 'admin-token': { type: 'string' } } });
  if (values.help) {
    io.stdout(ADMIN_HELP);
    return EXIT.ok;
  }
  const [action, ...rest] = positionals;
  if (action !== 'sign-in' && action !== 'sign-out' && action !== 'status') throw new UsageError(action === undefined ? 'missing subcommand: sign-in, sign-out or status' : `unknown subcommand "${action}"`);
  if (rest.length > 0) throw new UsageError(`admin ${action} takes no arguments`);
  if (action !== 'sign-in' && values['admin-token'] !== undefined) throw new UsageError('--admin-token applies to admin sign-in only');
  // Signing in reads standard input unless the environment has the token.
  const token = action === 'sign-in' ? await readAdminToken(io, values['admin-token'] ?? (io.env.TESSERA_ADMIN_TOKEN?.trim() ? undefined : '-')) : null;
  const shown = redacting(io, token === null ? [] : [token]);
  return withLicensing(context, shown, values, async (runtime) => {
    const admin = adminService(context, runtime, shown);
    if (action === 'sign-in') {
      const signed = await admin.signIn(token as string);
      if (!signed.ok) return reportFailure(shown, signed, values.json);
      if (values.json) printJson(shown, { ok: true, session: signed.value });
      else shown.stdout(describe(signed.value));
      return EXIT.ok;
    }
    if (action === 'sign-out') {
      const out = await admin.signOut();
      if (!out.ok) return reportFailure(shown, out, values.json);
      if (values.json) printJson(shown, { ok: true, session: null });
      else shown.stdout('✔ Signed out: the token was removed from this machine.\n');
      return EXIT.ok;
    }
    const session = await admin.session();
    if (!session.ok) return reportFailure(shown, session, values.json);
    if (values.json) printJson(shown, { ok: true, session: session.value });
    else shown.stdout(describe(session.value));
    return EXIT.ok;
  });
}
