/**
 * The IPC transport (main/ipc.handlers.ts): one handler per operation, the sender checked on
 * every message (a foreign frame never reaches the core), the input parsed by the core's real
 * operations service.
 */
import type { IpcMain, WebContents } from 'electron';
import { beforeEach, describe, expect, it, vi } from 'vitest';
import { fail } from '../../src/contract/messages.js';
import { OPERATION_NAMES, channelOf, type OperationName } from '../../src/contract/operations.js';
import type { LicensingRuntime } from '../../src/licensing/runtime.types.js';
import type { StatusReport } from '../../src/licensing/manager.types.js';
import { createOperationsService } from '../../src/operations/operations.service.js';
import { registerIpcHandlers, UntrustedSenderError } from '../../main/ipc.handlers.js';
import { as, FakeFrame, FakeIpcMain, FakeWebContents } from './fake-electron.js';

const report: StatusReport = {
  licensed: true,
  code: 'VALID',
  message: 'Licensed.',
  summary: 'Licensed.',
  source: 'offline',
  license: null,
  fileExpiry: null,
  lastCheckIn: null,
  nextCheckIn: null,
  basis: null,
  warnings: [],
};

/** A runtime whose manager records calls; enough for the operations that these tests run. */
function stubRuntime() {
  const manager = {
    status: vi.fn(async () => report),
    activate: vi.fn(async () => ({ ok: true as const, value: report })),
    checkIn: vi.fn(async () => ({ ok: true as const, value: report })),
    renew: vi.fn(async () => ({ ok: true as const, value: report })),
    deactivate: vi.fn(async () => fail('OFFLINE_DEACTIVATION_UNAVAILABLE')),
    importFile: vi.fn(async () => fail('LICENSE_FILE_NOT_GENUINE')),
    installed: vi.fn(async () => ({ data: [], next: null })),
    remove: vi.fn(async () => ({ ok: true as const, value: undefined })),
    seats: vi.fn(async () => fail('ADMIN_CREDENTIALS_REQUIRED')),
    deactivateSeats: vi.fn(async () => fail('ADMIN_CREDENTIALS_REQUIRED')),
  };
  const runtime = {
    manager,
    config: { apiUrl: 'http://127.0.0.1:1/v1', account: 'demo', product: null },
    source: { kind: 'embedded' },
    dataFolder: '/tmp/tessera-test',
    secretStorage: { mode: 'keychain', filePath: '/tmp/tessera-test/secrets/secrets.json' },
    close: async () => undefined,
  };
  return { manager, runtime: as<LicensingRuntime>(runtime) };
}

function setUp() {
  const ipcMain = new FakeIpcMain();
  const { manager, runtime } = stubRuntime();
  const core = createOperationsService({ runtime, shell: 'desktop', version: '1.2.3', env: {}, fingerprint: async () => null });
  const operations = { run: vi.fn(core.run) };
  const chooseFile = vi.fn(async () => ({ ok: true as const, value: { name: 'a.lic', certificate: '-----BEGIN LICENSE FILE-----' } }));
  const window = new FakeWebContents();
  let trusted: FakeWebContents | null = window;
  const handlers = registerIpcHandlers({
    ipcMain: as<IpcMain>(ipcMain),
    operations,
    chooseFile,
    trustedContents: () => as<WebContents | null>(trusted),
  });
  return { ipcMain, manager, operations, chooseFile, window, handlers, closeWindow: () => (trusted = null) };
}

describe('IPC handlers: one per operation of the contract', () => {
  it('registers exactly one handler on channelOf(name) for every name, and nothing else', () => {
    const { ipcMain } = setUp();
    expect([...ipcMain.handlers.keys()].sort()).toEqual(OPERATION_NAMES.map(channelOf).sort());
    expect(ipcMain.handle).toHaveBeenCalledTimes(OPERATION_NAMES.length);
  });

  it('removes them all on dispose', () => {
    const { ipcMain, handlers } = setUp();
    handlers.dispose();
    expect(ipcMain.handlers.size).toBe(0);
  });
});

