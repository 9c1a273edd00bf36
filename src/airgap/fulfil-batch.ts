/**
 * Fulfilling many requests and receipts in one run (a fleet's stick, or files dropped on the
 * Fulfil screen): the files are read and their signatures checked on worker threads, then
 * fulfilled against the licensing server with bounded concurrency. Each file gets its own
 * result; a failure (seat limit, forged request, wrong product) never stops the others.
 */
import { dirname, join } from 'node:path';
import type { FulfilAccess, FulfilResult } from '../contract/airgap.types.js';
import type { FailureCode } from '../contract/codes.js';
import { fail } from '../contract/messages.js';
import { RECEIPT_FORMAT, REQUEST_FORMAT, documentText, type CarriedDocument } from './documents.js';
import { CONFIRMATION_SUFFIX, RECEIPT_SUFFIX, REQUEST_SUFFIX, machineStem, responseName } from './file-names.js';
import type { Fulfilled, Fulfiller } from './fulfil.js';
import { listFiles } from './list-files.js';
import { mapInChunks, type FilePool } from './worker-pool.js';
import { checkCarriedText, type CarriedVerdict } from './worker-tasks.js';
import { writeCarried } from './write-carried.js';

/** In-flight fulfilments at once: enough to keep a server busy, few enough not to flood it. */
export const DEFAULT_CONCURRENCY = 16;

export interface FulfilBatchOptions {
  readonly fulfiller: Fulfiller;
  readonly pool: FilePool;
  readonly access: FulfilAccess;
  /** Put the license key in the responses even when the requests did not ask for it. */
  readonly includeLicenseKey?: boolean;
  /** Where outputs go; default next to each file. */
  readonly outFolder?: string | null;
  readonly concurrency?: number;
  /** After each file, in completion order. */
  readonly onResult?: (result: FulfilResult, done: number, total: number) => void;
}

/** A file to fulfil: on disk (read by the pool), or already in memory (dropped on the Fulfil screen). */
export type FulfilInput = { readonly path: string; readonly shown: string } | { readonly name: string; readonly text: string };

/** Whether a file name is one a folder scan fulfils. */
export const isFulfilName = (name: string): boolean => {
  const lower = name.toLowerCase();
  return lower.endsWith(REQUEST_SUFFIX) || lower.endsWith(RECEIPT_SUFFIX);
};

/**
 * The files `fulfil` acts on for its arguments: each FILE as given, and each FOLDER's requests
 * and receipts (by name, recursively). Rejects with the filesystem error for an unreadable folder.
 */
export async function fulfilInputs(paths: readonly string[], isFolder: (path: string) => Promise<boolean>): Promise<FulfilInput[]> {
  const inputs: FulfilInput[] = [];
  for (const path of paths) {
    if (await isFolder(path)) {
      for (const file of await listFiles(path, { match: isFulfilName })) inputs.push({ path: file, shown: file });
    } else {
      inputs.push({ path, shown: path });
    }
  }
  return inputs;
}

type Verdict = { readonly ok: true; readonly carried: CarriedDocument } | { readonly ok: false; readonly code: FailureCode; readonly kind: FulfilResult['kind'] };

function verdictOf(read: CarriedVerdict): Verdict {
  if (!read.ok) return { ok: false, code: read.code, kind: read.looksLike === 'receipt' ? 'deactivation' : 'activation' };
  if (read.kind === 'certificate') return { ok: false, code: 'AIRGAP_FILE_WRONG_STEP', kind: 'activation' };
  return { ok: true, carried: read.carried };
}

const refusal = (file: string, kind: FulfilResult['kind'], code: FailureCode, machine?: string): FulfilResult => ({
  file,
  kind,
  ok: false,
  code,
  message: fail(code).message,
  ...(machine === undefined ? {} : { machine }),
});

