#!/usr/bin/env node
// Runs every bench module in turn and prints one JSON line per figure:
//   {"bench":"<name>","value":<n>,"unit":"…"[,"baseline":<n>,"ratio":<n>]}
// Benches import the compiled code from dist/ (run `npm run build` first).
// Usage: node --expose-gc bench/run.js [name-filter …]   (a bench runs if its name contains a filter)

import { enterKeyringSession } from '../scripts/keyring-session.js';
import { purgeTestSecrets, testServiceName } from '../scripts/test-secrets.js';

const MODULES = ['./license-file.bench.js', './machine.bench.js', './issuer.bench.js', './licensing.bench.js', './renderer.bench.js', './admin.bench.js', './airgap.bench.js'];

// The licensing bench stores license keys in the OS keychain: give it a private, unlocked one.
await enterKeyringSession(import.meta.url, 'tessera bench');
// Benches keep their secrets under a service of their own, never under a person's `tessera`.
process.env.TESSERA_KEYCHAIN_SERVICE = testServiceName('bench');
purgeTestSecrets();

const modules = await Promise.all(MODULES.map((path) => import(path)));
const names = modules.flatMap((module) => module.benches.map((bench) => bench.name));
const filters = process.argv.slice(2);
// A filter that is a bench's full name selects only that bench; any other selects by substring.
const selected = (name) =>
  filters.length === 0 || filters.some((filter) => name === filter || (!names.includes(filter) && name.includes(filter)));

let failed = false;
for (const { benches } of modules) {
  for (const bench of benches) {
    if (!selected(bench.name)) continue;
    // Start each bench from a clean heap so one bench's garbage does not bill the next.
    globalThis.gc?.();
    try {
      const records = await bench.run();
      for (const record of [records].flat()) console.log(JSON.stringify(record));
    } catch (error) {
      failed = true;
      console.log(JSON.stringify({ bench: bench.name, error: error instanceof Error ? error.message : String(error) }));
    }
  }
}
purgeTestSecrets({ ownedBy: process.pid });
process.exitCode = failed ? 1 : 0;
