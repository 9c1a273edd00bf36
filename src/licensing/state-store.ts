/**
 * The licensing state on disk: one file, `state.json` (0600, in a 0700 folder), holding the whole
 * `LicensingState` including the certificate texts, so that one atomic rename switches the old
 * state to the new one. Secrets are never in it (they live in the keychain).
 */
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { removeStaleTemporaries, syncFolder, writeFileAtomic } from './atomic-file.js';
import { EMPTY_STATE, type InstalledRecord, type LicensingState, type StateStore } from './state.types.js';

/** The state file's name inside the store's folder. */
export const STATE_FILE = 'state.json';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The license-file engine refuses anything larger (LICENSE_FILE_TOO_LARGE). */
const MAX_CERTIFICATE_LENGTH = 1024 * 1024;
const MAX_NAME_LENGTH = 1024;

type Json = Readonly<Record<string, unknown>>;
/** Why a value is not a valid state: the path of the first bad field (never its value). */
type Check<T> = { readonly ok: true; readonly value: T } | { readonly ok: false; readonly issue: string };

const isObject = (value: unknown): value is Json => typeof value === 'object' && value !== null && !Array.isArray(value);
/** A time in milliseconds since the epoch. */
const isTimestamp = (value: unknown): value is number => Number.isSafeInteger(value) && (value as number) >= 0;
const isName = (value: unknown): value is string => typeof value === 'string' && value.length >= 1 && value.length <= MAX_NAME_LENGTH;
const nullOr =
  <T>(check: (value: unknown) => value is T) =>
  (value: unknown): value is T | null =>
    value === null || check(value);

/** Every field of a record and its rule, in the order they are written. */
const RECORD_FIELDS: Readonly<Record<keyof InstalledRecord, (value: unknown) => boolean>> = {
  id: (value) => typeof value === 'string' && UUID.test(value),
  kind: (value) => value === 'license' || value === 'machine',
  source: (value) => value === 'activation' || value === 'import',
  certificate: (value) => typeof value === 'string' && value.length >= 1 && value.length <= MAX_CERTIFICATE_LENGTH,
  machineId: nullOr(isName),
  fingerprint: nullOr(isName),
  licenseKeyRef: nullOr(isName),
  label: (value) => value === null || (typeof value === 'string' && value.length <= MAX_NAME_LENGTH),
  pinned: (value) => typeof value === 'boolean',
  lastCheckInAt: nullOr(isTimestamp),
  nextCheckInAt: nullOr(isTimestamp),
  requireHeartbeat: (value) => typeof value === 'boolean',
  heartbeatDuration: (value) => value === null || (Number.isSafeInteger(value) && (value as number) > 0),
  installedAt: isTimestamp,
  updatedAt: isTimestamp,
};
const RECORD_KEYS = Object.keys(RECORD_FIELDS) as (keyof InstalledRecord)[];

/** One record, strictly: every field present and valid, nothing else; keys in a fixed order. */
function checkRecord(value: unknown, at: string): Check<InstalledRecord> {
  if (!isObject(value)) return { ok: false, issue: `${at}: not an object` };
  const unknown = Object.keys(value).find((key) => !Object.hasOwn(RECORD_FIELDS, key));
  if (unknown !== undefined) return { ok: false, issue: `${at}: unknown field` };
  const record: Record<string, unknown> = {};
  for (const key of RECORD_KEYS) {
    if (!RECORD_FIELDS[key](value[key])) return { ok: false, issue: `${at}.${key}: invalid` };
    record[key] = value[key];
  }
  return { ok: true, value: record as unknown as InstalledRecord };
}

/** The whole state, checked field by field; an unknown `version` is invalid, and so is a license twice. */
function checkState(value: unknown): Check<LicensingState> {
  if (!isObject(value)) return { ok: false, issue: '(state): not an object' };
  if (Object.keys(value).some((key) => key !== 'version' && key !== 'licenses' && key !== 'watermark')) return { ok: false, issue: '(state): unknown field' };
  if (value.version !== 1) return { ok: false, issue: 'version: invalid' };
  if (!isTimestamp(value.watermark)) return { ok: false, issue: 'watermark: invalid' };
  if (!Array.isArray(value.licenses)) return { ok: false, issue: 'licenses: not an array' };
  const licenses: InstalledRecord[] = [];
  for (const [index, item] of (value.licenses as unknown[]).entries()) {
    const record = checkRecord(item, `licenses.${index}`);
    if (!record.ok) return record;
    licenses.push(record.value);
  }
  if (new Set(licenses.map((record) => record.id.toLowerCase())).size !== licenses.length) {
    return { ok: false, issue: 'licenses: one record per license: duplicate id' };
  }
  return { ok: true, value: { version: 1, licenses, watermark: value.watermark } };
}

