/**
 * Keygen response signatures, server side (keygen-api `signature_headers.rb`; protocol §3.1):
 * `Date`, `Digest` and `Keygen-Signature` over `(request-target) host date digest`, plus the
 * same values as `Keygen-Date`/`Keygen-Digest` for browsers that cannot read the originals.
 * The string and digest come from the client-side verifier's own module, so the two sides
 * cannot drift apart.
 */
import { createPrivateKey, sign, type KeyObject } from 'node:crypto';
import { bodyDigest, buildSigningString } from '../../src/keygen/response-signature.js';
import type { Account } from '../domain/types.js';

/** The exchange being signed, as the client sent it. */
export interface SignedExchange {
  readonly method: string;
  /** Path + query exactly as requested (`req.url`). */
  readonly target: string;
  /** The Host header's host name, without port (Rails `request.host`). */
  readonly host: string;
  readonly body: Buffer;
  readonly now: number;
}

/** Signs responses with each account's Ed25519 key; parsed keys are cached in memory only. */
export class ResponseSigner {
  private readonly keys = new Map<string, KeyObject>();

  /** The headers that make a response verifiable; never throws for a well-formed account. */
  headers(account: Account, exchange: SignedExchange): Record<string, string> {
    const date = new Date(exchange.now).toUTCString();
    const digest = bodyDigest(exchange.body);
    const signingString = buildSigningString({ method: exchange.method, target: exchange.target, host: exchange.host, date, digest });
    const signature = sign(null, Buffer.from(signingString, 'utf8'), this.key(account)).toString('base64');
    return {
      Date: date,
      Digest: digest,
      'Keygen-Date': date,
      'Keygen-Digest': digest,
      'Keygen-Signature': `keyid="${account.id}", algorithm="ed25519", signature="${signature}", headers="(request-target) host date digest"`,
    };
  }

  private key(account: Account): KeyObject {
    let key = this.keys.get(account.id);
    if (key === undefined) {
      key = createPrivateKey({ key: account.privateKeyPem, format: 'pem' });
      this.keys.set(account.id, key);
    }
    return key;
  }
}

/**
 * Rails' `request.host`: the Host header without its port, lower-cased (as a client's
 * `URL.hostname` is). IPv6 literals keep their brackets, as WHATWG `hostname` does.
 */
export function hostWithoutPort(hostHeader: string | undefined): string {
  const host = (hostHeader ?? '').trim().toLowerCase();
  if (host.startsWith('[')) {
    const end = host.indexOf(']');
    return end === -1 ? host : host.slice(0, end + 1);
  }
  const colon = host.indexOf(':');
  return colon === -1 ? host : host.slice(0, colon);
}
