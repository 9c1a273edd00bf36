/**
 * What failed when a TLS connection to the licensing server failed, from Node's error codes
 * (OpenSSL's X509 verification results, `ERR_TLS_*`, `ERR_SSL_*`): a certificate this computer
 * does not trust (often a proxy intercepting TLS), a certificate for another name, an expired
 * one, or a handshake that could not complete. Each comes with what the certificate says
 * (subject, issuer, names, validity), never anything secret.
 */
import type { PeerCertificate } from 'node:tls';

/** Why a TLS connection failed. */
export type TlsFailureReason = 'tls-untrusted' | 'tls-name-mismatch' | 'tls-expired' | 'tls-handshake';

/** The part of a certificate a person can check against what they expect. */
export interface CertificateSummary {
  /** `CN=…, O=…`. */
  readonly subject: string;
  /** `CN=…, O=…` of the issuer: a corporate proxy's own authority shows here. */
  readonly issuer: string;
  /** The subject alternative names (`DNS:api.keygen.sh, IP Address:…`), or null. */
  readonly names: string | null;
  readonly validFrom: string | null;
  readonly validTo: string | null;
}

/** The chain ends in an authority this computer does not trust. */
const UNTRUSTED = new Set([
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'UNABLE_TO_GET_ISSUER_CERT',
  'CERT_UNTRUSTED',
  'CERT_REJECTED',
  'INVALID_CA',
]);
const NAME_MISMATCH = new Set(['ERR_TLS_CERT_ALTNAME_INVALID', 'HOSTNAME_MISMATCH']);
const EXPIRED = new Set(['CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);
/** The rest of OpenSSL's verification results (X509_V_ERR_*), as Node names them. */
const OTHER_VERIFICATION = new Set([
  'UNABLE_TO_GET_CRL',
  'UNABLE_TO_DECRYPT_CERT_SIGNATURE',
  'UNABLE_TO_DECRYPT_CRL_SIGNATURE',
  'UNABLE_TO_DECODE_ISSUER_PUBLIC_KEY',
  'CERT_SIGNATURE_FAILURE',
  'CRL_SIGNATURE_FAILURE',
  'CRL_NOT_YET_VALID',
  'CRL_HAS_EXPIRED',
  'ERROR_IN_CERT_NOT_BEFORE_FIELD',
  'ERROR_IN_CERT_NOT_AFTER_FIELD',
  'ERROR_IN_CRL_LAST_UPDATE_FIELD',
  'ERROR_IN_CRL_NEXT_UPDATE_FIELD',
  'CERT_CHAIN_TOO_LONG',
  'CERT_REVOKED',
  'PATH_LENGTH_EXCEEDED',
  'INVALID_PURPOSE',
]);

/** Node's error code of `error`, or undefined. */
function codeOf(error: unknown): string | undefined {
  return typeof error === 'object' && error !== null && 'code' in error && typeof error.code === 'string' ? error.code : undefined;
}

/**
 * Why a connection error is a TLS failure, or null when it is not one (refused, reset, DNS:
 * the network, not TLS). A reset during the handshake stays a network failure: flaky links
 * and firewalls do that, and it is worth retrying, unlike a certificate.
 */
export function classifyTlsError(error: unknown): TlsFailureReason | null {
  const code = codeOf(error);
  if (code === undefined) return null;
  if (UNTRUSTED.has(code)) return 'tls-untrusted';
  if (NAME_MISMATCH.has(code)) return 'tls-name-mismatch';
  if (EXPIRED.has(code)) return 'tls-expired';
  if (OTHER_VERIFICATION.has(code) || code.startsWith('ERR_SSL_') || code.startsWith('ERR_TLS_') || code === 'EPROTO') return 'tls-handshake';
  // OpenSSL errors that Node leaves without a specific code still name their library.
  if (typeof error === 'object' && error !== null && 'library' in error && String(error.library).includes('SSL')) return 'tls-handshake';
  return null;
}

/** `CN=a, O=b` from a certificate's subject or issuer; repeated fields keep every value. */
function distinguishedName(fields: unknown): string {
  if (typeof fields !== 'object' || fields === null) return 'unknown';
  const parts: string[] = [];
  for (const key of ['CN', 'OU', 'O', 'L', 'ST', 'C']) {
    const value = (fields as Record<string, unknown>)[key];
    for (const item of Array.isArray(value) ? value : [value]) if (typeof item === 'string') parts.push(`${key}=${item}`);
  }
  return parts.length === 0 ? 'unknown' : clean(parts.join(', '));
}

/** Printable, bounded text: certificate fields are chosen by whoever made the certificate. */
function clean(text: string): string {
  // eslint-disable-next-line no-control-regex -- removing control characters is the point
  return text.replace(/[\u0000-\u001f\u007f-\u009f]/g, ' ').slice(0, 300);
}

/** What a certificate says, or null when Node reported none (no handshake got that far). */
export function summarizeCertificate(certificate: Partial<PeerCertificate> | null | undefined): CertificateSummary | null {
  if (certificate === null || certificate === undefined || certificate.subject === undefined) return null;
  return {
    subject: distinguishedName(certificate.subject),
    issuer: distinguishedName(certificate.issuer),
    names: typeof certificate.subjectaltname === 'string' && certificate.subjectaltname !== '' ? clean(certificate.subjectaltname) : null,
    validFrom: typeof certificate.valid_from === 'string' ? clean(certificate.valid_from) : null,
    validTo: typeof certificate.valid_to === 'string' ? clean(certificate.valid_to) : null,
  };
}

/** `subject "CN=…", issued by "CN=…"`: who the certificate claims to be, and who vouches for it. */
export function describeCertificate(certificate: CertificateSummary): string {
  return `subject "${certificate.subject}", issued by "${certificate.issuer}"`;
}

/**
 * One sentence on what failed, for the failure's `detail`: Node's code, and what the certificate
 * presented says (its subject and issuer, the names it covers, or its dates).
 */
export function tlsFailureDetail(reason: TlsFailureReason, error: unknown, presented: CertificateSummary | null, host: string): string {
  // A name mismatch carries the certificate itself (tls.checkServerIdentity).
  const certificate = presented ?? summarizeCertificate((error as { cert?: PeerCertificate } | null)?.cert);
  const code = codeOf(error) ?? 'TLS error';
  const seen = certificate === null ? '' : `; the certificate presented has ${describeCertificate(certificate)}`;
  switch (reason) {
    case 'tls-untrusted':
      return `${code}: not issued by an authority this computer trusts${seen}`;
    case 'tls-name-mismatch':
      return `${code}: the certificate is for ${certificate?.names ?? certificate?.subject ?? 'another name'}, not ${clean(host)}${seen}`;
    case 'tls-expired':
      return code === 'CERT_NOT_YET_VALID'
        ? `${code}: the certificate is valid only from ${certificate?.validFrom ?? 'a later date'}${seen}`
        : `${code}: the certificate expired on ${certificate?.validTo ?? 'an earlier date'}${seen}`;
    case 'tls-handshake': {
      const message = error instanceof Error ? clean(error.message).slice(0, 160) : '';
      return `${code}${message === '' || message === code ? '' : `: ${message}`}${seen}`;
    }
  }
}