/** The state as it is written: validated, keys in a fixed order. Throws a TypeError on an invalid state (a bug). */
function serialize(state: LicensingState): string {
  const checked = checkState(state);
  if (!checked.ok) throw new TypeError(`Refusing to save an invalid licensing state: ${checked.issue}`);
  return `${JSON.stringify(checked.value, null, 2)}\n`;
}

/** The state read back, or null when the text is not a valid state. */
function deserialize(text: string): LicensingState | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const checked = checkState(json);
  return checked.ok ? checked.value : null;
}

function isMissing(error: unknown): boolean {
  return error instanceof Error && 'code' in error && error.code === 'ENOENT';
}

async function exists(path: string): Promise<boolean> {
  try {
    await stat(path);
    return true;
  } catch (error) {
    if (isMissing(error)) return false;
    throw error;
  }
}

/** Moves a damaged state file to `state.json.corrupt-<ms>` (never over an earlier one), so that it can be inspected or recovered. */
async function setAside(file: string): Promise<void> {
  const stamp = Date.now();
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const target = `${file}.corrupt-${stamp}${attempt === 0 ? '' : `-${attempt}`}`;
    if (await exists(target)) continue;
    try {
      await rename(file, target);
    } catch (error) {
      // Someone else (another store on this folder) moved it first: it is aside either way.
      if (isMissing(error)) return;
      throw error;
    }
    await syncFolder(dirname(file));
    return;
  }
  throw new Error(`Cannot set aside the damaged state file ${file}: too many earlier copies beside it.`);
}

/** A pending save: the latest state asked for, and everyone waiting for it to be on disk. */
interface Batch {
  text: string;
  readonly done: Promise<void>;
  readonly settle: (error?: unknown) => void;
}

function createBatch(text: string): Batch {
  let settle: (error?: unknown) => void = () => undefined;
  const done = new Promise<void>((resolve, reject) => {
    settle = (error) => (error === undefined ? resolve() : reject(error instanceof Error ? error : new Error(String(error))));
  });
  return { text, done, settle };
}

/**
 * A `StateStore` keeping `state.json` in `folder` (created with mode 0700 on the first save).
 * `load` fails with STATE_UNREADABLE when the file does not parse or validate, after moving it
 * aside; `save` throws a TypeError for an invalid state and rethrows I/O errors.
 */
export function createFileStateStore(folder: string): StateStore {
  const file = join(folder, STATE_FILE);
  // Saves run one at a time; saves asked for while one runs are merged into the next, which
  // writes the latest state: the last call wins and every caller waits until it is durable.
  let queue: Promise<void> = Promise.resolve();
  let next: Batch | null = null;

  async function persist(text: string): Promise<void> {
    const created = await mkdir(folder, { recursive: true, mode: 0o700 });
    // A new folder is itself an entry in its parent: flush that too.
    if (created !== undefined) await syncFolder(dirname(created));
    await removeStaleTemporaries(file);
    await writeFileAtomic(file, text, 0o600);
  }

  return {
    folder,

    async load(): Promise<Result<LicensingState, 'STATE_UNREADABLE'>> {
      // Reads see this process's earlier saves.
      await queue;
      let text: string;
      try {
        text = await readFile(file, 'utf8');
      } catch (error) {
        if (isMissing(error)) return { ok: true, value: { ...EMPTY_STATE, licenses: [] } };
        throw error;
      }
      const state = deserialize(text);
      if (state !== null) return { ok: true, value: state };
      await setAside(file);
      return fail('STATE_UNREADABLE');
    },

    save(state: LicensingState): Promise<void> {
      let text: string;
      try {
        text = serialize(state);
      } catch (error) {
        return Promise.reject(error instanceof Error ? error : new Error(String(error)));
      }
      if (next !== null) {
        next.text = text;
        return next.done;
      }
      const batch = createBatch(text);
      next = batch;
      queue = queue.then(async () => {
        next = null;
        try {
          await persist(batch.text);
          batch.settle();
        } catch (error) {
          batch.settle(error ?? new Error('save failed'));
        }
      });
      return batch.done;
    },
  };
}
