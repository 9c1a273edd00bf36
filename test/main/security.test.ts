/**
 * The Electron hardening (main/security.ts), one `describe` per threat: a page that escapes the
 * sandbox's intent, navigates the privileged window away, opens windows or arbitrary links,
 * asks for permissions, attaches a webview, or reads files outside the renderer's folder.
 */
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { App, Shell } from 'electron';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import {
  CONTENT_SECURITY_POLICY,
  createAppRequestHandler,
  denyPermissions,
  guardAllWebContents,
  isAllowedExternalUrl,
  isAppUrl,
  registerAppScheme,
  resolveAppPath,
  serveAppScheme,
} from '../../main/security.js';
import { windowOptions } from '../../main/window.js';
import { as, FakeApp, FakeProtocol, FakeSession, FakeWebContents } from './fake-electron.js';

describe('window options: a compromised page gets no Node and no Electron', () => {
  const preferences = windowOptions().webPreferences ?? {};

  it('isolates the context, sandboxes the renderer and keeps Node out', () => {
    expect(preferences.contextIsolation).toBe(true);
    expect(preferences.sandbox).toBe(true);
    expect(preferences.nodeIntegration).toBe(false);
    expect(preferences.nodeIntegrationInWorker).toBe(false);
  });

  it('keeps web security on, insecure content and <webview> off', () => {
    expect(preferences.webSecurity).toBe(true);
    expect(preferences.allowRunningInsecureContent).toBe(false);
    expect(preferences.webviewTag).toBe(false);
    expect(preferences.spellcheck).toBe(false);
  });

  it('loads the bundled preload by absolute path', () => {
    expect(preferences.preload).toMatch(/[/\\]preload\.cjs$/);
    expect(preferences.preload?.startsWith('/') || /^[A-Za-z]:\\/.test(preferences.preload ?? '')).toBe(true);
  });
});

describe('content security policy: injected script and exfiltration', () => {
  const directives = new Map(CONTENT_SECURITY_POLICY.split(';').map((directive) => {
    const [name = '', ...values] = directive.trim().split(/\s+/);
    return [name, values.join(' ')] as const;
  }));

  it('denies by default, runs only bundled script, connects nowhere', () => {
    expect(directives.get('default-src')).toBe("'none'");
    expect(directives.get('script-src')).toBe("'self'");
    expect(directives.get('connect-src')).toBe("'none'");
    expect(directives.get('frame-ancestors')).toBe("'none'");
    expect(directives.get('base-uri')).toBe("'none'");
    expect(directives.get('form-action')).toBe("'none'");
  });

  it('allows neither inline nor eval', () => {
    expect(CONTENT_SECURITY_POLICY).not.toMatch(/unsafe-inline|unsafe-eval|unsafe-hashes|\*/);
  });
});

describe('navigation hijack: the window never leaves app://tessera', () => {
  const app = new FakeApp();
  const shell = { openExternal: vi.fn(async (_url: string) => undefined) };
  guardAllWebContents(as<App>(app), as<Shell>(shell));
  const contents = new FakeWebContents();
  app.emit('web-contents-created', {}, contents);

  it.each(['https://evil.example/', 'http://tessera.dev/', 'file:///etc/passwd', 'app://evil/index.html', 'app://x@tessera.evil/', 'javascript:alert(1)', 'not a url'])(
    'prevents navigating to %s',
    (url) => {
      expect(contents.navigate('will-navigate', url)).toBe(true);
      expect(contents.navigate('will-redirect', url)).toBe(true);
    },
  );

  it('allows navigating within the app', () => {
    expect(contents.navigate('will-navigate', 'app://tessera/index.html#/seats')).toBe(false);
    expect(contents.navigate('will-redirect', 'app://tessera/index.html')).toBe(false);
  });

  it('guards every webContents created later too', () => {
    const later = new FakeWebContents();
    app.emit('web-contents-created', {}, later);
    expect(later.navigate('will-navigate', 'https://evil.example/')).toBe(true);
  });
});

describe('window.open and links: no new windows, only allow-listed https links reach the browser', () => {
  const app = new FakeApp();
  const shell = { openExternal: vi.fn(async (_url: string) => undefined) };
  guardAllWebContents(as<App>(app), as<Shell>(shell));
  const contents = new FakeWebContents();
  app.emit('web-contents-created', {}, contents);

  it('opens an allowed https link in the browser, and still denies the window', () => {
    shell.openExternal.mockClear();
    expect(contents.open('https://keygen.sh/docs/api/')).toEqual({ action: 'deny' });
    expect(shell.openExternal).toHaveBeenCalledWith('https://keygen.sh/docs/api/');
  });

  it.each([
    'http://keygen.sh/',
    'file:///etc/passwd',
    'https://evil.example/',
    'https://keygen.sh.evil.example/',
    'https://evil.example/?https://keygen.sh',
    'https://user@keygen.sh/',
    'https://keygen.sh:8443/',
    'smb://keygen.sh/share',
    'app://tessera/index.html',
  ])('denies %s and does not open it', (url) => {
    shell.openExternal.mockClear();
    expect(contents.open(url)).toEqual({ action: 'deny' });
    expect(shell.openExternal).not.toHaveBeenCalled();
  });

  it('judges URLs with the pure helpers', () => {
    expect(isAllowedExternalUrl('https://tessera.dev/help')).toBe(true);
    expect(isAllowedExternalUrl('https://tessera.dev.evil.example/')).toBe(false);
    expect(isAppUrl('app://tessera/index.html')).toBe(true);
    expect(isAppUrl('app://tessera.evil/index.html')).toBe(false);
  });
});

