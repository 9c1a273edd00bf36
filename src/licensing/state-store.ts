/**
 * The licensing state on disk: one file, `state.json` (0600, in a 0700 folder), holding the whole
 * `LicensingState`, so that one atomic rename switches the old state to the new one. Reading
 * never writes: a damaged file is only set aside by the next change, so that `status` answers
 * on a read-only or full disk. Changes run under the folder's lock (`state-lock.ts`), one
 * process at a time. Secrets are never in it.
 */
import { readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { errnoOf, fsFailure } from '../platform/fs-failure.js';
import { removeStaleTemporaries, syncFolder, writeFileAtomic } from './atomic-file.js';
import { withStateLock } from './state-lock.js';
import { parseState, serializeState, type ParsedState } from './state-schema.js';
import { EMPTY_STATE, type LicensingState, type StateReadCode, type StateStore } from './state.types.js';

/** The state file's name inside the store's folder. */
export const STATE_FILE = 'state.json';

/** What reading the file gave: a state, nothing yet, or why not. */
type Read = { readonly kind: 'state'; readonly state: LicensingState } | { readonly kind: 'damaged' } | { readonly kind: 'failed'; readonly code: StateReadCode };

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (errnoOf(error) === 'ENOENT') return false;
    throw error;
  }
}

/** Moves a damaged state file to `state.json.corrupt-<ms>` (never over an earlier one); returns the name it got. */
async function setAside(file: string, stamp: number): Promise<string | null> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const target = `${file}.corrupt-${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
    if (await exists(target)) continue;
    try {
      await rename(file, target);
    } catch (error) {
      // Another process moved it first: it is aside either way.
      if (errnoOf(error) === 'ENOENT') return null;
      throw error;
    }
    await syncFolder(dirname(file));
    return target.slice(dirname(file).length + 1);
  }
  throw new Error(`Cannot set aside the damaged state file ${file}: too many earlier copies beside it.`);
}

/**
 * A `StateStore` keeping `state.json` in `folder`. `now` stamps set-aside notices. `load` never
 * writes; `update` fails with STATE_TOO_NEW, STATE_BUSY or a file-system code
 * (DATA_FOLDER_READ_ONLY, DISK_FULL, DATA_FOLDER_UNUSABLE) instead of throwing, and throws a
 * TypeError only for an invalid state (a bug).
 */
export function createFileStateStore(folder: string, now: () => number = Date.now): StateStore {
  const file = join(folder, STATE_FILE);
  // Changes from this process queue here before they queue for the folder's lock.
  let queue: Promise<unknown> = Promise.resolve();

  async function read(): Promise<Read> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (error) {
      if (errnoOf(error) === 'ENOENT') return { kind: 'state', state: { ...EMPTY_STATE } };
      // A folder where the file should be, a failing disk, no permission: never a stack trace.
      return { kind: 'failed', code: 'DATA_FOLDER_UNUSABLE' };
    }
    const parsed: ParsedState = parseState(text);
    switch (parsed.kind) {
      case 'state':
        return { kind: 'state', state: parsed.state };
      case 'newer':
        return { kind: 'failed', code: 'STATE_TOO_NEW' };
      case 'invalid':
        return { kind: 'damaged' };
    }
  }

  return {
    folder,

    async load(): Promise<Result<LicensingState, StateReadCode>> {
      const outcome = await read();
      if (outcome.kind === 'state') return { ok: true, value: outcome.state };
      return fail(outcome.kind === 'damaged' ? 'STATE_UNREADABLE' : outcome.code);
    },

    update(change) {
      const run = () =>
        withStateLock(folder, async () => {
          const outcome = await read();
          if (outcome.kind === 'failed') return fail(outcome.code);
          let current: LicensingState;
          if (outcome.kind === 'damaged') {
            let name: string | null;
            try {
              name = await setAside(file, now());
            } catch (error) {
              return fsFailure(error);
            }
            current = { ...EMPTY_STATE, setAside: name === null ? [] : [{ name, at: now() }] };
          } else {
            current = outcome.state;
          }
          const changed = change(current);
          if (!changed.ok) return changed;
          const text = serializeState(changed.value.state);
          try {
            await removeStaleTemporaries(file);
            await writeFileAtomic(file, text, 0o600);
          } catch (error) {
            return fsFailure(error);
          }
          return { ok: true as const, value: changed.value.value };
        });
      const result = queue.then(run, run);
      queue = result.catch(() => undefined);
      return result;
    },
  };
}
