/** Simulated machines and fulfillers against the local issuer, for the air-gapped integration tests. */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createFulfiller, type Fulfiller } from '../../src/airgap/fulfil.js';
import { rateLimitRetrying } from '../../src/airgap/rate-limit-transport.js';
import { createReceiptLedger } from '../../src/airgap/receipt-ledger.js';
import type { VendorConfig } from '../../src/config/vendor-config.types.js';
import { createKeygenClient } from '../../src/keygen/client.js';
import { createNodeTransport, type Transport } from '../../src/keygen/transport.js';
import { parsePublicKey } from '../../src/license-file/public-key.js';
import { createLicenseManager } from '../../src/licensing/manager.js';
import { createFileStateStore } from '../../src/licensing/state-store.js';
import { MachineService } from '../../src/machine/machine.service.js';
import { createMemoryStore } from '../../src/vault/memory.store.js';
import type { TestIssuer } from '../issuer/support.js';

/** One simulated machine against an issuer: its own fingerprint (from `name`), data folder, secret store and license manager. */
export function simulatedMachine(t: TestIssuer, name: string, config: VendorConfig = t.issuer.config) {
  const folder = mkdtempSync(join(tmpdir(), `tessera-airgap-${name}-`));
  const secrets = createMemoryStore();
  const service = new MachineService({ read: async () => `machine-id-${name}` });
  const manager = createLicenseManager({
    config,
    client: createKeygenClient({ config, env: {}, sleep: async () => undefined }),
    state: createFileStateStore(join(folder, 'licensing')),
    secrets,
    machine: service,
    now: Date.now,
  });
  const runtime = { manager, config, secrets, dataFolder: folder };
  return { folder, secrets, service, manager, runtime, config };
}

/** The fulfiller of a connected machine whose data folder is `folder`. */
export function fulfillerFor(t: TestIssuer, folder: string, options: { readonly transport?: Transport } = {}): Fulfiller {
  const config = t.issuer.config;
  const pinned = parsePublicKey(config.publicKey);
  if (!pinned.ok) throw new Error('the issuer key does not parse');
  const client = createKeygenClient({ config, env: {}, transport: options.transport ?? rateLimitRetrying(createNodeTransport({ env: {}, keepAlive: true })), sleep: async () => undefined });
  return createFulfiller({ config, client, pinned: pinned.value, ledger: createReceiptLedger(folder), now: Date.now });
}
