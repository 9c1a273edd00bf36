/**
 * A fake `electron` module for the main-process tests: the Electron binary cannot run here, so
 * these stand-ins record what main does (handlers registered, windows created, events) and let
 * a test play the part of Chromium (emit navigations, invoke IPC from a chosen frame).
 * Test files mock the module with `vi.mock('electron', async () => (await import('./fake-electron.js')).electron)`.
 */
import { EventEmitter } from 'node:events';
import type { BrowserWindowConstructorOptions, CustomScheme, MenuItemConstructorOptions, OpenDialogOptions } from 'electron';
import { vi } from 'vitest';

/** A cancellable Electron event carrying `params` (`event.url` for navigations). */
export type FakeEvent<T extends object = object> = T & { defaultPrevented: boolean; preventDefault(): void };

export function fakeEvent<T extends object>(params: T): FakeEvent<T> {
  const event = {
    ...params,
    defaultPrevented: false,
    preventDefault() {
      event.defaultPrevented = true;
    },
  };
  return event;
}

/** A frame: its URL, its tree node id, and its parent (null for a top frame). */
export class FakeFrame {
  constructor(
    public url: string,
    readonly frameTreeNodeId: number,
    readonly parent: FakeFrame | null = null,
  ) {}
}

type PermissionRequestHandler = (contents: unknown, permission: string, callback: (granted: boolean) => void, details: unknown) => void;
type PermissionCheckHandler = (contents: unknown, permission: string, origin: string, details: unknown) => boolean;

export class FakeSession {
  permissionRequestHandler: PermissionRequestHandler | null = null;
  permissionCheckHandler: PermissionCheckHandler | null = null;
  setPermissionRequestHandler(handler: PermissionRequestHandler | null): void {
    this.permissionRequestHandler = handler;
  }
  setPermissionCheckHandler(handler: PermissionCheckHandler | null): void {
    this.permissionCheckHandler = handler;
  }
  /** Asks the request handler, as Chromium would; resolves to its answer. */
  request(permission: string): Promise<boolean> {
    const handler = this.permissionRequestHandler;
    if (handler === null) return Promise.resolve(true); // Electron's default: granted
    return new Promise((resolve) => handler({}, permission, resolve, {}));
  }
}

let nextContentsId = 1;

export class FakeWebContents extends EventEmitter {
  readonly id = nextContentsId++;
  readonly session = new FakeSession();
  readonly mainFrame: FakeFrame;
  windowOpenHandler: ((details: { url: string }) => { action: 'allow' | 'deny' }) | null = null;

  constructor(url = 'app://tessera/index.html') {
    super();
    this.mainFrame = new FakeFrame(url, 1000 + this.id);
  }
  setWindowOpenHandler(handler: (details: { url: string }) => { action: 'allow' | 'deny' }): void {
    this.windowOpenHandler = handler;
  }
  /** Emits `will-navigate` or `will-redirect` as Chromium does; returns whether a guard prevented it. */
  navigate(kind: 'will-navigate' | 'will-redirect', url: string): boolean {
    const event = fakeEvent({ url, isMainFrame: true });
    this.emit(kind, event, url, false, true);
    return event.defaultPrevented;
  }
  /** Calls the window-open handler as `window.open(url)` would; with none set Electron allows. */
  open(url: string): { action: 'allow' | 'deny' } {
    return this.windowOpenHandler === null ? { action: 'allow' } : this.windowOpenHandler({ url });
  }
  /** Emits `will-attach-webview`; returns whether it was prevented. */
  attachWebview(): boolean {
    const event = fakeEvent({});
    this.emit('will-attach-webview', event, {}, { src: 'https://evil.example' });
    return event.defaultPrevented;
  }
  /** An IPC invoke event from `frame` (the top frame by default) of this webContents. */
  invokeEvent(frame: FakeFrame | null = this.mainFrame): { sender: FakeWebContents; senderFrame: FakeFrame | null } {
    return { sender: this, senderFrame: frame };
  }
}

export class FakeBrowserWindow extends EventEmitter {
  static readonly instances: FakeBrowserWindow[] = [];
  readonly webContents = new FakeWebContents();
  readonly loadURL = vi.fn(async (_url: string) => undefined);
  readonly focus = vi.fn();
  readonly show = vi.fn(() => {
    this.visible = true;
  });
  readonly restore = vi.fn(() => {
    this.minimized = false;
  });
  visible = false;
  minimized = false;
  destroyed = false;

  constructor(readonly options: BrowserWindowConstructorOptions) {
    super();
    FakeBrowserWindow.instances.push(this);
  }
  isMinimized(): boolean {
    return this.minimized;
  }
  isDestroyed(): boolean {
    return this.destroyed;
  }
  /** Closes it as the person would: destroyed, then `closed`. */
  close(): void {
    this.destroyed = true;
    this.emit('closed');
  }
}

type Listener = (event: unknown, ...args: unknown[]) => unknown;

