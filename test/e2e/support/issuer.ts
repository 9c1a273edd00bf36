/** The local issuer's API as a vendor's back office uses it (admin token): machines and machine files for the tests. */
import { environment } from './environment.js';

/** A request to the issuer's API with its admin token; the answer's status and parsed body. */
export async function admin<J = { data?: unknown }>(method: string, path: string, body?: unknown): Promise<{ status: number; json: J }> {
  const { issuer } = environment();
  const response = await fetch(`${issuer.url}/v1/accounts/${issuer.account}${path}`, {
    method,
    headers: { Authorization: `Bearer ${issuer.adminToken}`, 'Content-Type': 'application/vnd.api+json', Accept: 'application/vnd.api+json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
  const text = await response.text();
  return { status: response.status, json: text === '' ? {} : JSON.parse(text) };
}

/** Activates a machine on a license from the back office; returns its id. */
export async function createMachine(licenseId: string, fingerprint: string, name: string): Promise<string> {
  const created = await admin('POST', '/machines', {
    data: { type: 'machines', attributes: { fingerprint, name, platform: 'linux' }, relationships: { license: { data: { type: 'licenses', id: licenseId } } } },
  });
  if (created.status !== 201) throw new Error(`machine not created: HTTP ${created.status}`);
  return (created.json.data as { id: string }).id;
}

/** An encrypted machine file for a machine, as a vendor would put it on a USB stick. */
export async function machineFile(machineId: string): Promise<string> {
  const checkedOut = await admin('POST', `/machines/${machineId}/actions/check-out?encrypt=true&include=license,license.entitlements`);
  if (checkedOut.status !== 200) throw new Error(`check-out refused: HTTP ${checkedOut.status}`);
  return String((checkedOut.json.data as { attributes: { certificate: string } }).attributes.certificate);
}

/** The fingerprints of a license's machines on the server. */
export async function machinesOf(licenseId: string): Promise<string[]> {
  const listed = await admin('GET', `/licenses/${licenseId}/machines?page[size]=100&page[number]=1`);
  return (listed.json.data as { attributes: { fingerprint: string } }[]).map((machine) => machine.attributes.fingerprint);
}

/**
 * The same certificate with one byte of its signature changed: still well-formed, no longer
 * genuine (the payload is untouched, so only the signature check can catch it).
 */
export function tamperSignature(certificate: string): string {
  const lines = certificate.trim().split('\n');
  const body = lines.slice(1, -1).join('');
  const envelope = JSON.parse(Buffer.from(body, 'base64').toString('utf8')) as { enc: string; sig: string; alg: string };
  const signature = Buffer.from(envelope.sig, 'base64');
  signature[0] = (signature[0] as number) ^ 0x01;
  const forged = Buffer.from(JSON.stringify({ ...envelope, sig: signature.toString('base64') }), 'utf8').toString('base64');
  return `${lines[0]}\n${forged.replace(/.{1,76}/g, '$&\n')}${lines.at(-1)}\n`;
}
