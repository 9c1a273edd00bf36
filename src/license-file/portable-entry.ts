/**
 * `tessera/verify`: the portable license-file verifier for the licensed application's own
 * code. No Node built-ins; Ed25519 via @noble/ed25519, everything else via WebCrypto.
 */
export {
  importPortableKey as importPublicKey,
  verifyLicenseFilePortable as verifyLicenseFile,
  verifyCertificateSignaturePortable as verifyCertificateSignature,
  type PortableKey,
} from './portable.js';
export { ALGORITHMS, MAX_CERTIFICATE_BYTES, DEFAULT_MAX_CLOCK_DRIFT_MS } from './types.js';
export type { Algorithm, CertificateKind, CertificateMeta, LicenseFileResult, Resource, VerifiedLicenseFile, VerifyOptions } from './types.js';
export { LICENSE_FILE_CODES, type LicenseFileCode } from '../contract/codes.js';
export { MESSAGES, messageFor } from '../contract/messages.js';
