// The Electron fuses of the packaged app: bits in the Electron binary that switch features off
// (or on) for good, flipped at packaging time, before code signing, so that the OS signature
// then covers them (electronjs.org/docs/latest/tutorial/fuses). scripts/after-pack.js applies
// them from electron-builder; this module is kept free of electron-builder so tests drive it.
import { join } from 'node:path';
import { flipFuses, FuseV1Options, FuseVersion, getCurrentFuseWire } from '@electron/fuses';

/**
 * Every fuse @electron/fuses knows, decided one by one. The type requires a value for each, so
 * an upgrade that adds a fuse fails the type-check until it is decided here.
 * @type {Readonly<Record<FuseV1Options, boolean>>}
 */
export const TESSERA_FUSES = Object.freeze({
  // ELECTRON_RUN_AS_NODE=1 would turn the signed app into a general Node runtime for any script
  // ("living off the land"); Tessera never forks itself with it.
  [FuseV1Options.RunAsNode]: false,
  // Chromium's cookie store on disk is encrypted with an OS-keychain key, as in Chrome.
  [FuseV1Options.EnableCookieEncryption]: true,
  // NODE_OPTIONS (e.g. --require=evil.js) and NODE_EXTRA_CA_CERTS are ignored: the environment
  // can neither inject code into the main process, which holds the license keys, nor add a
  // trusted TLS root in front of the licensing API.
  [FuseV1Options.EnableNodeOptionsEnvironmentVariable]: false,
  // --inspect, --inspect-brk and SIGUSR1 cannot attach a debugger to the main process.
  [FuseV1Options.EnableNodeCliInspectArguments]: false,
  // macOS and Windows: app.asar is checked against the header hash that electron-builder
  // writes into Info.plist (ElectronAsarIntegrity) or the .exe's resources (INTEGRITY).
  [FuseV1Options.EnableEmbeddedAsarIntegrityValidation]: true,
  // Only resources/app.asar is loaded: no resources/app folder or default_app.asar that an
  // attacker could drop beside it, so the integrity check above cannot be sidestepped.
  [FuseV1Options.OnlyLoadAppFromAsar]: true,
  // Electron's default: Tessera ships no browser-process-specific V8 snapshot.
  [FuseV1Options.LoadBrowserProcessSpecificV8Snapshot]: false,
  // The UI is served from app://tessera (main/security.ts), never from file://, so file:// pages
  // need no privileges beyond a browser's (e.g. fetching other local files).
  [FuseV1Options.GrantFileProtocolExtraPrivileges]: false,
});

/** How the fuse wire stores a fuse's state: ASCII '0', '1', or 'r' for a fuse Electron removed. */
export const FUSE_STATE = Object.freeze({ disabled: 0x30, enabled: 0x31, removed: 0x72 });

/** The fuse's name, e.g. "RunAsNode". */
export function fuseName(/** @type {FuseV1Options} */ option) {
  return FuseV1Options[option];
}

/** @returns {[FuseV1Options, boolean][]} the decided fuses, in wire order. */
function decidedFuses() {
  return Object.entries(TESSERA_FUSES).map(([option, enabled]) => [/** @type {FuseV1Options} */ (Number(option)), enabled]);
}

/**
 * The file @electron/fuses takes for a packed app: the `.app` bundle on macOS, the `.exe` on
 * Windows, the executable on Linux (electron-builder names them after the product).
 * Throws for a platform electron-builder does not package for.
 * @param {{ appOutDir: string, platform: string, productFilename: string, executableName?: string | undefined }} app
 */
export function packedElectronPath({ appOutDir, platform, productFilename, executableName }) {
  switch (platform) {
    case 'darwin':
    case 'mas':
      return join(appOutDir, `${productFilename}.app`);
    case 'win32':
      return join(appOutDir, `${productFilename}.exe`);
    case 'linux':
      return join(appOutDir, executableName ?? productFilename);
    default:
      throw new Error(`electron fuses: unknown platform "${platform}"`);
  }
}

/**
 * Flips the Electron binary at `electronPath` to `TESSERA_FUSES`, then reads the wire back.
 * On macOS arm64 (and universal) builds, the ad-hoc signature that flipping invalidates is
 * renewed, or the app would not start unsigned; a real signature comes after this anyway.
 * Throws when the binary has no fuse wire, a decided fuse is missing from it or was removed
 * by Electron (its protection would silently be gone), or a fuse did not take its value.
 * Fuses the binary has beyond those decided here keep their state.
 * @param {string} electronPath
 * @param {{ platform: string, arch: string }} target
 * @returns {Promise<Record<string, boolean>>} each decided fuse by name, as now set in the binary.
 */
export async function sealElectron(electronPath, { platform, arch }) {
  const before = await getCurrentFuseWire(electronPath);
  const removed = decidedFuses().filter(([option]) => before[option] === FUSE_STATE.removed);
  if (removed.length > 0) {
    throw new Error(`electron fuses: this Electron removed ${removed.map(([option]) => fuseName(option)).join(', ')}; review TESSERA_FUSES in scripts/electron-fuses.js`);
  }
  await flipFuses(electronPath, {
    version: FuseVersion.V1,
    ...TESSERA_FUSES,
    resetAdHocDarwinSignature: platform === 'darwin' && (arch === 'arm64' || arch === 'universal'),
  });
  const after = await getCurrentFuseWire(electronPath);
  const wrong = decidedFuses().filter(([option, enabled]) => after[option] !== (enabled ? FUSE_STATE.enabled : FUSE_STATE.disabled));
  if (wrong.length > 0) {
    throw new Error(`electron fuses: ${wrong.map(([option]) => fuseName(option)).join(', ')} not set in ${electronPath}`);
  }
  return Object.fromEntries(decidedFuses().map(([option, enabled]) => [fuseName(option), enabled]));
}
