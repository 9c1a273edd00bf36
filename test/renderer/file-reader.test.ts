/** Reading a chosen or dropped license file: over 1 MiB is refused before it is read. */
import { describe, expect, it, vi } from 'vitest';
import { MESSAGES } from '../../src/contract/messages.js';
import { MAX_LICENSE_FILE_BYTES, readLicenseFile } from '../../renderer/bridge/file-reader.js';

describe('readLicenseFile', () => {
  it('returns the name and text of a file up to 1 MiB', async () => {
    const file = new File(['-----BEGIN MACHINE FILE-----\nabc\n'], 'workstation.lic');
    expect(await readLicenseFile(file)).toEqual({ ok: true, value: { name: 'workstation.lic', certificate: '-----BEGIN MACHINE FILE-----\nabc\n' } });
  });

  it('refuses a file over 1 MiB as LICENSE_FILE_TOO_LARGE without reading it', async () => {
    const text = vi.fn(async () => 'never read');
    const result = await readLicenseFile({ name: 'big.lic', size: MAX_LICENSE_FILE_BYTES + 1, text });
    expect(result).toEqual({ ok: false, code: 'LICENSE_FILE_TOO_LARGE', message: MESSAGES.LICENSE_FILE_TOO_LARGE.message });
    expect(text).not.toHaveBeenCalled();
  });

  it('accepts exactly 1 MiB', async () => {
    const result = await readLicenseFile({ name: 'edge.lic', size: MAX_LICENSE_FILE_BYTES, text: async () => 'x'.repeat(MAX_LICENSE_FILE_BYTES) });
    expect(result.ok).toBe(true);
  });

  it('turns an unreadable file into LICENSE_FILE_MALFORMED', async () => {
    const result = await readLicenseFile({ name: 'gone.lic', size: 10, text: () => Promise.reject(new Error('NotReadableError')) });
    expect(result.ok === false && result.code).toBe('LICENSE_FILE_MALFORMED');
  });
});
