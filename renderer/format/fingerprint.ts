/** Machine fingerprints are long hex strings: show their ends, keep the whole in a tooltip. */

/** `abcdef12…7890`: the first 8 and last 4 characters; short values are returned unchanged. */
export function shortFingerprint(fingerprint: string): string {
  return fingerprint.length <= 13 ? fingerprint : `${fingerprint.slice(0, 8)}…${fingerprint.slice(-4)}`;
}
