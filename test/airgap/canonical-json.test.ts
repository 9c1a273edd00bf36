/** The canonical serialisation that request and receipt signatures cover (RFC 8785's, on its subset). */
import { describe, expect, it } from 'vitest';
import { canonicalBytes, canonicalJson } from '../../src/airgap/canonical-json.js';

describe('canonical JSON', () => {
  it('sorts members by UTF-16 code units at every level, with no whitespace', () => {
    expect(canonicalJson({ b: 1, a: [{ z: true, y: null }, 'x'], A: { d: 'e', c: -3 } })).toBe('{"A":{"c":-3,"d":"e"},"a":[{"y":null,"z":true},"x"],"b":1}');
    // RFC 8785 §3.2.3: "\\u20ac" (€) sorts after "\\r" and before "\\ud83d\\ude00" (😀) by code units.
    expect(canonicalJson({ '😀': 1, '€': 2, '\r': 3, '1': 4 })).toBe('{"\\r":3,"1":4,"€":2,"😀":1}');
  });

  it('writes strings as JSON.stringify does (RFC 8785 §3.2.2.2), lone surrogates escaped', () => {
    expect(canonicalJson('a"b\\c\n\u0001é')).toBe('"a\\"b\\\\c\\n\\u0001é"');
    expect(canonicalJson('\ud800')).toBe('"\\ud800"');
    expect(canonicalBytes({ k: 'é' }).toString('hex')).toBe(Buffer.from('{"k":"é"}', 'utf8').toString('hex'));
  });

  it('leaves out undefined members, as JSON.parse of the written file would', () => {
    expect(canonicalJson({ a: undefined, b: 2 })).toBe('{"b":2}');
  });

  it('refuses what it does not define: fractions, -0, non-finite numbers, non-plain objects, deep nesting', () => {
    for (const value of [1.5, -0, Number.NaN, Number.POSITIVE_INFINITY, 2 ** 53, new Date(0), new Map(), () => 1]) expect(() => canonicalJson({ value })).toThrow(TypeError);
    let deep: unknown = 1;
    for (let level = 0; level < 20; level += 1) deep = [deep];
    expect(() => canonicalJson(deep)).toThrow(TypeError);
  });

  it('gives the same bytes for the same document however it was written', () => {
    const pretty = JSON.parse('{\n  "z": [1, 2],\n  "a": {"y": "x", "b": null}\n}');
    const dense = JSON.parse('{"a":{"b":null,"y":"x"},"z":[1,2]}');
    expect(canonicalJson(pretty)).toBe(canonicalJson(dense));
  });
});
