/**
 * How carried files are named: after the machine's hostname and fingerprint, with a suffix per
 * kind, so that a stick holding a whole fleet stays readable and a folder scan knows what each
 * file is meant to be without opening it.
 */
export const REQUEST_SUFFIX = '.activation-request.json';
export const RESPONSE_SUFFIX = '.activation-response.json';
export const RECEIPT_SUFFIX = '.deactivation-receipt.json';
export const CONFIRMATION_SUFFIX = '.deactivation-confirmation.json';
/** License and machine files as Keygen and vendors name them. */
export const CERTIFICATE_SUFFIX = '.lic';

/** `<hostname>-<first 12 of the fingerprint>`, reduced to characters every file system accepts. */
export function machineStem(hostname: string, fingerprint: string): string {
  const host = hostname.replace(/[^A-Za-z0-9._-]+/g, '-').replace(/^[.-]+|[.-]+$/g, '').slice(0, 64) || 'machine';
  const print = fingerprint.replace(/[^A-Za-z0-9]+/g, '').slice(0, 12) || 'unknown';
  return `${host}-${print}`;
}

/** What a file name says it holds, by its suffix; null for anything else. */
export function kindByName(name: string): 'request' | 'response' | 'receipt' | 'confirmation' | 'certificate' | null {
  const lower = name.toLowerCase();
  if (lower.endsWith(REQUEST_SUFFIX)) return 'request';
  if (lower.endsWith(RESPONSE_SUFFIX)) return 'response';
  if (lower.endsWith(RECEIPT_SUFFIX)) return 'receipt';
  if (lower.endsWith(CONFIRMATION_SUFFIX)) return 'confirmation';
  if (lower.endsWith(CERTIFICATE_SUFFIX)) return 'certificate';
  return null;
}

/** The response file's name for a request from `hostname` with `fingerprint`. */
export function responseName(hostname: string, fingerprint: string): string {
  return `${machineStem(hostname, fingerprint)}${RESPONSE_SUFFIX}`;
}
