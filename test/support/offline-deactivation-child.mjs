// A process that runs an offline deactivation on a data folder and is killed with SIGKILL at
// one step (argv: folder, vendor configuration JSON, step, simulated machine name). Secrets come on stdin as JSON.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import process from 'node:process';
import { URL } from 'node:url';

const [folder, configText, step, machineName] = process.argv.slice(2);
const dist = new URL('../../dist/src/', import.meta.url);
const { deactivateOffline } = await import(new URL('airgap/offline-deactivation.js', dist));
const { createLicenseManager } = await import(new URL('licensing/manager.js', dist));
const { createFileStateStore } = await import(new URL('licensing/state-store.js', dist));
const { createMemoryStore } = await import(new URL('vault/memory.store.js', dist));
const { createKeygenClient } = await import(new URL('keygen/client.js', dist));
const { MachineService } = await import(new URL('machine/machine.service.js', dist));
const config = JSON.parse(configText);
const secrets = createMemoryStore();
for (const [account, secret] of Object.entries(JSON.parse(readFileSync(0, 'utf8')))) await secrets.set(account, secret);
const manager = createLicenseManager({
  config,
  client: createKeygenClient({ config, env: {} }),
  state: createFileStateStore(join(folder, 'licensing')),
  secrets,
  // The same machine as the test's simulated one: its fingerprint comes from the same raw id.
  machine: new MachineService({ read: async () => `machine-id-${machineName}` }),
  now: Date.now,
});
await deactivateOffline({
  manager,
  secrets,
  config,
  dataFolder: folder,
  hostname: () => 'killed-host',
  now: Date.now,
  afterStep: (reached) => {
    if (reached === step) process.kill(process.pid, 'SIGKILL');
  },
});
process.stderr.write(`step ${step} never reached\n`);
