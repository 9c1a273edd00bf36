/** A request as numbered QR codes: split, drawn by the qr library, read back, joined in any order. */
import { encodeQR } from 'qr';
import decodeQR from 'qr/decode.js';
import { describe, expect, it } from 'vitest';
import { joinQrParts, QR_PART_CHARS, splitForQr } from '../../src/contract/qr-chunks.js';
import { imageOf, otherMachine, requestFrom } from './support.js';

describe('QR parts', () => {
  it('split a request into numbered parts that join back in any order, pasted one per line or run together', async () => {
    const { text } = await requestFrom(otherMachine('qr'), { account: 'acct', product: 'prod' });
    const compact = JSON.stringify(JSON.parse(text));
    const parts = splitForQr(compact);
    expect(parts.length).toBe(Math.ceil(compact.length / QR_PART_CHARS));
    expect(parts[0]).toMatch(/^TESSERA-REQ 1\/\d /);
    expect(joinQrParts([...parts].reverse().join('\n'))).toBe(compact);
    expect(joinQrParts(parts.join(''))).toBe(compact);
  });

  it('refuse a missing part, a conflicting repeat, or no part at all', () => {
    const parts = splitForQr('x'.repeat(1500), 600);
    expect(parts).toHaveLength(3);
    expect(joinQrParts(parts.slice(0, 2).join('\n'))).toBeNull();
    expect(joinQrParts([...parts, parts[0]?.replace('xxx', 'yyy') ?? ''].join('\n'))).toBeNull();
    expect(joinQrParts('hello')).toBeNull();
    expect(splitForQr('x'.repeat(100 * 600))).toEqual([]);
  });

  it('each part, drawn as a QR code at medium error correction, reads back exactly', async () => {
    const { text } = await requestFrom(otherMachine('camera'), { account: 'acct', product: 'prod' });
    const parts = splitForQr(JSON.stringify(JSON.parse(text)));
    const read = parts.map((part) => decodeQR(imageOf(encodeQR(part, 'raw', { ecc: 'medium' }))));
    expect(read).toEqual(parts);
    expect(joinQrParts(read.join('\n'))).toBe(JSON.stringify(JSON.parse(text)));
  });
});
