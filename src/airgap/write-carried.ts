/**
 * Writing a request, response, receipt or confirmation, often onto a USB stick: to a fresh
 * temporary file beside it (never one that exists: a planted link is not followed), flushed,
 * then renamed over the target, so that a stick pulled out mid-write holds the old file or
 * the new one, never half of one. No chmod: FAT and exFAT sticks have no modes to set.
 */
import { randomBytes } from 'node:crypto';
import { open, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { Result } from '../contract/codes.js';
import { fail } from '../contract/messages.js';

/** Writes `text` to `path` atomically. AIRGAP_OUTPUT_UNWRITABLE when the folder cannot take it. */
export async function writeCarried(path: string, text: string): Promise<Result<string, 'AIRGAP_OUTPUT_UNWRITABLE'>> {
  const temporary = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    const handle = await open(temporary, 'wx', 0o600);
    try {
      await handle.writeFile(text, 'utf8');
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temporary, path);
    return { ok: true, value: path };
  } catch {
    await unlink(temporary).catch(() => undefined);
    return fail('AIRGAP_OUTPUT_UNWRITABLE');
  }
}
