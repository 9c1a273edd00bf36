/**
 * The built `tessera/verify` bundle (dist/verify/tessera-verify.js) runs outside Node: it is
 * loaded into Debian's Chromium and verifies real Keygen certificates there, with the results
 * the Node engine gives. Requires `npm run build` (npm test runs it first).
 */
import { existsSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { chromium, type Browser } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type * as PortableEntry from '../../src/license-file/portable-entry.js';
import { readVector } from '../support/vectors.js';
import { CHROMIUM, CHROMIUM_FLAGS } from '../support/chromium.js';

type PortableBundle = typeof PortableEntry;

const bundleUrl = new URL('../../dist/verify/tessera-verify.js', import.meta.url);

describe('portable verifier bundle', () => {
  it('exists and imports no Node built-in', () => {
    expect(existsSync(bundleUrl), 'run `npm run build` first').toBe(true);
    const source = readFileSync(bundleUrl, 'utf8');
    expect(source).not.toMatch(/from\s*["']node:/);
    expect(source).not.toMatch(/\brequire\(/);
    expect(source).not.toMatch(/\bBuffer\./);
  });

  it('verifies a real machine file when imported in Node as an ES module', async () => {
    const bundle = (await import(bundleUrl.href)) as PortableBundle;
    const dir = 'demo-machine-rust-2023';
    const key = await bundle.importPublicKey(readVector(dir, 'public_key_ed25519.hex').toString());
    if (!key.ok) throw new Error(key.code);
    const result = await bundle.verifyLicenseFile(readVector(dir, 'certificate.lic').toString(), key.value, {
      licenseKey: readVector(dir, 'license_key.txt').toString(),
      fingerprint: readVector(dir, 'fingerprint.txt').toString(),
      now: Date.parse('2024-01-01T00:00:00Z'),
    });
    expect(result.ok).toBe(true);
    if (result.ok) expect(result.value.payload).toBe(readVector(dir, 'decrypted.json').toString());
  });

  describe.skipIf(!existsSync(CHROMIUM))('in Chromium', () => {
    let browser: Browser;
    let server: Server;
    let origin: string;

    beforeAll(async () => {
      // Served over HTTP from loopback: module scripts and WebCrypto need a secure-enough origin.
      server = createServer((request, response) => {
        if (request.url === '/tessera-verify.js') {
          response.writeHead(200, { 'content-type': 'text/javascript' });
          response.end(readFileSync(bundleUrl));
        } else {
          response.writeHead(200, { 'content-type': 'text/html' });
          response.end('<!doctype html><title>verify</title>');
        }
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
      browser = await chromium.launch({ executablePath: CHROMIUM, args: [...CHROMIUM_FLAGS] });
    }, 60_000);

    afterAll(async () => {
      await browser?.close();
      await new Promise((resolve) => server?.close(resolve));
    });

    it('verifies genuine files and rejects the tampered one, like the Node engine', async () => {
      const page = await browser.newPage();
      await page.goto(`${origin}/`);
      const cases = [
        { dir: 'ee-license-valid', now: '2023-01-01T00:00:00Z', expected: 'ok' },
        { dir: 'ee-license-tampered', now: '2023-01-01T00:00:00Z', expected: 'LICENSE_FILE_NOT_GENUINE' },
        { dir: 'ee-license-expired', now: '2023-01-01T00:00:00Z', expected: 'LICENSE_FILE_EXPIRED' },
        { dir: 'demo-license-node-2024', now: '2024-05-01T00:00:00Z', expected: 'ok' },
      ].map((entry) => ({
        ...entry,
        certificate: readVector(entry.dir, 'certificate.lic').toString(),
        publicKey: readVector(entry.dir, 'public_key_ed25519.hex').toString(),
        licenseKey: readVector(entry.dir, 'license_key.txt').toString(),
      }));
      // Passed as text: the test runner rewrites `import()` in functions it compiles.
      const script = `(async (inputs) => {
        const bundle = await import('/tessera-verify.js');
        const results = [];
        for (const input of inputs) {
          const key = await bundle.importPublicKey(input.publicKey);
          if (!key.ok) { results.push(key.code); continue; }
          const result = await bundle.verifyLicenseFile(input.certificate, key.value, { licenseKey: input.licenseKey, now: Date.parse(input.now) });
          results.push(result.ok ? 'ok' : result.code);
        }
        return results;
      })(${JSON.stringify(cases)})`;
      const outcomes = (await page.evaluate(script)) as string[];
      expect(outcomes).toEqual(cases.map((entry) => entry.expected));
      await page.close();
    }, 60_000);
  });
});
