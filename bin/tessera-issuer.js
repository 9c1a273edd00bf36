#!/usr/bin/env node
// Entry point of the `tessera-issuer` command; the issuer itself is compiled from issuer/.
let cli;
try {
  cli = await import('../dist/issuer/cli.js');
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('tessera-issuer: the project is not built yet. Run "npm install" (or "npm run build") first.\n');
    process.exit(2);
  }
  throw error;
}
process.exitCode = await cli.runIssuerCli(process.argv.slice(2), cli.processIo());
