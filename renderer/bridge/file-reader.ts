/**
 * Reads a license or machine file that the person picked or dropped, the same way in both
 * shells: refuse anything over 1 MiB before reading it, then read it as text.
 */
import { fail, type ChosenFile, type Failure } from '../contract.js';

/** The license-file engine refuses larger certificates (LICENSE_FILE_TOO_LARGE), so the UI does not read them. */
export const MAX_LICENSE_FILE_BYTES = 1024 * 1024;

/** What the file picker offers: license and machine files (`.lic`), and the text files some vendors send. */
export const LICENSE_FILE_ACCEPT = '.lic,.txt,application/octet-stream';

/** The part of a DOM `File` that is read: tests pass plain objects. */
export interface ReadableFile {
  readonly name: string;
  readonly size: number;
  text(): Promise<string>;
}

/**
 * The file's name and text. Fails with LICENSE_FILE_TOO_LARGE over 1 MiB, and with
 * LICENSE_FILE_MALFORMED when it cannot be read (a folder, a file removed meanwhile).
 */
export async function readLicenseFile(file: ReadableFile): Promise<{ readonly ok: true; readonly value: ChosenFile } | Failure<'LICENSE_FILE_TOO_LARGE' | 'LICENSE_FILE_MALFORMED'>> {
  if (file.size > MAX_LICENSE_FILE_BYTES) return fail('LICENSE_FILE_TOO_LARGE');
  try {
    const certificate = await file.text();
    // size counts bytes, length UTF-16 units: a file can only shrink, but check what was read too.
    if (certificate.length > MAX_LICENSE_FILE_BYTES) return fail('LICENSE_FILE_TOO_LARGE');
    return { ok: true, value: { name: file.name, certificate } };
  } catch {
    return fail('LICENSE_FILE_MALFORMED');
  }
}
