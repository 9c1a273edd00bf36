/**
 * Mutation fuzzing of genuine certificates: bit flips, byte inserts and deletes, truncation,
 * armor edits, duplicated or swapped lines, and re-encoded outer documents with mutated
 * enc/sig/alg. The engine must never throw, and may accept a mutant only when the payload it
 * returns is byte-identical to one that was signed, with the same kind and alg (a splice of
 * two genuine files can rebuild one of them). Layout-only mutations (re-wrapping,
 * CRLF) must still verify. A sample also runs through the portable engine, which must agree.
 *
 * Replay a failure with the printed seed: TESSERA_TEST_SEED=<seed> npx vitest run test/license-file/fuzz.test.ts
 */
import { describe, expect, it } from 'vitest';
import { LICENSE_FILE_CODES } from '../../src/contract/codes.js';
import { importPortableKey, verifyLicenseFilePortable, type PortableKey } from '../../src/license-file/portable.js';
import { parsePublicKey, type PinnedKey } from '../../src/license-file/public-key.js';
import { verifyLicenseFile } from '../../src/license-file/verify.js';
import {
  ALL_ALGS,
  armor,
  armorBody,
  genuine,
  outerDocument,
  trustedOptions,
  type Alg,
  type Kind,
  type SignedCertificate,
} from '../support/certificate-signer.js';
import { prng, testSeed } from '../support/prng.js';

const CASES = 12_000;
/** One case in PORTABLE_EVERY also runs through the portable engine (async noble is slower). */
const PORTABLE_EVERY = 16;

interface Base {
  readonly signed: SignedCertificate;
  readonly bytes: Buffer;
  readonly node: PinnedKey;
  readonly portable: PortableKey;
}

interface Mutant {
  readonly label: string;
  readonly input: Uint8Array | string;
  /** Only whitespace or line layout changed: the file must still verify. */
  readonly neutral: boolean;
}

const ALPHABET = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/';
const INTERESTING_BYTES = [...Buffer.from(`${ALPHABET}=.-_ \t\r\n{}":,\\`), 0x00, 0x0b, 0x7f, 0x80, 0xa0, 0xc3, 0xff];

