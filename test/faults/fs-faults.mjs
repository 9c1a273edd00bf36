// Preloaded (`node --import`) into a Tessera process by the fault suite: makes the file system
// under one folder behave as read-only (EROFS: every change fails) or full (ENOSPC: creating
// folders and writing data fail; opening, renaming and removing still work), as the kernel
// would. Reads are untouched. Set by TESSERA_TEST_FS_FAULT (EROFS|ENOSPC) and
// TESSERA_TEST_FS_FAULT_UNDER (the folder).
import fs from 'node:fs';
import fsp from 'node:fs/promises';
import { syncBuiltinESMExports } from 'node:module';
import { resolve, sep } from 'node:path';

const kind = process.env.TESSERA_TEST_FS_FAULT;
const under = process.env.TESSERA_TEST_FS_FAULT_UNDER;

if ((kind === 'EROFS' || kind === 'ENOSPC') && under) {
  const root = resolve(under);
  const inside = (path) => {
    if (typeof path !== 'string' && !(path instanceof URL) && !Buffer.isBuffer(path)) return false;
    const full = resolve(path instanceof URL ? path.pathname : String(path));
    return full === root || full.startsWith(root + sep);
  };
  const refuse = (syscall, path) => {
    const message = kind === 'EROFS' ? 'read-only file system' : 'no space left on device';
    const error = new Error(`${kind}: ${message}, ${syscall} '${String(path)}'`);
    Object.assign(error, { code: kind, errno: kind === 'EROFS' ? -30 : -28, syscall, path: String(path) });
    return error;
  };
  // mkdir of a folder that exists answers EEXIST before the file system is asked to write (so
  // `mkdir -p` of an existing folder succeeds on a read-only or full disk too).
  const creates = (path) => inside(path) && !fs.existsSync(path);
  const writes = (flags) => typeof flags === 'number' ? (flags & (fs.constants.O_WRONLY | fs.constants.O_RDWR | fs.constants.O_CREAT)) !== 0 : /[wa+]/.test(String(flags ?? 'r'));
  // Which calls fail, and on which argument: every change when read-only; data and new folders when full.
  const changes = kind === 'EROFS'
    ? { open: (path, flags) => inside(path) && writes(flags), mkdir: creates, rename: (from, to) => inside(from) || inside(to), unlink: inside, rm: inside, rmdir: inside, writeFile: inside, appendFile: inside, chmod: inside, link: (from, to) => inside(to), symlink: (from, to) => inside(to), copyFile: (from, to) => inside(to), truncate: inside }
    : { mkdir: creates, writeFile: inside, appendFile: inside, copyFile: (from, to) => inside(to), truncate: inside };
  const opened = new WeakMap(); // file handles of paths inside the folder (their data writes fail when full)

  for (const [name, failsOn] of Object.entries(changes)) {
    const original = fsp[name];
    fsp[name] = async function (...args) {
      if (failsOn(...args)) throw refuse(name, args[0]);
      const result = await original.apply(this, args);
      if (name === 'open' && inside(args[0])) opened.set(result, true);
      return result;
    };
    const sync = `${name}Sync`;
    const originalSync = fs[sync];
    if (typeof originalSync === 'function') {
      fs[sync] = function (...args) {
        if (failsOn(...args)) throw refuse(name, args[0]);
        return originalSync.apply(this, args);
      };
    }
  }
  if (kind === 'ENOSPC') {
    const originalOpen = fsp.open;
    fsp.open = async function (...args) {
      const handle = await originalOpen.apply(this, args);
      if (inside(args[0])) opened.set(handle, true);
      return handle;
    };
    const probe = await originalOpen(process.execPath, 'r');
    const prototype = Object.getPrototypeOf(probe);
    await probe.close();
    for (const name of ['write', 'writeFile', 'appendFile', 'writev']) {
      const original = prototype[name];
      prototype[name] = async function (...args) {
        if (opened.has(this)) throw refuse('write', '(file handle)');
        return original.apply(this, args);
      };
    }
    const originalWriteSync = fs.writeSync;
    fs.writeSync = function (fd, ...rest) {
      if (fd > 2) {
        let path = '';
        try {
          path = fs.readlinkSync(`/proc/self/fd/${fd}`);
        } catch {
          path = '';
        }
        if (inside(path)) throw refuse('write', path);
      }
      return originalWriteSync.call(this, fd, ...rest);
    };
  }
  syncBuiltinESMExports();
}
