/**
 * Certificates made at test time with Debian's `openssl` (node:crypto cannot issue X.509): a
 * test root authority and leaves it signs for 127.0.0.1 (valid, for another name, expired), a
 * self-signed leaf, and an "interceptor" authority of the kind a TLS-inspecting proxy installs.
 * Written to a temporary folder that `remove()` deletes.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A certificate and its private key, PEM. */
export interface KeyPair {
  readonly cert: string;
  readonly key: string;
}

export interface TestPki {
  readonly folder: string;
  /** The test root every client in the tests trusts (`ca`), and its PEM file (NODE_EXTRA_CA_CERTS). */
  readonly root: KeyPair & { readonly file: string };
  /** Signed by the root for IP 127.0.0.1 and localhost. */
  readonly valid: KeyPair;
  /** Signed by the root for other.example only. */
  readonly otherName: KeyPair;
  /** Signed by the root for 127.0.0.1, but its validity ended yesterday. */
  readonly expired: KeyPair;
  /** Self-signed, for 127.0.0.1. */
  readonly selfSigned: KeyPair;
  /** Signed for 127.0.0.1 by an authority the clients do not trust; `chain` adds that authority, as proxies send it. */
  readonly intercepted: KeyPair & { readonly chain: string; readonly rootFile: string };
  remove(): void;
}

/** Whether `openssl` can be run; the TLS tests are skipped (saying so) without it. */
export function opensslAvailable(): boolean {
  return spawnSync('openssl', ['version'], { stdio: 'ignore' }).status === 0;
}

export function makeTestPki(): TestPki {
  const folder = mkdtempSync(join(tmpdir(), 'tessera-pki-'));
  const at = (name: string): string => join(folder, name);
  const openssl = (...args: string[]): void => {
    execFileSync('openssl', args, { cwd: folder, stdio: ['ignore', 'ignore', 'pipe'] });
  };
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes'];

  const authority = (name: string, subject: string): void => {
    openssl('req', '-x509', ...ec, '-keyout', at(`${name}.key`), '-out', at(`${name}.pem`), '-days', '2', '-subj', subject,
      '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
  };
  /** A leaf for `names` (subjectAltName syntax), signed by `issuer`; `days` -1 makes it expired. */
  const leaf = (name: string, issuer: string, names: string, days: number): void => {
    writeFileSync(at(`${name}.ext`), `subjectAltName=${names}\nbasicConstraints=CA:FALSE\nextendedKeyUsage=serverAuth\n`);
    openssl('req', '-new', ...ec, '-keyout', at(`${name}.key`), '-out', at(`${name}.csr`), '-subj', `/CN=${name}.tessera.test/O=Tessera tests`);
    openssl('x509', '-req', '-in', at(`${name}.csr`), '-CA', at(`${issuer}.pem`), '-CAkey', at(`${issuer}.key`), '-set_serial', String(Date.now()),
      '-days', String(days), '-extfile', at(`${name}.ext`), '-out', at(`${name}.pem`));
  };
  const pair = (name: string): KeyPair => ({ cert: readFileSync(at(`${name}.pem`), 'utf8'), key: readFileSync(at(`${name}.key`), 'utf8') });

  authority('root', '/CN=Tessera Test Root/O=Tessera tests');
  authority('interceptor', '/CN=Corporate TLS Inspection/O=Example Corp Proxy');
  leaf('valid', 'root', 'IP:127.0.0.1,DNS:localhost', 1);
  leaf('other', 'root', 'DNS:other.example', 1);
  leaf('expired', 'root', 'IP:127.0.0.1,DNS:localhost', -1);
  leaf('intercepted', 'interceptor', 'IP:127.0.0.1,DNS:localhost', 1);
  openssl('req', '-x509', ...ec, '-keyout', at('self.key'), '-out', at('self.pem'), '-days', '1', '-subj', '/CN=127.0.0.1/O=Self Signed', '-addext', 'subjectAltName=IP:127.0.0.1');

  const intercepted = pair('intercepted');
  return {
    folder,
    root: { ...pair('root'), file: at('root.pem') },
    valid: pair('valid'),
    otherName: pair('other'),
    expired: pair('expired'),
    selfSigned: pair('self'),
    intercepted: { ...intercepted, chain: `${intercepted.cert}${readFileSync(at('interceptor.pem'), 'utf8')}`, rootFile: at('interceptor.pem') },
    remove: () => rmSync(folder, { recursive: true, force: true }),
  };
}
