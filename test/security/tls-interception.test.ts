/**
 * TLS failures between Tessera and the licensing server, over real TLS sockets (node:https with
 * certificates made at test time by `tessera-pki`): one `describe` per threat or fault. Each
 * must fail with its exact code, say what the certificate presented says, send nothing (no
 * license key) to whoever answered, and never be retried: the same handshake would meet the
 * same certificate.
 */
import { execFile } from 'node:child_process';
import { generateKeyPairSync, randomUUID, sign } from 'node:crypto';
import { createServer as createHttpServer, type Server as HttpServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo, Server } from 'node:net';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Result } from '../../src/contract/codes.js';
import { MESSAGES } from '../../src/contract/messages.js';
import { createKeygenClient } from '../../src/keygen/client.js';
import type { Validation } from '../../src/keygen/client.types.js';
import { bodyDigest, buildSigningString } from '../../src/keygen/response-signature.js';
import { createNodeTransport } from '../../src/keygen/transport.js';
import { makeTestPki, opensslAvailable, type KeyPair, type TestPki } from '../support/tls-certificates.js';
import { tunnelProxy } from '../support/tunnel-proxy.js';

const ROOT = join(import.meta.dirname, '..', '..');
const execFileAsync = promisify(execFile);
const ACCOUNT = randomUUID();
const KEY = 'A1B2C3-D4E5F6-A7B8C9-D0E1F2-V3';
const vendor = generateKeyPairSync('ed25519');
const publicKey = vendor.publicKey.export({ format: 'pem', type: 'spki' }).toString();

/** A licensing server on 127.0.0.1 answering every validation genuinely, over TLS with `pair`. */
interface FakeServer {
  readonly url: string;
  readonly port: number;
  /** TCP connections accepted, and HTTP requests that got through TLS. */
  readonly counts: { connections: number; requests: number };
  close(): Promise<void>;
}

