/**
 * The secrets file for machines without a keychain: the SecretStore contract, owner-only
 * modes, atomic replacement, and refusals (symlink, readable by others, damaged, too large)
 * that leave the file exactly as it was.
 */
import { chmodSync, existsSync, lstatSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createFileSecretStore, secretsFilePath } from '../../src/vault/file.store.js';
import { expectOk, secretStoreContract } from './secret-store.contract.js';

const root = mkdtempSync(join(tmpdir(), 'tessera-file-store-'));
afterAll(() => rmSync(root, { recursive: true, force: true }));
let folders = 0;
const freshFolder = (): string => join(root, `data-${(folders += 1)}`);
const POSIX = process.platform !== 'win32';

// Every store of the contract shares one file, so scoping by service is tested on one file too.
const shared = freshFolder();
secretStoreContract('FileSecretStore', (service) => createFileSecretStore({ dataFolder: shared, service }));

describe('FileSecretStore on disk', () => {
  it('makes the folder 0700 and the file 0600, and leaves no temporary file behind', async () => {
    const dataFolder = freshFolder();
    const store = createFileSecretStore({ dataFolder, service: 'tessera' });
    expect(await store.exists()).toBe(false);
    expectOk(await store.set('license-key', 'KEY-1'));
    expect(await store.exists()).toBe(true);
    expect(store.path).toBe(secretsFilePath(dataFolder));
    if (POSIX) {
      expect(statSync(join(dataFolder, 'secrets')).mode & 0o777).toBe(0o700);
      expect(statSync(store.path).mode & 0o777).toBe(0o600);
    }
    expect(readdirSync(join(dataFolder, 'secrets'))).toEqual(['secrets.json']);
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ version: 1, services: { tessera: { 'license-key': 'KEY-1' } } });
  });

  it('sees what another store (another process) wrote to the same file', async () => {
    const dataFolder = freshFolder();
    const cli = createFileSecretStore({ dataFolder, service: 'tessera' });
    const agent = createFileSecretStore({ dataFolder, service: 'tessera' });
    expectOk(await cli.set('license-key', 'KEY-1'));
    expect(await agent.get('license-key')).toEqual({ ok: true, value: 'KEY-1' });
    expectOk(await agent.set('agent-token', 'TOKEN'));
    expect(await cli.list()).toEqual({ ok: true, value: ['agent-token', 'license-key'] });
  });

  it('keeps every one of many concurrent writes from two stores of one process', async () => {
    const dataFolder = freshFolder();
    const first = createFileSecretStore({ dataFolder, service: 'tessera' });
    const second = createFileSecretStore({ dataFolder, service: 'tessera' });
    const accounts = Array.from({ length: 20 }, (_, index) => `account-${String(index).padStart(2, '0')}`);
    const results = await Promise.all(accounts.map((account, index) => (index % 2 === 0 ? first : second).set(account, `secret-${account}`)));
    expect(results.every((result) => result.ok)).toBe(true);
    expect(await first.list()).toEqual({ ok: true, value: accounts });
  });

  it('removes the service from the file when its last secret goes', async () => {
    const dataFolder = freshFolder();
    const store = createFileSecretStore({ dataFolder, service: 'tessera' });
    expectOk(await store.set('license-key', 'KEY-1'));
    expect(await store.delete('license-key')).toEqual({ ok: true, value: true });
    expect(JSON.parse(readFileSync(store.path, 'utf8'))).toEqual({ version: 1, services: {} });
  });
});

describe('FileSecretStore refuses a file it cannot trust, and leaves it as it was', () => {
  const refusals = async (dataFolder: string): Promise<void> => {
    const store = createFileSecretStore({ dataFolder, service: 'tessera' });
    const before = lstatSync(store.path);
    const bytes = before.isFile() ? readFileSync(store.path) : null;
    for (const result of [await store.get('license-key'), await store.list(), await store.set('license-key', 'NEW'), await store.delete('license-key')]) {
      expect(result).toMatchObject({ ok: false, code: 'SECRET_FILE_UNUSABLE' });
      expect(JSON.stringify(result)).not.toContain('OLD');
    }
    if (bytes !== null) expect(readFileSync(store.path).equals(bytes), 'the file was changed').toBe(true);
  };
  const withFile = (content: string, mode = 0o600): string => {
    const dataFolder = freshFolder();
    mkdirSync(join(dataFolder, 'secrets'), { recursive: true, mode: 0o700 });
    writeFileSync(secretsFilePath(dataFolder), content, { mode });
    chmodSync(secretsFilePath(dataFolder), mode);
    return dataFolder;
  };
  const valid = JSON.stringify({ version: 1, services: { tessera: { 'license-key': 'OLD' } } });

  it('damaged JSON', async () => refusals(withFile('{"version":1,"services":')));
  it('a file of another shape or version', async () => {
    await refusals(withFile(JSON.stringify({ version: 2, services: {} })));
    await refusals(withFile(JSON.stringify({ version: 1, services: { tessera: { 'license-key': 42 } } })));
    await refusals(withFile(JSON.stringify({ version: 1, services: {}, extra: true })));
    await refusals(withFile(JSON.stringify({ version: 1 })));
    await refusals(withFile(JSON.stringify({ version: 1, services: [] })));
    await refusals(withFile(JSON.stringify({ version: 1, services: { tessera: ['KEY'] } })));
    await refusals(withFile(JSON.stringify({ version: 1, services: { tessera: { 'license-key': '' } } })));
    await refusals(withFile(JSON.stringify({ version: 1, services: { tessera: { '': 'KEY' } } })));
    await refusals(withFile(JSON.stringify({ version: 1, services: { '': {} } })));
    await refusals(withFile(JSON.stringify([1, {}])));
    await refusals(withFile('null'));
  });
  it('a file over 1 MiB', async () => refusals(withFile(`${' '.repeat(1024 * 1024)}${valid}`)));
  it.skipIf(!POSIX)('a file that other users can read', async () => refusals(withFile(valid, 0o644)));
  it.skipIf(!POSIX)('a symlink (the writes could land anywhere)', async () => {
    const dataFolder = freshFolder();
    const elsewhere = join(root, `elsewhere-${folders}.json`);
    writeFileSync(elsewhere, valid, { mode: 0o600 });
    mkdirSync(join(dataFolder, 'secrets'), { recursive: true });
    symlinkSync(elsewhere, secretsFilePath(dataFolder));
    await refusals(dataFolder);
    expect(readFileSync(elsewhere, 'utf8')).toBe(valid);
  });
  it('a folder where the file should be', async () => {
    const dataFolder = freshFolder();
    mkdirSync(secretsFilePath(dataFolder), { recursive: true });
    await refusals(dataFolder);
    expect(existsSync(secretsFilePath(dataFolder))).toBe(true);
  });
});