function mutator(random: () => number, bases: readonly Base[]) {
  const int = (below: number): number => Math.floor(random() * below);
  const pick = <T>(items: readonly T[]): T => items[int(items.length)] as T;
  const chance = (p: number): boolean => random() < p;

  const randomByte = (): number => (chance(0.7) ? pick(INTERESTING_BYTES) : int(256));
  const randomString = (length: number): string => Array.from({ length }, () => String.fromCharCode(randomByte())).join('');

  function mutateBase64(text: string): string {
    if (text.length === 0) return pick(['A', 'AA==', '====', '.']);
    const at = int(text.length);
    switch (int(8)) {
      case 0: return text.slice(0, at) + pick([...ALPHABET]) + text.slice(at + 1);
      case 1: return text.slice(0, at) + text.slice(at + 1);
      case 2: return text.slice(0, at) + pick([...ALPHABET, '=', '.', '-', '_', ' ', '\n']) + text.slice(at);
      case 3: return text.slice(0, at - (at % 4));
      case 4: return `${text}${pick(['=', '==', 'A', 'AAAA', '.'])}`;
      case 5: return text.replace(/=+$/, '');
      case 6: return text.split('').reverse().join('');
      default: return text.slice(0, at) + randomString(1 + int(3)) + text.slice(at + 1);
    }
  }

  function mutateEnc(enc: string, other: SignedCertificate): unknown {
    const parts = enc.split('.');
    switch (int(8)) {
      case 0: return other.enc;
      case 1: return parts.slice(0, -1).join('.');
      case 2: return [parts[0], parts[2], parts[1]].filter((part) => part !== undefined).join('.');
      case 3: {
        const index = int(parts.length);
        parts[index] = mutateBase64(parts[index] ?? '');
        return parts.join('.');
      }
      case 4: return `${enc}.${pick(parts)}`;
      case 5: return pick([null, 1, [], {}, '', true]);
      case 6: return Buffer.from(enc, 'base64').toString('base64');
      default: return mutateBase64(enc);
    }
  }

  function mutateAlg(alg: string): unknown {
    switch (int(5)) {
      case 0:
      case 1: return pick(ALL_ALGS);
      case 2: return alg.toUpperCase();
      case 3: return alg.slice(0, int(alg.length)) + randomString(int(3));
      default: return pick([null, 0, ['aes-256-gcm+ed25519'], 'none', '', `${alg} `]);
    }
  }

  function outerField(base: Base): Mutant {
    const { enc, sig, alg } = JSON.parse(base.signed.outer) as { enc: string; sig: string; alg: string };
    const other = pick(bases).signed;
    const fields: Record<string, unknown> = { enc, sig, alg };
    const changes = 1 + int(2);
    const touched: string[] = [];
    for (let change = 0; change < changes; change += 1) {
      const field = pick(['enc', 'sig', 'alg', 'extra', 'drop']);
      touched.push(field);
      if (field === 'enc') fields.enc = mutateEnc(enc, other);
      else if (field === 'sig') fields.sig = chance(0.3) ? other.sig : chance(0.2) ? pick([null, '', 7]) : mutateBase64(sig);
      else if (field === 'alg') fields.alg = mutateAlg(alg);
      else if (field === 'extra') fields[pick(['kid', 'typ', 'enc2', '__proto__'])] = 'x';
      else delete fields[pick(['enc', 'sig', 'alg'])];
    }
    let ordered = chance(0.8) ? outerDocument(fields as { enc: unknown; sig: unknown; alg: unknown }) : JSON.stringify(fields);
    // Text around the JSON: JSON whitespace is harmless, a BOM or NBSP is not JSON.
    if (chance(0.1)) ordered = pick([' ', '\n', '\ufeff', '\u00a0']) + ordered;
    const kind: Kind = chance(0.1) ? (base.signed.kind === 'license' ? 'machine' : 'license') : base.signed.kind;
    return { label: `outer:${touched.join('+')}`, input: armor(kind, ordered, { lineLength: pick([60, 64, 76]) }), neutral: false };
  }

  function bodyLines(base: Base): { header: string; lines: string[]; footer: string } {
    const lines = base.signed.certificate.split('\n');
    return { header: lines[0] ?? '', lines: lines.slice(1, -2), footer: lines.at(-2) ?? '' };
  }

  return function mutate(base: Base): Mutant {
    const bytes = base.bytes;
    switch (int(12)) {
      case 0: {
        const copy = Buffer.from(bytes);
        const flips = 1 + int(4);
        for (let flip = 0; flip < flips; flip += 1) {
          const at = int(copy.length);
          copy[at] = (copy[at] ?? 0) ^ (1 << int(8));
        }
        return { label: `bit-flip x${flips}`, input: copy, neutral: false };
      }
      case 1: {
        const at = int(bytes.length + 1);
        const inserted = Buffer.from(Array.from({ length: 1 + int(3) }, randomByte));
        return { label: 'insert', input: Buffer.concat([bytes.subarray(0, at), inserted, bytes.subarray(at)]), neutral: false };
      }
      case 2: {
        const at = int(bytes.length);
        return { label: 'delete', input: Buffer.concat([bytes.subarray(0, at), bytes.subarray(at + 1 + int(8))]), neutral: false };
      }
      case 3:
        return { label: 'truncate', input: bytes.subarray(0, int(bytes.length - 1)), neutral: false };
      case 4: {
        const text = base.signed.certificate;
        const edits: [string, (value: string) => string][] = [
          ['header-kind', (value) => value.replace(/BEGIN (LICENSE|MACHINE)/, (_, word: string) => `BEGIN ${word === 'LICENSE' ? 'MACHINE' : 'LICENSE'}`)],
          ['footer-kind', (value) => value.replace(/END (LICENSE|MACHINE)/, (_, word: string) => `END ${word === 'LICENSE' ? 'MACHINE' : 'LICENSE'}`)],
          ['both-kinds', (value) => value.replace(/(LICENSE|MACHINE) FILE/g, (_, word: string) => `${word === 'LICENSE' ? 'MACHINE' : 'LICENSE'} FILE`)],
          ['no-header', (value) => value.slice(value.indexOf('\n') + 1)],
          ['no-footer', (value) => value.slice(0, value.lastIndexOf('-----END'))],
          ['lower-case', (value) => value.toLowerCase()],
          ['prefix-text', (value) => `${randomString(1 + int(20))}\n${value}`],
          ['suffix-text', (value) => `${value}${randomString(1 + int(20))}`],
          ['dashes', (value) => value.replace('-----', pick(['----', '------', '-----\n']))],
          ['doubled', (value) => value + value],
        ];
        const [label, edit] = pick(edits);
        return { label: `armor:${label}`, input: edit(text), neutral: false };
      }
      case 5:
      case 6:
        return outerField(base);
      case 7: {
        const { header, lines, footer } = bodyLines(base);
        const at = int(lines.length);
        lines.splice(at, 0, lines[int(lines.length)] ?? '');
        return { label: 'duplicate-line', input: [header, ...lines, footer, ''].join('\n'), neutral: false };
      }
      case 8: {
        const { header, lines, footer } = bodyLines(base);
        const a = int(lines.length);
        const b = int(lines.length);
        if (a === b || lines[a] === lines[b]) return { label: 'delete-line', input: [header, ...lines.filter((_, index) => index !== a), footer, ''].join('\n'), neutral: false };
        [lines[a], lines[b]] = [lines[b] ?? '', lines[a] ?? ''];
        return { label: 'swap-lines', input: [header, ...lines, footer, ''].join('\n'), neutral: false };
      }
      case 9: {
        const other = pick(bases).bytes;
        const cut = int(Math.min(bytes.length, other.length));
        return { label: 'splice', input: Buffer.concat([bytes.subarray(0, cut), other.subarray(cut)]), neutral: false };
      }
      case 10: {
        const { header, lines, footer } = bodyLines(base);
        const at = int(lines.length);
        const line = lines[at] ?? '';
        const split = int(line.length + 1);
        lines[at] = line.slice(0, split) + pick(['=', '==', '\\', '%', '\u00a0', 'A']) + line.slice(split);
        return { label: 'line-char', input: [header, ...lines, footer, ''].join('\n'), neutral: false };
      }
      default: {
        // Layout only: same body text, other wrapping, line endings and surrounding blank lines.
        const body = bodyLines(base).lines.join('');
        const lineLength = chance(0.2) ? Number.POSITIVE_INFINITY : 1 + int(200);
        const crlf = chance(0.5);
        let text = armorBody(base.signed.kind, body, { lineLength, crlf });
        if (chance(0.3)) text = `\n${text}\n\n`;
        if (chance(0.3)) text = text.trimEnd();
        return { label: 'layout', input: text, neutral: true };
      }
    }
  };
}

