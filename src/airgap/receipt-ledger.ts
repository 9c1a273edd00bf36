/**
 * The receipts this Tessera has applied, kept in its data folder: a receipt applied twice is
 * then told apart from one for a machine the server never had (both are a 404 by then). A
 * record, not a proof: it only ever turns a second application into "already deactivated".
 */
import { mkdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { writeFileAtomic } from '../licensing/atomic-file.js';

/** Receipts remembered at most; the oldest are forgotten first. */
const MAX_ENTRIES = 100_000;

export interface LedgerEntry {
  readonly digest: string;
  readonly licenseId: string;
  readonly machineId: string;
  readonly at: string;
}

export interface ReceiptLedger {
  has(digest: string): Promise<boolean>;
  /** Remembers an applied receipt. Throws on I/O errors (a full disk is not an expected failure here). */
  record(entry: LedgerEntry): Promise<void>;
}

/** The ledger in `<data folder>/airgap/applied-receipts.json`; a missing or damaged file reads as empty. */
export function createReceiptLedger(dataFolder: string): ReceiptLedger {
  const path = join(dataFolder, 'airgap', 'applied-receipts.json');
  let entries: LedgerEntry[] | null = null;
  let queue: Promise<unknown> = Promise.resolve();

  async function load(): Promise<LedgerEntry[]> {
    if (entries !== null) return entries;
    try {
      const parsed = JSON.parse(await readFile(path, 'utf8')) as { receipts?: unknown };
      entries = Array.isArray(parsed.receipts) ? (parsed.receipts as LedgerEntry[]).filter((entry) => typeof entry?.digest === 'string') : [];
    } catch {
      entries = [];
    }
    return entries;
  }

  return {
    async has(digest) {
      return (await load()).some((entry) => entry.digest === digest);
    },
    record(entry) {
      // One write at a time: concurrent fulfilments append in turn.
      const next = queue.then(async () => {
        const current = await load();
        entries = [...current.filter((known) => known.digest !== entry.digest), entry].slice(-MAX_ENTRIES);
        await mkdir(dirname(path), { recursive: true, mode: 0o700 });
        await writeFileAtomic(path, `${JSON.stringify({ version: 1, receipts: entries })}\n`);
      });
      queue = next.catch(() => undefined);
      return next;
    },
  };
}