describe('IPC handlers: from the window top frame on app://tessera', () => {
  let context: ReturnType<typeof setUp>;
  beforeEach(() => {
    context = setUp();
  });

  it('runs the operation with the input and returns its result', async () => {
    const { ipcMain, window, operations, manager } = context;
    const result = await ipcMain.invoke('tessera:license:activate', window.invokeEvent(), { licenseKey: 'KEY-1' });
    expect(operations.run).toHaveBeenCalledWith('license:activate', { licenseKey: 'KEY-1' });
    expect(manager.activate).toHaveBeenCalledWith('KEY-1');
    expect(result).toEqual({ ok: true, value: report });
  });

  it('returns an expected failure as a value', async () => {
    const { ipcMain, window } = context;
    await expect(ipcMain.invoke('tessera:license:deactivate', window.invokeEvent(), {})).resolves.toMatchObject({ ok: false, code: 'OFFLINE_DEACTIVATION_UNAVAILABLE' });
  });

  it.each<[OperationName, unknown]>([
    ['license:activate', { licenseKey: 42 }],
    ['license:activate', {}],
    ['license:activate', { licenseKey: 'K', path: '/etc/passwd' }],
    ['license:status', 'online'],
    ['files:import', { certificate: 'not armored' }],
    ['licenses:remove', { id: '' }],
    ['seats:deactivate', { access: { kind: 'admin' }, ids: ['a'] }],
  ])('returns INVALID_INPUT for %s with %j, and the core is not called', async (name, input) => {
    const { ipcMain, window, manager } = context;
    const result = await ipcMain.invoke(channelOf(name), window.invokeEvent(), input);
    expect(result).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    for (const method of Object.values(manager)) expect(method).not.toHaveBeenCalled();
  });

  it('serves files:choose from the native dialog, never from the core', async () => {
    const { ipcMain, window, operations, chooseFile } = context;
    await expect(ipcMain.invoke('tessera:files:choose', window.invokeEvent(), {})).resolves.toEqual({
      ok: true,
      value: { name: 'a.lic', certificate: '-----BEGIN LICENSE FILE-----' },
    });
    expect(chooseFile).toHaveBeenCalledTimes(1);
    expect(operations.run).not.toHaveBeenCalled();
  });

  it('refuses a path sent with files:choose: the renderer never chooses what main reads', async () => {
    const { ipcMain, window, chooseFile } = context;
    const result = await ipcMain.invoke('tessera:files:choose', window.invokeEvent(), { path: '/etc/shadow' });
    expect(result).toMatchObject({ ok: false, code: 'INVALID_INPUT' });
    expect(chooseFile).not.toHaveBeenCalled();
  });
});

describe('IPC from a foreign sender is refused and never reaches the core', () => {
  let context: ReturnType<typeof setUp>;
  beforeEach(() => {
    context = setUp();
  });

  async function expectRefused(event: unknown, channel = 'tessera:license:deactivate'): Promise<void> {
    await expect(context.ipcMain.invoke(channel, event, {})).rejects.toBeInstanceOf(UntrustedSenderError);
    expect(context.operations.run).not.toHaveBeenCalled();
    expect(context.chooseFile).not.toHaveBeenCalled();
    for (const method of Object.values(context.manager)) expect(method).not.toHaveBeenCalled();
  }

  it('refuses the top frame after it navigated to another origin', async () => {
    context.window.mainFrame.url = 'https://evil.example/';
    await expectRefused(context.window.invokeEvent());
  });

  it('refuses a look-alike origin', async () => {
    context.window.mainFrame.url = 'app://tessera.evil.example/index.html';
    await expectRefused(context.window.invokeEvent());
  });

  it('refuses a subframe, even one on the app origin', async () => {
    const child = new FakeFrame('app://tessera/index.html', 7, context.window.mainFrame);
    await expectRefused(context.window.invokeEvent(child));
  });

  it('refuses another webContents on the app origin (another window, devtools)', async () => {
    const other = new FakeWebContents('app://tessera/index.html');
    await expectRefused(other.invokeEvent());
    // Even when it presents our window's own top frame.
    await expectRefused({ sender: other, senderFrame: context.window.mainFrame });
  });

  it('refuses a top frame of our webContents that is not its main frame', async () => {
    await expectRefused(context.window.invokeEvent(new FakeFrame('app://tessera/index.html', 99)));
  });

  it('refuses a missing sender frame (navigated away or destroyed)', async () => {
    await expectRefused(context.window.invokeEvent(null));
    await expectRefused({ sender: context.window });
  });

  it('refuses every message while the window is closed', async () => {
    const event = context.window.invokeEvent();
    context.closeWindow();
    await expectRefused(event);
  });

  it('refuses files:choose from a foreign sender before any dialog opens', async () => {
    const other = new FakeWebContents('https://evil.example/');
    await expectRefused(other.invokeEvent(), 'tessera:files:choose');
  });
});