describe('mutation fuzzing', () => {
  it(`${CASES} mutated certificates: never a throw, never a changed payload accepted`, async () => {
    const seed = testSeed('fuzz', 'test/license-file/fuzz.test.ts');
    const random = prng(seed);
    const specs: { kind: Kind; alg: Alg; weight: number }[] = [
      { kind: 'license', alg: 'aes-256-gcm+ed25519', weight: 4 },
      { kind: 'machine', alg: 'aes-256-gcm+ed25519', weight: 4 },
      { kind: 'license', alg: 'base64+ed25519', weight: 3 },
      { kind: 'machine', alg: 'base64+ed25519', weight: 3 },
      { kind: 'license', alg: 'aes-256-gcm+ecdsa-p256', weight: 1 },
      { kind: 'machine', alg: 'base64+rsa-pss-sha256', weight: 1 },
    ];
    const bases: Base[] = [];
    const weighted: Base[] = [];
    for (const spec of specs) {
      const signed = genuine(spec.kind, spec.alg, { entitlements: 2, components: 1, seed: `fuzz-${spec.kind}-${spec.alg}` });
      const node = parsePublicKey(signed.keys.publicKeyText);
      const portable = await importPortableKey(signed.keys.publicKeyText);
      if (!node.ok || !portable.ok) throw new Error('test key rejected');
      const base: Base = { signed, bytes: Buffer.from(signed.certificate, 'latin1'), node: node.value, portable: portable.value };
      expect(verifyLicenseFile(base.bytes, base.node, trustedOptions()).ok, `control ${spec.kind} ${spec.alg}`).toBe(true);
      bases.push(base);
      for (let copy = 0; copy < spec.weight; copy += 1) weighted.push(base);
    }
    const mutate = mutator(random, bases);
    const codes = new Map<string, number>();
    const validCodes = new Set<string>(LICENSE_FILE_CODES);
    const started = performance.now();

    for (let index = 0; index < CASES; index += 1) {
      const base = weighted[Math.floor(random() * weighted.length)] as Base;
      const mutant = mutate(base);
      // Feed strings and bytes alike; latin1 keeps every byte as one character.
      const input = random() < 0.5 && typeof mutant.input !== 'string' ? Buffer.from(mutant.input).toString('latin1') : mutant.input;
      const where = `seed ${seed}, case ${index} (${mutant.label}, ${base.signed.kind} ${base.signed.alg})`;
      let result: ReturnType<typeof verifyLicenseFile>;
      try {
        result = verifyLicenseFile(input, base.node, trustedOptions());
      } catch (error) {
        throw new Error(`verifyLicenseFile threw at ${where}: ${String(error)}`);
      }
      const code = result.ok ? 'OK' : result.code;
      codes.set(code, (codes.get(code) ?? 0) + 1);
      if (!result.ok && !validCodes.has(result.code)) throw new Error(`unknown code ${result.code} at ${where}`);
      if (result.ok) {
        // Splices and swapped fields can rebuild another genuine file, never a new payload.
        const { payload, kind, alg } = result.value;
        if (!bases.some(({ signed }) => signed.payload === payload && signed.kind === kind && signed.alg === alg)) {
          throw new Error(`accepted a changed certificate at ${where}`);
        }
      } else if (mutant.neutral) {
        throw new Error(`rejected a layout-only change (${result.code}) at ${where}`);
      }
      if (index % PORTABLE_EVERY === 0) {
        let portable: Awaited<ReturnType<typeof verifyLicenseFilePortable>>;
        try {
          portable = await verifyLicenseFilePortable(input, base.portable, trustedOptions());
        } catch (error) {
          throw new Error(`verifyLicenseFilePortable threw at ${where}: ${String(error)}`);
        }
        const portableCode = portable.ok ? 'OK' : portable.code;
        if (portableCode !== code) throw new Error(`engines disagree at ${where}: node ${code}, portable ${portableCode}`);
      }
    }

    const elapsed = performance.now() - started;
    console.log(`fuzz: ${CASES} cases in ${Math.round(elapsed)} ms: ${JSON.stringify(Object.fromEntries([...codes].sort()))}`);
    // Mutations must reach every stage: parse failures, signature failures, and intact files.
    expect(codes.get('LICENSE_FILE_MALFORMED') ?? 0).toBeGreaterThan(0);
    expect(codes.get('LICENSE_FILE_NOT_GENUINE') ?? 0).toBeGreaterThan(0);
    expect(codes.get('LICENSE_FILE_UNSUPPORTED_ALGORITHM') ?? 0).toBeGreaterThan(0);
    expect(codes.get('OK') ?? 0).toBeGreaterThan(0);
  }, 120_000);
});
