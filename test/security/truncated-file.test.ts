/**
 * Threat: an incomplete certificate (cut-off download, copy-paste that lost lines). Every cut
 * must be a clean typed rejection, never a crash and never a partial license.
 */
import { describe, expect, it } from 'vitest';
import { parsePublicKey } from '../../src/license-file/public-key.js';
import { verifyLicenseFile } from '../../src/license-file/verify.js';

import { genuine, rearmor, trustedOptions } from '../support/certificate-signer.js';
import { outcome } from '../support/both-engines.js';

describe('certificate truncated at several points', () => {
  const signed = genuine('machine', 'aes-256-gcm+ed25519');
  const text = signed.certificate;
  const lines = text.split('\n');
  const bodyLines = lines.slice(1, -2);
  const header = `${lines[0]}\n`;
  const footer = `${lines.at(-2)}\n`;

  const cuts: { name: string; text: string }[] = [
    { name: 'empty file', text: '' },
    { name: 'whitespace only', text: '\n \r\n\t' },
    { name: 'inside the header', text: text.slice(0, 10) },
    { name: 'header only', text: header },
    { name: 'header and first body line', text: header + `${bodyLines[0]}\n` },
    { name: 'half the body, on a line boundary, no footer', text: header + bodyLines.slice(0, bodyLines.length >> 1).join('\n') + '\n' },
    { name: 'half the body, mid-line, no footer', text: text.slice(0, text.length >> 1) },
    { name: 'the whole body, no footer', text: header + bodyLines.join('\n') + '\n' },
    { name: 'inside the footer', text: text.slice(0, text.length - 10) },
    { name: 'the footer without its last dash', text: text.slice(0, text.length - 2) },
    { name: 'the last body line dropped, footer kept', text: header + bodyLines.slice(0, -1).join('\n') + '\n' + footer },
    { name: 'the first body line dropped, footer kept', text: header + bodyLines.slice(1).join('\n') + '\n' + footer },
    { name: 'half the body dropped, footer kept', text: header + bodyLines.slice(0, bodyLines.length >> 1).join('\n') + '\n' + footer },
    { name: 'one character of the body dropped', text: header + bodyLines.join('\n').slice(0, -1) + '\n' + footer },
    { name: 'four characters of the body dropped', text: header + bodyLines.join('\n').slice(0, -4) + '\n' + footer },
    { name: 'the whole body dropped', text: header + footer },
  ];

  it.each(cuts)('$name → LICENSE_FILE_MALFORMED', async ({ text: cut }) => {
    expect(await outcome(cut, signed.keys)).toBe('LICENSE_FILE_MALFORMED');
    expect(await outcome(Buffer.from(cut, 'latin1'), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });

  it('every prefix of the file is rejected, except the file minus its final newline', () => {
    const parsed = parsePublicKey(signed.keys.publicKeyText);
    if (!parsed.ok) throw new Error('test key rejected');
    for (let length = 0; length < text.length; length += 1) {
      const result = verifyLicenseFile(text.slice(0, length), parsed.value, trustedOptions());
      if (length === text.length - 1) expect(result.ok).toBe(true);
      else if (result.ok || result.code !== 'LICENSE_FILE_MALFORMED') throw new Error(`prefix of ${length} bytes: ${result.ok ? 'OK' : result.code}`);
    }
  });
});

describe('fields of the outer document truncated', () => {
  const signed = genuine('license', 'aes-256-gcm+ed25519');
  const [ciphertext, iv, tag] = signed.enc.split('.') as [string, string, string];

  it('ciphertext cut at a base64 group boundary (still canonical) → LICENSE_FILE_NOT_GENUINE', async () => {
    const certificate = rearmor('license', { enc: `${ciphertext.slice(0, 400)}.${iv}.${tag}`, sig: signed.sig, alg: signed.alg });
    expect(await outcome(certificate, signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });

  it('signature cut at a base64 group boundary (63 bytes) → LICENSE_FILE_NOT_GENUINE', async () => {
    const sig = Buffer.from(signed.sig, 'base64').subarray(0, 63).toString('base64');
    expect(await outcome(rearmor('license', { enc: signed.enc, sig, alg: signed.alg }), signed.keys)).toBe('LICENSE_FILE_NOT_GENUINE');
  });

  it.each([
    { name: 'the tag dropped', enc: `${ciphertext}.${iv}` },
    { name: 'the tag emptied', enc: `${ciphertext}.${iv}.` },
    { name: 'the IV and tag dropped', enc: ciphertext },
    { name: 'the tag cut to 12 bytes', enc: `${ciphertext}.${iv}.${tag.slice(0, 16)}` },
    { name: 'the IV cut to 9 bytes', enc: `${ciphertext}.${iv.slice(0, 12)}.${tag}` },
    { name: 'the enc cut mid-group', enc: signed.enc.slice(0, -1) },
  ])('enc with $name → LICENSE_FILE_MALFORMED', async ({ enc }) => {
    expect(await outcome(rearmor('license', { enc, sig: signed.sig, alg: signed.alg }), signed.keys)).toBe('LICENSE_FILE_MALFORMED');
  });
});