export class FakeIpcMain {
  readonly handlers = new Map<string, Listener>();
  readonly handle = vi.fn((channel: string, listener: Listener) => {
    // Electron throws on a second handler for the same channel.
    if (this.handlers.has(channel)) throw new Error(`Attempted to register a second handler for '${channel}'`);
    this.handlers.set(channel, listener);
  });
  readonly removeHandler = vi.fn((channel: string) => {
    this.handlers.delete(channel);
  });
  /** Plays the renderer's `ipcRenderer.invoke(channel, ...args)` with the given sender event. */
  async invoke(channel: string, event: unknown, ...args: unknown[]): Promise<unknown> {
    const handler = this.handlers.get(channel);
    if (handler === undefined) throw new Error(`No handler registered for '${channel}'`);
    return handler(event, ...args);
  }
}

export class FakeProtocol {
  readonly privileged: CustomScheme[] = [];
  readonly handlers = new Map<string, (request: Request) => Promise<Response> | Response>();
  readonly registerSchemesAsPrivileged = vi.fn((schemes: CustomScheme[]) => {
    this.privileged.push(...schemes);
  });
  readonly handle = vi.fn((scheme: string, handler: (request: Request) => Promise<Response> | Response) => {
    this.handlers.set(scheme, handler);
  });
  /** Fetches `url` through the registered handler of its scheme. */
  async fetch(url: string, init?: RequestInit): Promise<Response> {
    const handler = this.handlers.get(new URL(url).protocol.slice(0, -1));
    if (handler === undefined) throw new Error(`no handler for ${url}`);
    return handler(new Request(url, init));
  }
}

export class FakeTray extends EventEmitter {
  static readonly instances: FakeTray[] = [];
  tooltip = '';
  menu: { template: MenuItemConstructorOptions[] } | null = null;
  destroyed = false;
  constructor(readonly image: unknown) {
    super();
    FakeTray.instances.push(this);
  }
  setToolTip(tooltip: string): void {
    this.tooltip = tooltip;
  }
  setContextMenu(menu: { template: MenuItemConstructorOptions[] } | null): void {
    this.menu = menu;
  }
  destroy(): void {
    this.destroyed = true;
  }
  /** Clicks the menu item labelled `label`. */
  click(label: string): void {
    const item = this.menu?.template.find((entry) => entry.label === label);
    if (item?.click === undefined) throw new Error(`no menu item "${label}"`);
    (item.click as () => void)();
  }
}

export class FakeApp extends EventEmitter {
  isPackaged = false;
  lockGranted = true;
  quitted = false;
  readonly requestSingleInstanceLock = vi.fn(() => this.lockGranted);
  readonly whenReady = vi.fn(async () => undefined);
  readonly enableSandbox = vi.fn();
  readonly getVersion = vi.fn(() => '1.2.3');
  readonly exit = vi.fn();
  /** Like Electron: emits `before-quit`, and quits unless a listener prevented it. */
  readonly quit = vi.fn(() => {
    const event = fakeEvent({});
    this.emit('before-quit', event);
    if (!event.defaultPrevented) this.quitted = true;
  });
}

/** A fresh set of fakes, shaped like the `electron` module. */
export function createFakeElectron() {
  return {
    app: new FakeApp(),
    BrowserWindow: FakeBrowserWindow,
    ipcMain: new FakeIpcMain(),
    protocol: new FakeProtocol(),
    session: { defaultSession: new FakeSession() },
    dialog: {
      showOpenDialog: vi.fn(async (..._args: [unknown, OpenDialogOptions] | [OpenDialogOptions]) => ({ canceled: true, filePaths: [] as string[] })),
      showErrorBox: vi.fn((_title: string, _content: string) => undefined),
    },
    shell: { openExternal: vi.fn(async (_url: string) => undefined) },
    Tray: FakeTray,
    Menu: { buildFromTemplate: vi.fn((template: MenuItemConstructorOptions[]) => ({ template })) },
    nativeTheme: { shouldUseDarkColors: false },
    nativeImage: { createFromDataURL: vi.fn((dataURL: string) => ({ dataURL })) },
    contextBridge: { exposeInMainWorld: vi.fn((_key: string, _api: unknown) => undefined) },
    ipcRenderer: { invoke: vi.fn(async (_channel: string, ..._args: unknown[]): Promise<unknown> => ({ ok: true, value: null })) },
  };
}

export type FakeElectron = ReturnType<typeof createFakeElectron>;

/** The module object that `vi.mock('electron', …)` returns; `resetFakeElectron` empties it between tests. */
export const electron: FakeElectron = createFakeElectron();

/**
 * Puts `electron` back to a fresh state in place (the module under test holds these very
 * objects): no listeners, handlers, windows or trays, mocks back to their first implementation.
 */
export function resetFakeElectron(): void {
  electron.app.removeAllListeners();
  Object.assign(electron.app, { isPackaged: false, lockGranted: true, quitted: false });
  electron.ipcMain.handlers.clear();
  electron.protocol.privileged.length = 0;
  electron.protocol.handlers.clear();
  electron.session.defaultSession = new FakeSession();
  electron.nativeTheme.shouldUseDarkColors = false;
  FakeBrowserWindow.instances.length = 0;
  FakeTray.instances.length = 0;
  vi.resetAllMocks();
}

/** Casts a fake to the Electron type a function under test takes. */
export function as<T>(fake: unknown): T {
  return fake as T;
}
