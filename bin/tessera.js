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
// Exit once everything printed is written (large --json output through a pipe), without waiting
// for a keychain call that timed out on an unlock prompt, or a read started ahead that no step
// needed: either would otherwise keep the command running after it has answered.
await Promise.all([process.stdout, process.stderr].map((stream) => new Promise((resolve) => stream.write('', resolve))));
process.exit(code);
