/**
 * The audit log: one JSON line per administrator action (sign-ins and sign-outs, deactivations,
 * exports), appended to `<data folder>/admin/audit.jsonl`, readable and writable by its owner
 * only. It names the token by its id and never holds a token or a license key. Appends are
 * single `write`s in append mode, so lines of concurrent writers never interleave.
 */
import { lstat, mkdir, open } from 'node:fs/promises';
import { join } from 'node:path';
import { AUDIT_ACTIONS, type AuditEntry } from '../contract/admin.js';
import type { Failure, Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { toCsv } from './csv.js';

/** The folder under the data folder that holds the administrator views' files. */
export const ADMIN_FOLDER = 'admin';
export const AUDIT_FILE = 'audit.jsonl';
/** At most this much of the log is read back (the newest entries are at its end). */
const MAX_READ_BYTES = 32 * 1024 * 1024;

export interface AuditLog {
  readonly path: string;
  /** Appends one entry stamped with the current time; AUDIT_LOG_UNUSABLE (with a detail) when it cannot be written. */
  append(entry: Omit<AuditEntry, 'time'>): Promise<Result<AuditEntry>>;
  /** Whether an entry could be appended now: checked before an action that must not go unrecorded. */
  writable(): Promise<Result<void>>;
  /** The newest `limit` entries, newest first; lines that are not entries are skipped. AUDIT_LOG_UNUSABLE when unreadable. */
  read(limit?: number): Promise<Result<AuditEntry[]>>;
}

/** AUDIT_LOG_UNUSABLE, with the system's error code as its detail. */
function unusable(error: unknown): Failure<'AUDIT_LOG_UNUSABLE'> & { readonly detail: string } {
  const detail = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
  return { ...fail('AUDIT_LOG_UNUSABLE'), detail };
}

function isEntry(value: unknown): value is AuditEntry {
  if (typeof value !== 'object' || value === null) return false;
  const entry = value as Record<string, unknown>;
  return (
    typeof entry.time === 'string' &&
    (AUDIT_ACTIONS as readonly unknown[]).includes(entry.action) &&
    (entry.license === null || typeof entry.license === 'string') &&
    Array.isArray(entry.machines) &&
    entry.machines.every((id) => typeof id === 'string') &&
    ['ok', 'partial', 'failed', 'cancelled'].includes(entry.result as string) &&
    ['admin-token', 'license-key', 'active-license'].includes(entry.credential as string) &&
    (entry.tokenId === null || typeof entry.tokenId === 'string') &&
    (entry.detail === null || typeof entry.detail === 'string')
  );
}

/** The audit log of a data folder. */
export function createAuditLog(dataFolder: string, now: () => number = Date.now): AuditLog {
  const folder = join(dataFolder, ADMIN_FOLDER);
  const path = join(folder, AUDIT_FILE);
  let queue: Promise<unknown> = Promise.resolve();

  /** Opens the log for appending, owner-only; refuses a symlink planted in its place. */
  async function openForAppend() {
    await mkdir(folder, { recursive: true, mode: 0o700 });
    const existing = await lstat(path).catch(() => null);
    if (existing !== null && !existing.isFile()) throw Object.assign(new Error('not a regular file'), { code: 'ENOTFILE' });
    const handle = await open(path, 'a', 0o600);
    await handle.chmod(0o600);
    return handle;
  }

  return {
    path,
    append(entry) {
      const stamped: AuditEntry = { time: new Date(now()).toISOString(), ...entry };
      const run = queue.then(async (): Promise<Result<AuditEntry>> => {
        try {
          const handle = await openForAppend();
          try {
            await handle.write(`${JSON.stringify(stamped)}\n`);
            await handle.sync();
          } finally {
            await handle.close();
          }
          return { ok: true, value: stamped };
        } catch (error) {
          return unusable(error);
        }
      });
      queue = run;
      return run;
    },
    async writable() {
      try {
        await (await openForAppend()).close();
        return { ok: true, value: undefined };
      } catch (error) {
        return unusable(error);
      }
    },
    async read(limit = 1000) {
      let text: string;
      try {
        const handle = await open(path, 'r');
        try {
          const { size } = await handle.stat();
          const start = Math.max(0, size - MAX_READ_BYTES);
          const buffer = Buffer.alloc(size - start);
          await handle.read(buffer, 0, buffer.length, start);
          text = buffer.toString('utf8');
          // Started mid-file: the first line is partial.
          if (start > 0) text = text.slice(text.indexOf('\n') + 1);
        } finally {
          await handle.close();
        }
      } catch (error) {
        if (error instanceof Error && 'code' in error && error.code === 'ENOENT') return { ok: true, value: [] };
        return unusable(error);
      }
      const entries: AuditEntry[] = [];
      const lines = text.split('\n');
      for (let index = lines.length - 1; index >= 0 && entries.length < limit; index -= 1) {
        const line = lines[index] as string;
        if (line.trim() === '') continue;
        try {
          const parsed: unknown = JSON.parse(line);
          if (isEntry(parsed)) entries.push(parsed);
        } catch {
          // A torn or foreign line: skipped, the rest of the log still reads.
        }
      }
      return { ok: true, value: entries };
    },
  };
}

/** The log as CSV (oldest first), with the same neutralisation as every export. */
export function auditCsv(entries: readonly AuditEntry[]): string {
  const header = ['time', 'action', 'license', 'machines', 'result', 'credential', 'token_id', 'detail'];
  const rows = [...entries]
    .reverse()
    .map((entry) => [entry.time, entry.action, entry.license, entry.machines.join(' '), entry.result, entry.credential, entry.tokenId, entry.detail]);
  return toCsv(header, rows);
}
