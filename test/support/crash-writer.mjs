// Child process of test/licensing/crash-consistency.test.ts: loads the state, then saves states
// A and B alternately (each a whole change under the state's lock), as fast as it can, until the parent kills it with SIGKILL.
// Usage: node crash-writer.mjs STATE_FOLDER FIXTURES_JSON
// Prints "ready" once loaded and "saved" after every save that resolved, so the parent knows
// a lower bound of the saves that completed before the kill.
// Runs the built core (dist/), which `npm test` builds first.
import { readFileSync } from 'node:fs';
import process from 'node:process';
import { setTimeout } from 'node:timers';
import { createFileStateStore } from '../../dist/src/licensing/state-store.js';

const [folder, fixturesPath] = process.argv.slice(2);
if (folder === undefined || fixturesPath === undefined) {
  process.stderr.write('usage: crash-writer.mjs STATE_FOLDER FIXTURES_JSON\n');
  process.exit(2);
}
const { a, b } = JSON.parse(readFileSync(fixturesPath, 'utf8'));

// A safety net: never outlive a parent that failed to kill us.
setTimeout(() => {
  process.stderr.write('crash-writer: not killed within 20 s\n');
  process.exit(3);
}, 20_000).unref();

const store = createFileStateStore(folder);
const loaded = await store.load();
if (!loaded.ok) {
  process.stderr.write(`crash-writer: load failed with ${loaded.code}\n`);
  process.exit(4);
}
process.stdout.write('ready\n');
for (let index = 0; ; index += 1) {
  const next = index % 2 === 0 ? a : b;
  const saved = await store.update(() => ({ ok: true, value: { state: next, value: undefined } }));
  if (!saved.ok) {
    process.stderr.write(`crash-writer: save failed with ${saved.code}\n`);
    process.exit(5);
  }
  process.stdout.write('saved\n');
}
