import { createHash, createHmac } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it, vi } from 'vitest';
import { readComponents } from '../../src/machine/components.js';
import {
  deriveFingerprint,
  FINGERPRINT_APP_ID,
  osMachineIdSource,
  readFingerprint,
  readLinuxMachineId,
  type MachineIdSource,
} from '../../src/machine/fingerprint.js';
import { createMachineService, MachineService } from '../../src/machine/machine.service.js';

const RAW_ID = '3d1219c7c4c5404aaa1f6d2a48adfda4';
const OTHER_ID = '0f0e0d0c0b0a09080706050403020100';
const HEX_64 = /^[0-9a-f]{64}$/;

/** A fake source that counts its reads. */
function fakeSource(id: string): MachineIdSource & { reads: number } {
  const source = {
    reads: 0,
    async read() {
      source.reads += 1;
      return id;
    },
  };
  return source;
}

function failingSource(): MachineIdSource {
  return {
    async read() {
      throw new Error(`cannot read ${RAW_ID}`);
    },
  };
}

/**
 * Known answers: fixed inputs → fixed hex. Every activated machine is known to its licensing
 * server by this value, so a change here (a new app id, another hash, other machine-id
 * files or normalisation) would make every machine a new one and cost every user a seat.
 */
const KNOWN_ANSWER = '9c64db483afeb17526a620a3a11c8821e55605a1f7b93730d216e0df94978c8a';

describe('the fingerprint is stable across versions (known answers)', () => {
  it('derives the known fingerprint from a known machine id', () => {
    expect(deriveFingerprint(RAW_ID)).toBe(KNOWN_ANSWER);
  });

  it('reads the Linux machine-id files to the same known fingerprint, whatever their whitespace and case', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'tessera-machine-id-'));
    try {
      const dbus = join(folder, 'dbus-machine-id');
      const etc = join(folder, 'machine-id');
      writeFileSync(etc, `  ${RAW_ID.toUpperCase()}\n`);
      const id = await readLinuxMachineId([dbus, etc]);
      expect(id).toBe(RAW_ID);
      expect(await readFingerprint({ read: async () => id })).toEqual({ ok: true, value: KNOWN_ANSWER });
      // node-machine-id's order: the D-Bus file first, when it exists.
      writeFileSync(dbus, `${OTHER_ID}\n`);
      expect(await readLinuxMachineId([dbus, etc])).toBe(OTHER_ID);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});

describe('deriveFingerprint', () => {
  it('is HMAC-SHA256 keyed by the raw id over the app id, in lowercase hex', () => {
    const expected = createHmac('sha256', RAW_ID).update('tessera').digest('hex');
    expect(FINGERPRINT_APP_ID).toBe('tessera');
    expect(deriveFingerprint(RAW_ID)).toBe(expected);
    expect(deriveFingerprint(RAW_ID)).toMatch(HEX_64);
  });

  it('is deterministic', () => {
    expect(deriveFingerprint(RAW_ID)).toBe(deriveFingerprint(RAW_ID));
  });

  it('differs for different ids and different app ids', () => {
    expect(deriveFingerprint(OTHER_ID)).not.toBe(deriveFingerprint(RAW_ID));
    expect(deriveFingerprint(RAW_ID, 'another-app')).not.toBe(deriveFingerprint(RAW_ID));
  });

  it('never reveals the raw id, nor its plain SHA-256', () => {
    const fingerprint = deriveFingerprint(RAW_ID);
    expect(fingerprint).not.toBe(RAW_ID);
    expect(fingerprint).not.toContain(RAW_ID);
    // node-machine-id's own "hashed" id is an unkeyed SHA-256 that any app can compute.
    expect(fingerprint).not.toBe(createHash('sha256').update(RAW_ID).digest('hex'));
  });
});

describe('readFingerprint', () => {
  it('derives the fingerprint from the source', async () => {
    expect(await readFingerprint(fakeSource(RAW_ID))).toEqual({ ok: true, value: deriveFingerprint(RAW_ID) });
  });

  it('returns MACHINE_ID_UNAVAILABLE when the source throws, without leaking the id', async () => {
    const result = await readFingerprint(failingSource());
    expect(result).toMatchObject({ ok: false, code: 'MACHINE_ID_UNAVAILABLE' });
    expect(JSON.stringify(result)).not.toContain(RAW_ID);
  });

  it('returns MACHINE_ID_UNAVAILABLE for an empty id', async () => {
    expect(await readFingerprint(fakeSource(''))).toMatchObject({ ok: false, code: 'MACHINE_ID_UNAVAILABLE' });
    expect(await readFingerprint(fakeSource(' \n'))).toMatchObject({ ok: false, code: 'MACHINE_ID_UNAVAILABLE' });
  });
});