/** Fulfils every input; the results come back in the inputs' order. Never rejects for a bad file. */
export async function fulfilBatch(inputs: readonly FulfilInput[], options: FulfilBatchOptions): Promise<FulfilResult[]> {
  const onDisk = inputs.filter((input): input is { path: string; shown: string } => 'path' in input);
  const reads = await mapInChunks(options.pool, 'read-carried', onDisk.map((input) => input.path), 64, (chunk) => ({ paths: chunk }));
  const readByPath = new Map(reads.map((read) => [read.path, read]));
  const verdicts = inputs.map((input) => ('path' in input ? verdictOf(readByPath.get(input.path) as CarriedVerdict) : verdictOf(checkCarriedText(input.name, input.text))));

  // One machine's files run one after the other, oldest first (a request, then the receipt that
  // gave the seat back); different machines run side by side.
  const groups = new Map<string, number[]>();
  verdicts.forEach((verdict, index) => {
    const key = verdict.ok ? `machine:${machineOf(verdict.carried)}` : `file:${index}`;
    groups.set(key, [...(groups.get(key) ?? []), index]);
  });
  const queue = [...groups.values()].map((indexes) =>
    indexes.sort((a, b) => createdOf(verdicts[a] as Verdict) - createdOf(verdicts[b] as Verdict) || a - b),
  );
  const results: FulfilResult[] = new Array<FulfilResult>(inputs.length);
  let done = 0;
  const worker = async (): Promise<void> => {
    for (let group = queue.shift(); group !== undefined; group = queue.shift()) {
      for (const index of group) {
        const result = await fulfilOne(inputs[index] as FulfilInput, verdicts[index] as Verdict, options);
        results[index] = result;
        done += 1;
        options.onResult?.(result, done, inputs.length);
      }
    }
  };
  const concurrency = Math.max(1, Math.min(options.concurrency ?? DEFAULT_CONCURRENCY, queue.length));
  await Promise.all(Array.from({ length: concurrency }, worker));
  return results;
}

function machineOf(carried: CarriedDocument): string {
  switch (carried.format) {
    case REQUEST_FORMAT:
    case RECEIPT_FORMAT:
      return carried.document.machine.fingerprint;
    default:
      return carried.document.machine.id;
  }
}

function createdOf(verdict: Verdict): number {
  return verdict.ok ? Date.parse(verdict.carried.document.created) : 0;
}

async function fulfilOne(input: FulfilInput, verdict: Verdict, options: FulfilBatchOptions): Promise<FulfilResult> {
  const file = 'path' in input ? input.shown : input.name;
  if (!verdict.ok) return refusal(file, verdict.kind, verdict.code);
  const { carried } = verdict;
  let outcome: Fulfilled;
  let name: string;
  let text: string;
  if (carried.format === REQUEST_FORMAT) {
    outcome = await options.fulfiller.activate(carried.document, options.access, { includeLicenseKey: options.includeLicenseKey === true });
    if (!outcome.ok) return refusal(file, 'activation', outcome.code, outcome.machineId);
    if (outcome.kind !== 'activation') throw new Error('an activation request gave a deactivation');
    name = responseName(carried.document.machine.hostname, carried.document.machine.fingerprint);
    text = documentText(outcome.response);
  } else if (carried.format === RECEIPT_FORMAT) {
    outcome = await options.fulfiller.deactivate(carried.document, options.access);
    if (!outcome.ok) return refusal(file, 'deactivation', outcome.code, outcome.machineId);
    if (outcome.kind !== 'deactivation') throw new Error('a deactivation receipt gave an activation');
    name = `${machineStem(carried.document.machine.hostname, carried.document.machine.fingerprint)}${CONFIRMATION_SUFFIX}`;
    text = documentText(outcome.confirmation);
  } else {
    return refusal(file, 'activation', 'AIRGAP_FILE_WRONG_STEP');
  }
  const kind = outcome.kind;
  const code = outcome.kind === 'deactivation' && outcome.already ? ({ code: 'MACHINE_ALREADY_DEACTIVATED' as const, message: fail('MACHINE_ALREADY_DEACTIVATED').message }) : {};
  if (!('path' in input)) return { file, kind, ok: true, ...code, output: name, machine: outcome.machineId, document: { name, text } };
  const folder = options.outFolder ?? dirname(input.path);
  const written = await writeCarried(join(folder, name), text);
  if (!written.ok) return refusal(file, kind, written.code, outcome.machineId);
  return { file, kind, ok: true, ...code, output: written.value, machine: outcome.machineId };
}