describe('permission abuse: every request and check is refused', () => {
  it('answers false for the webContents session and the default session', async () => {
    const app = new FakeApp();
    guardAllWebContents(as<App>(app), as<Shell>({ openExternal: vi.fn() }));
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    const defaultSession = new FakeSession();
    denyPermissions(defaultSession as never);

    for (const session of [contents.session, defaultSession]) {
      for (const permission of ['media', 'geolocation', 'notifications', 'openExternal', 'clipboard-read']) {
        await expect(session.request(permission)).resolves.toBe(false);
        expect(session.permissionCheckHandler?.({}, permission, 'app://tessera', {})).toBe(false);
      }
    }
  });
});

describe('<webview> injection: attaching one is prevented', () => {
  it('prevents will-attach-webview', () => {
    const app = new FakeApp();
    guardAllWebContents(as<App>(app), as<Shell>({ openExternal: vi.fn() }));
    const contents = new FakeWebContents();
    app.emit('web-contents-created', {}, contents);
    expect(contents.attachWebview()).toBe(true);
  });
});

describe('app:// scheme: registered as a privileged standard scheme before ready', () => {
  it('is standard and secure, without CSP bypass, and turns on the sandbox everywhere', () => {
    const app = new FakeApp();
    const protocol = new FakeProtocol();
    registerAppScheme(as<App>(app), protocol as never);
    expect(protocol.privileged).toEqual([{ scheme: 'app', privileges: { standard: true, secure: true } }]);
    expect(app.enableSandbox).toHaveBeenCalled();
  });
});

describe('path traversal through app://: only files of dist/renderer are served', () => {
  let base: string;
  let root: string;
  const protocol = new FakeProtocol();

  beforeAll(() => {
    base = mkdtempSync(join(tmpdir(), 'tessera-protocol-'));
    root = join(base, 'dist', 'renderer');
    mkdirSync(join(root, 'assets'), { recursive: true });
    writeFileSync(join(root, 'index.html'), '<!doctype html><title>Tessera</title>');
    writeFileSync(join(root, 'assets', 'app.js'), 'console.log(1)');
    writeFileSync(join(root, 'assets', 'tool.exe'), 'MZ');
    writeFileSync(join(base, 'dist', 'secret.txt'), 'outside the renderer');
    symlinkSync(join(base, 'dist', 'secret.txt'), join(root, 'leak.txt'));
    serveAppScheme(protocol as never, root);
  });
  afterAll(() => rmSync(base, { recursive: true, force: true }));

  it('serves index.html with the CSP, nosniff and its content type', async () => {
    const response = await protocol.fetch('app://tessera/index.html');
    expect(response.status).toBe(200);
    expect(await response.text()).toContain('<title>Tessera</title>');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
    expect(response.headers.get('x-content-type-options')).toBe('nosniff');
    expect(response.headers.get('content-type')).toBe('text/html; charset=utf-8');
  });

  it('serves a script as JavaScript, and / as index.html', async () => {
    const script = await protocol.fetch('app://tessera/assets/app.js');
    expect(script.status).toBe(200);
    expect(script.headers.get('content-type')).toBe('text/javascript; charset=utf-8');
    expect((await protocol.fetch('app://tessera/')).status).toBe(200);
  });

  it.each([
    'app://tessera/../../etc/passwd',
    'app://tessera/..%2fsecret.txt',
    'app://tessera/%2e%2e%2fsecret.txt',
    'app://tessera/%2E%2E%2F%2E%2E%2F%2E%2E%2Fetc%2Fpasswd',
    'app://tessera/assets/..%2f..%2fsecret.txt',
    'app://tessera/..%5csecret.txt',
    'app://tessera/%252e%252e%252fsecret.txt',
    'app://tessera/index.html%00.js',
    'app://tessera/%E0%A4%A',
  ])('answers 404 for %s', async (url) => {
    const response = await protocol.fetch(url);
    expect(response.status).toBe(404);
    expect(await response.text()).not.toContain('outside the renderer');
    expect(response.headers.get('content-security-policy')).toBe(CONTENT_SECURITY_POLICY);
  });

  it('resolves encoded traversal to nothing rather than a path outside the folder', () => {
    expect(resolveAppPath(root, 'app://tessera/%2e%2e%2fsecret.txt')).toBeNull();
    expect(resolveAppPath(root, 'app://tessera/..%2f..%2f..%2fetc/passwd')).toBeNull();
    expect(resolveAppPath(root, 'app://evil/index.html')).toBeNull();
    expect(resolveAppPath(root, 'https://tessera/index.html')).toBeNull();
    expect(resolveAppPath(root, 'app://tessera/assets/app.js')).toBe(join(root, 'assets', 'app.js'));
  });

  it('answers 404 for a missing file, a folder, an unknown type and a link leading outside', async () => {
    expect((await protocol.fetch('app://tessera/missing.html')).status).toBe(404);
    expect((await protocol.fetch('app://tessera/assets')).status).toBe(404);
    expect((await protocol.fetch('app://tessera/assets/tool.exe')).status).toBe(404);
    expect((await protocol.fetch('app://tessera/leak.txt')).status).toBe(404);
  });

  it('answers 405 to a method other than GET and HEAD', async () => {
    const handler = createAppRequestHandler(root);
    expect((await handler(new Request('app://tessera/index.html', { method: 'POST', body: 'x' }))).status).toBe(405);
    const head = await handler(new Request('app://tessera/index.html', { method: 'HEAD' }));
    expect(head.status).toBe(200);
  });
});
