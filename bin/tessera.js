#!/usr/bin/env node
// Entry point of the `tessera` command; the CLI is compiled from src/cli/ and bundled by the build.
let cli;
try {
  cli = await import('../dist/cli/tessera.js');
} catch (error) {
  if (error && error.code === 'ERR_MODULE_NOT_FOUND') {
    process.stderr.write('tessera: the project is not built yet. Run "npm install" (or "npm run build") first.\n');
    process.exit(2);
  }
  throw error;
}
const code = await cli.runCli(process.argv.slice(2), cli.processIo());
// Let stdout drain before exiting (large --json output through a pipe).
process.exitCode = code;
