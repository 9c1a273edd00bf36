/** The Linux machine id read from its files gives exactly what node-machine-id gives, without a shell. */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import nodeMachineId from 'node-machine-id';
import { afterAll, describe, expect, it } from 'vitest';
import { readLinuxMachineId } from '../../src/machine/fingerprint.js';

const folder = mkdtempSync(join(tmpdir(), 'tessera-machine-id-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));
const file = (name: string, content: string): string => {
  const path = join(folder, name);
  writeFileSync(path, content);
  return path;
};

describe('readLinuxMachineId', () => {
  it.skipIf(process.platform !== 'linux')('equals node-machine-id on this machine', async () => {
    expect(await readLinuxMachineId()).toBe(await nodeMachineId.machineId(true));
  });

  it('takes the first line of the files in order, without whitespace, lowercased', async () => {
    const dbus = file('dbus-id', '0123ABCD\n');
    const etc = file('etc-id', 'ffff\n');
    expect(await readLinuxMachineId([dbus, etc])).toBe('0123abcd');
    expect(await readLinuxMachineId([join(folder, 'missing'), etc])).toBe('ffff');
    // An empty first file falls through to the next one, as `cat a b | head -n 1` does.
    expect(await readLinuxMachineId([file('empty', ''), etc])).toBe('ffff');
  });

  it('rejects when no file holds an id', async () => {
    await expect(readLinuxMachineId([join(folder, 'none-1'), join(folder, 'none-2')])).rejects.toThrow(/no machine id file/);
  });
});
