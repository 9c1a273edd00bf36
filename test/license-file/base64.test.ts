/** The Node engine's fast strict decoder must accept exactly what the strict grammar accepts. */
import { randomBytes } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { isStrictBase64 } from '../../src/license-file/base64.js';
import { decodeStrict } from '../../src/license-file/node-codec.js';
import { prng, testSeed } from '../support/prng.js';

const NOISE = ['=', '-', '_', ' ', '\n', '\r', '\t', '.', '*', '\u00e9', '\u0000', 'A', '/', '+', '==', '\ufeff'];

describe('strict base64', () => {
  it('rejects the classic non-strict forms', () => {
    for (const text of ['QQ', 'QQ=', 'QR==', 'QUI=', 'QUJ=', 'QU I=', 'QUI-', 'Q_I=', 'QU==QUJD', '====', 'QUJD\n', 'QUJD=', '=QUJ']) {
      expect(isStrictBase64(text), JSON.stringify(text)).toBe(text === 'QUI=');
      expect(decodeStrict(text) !== null, JSON.stringify(text)).toBe(isStrictBase64(text));
    }
  });

  it('agrees with the grammar on 20,000 mutated strings', () => {
    const seed = testSeed('base64 property', 'test/license-file/base64.test.ts');
    const random = prng(seed);
    const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;
    for (let round = 0; round < 20_000; round += 1) {
      let text = randomBytes(Math.floor(random() * 40)).toString('base64');
      const edits = Math.floor(random() * 3);
      for (let edit = 0; edit < edits; edit += 1) {
        const at = Math.floor(random() * (text.length + 1));
        const kind = random();
        if (kind < 0.4) text = text.slice(0, at) + pick(NOISE) + text.slice(at + 1);
        else if (kind < 0.7) text = text.slice(0, at) + pick(NOISE) + text.slice(at);
        else text = text.slice(0, at) + text.slice(at + 1);
      }
      const strict = isStrictBase64(text);
      const decoded = decodeStrict(text);
      expect(decoded !== null, `seed ${seed}: ${JSON.stringify(text)}`).toBe(strict);
      if (decoded !== null) expect(Buffer.from(decoded).toString('base64')).toBe(text);
    }
  });
});
