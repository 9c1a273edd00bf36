export { verifyLicenseFile, verifyCertificateSignature } from './verify.js';
export { parsePublicKey, loadPublicKeyArgument, type PinnedKey, type KeyFamily } from './public-key.js';
export * from './types.js';
