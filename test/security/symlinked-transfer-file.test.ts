/**
 * Threat: a stick whose "files" are not plain files: a symbolic link (to ~/.ssh, to /dev/zero,
 * to a folder above), a FIFO that would block a reader forever, a file far over the cap, or a
 * folder that links back to `/`. None is read or followed; each is refused with its code, and
 * nothing installed is lost.
 */
import { execFileSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { MAX_SIGNED_FILE_BYTES } from '../../src/airgap/documents.js';
import { listFiles } from '../../src/airgap/list-files.js';
import { readUntrustedFile } from '../../src/airgap/untrusted-file.js';
import { readCarried } from '../../src/airgap/worker-tasks.js';

let stick: string;

beforeAll(() => {
  stick = mkdtempSync(join(tmpdir(), 'tessera-stick-'));
  writeFileSync(join(stick, 'secret.txt'), 'not for a stick');
  symlinkSync(join(stick, 'secret.txt'), join(stick, 'linked.activation-request.json'));
  symlinkSync('/dev/zero', join(stick, 'zero.activation-response.json'));
  execFileSync('mkfifo', [join(stick, 'pipe.deactivation-receipt.json')]);
  writeFileSync(join(stick, 'huge.activation-request.json'), Buffer.alloc(MAX_SIGNED_FILE_BYTES + 1, 0x20));
  mkdirSync(join(stick, 'inner'));
  symlinkSync('/', join(stick, 'inner', 'root-link'));
});
afterAll(() => rmSync(stick, { recursive: true, force: true }));

describe('a symbolic link, FIFO or oversized file on the stick', () => {
  it('a link is refused, not followed (AIRGAP_FILE_NOT_REGULAR)', () => {
    expect(readUntrustedFile(join(stick, 'linked.activation-request.json'), MAX_SIGNED_FILE_BYTES)).toEqual({ ok: false, code: 'AIRGAP_FILE_NOT_REGULAR' });
    expect(readUntrustedFile(join(stick, 'zero.activation-response.json'), MAX_SIGNED_FILE_BYTES)).toEqual({ ok: false, code: 'AIRGAP_FILE_NOT_REGULAR' });
  });

  it('a FIFO is refused at once, never opened for a blocking read (AIRGAP_FILE_NOT_REGULAR)', () => {
    expect(readUntrustedFile(join(stick, 'pipe.deactivation-receipt.json'), MAX_SIGNED_FILE_BYTES)).toEqual({ ok: false, code: 'AIRGAP_FILE_NOT_REGULAR' });
  });

  it('a file over the cap is refused without being read (AIRGAP_FILE_TOO_LARGE)', () => {
    expect(readUntrustedFile(join(stick, 'huge.activation-request.json'), MAX_SIGNED_FILE_BYTES)).toEqual({ ok: false, code: 'AIRGAP_FILE_TOO_LARGE' });
  });

  it('a folder scan never follows a link (to / or anywhere), and every refusal carries its code', async () => {
    const files = await listFiles(stick, { match: () => true });
    expect(files.map((path) => path.slice(stick.length + 1)).sort()).toEqual(['huge.activation-request.json', 'secret.txt']);
    const verdicts = readCarried({ paths: ['linked.activation-request.json', 'pipe.deactivation-receipt.json', 'huge.activation-request.json'].map((name) => join(stick, name)) });
    expect(verdicts.map((verdict) => (verdict.ok ? 'ok' : verdict.code))).toEqual(['AIRGAP_FILE_NOT_REGULAR', 'AIRGAP_FILE_NOT_REGULAR', 'AIRGAP_FILE_TOO_LARGE']);
  });
});