describe('MachineService', () => {
  it('returns a 64-hex fingerprint that differs from the raw id', async () => {
    const result = await new MachineService(fakeSource(RAW_ID)).fingerprint();
    expect(result.ok && result.value).toMatch(HEX_64);
    expect(result.ok && result.value).not.toContain(RAW_ID);
  });

  it('is deterministic across services and differs for different ids', async () => {
    const first = await new MachineService(fakeSource(RAW_ID)).fingerprint();
    const second = await new MachineService(fakeSource(RAW_ID)).fingerprint();
    const other = await new MachineService(fakeSource(OTHER_ID)).fingerprint();
    expect(first).toEqual(second);
    expect(other).not.toEqual(first);
  });

  it('reads the source once, even for concurrent first calls', async () => {
    const source = fakeSource(RAW_ID);
    const service = new MachineService(source);
    expect(service.cachedFingerprint()).toBeNull();
    const results = await Promise.all([service.fingerprint(), service.fingerprint(), service.describe()]);
    await service.fingerprint();
    await service.describe();
    expect(source.reads).toBe(1);
    expect(service.cachedFingerprint()).toBe(deriveFingerprint(RAW_ID));
    expect(results[0]).toEqual(results[1]);
  });

  it('returns MACHINE_ID_UNAVAILABLE when the source throws, and does not cache the failure', async () => {
    let broken = true;
    const source: MachineIdSource = {
      async read() {
        if (broken) throw new Error('no machine id');
        return RAW_ID;
      },
    };
    const service = new MachineService(source);
    expect(await service.fingerprint()).toMatchObject({ ok: false, code: 'MACHINE_ID_UNAVAILABLE' });
    expect(await service.describe()).toMatchObject({ ok: false, code: 'MACHINE_ID_UNAVAILABLE' });
    expect(service.cachedFingerprint()).toBeNull();
    broken = false;
    expect(await service.fingerprint()).toEqual({ ok: true, value: deriveFingerprint(RAW_ID) });
  });

  it('describes the machine with the fingerprint and its components', async () => {
    const result = await new MachineService(fakeSource(RAW_ID)).describe();
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value.fingerprint).toBe(deriveFingerprint(RAW_ID));
    expect(result.value.platform).toBe(`${process.platform}/${process.arch}`);
    expect(JSON.stringify(result.value)).not.toContain(RAW_ID);
  });

  it('shares one process-wide instance when no source is given', () => {
    expect(createMachineService()).toBe(createMachineService());
    const custom = fakeSource(RAW_ID);
    expect(createMachineService(custom)).not.toBe(createMachineService(custom));
  });
});

describe('readComponents', () => {
  it('reports sane types and values', async () => {
    const components = await readComponents();
    expect(components.platform).toMatch(/^[a-z0-9]+\/[a-z0-9]+$/);
    expect(components.hostname).toEqual(expect.any(String));
    expect(Number.isInteger(components.cores) && components.cores >= 1).toBe(true);
    expect(Number.isSafeInteger(components.memory) && components.memory > 0).toBe(true);
    expect(components.cpuModel.length).toBeGreaterThan(0);
    expect(components.disk === null || (Number.isSafeInteger(components.disk) && components.disk > 0)).toBe(true);
  });

  it('reports the size of the volume holding the root directory', async () => {
    const { disk } = await readComponents({ diskPath: '/' });
    expect(disk).toBeGreaterThan(0);
  });

  it('reports a null disk size for a path that does not exist', async () => {
    const { disk } = await readComponents({ diskPath: '/nonexistent/tessera-test' });
    expect(disk).toBeNull();
  });
});

// node-machine-id reads the first of these that exists (then falls back to the hostname).
const LINUX_ID_FILES = ['/var/lib/dbus/machine-id', '/etc/machine-id'];
const linuxIdFile = LINUX_ID_FILES.find((path) => existsSync(path));

describe.runIf(process.platform === 'linux' && linuxIdFile !== undefined)('the real OS machine id', () => {
  it('fingerprints this machine from its machine-id file, without exposing it', async () => {
    const raw = readFileSync(linuxIdFile!, 'utf8').split('\n')[0]!.trim().toLowerCase();
    expect(await osMachineIdSource.read()).toBe(raw);

    const service = new MachineService();
    const result = await service.fingerprint();
    expect(result).toEqual({ ok: true, value: deriveFingerprint(raw) });
    expect(service.cachedFingerprint()).toMatch(HEX_64);
    expect(service.cachedFingerprint()).not.toContain(raw);
    expect(await createMachineService().fingerprint()).toEqual(result);
  });

  it.skipIf(process.platform !== 'linux')("on Linux reads the machine-id files, never node-machine-id's shell and its hostname fallback", async () => {
    vi.resetModules();
    vi.doMock('node-machine-id', () => ({ default: { machineId: async () => hostname().toLowerCase() } }));
    try {
      const fresh = await import('../../src/machine/fingerprint.js');
      const id = await fresh.readLinuxMachineId();
      expect(id).not.toBe(hostname().toLowerCase());
      expect(await fresh.osMachineIdSource.read()).toBe(id);
    } finally {
      vi.doUnmock('node-machine-id');
      vi.resetModules();
    }
  });

});
