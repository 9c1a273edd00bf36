// Machine service benches: the fingerprint once it is cached (every verification asks for it).
import { round, runFor } from './measure.js';

const DIST = new URL('../dist/src/machine/', import.meta.url);

async function fingerprintWarmBench() {
  const { createMachineService } = await import(new URL('machine.service.js', DIST));
  let service = createMachineService();
  let source = 'os';
  let first = await service.fingerprint();
  if (!first.ok) {
    // No readable OS machine id here (containers often lack /etc/machine-id): the cached path
    // under test is the same with any source.
    service = createMachineService({ read: async () => 'bench-machine-id' });
    source = 'fake';
    first = await service.fingerprint();
    if (!first.ok) throw new Error(`fingerprint: ${first.code}`);
  }
  if (service.cachedFingerprint() !== first.value) throw new Error('cachedFingerprint does not return the computed fingerprint');

  runFor(() => service.cachedFingerprint(), 200, 1000);
  const sync = runFor(() => service.cachedFingerprint(), 500, 1000);

  // The async accessor as callers use it: one awaited call at a time.
  const awaitFor = async (ms) => {
    const budget = BigInt(ms * 1e6);
    const started = process.hrtime.bigint();
    let calls = 0;
    let elapsed = 0n;
    do {
      for (let index = 0; index < 1000; index += 1) await service.fingerprint();
      calls += 1000;
      elapsed = process.hrtime.bigint() - started;
    } while (elapsed < budget);
    return { calls, ns: Number(elapsed) };
  };
  await awaitFor(200);
  const asynchronous = await awaitFor(500);

  return [
    { bench: 'machine.fingerprint-warm', value: round(sync.ns / 1e6 / sync.calls), unit: 'ms/call', source },
    { bench: 'machine.fingerprint-warm-async', value: round(asynchronous.ns / 1e6 / asynchronous.calls), unit: 'ms/call', source },
  ];
}

export const benches = [{ name: 'machine.fingerprint-warm', run: fingerprintWarmBench }];
