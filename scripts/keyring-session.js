// A private D-Bus session with a throwaway, unlocked gnome-keyring, for `npm test` and
// `npm run bench`: the keychain code runs against a real Secret Service without ever touching
// the developer's own keyring.
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, mkdirSync, mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { processExists } from './test-secrets.js';

const has = (command) => spawnSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' }).status === 0;
/** `tessera-keyring-<pid>-<random>`: the session's folders, named after the process that made them. */
const SESSION_FOLDER = /^tessera-keyring-([1-9][0-9]{0,9})-/;

/** Removes the folders of sessions whose process is gone (a run killed before it could clean up). */
function removeStaleSessionFolders() {
  for (const name of readdirSync(tmpdir())) {
    const match = SESSION_FOLDER.exec(name);
    if (match && !processExists(Number(match[1]))) rmSync(join(tmpdir(), name), { recursive: true, force: true });
  }
}

/**
 * Re-runs the calling script (`scriptUrl`, with its arguments) inside `dbus-run-session` when
 * possible and exits with its status; inside the session, starts the keyring and returns
 * `true`. Returns `false` (after a warning) where no session can be made.
 */
export async function enterKeyringSession(scriptUrl, label) {
  if (process.platform === 'linux' && !process.env.TESSERA_TEST_SESSION && has('dbus-run-session') && has('gnome-keyring-daemon')) {
    removeStaleSessionFolders();
    const folder = mkdtempSync(join(tmpdir(), `tessera-keyring-${process.pid}-`));
    const env = { ...process.env, TESSERA_TEST_SESSION: '1' };
    delete env.DISPLAY; // with a display, a locked keyring would open a GUI prompt and hang
    delete env.WAYLAND_DISPLAY;
    env.XDG_DATA_HOME = join(folder, 'data');
    env.XDG_RUNTIME_DIR = join(folder, 'runtime');
    mkdirSync(env.XDG_DATA_HOME);
    mkdirSync(env.XDG_RUNTIME_DIR);
    chmodSync(env.XDG_RUNTIME_DIR, 0o700);
    const args = ['--', process.execPath, ...process.execArgv, fileURLToPath(scriptUrl), ...process.argv.slice(2)];
    const code = await new Promise((resolve) => {
      const child = spawn('dbus-run-session', args, { stdio: 'inherit', env });
      child.on('exit', (status, signal) => resolve(status ?? (signal ? 1 : 0)));
    });
    rmSync(folder, { recursive: true, force: true });
    process.exit(code);
  }
  if (!process.env.TESSERA_TEST_SESSION) {
    console.warn(`${label}: no dbus-run-session/gnome-keyring; the keychain is not available`);
    return false;
  }
  const keyring = spawnSync('gnome-keyring-daemon', ['--unlock', '--components=secrets'], { input: 'tessera-test', encoding: 'utf8' });
  if (keyring.status !== 0) {
    console.warn(`${label}: gnome-keyring did not start (${keyring.stderr.trim()}); the keychain is not available`);
    return false;
  }
  for (const line of keyring.stdout.split('\n')) {
    const match = /^([A-Z_]+)=(.*)$/.exec(line);
    if (match) process.env[match[1]] = match[2];
  }
  return true;
}