async function listen(server: Server | HttpServer): Promise<number> {
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function startServer(pair: KeyPair & { readonly chain?: string }): Promise<FakeServer> {
  const counts = { connections: 0, requests: 0 };
  const server = createHttpsServer({ cert: pair.chain ?? pair.cert, key: pair.key }, (req, res) => {
    counts.requests += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      const sent = JSON.parse(Buffer.concat(chunks).toString('utf8') || '{}') as { meta?: { nonce?: number; scope?: unknown } };
      const body = JSON.stringify({
        meta: { ts: new Date().toISOString(), valid: false, detail: 'does not exist', code: 'NOT_FOUND', nonce: sent.meta?.nonce, scope: sent.meta?.scope },
        data: null,
      });
      const date = new Date().toUTCString();
      const digest = bodyDigest(body);
      const signing = buildSigningString({ method: req.method ?? '', target: req.url ?? '/', host: '127.0.0.1', date, digest });
      const signature = sign(null, Buffer.from(signing, 'utf8'), vendor.privateKey).toString('base64');
      res.writeHead(200, {
        'Content-Type': 'application/vnd.api+json',
        Date: date,
        Digest: digest,
        'Keygen-Signature': `keyid="${ACCOUNT}", algorithm="ed25519", signature="${signature}", headers="(request-target) host date digest"`,
      });
      res.end(body);
    });
  });
  server.on('connection', () => (counts.connections += 1));
  // The client refusing the certificate ends the handshake from its side: expected here.
  server.on('tlsClientError', () => undefined);
  const port = await listen(server);
  return {
    url: `https://127.0.0.1:${port}`,
    port,
    counts,
    close: () => {
      server.closeAllConnections();
      return new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}

let pki: TestPki;
const servers: FakeServer[] = [];
async function serving(pair: KeyPair & { readonly chain?: string }): Promise<FakeServer> {
  const server = await startServer(pair);
  servers.push(server);
  return server;
}

/** Validates a key against `url`, trusting the test root only (as a machine trusts its system roots). */
function validate(url: string, env: Record<string, string> = {}): Promise<Result<Validation>> {
  const client = createKeygenClient({
    config: { apiUrl: url, account: ACCOUNT, product: null, publicKey },
    transport: createNodeTransport({ env, ca: [pki.root.cert] }),
    sleep: async () => {},
  });
  return client.validateKey(KEY, {});
}

/** The failure's code and detail. */
function failure(result: Result<unknown>): { code: string; detail: string } {
  expect(result.ok).toBe(false);
  return result.ok ? { code: 'ok', detail: '' } : { code: result.code, detail: (result as { detail?: string }).detail ?? '' };
}

const available = opensslAvailable();
if (!available) console.warn('tls-interception: openssl is not installed, so the TLS tests are skipped (apt install openssl)');

describe.skipIf(!available)('TLS', () => {
  beforeAll(() => {
    pki = makeTestPki();
  });
  afterAll(async () => {
    await Promise.all(servers.map((server) => server.close()));
    pki.remove();
  });

  describe('control: a certificate from a trusted authority, for this name, in date', () => {
    it('connects and the signed answer verifies, so each failure below is caused by its certificate alone', async () => {
      const server = await serving(pki.valid);
      const result = await validate(server.url);
      expect(result.ok && result.value).toMatchObject({ valid: false, code: 'NOT_FOUND' });
    });
  });

  describe('TLS interception (a certificate from an authority this computer does not trust)', () => {
    it('a self-signed certificate is TLS_CERTIFICATE_UNTRUSTED, naming who signed it, never retried, nothing sent', async () => {
      const server = await serving(pki.selfSigned);
      const { code, detail } = failure(await validate(server.url));
      expect(code).toBe('TLS_CERTIFICATE_UNTRUSTED');
      expect(detail).toBe(
        'DEPTH_ZERO_SELF_SIGNED_CERT: not issued by an authority this computer trusts; the certificate presented has subject "CN=127.0.0.1, O=Self Signed", issued by "CN=127.0.0.1, O=Self Signed"',
      );
      expect(server.counts).toEqual({ connections: 1, requests: 0 });
    });

    it("a proxy's certificate for the right name, from its own authority, is TLS_CERTIFICATE_UNTRUSTED naming that authority", async () => {
      const server = await serving({ cert: pki.intercepted.cert, key: pki.intercepted.key });
      const { code, detail } = failure(await validate(server.url));
      expect(code).toBe('TLS_CERTIFICATE_UNTRUSTED');
      expect(detail).toMatch(/^UNABLE_TO_VERIFY_LEAF_SIGNATURE: /);
      expect(detail).toContain('issued by "CN=Corporate TLS Inspection, O=Example Corp Proxy"');
      expect(server.counts.requests).toBe(0);
    });

    it('the same, with the authority sent in the chain: SELF_SIGNED_CERT_IN_CHAIN, still TLS_CERTIFICATE_UNTRUSTED', async () => {
      const server = await serving(pki.intercepted);
      const { code, detail } = failure(await validate(server.url));
      expect(code).toBe('TLS_CERTIFICATE_UNTRUSTED');
      expect(detail).toMatch(/^SELF_SIGNED_CERT_IN_CHAIN: .*issued by "CN=Corporate TLS Inspection, O=Example Corp Proxy"/);
    });

    it('through an HTTPS_PROXY tunnel too: the certificate behind the CONNECT is judged the same way', async () => {
      const server = await serving(pki.intercepted);
      let tunnels = 0;
      // Whatever name is asked for, the tunnel leads to the intercepting server on this machine.
      const proxy = tunnelProxy((request) => Number((request.url ?? '').split(':')[1]));
      proxy.on('connect', () => (tunnels += 1));
      const proxyPort = await listen(proxy);
      try {
        // Loopback names never go through a proxy: the API is named by a name only the proxy resolves.
        const { code, detail } = failure(await validate(`https://licensing.tessera.test:${server.port}`, { HTTPS_PROXY: `http://127.0.0.1:${proxyPort}` }));
        expect(code).toBe('TLS_CERTIFICATE_UNTRUSTED');
        expect(detail).toContain('Corporate TLS Inspection');
      } finally {
        proxy.closeAllConnections();
        await new Promise<void>((resolve) => proxy.close(() => resolve()));
      }
      expect([tunnels, server.counts.requests]).toEqual([1, 0]);
    });

    it('the fix the message gives works: with NODE_EXTRA_CA_CERTS naming the authority, the same server is trusted', async () => {
      const server = await serving(pki.intercepted);
      const script = `
        const { createNodeTransport } = await import(${JSON.stringify(join(ROOT, 'dist', 'src', 'keygen', 'transport.js'))});
        const sent = await createNodeTransport({ env: {} }).send({ method: 'GET', url: new URL(${JSON.stringify(`${server.url}/v1/ping`)}), headers: {}, body: null, timeoutMs: 5000, maxResponseBytes: 65536 });
        process.stdout.write(sent.ok ? 'status ' + sent.response.status : sent.reason);`;
      // Node reads NODE_EXTRA_CA_CERTS once, at start: a process of its own, as a person would run it.
      const run = async (env: Record<string, string>): Promise<string> =>
        (await execFileAsync(process.execPath, ['--input-type=module', '-e', script], { env: { PATH: process.env.PATH ?? '', ...env }, timeout: 15_000 })).stdout;
      expect(await run({})).toBe('tls-untrusted');
      expect(await run({ NODE_EXTRA_CA_CERTS: pki.intercepted.rootFile })).toBe('status 200');
      expect(MESSAGES.TLS_CERTIFICATE_UNTRUSTED.action).toContain('NODE_EXTRA_CA_CERTS');
    });
  });

  describe('certificate for another name', () => {
    it('is TLS_CERTIFICATE_NAME_MISMATCH, with the names the certificate covers', async () => {
      const server = await serving(pki.otherName);
      const { code, detail } = failure(await validate(server.url));
      expect(code).toBe('TLS_CERTIFICATE_NAME_MISMATCH');
      expect(detail).toMatch(/^ERR_TLS_CERT_ALTNAME_INVALID: the certificate is for DNS:other\.example, not 127\.0\.0\.1; .*subject "CN=other\.tessera\.test, O=Tessera tests", issued by "CN=Tessera Test Root, O=Tessera tests"/);
      expect(server.counts).toEqual({ connections: 1, requests: 0 });
    });
  });

  describe('expired certificate', () => {
    it('is TLS_CERTIFICATE_EXPIRED, with the date it expired', async () => {
      const server = await serving(pki.expired);
      const { code, detail } = failure(await validate(server.url));
      expect(code).toBe('TLS_CERTIFICATE_EXPIRED');
      expect(detail).toMatch(/^CERT_HAS_EXPIRED: the certificate expired on \w{3} +\d+ [\d:]+ \d{4} GMT; /);
      expect(server.counts).toEqual({ connections: 1, requests: 0 });
    });
  });

  describe('handshake failure (TLS spoken to something that is not TLS)', () => {
    it('is TLS_HANDSHAKE_FAILED, never retried', async () => {
      let connections = 0;
      const plain = createHttpServer((_req, res) => res.end('plain'));
      plain.on('connection', () => (connections += 1));
      const port = await listen(plain);
      try {
        const { code, detail } = failure(await validate(`https://127.0.0.1:${port}`));
        expect(code).toBe('TLS_HANDSHAKE_FAILED');
        expect(detail).toMatch(/^(ERR_SSL_WRONG_VERSION_NUMBER|EPROTO)/);
        expect(connections).toBe(1);
      } finally {
        plain.closeAllConnections();
        await new Promise<void>((resolve) => plain.close(() => resolve()));
      }
    });
  });
});
