/**
 * The licensing state on disk: one file, `state.json` (0600, in a 0700 folder), holding the whole
 * `LicensingState` including the certificate texts, so that one atomic rename switches the old
 * state to the new one. Secrets are never in it (they live in the keychain).
 */
import { mkdir, readFile, rename, stat } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { z } from 'zod';
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { removeStaleTemporaries, syncFolder, writeFileAtomic } from './atomic-file.js';
import { EMPTY_STATE, type LicensingState, type StateStore } from './state.types.js';

/** The state file's name inside the store's folder. */
export const STATE_FILE = 'state.json';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i;
/** The license-file engine refuses anything larger (LICENSE_FILE_TOO_LARGE). */
const MAX_CERTIFICATE_LENGTH = 1024 * 1024;
const MAX_NAME_LENGTH = 1024;

/** A time in milliseconds since the epoch. */
const timestamp = z.int().nonnegative();
const name = z.string().min(1).max(MAX_NAME_LENGTH);

const recordSchema = z.strictObject({
  id: z.string().regex(UUID),
  kind: z.enum(['license', 'machine']),
  source: z.enum(['activation', 'import']),
  certificate: z.string().min(1).max(MAX_CERTIFICATE_LENGTH),
  machineId: name.nullable(),
  fingerprint: name.nullable(),
  licenseKeyRef: name.nullable(),
  label: z.string().max(MAX_NAME_LENGTH).nullable(),
  pinned: z.boolean(),
  lastCheckInAt: timestamp.nullable(),
  nextCheckInAt: timestamp.nullable(),
  requireHeartbeat: z.boolean(),
  heartbeatDuration: z.int().positive().nullable(),
  installedAt: timestamp,
  updatedAt: timestamp,
});

/** The whole state, checked field by field; an unknown `version` is invalid. */
const stateSchema: z.ZodType<LicensingState> = z
  .strictObject({
    version: z.literal(1),
    licenses: z.array(recordSchema),
    watermark: timestamp,
  })
  .refine((state) => new Set(state.licenses.map((record) => record.id.toLowerCase())).size === state.licenses.length, {
    message: 'one record per license: duplicate id',
    path: ['licenses'],
  });

/** Why a state does not validate, naming the field (never its value). */
function describeIssues(error: z.ZodError): string {
  return error.issues
    .slice(0, 3)
    .map((issue) => `${issue.path.length === 0 ? '(state)' : issue.path.join('.')}: ${issue.message}`)
    .join('; ');
}

/** The state as it is written: validated, keys in a fixed order. Throws a TypeError on an invalid state (a bug). */
function serialize(state: LicensingState): string {
  const parsed = stateSchema.safeParse(state);
  if (!parsed.success) throw new TypeError(`Refusing to save an invalid licensing state: ${describeIssues(parsed.error)}`);
  return `${JSON.stringify(parsed.data, null, 2)}\n`;
}

/** The state read back, or null when the text is not a valid state. */
function deserialize(text: string): LicensingState | null {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    return null;
  }
  const parsed = stateSchema.safeParse(json);
  return parsed.success ? parsed.data : null;
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
