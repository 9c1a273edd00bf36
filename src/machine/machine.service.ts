import type { Result, Success } from '../contract/codes.js';
import { readComponents, type ComponentsOptions, type MachineComponents } from './components.js';
import { FINGERPRINT_APP_ID, osMachineIdSource, readFingerprint, type MachineIdSource } from './fingerprint.js';

/** Everything Keygen's activation needs to know about this machine. */
export interface MachineDescription extends MachineComponents {
  /** The app-scoped fingerprint (64 lowercase hex characters). */
  readonly fingerprint: string;
}

/** Options of a `MachineService`. */
export interface MachineServiceOptions extends ComponentsOptions {
  /** The string the fingerprint is scoped to; `tessera` by default. */
  readonly appId?: string;
}

/**
 * This machine's fingerprint and components. The fingerprint is computed once and cached for
 * the life of the service; a failure is not cached, so a later call tries again.
 */
export class MachineService {
  readonly #source: MachineIdSource;
  readonly #options: MachineServiceOptions;
  #cached: Success<string> | null = null;
  #pending: Promise<Result<string, 'MACHINE_ID_UNAVAILABLE'>> | null = null;

  constructor(source: MachineIdSource = osMachineIdSource, options: MachineServiceOptions = {}) {
    this.#source = source;
    this.#options = options;
  }

  /**
   * The app-scoped machine fingerprint, computed on first use.
   * Fails with `MACHINE_ID_UNAVAILABLE` when the OS machine id cannot be read.
   */
  fingerprint(): Promise<Result<string, 'MACHINE_ID_UNAVAILABLE'>> {
    // Warm path: no async function frame, no new result object.
    if (this.#cached !== null) return Promise.resolve(this.#cached);
    // Concurrent first callers share one read of the machine id.
    this.#pending ??= this.#compute();
    return this.#pending;
  }

  /** The fingerprint if it was already computed, else null. Synchronous; never fails. */
  cachedFingerprint(): string | null {
    return this.#cached?.value ?? null;
  }

  /**
   * The fingerprint with the machine's components, read fresh (hostname and disk can change).
   * Fails with `MACHINE_ID_UNAVAILABLE` when the OS machine id cannot be read.
   */
  async describe(): Promise<Result<MachineDescription, 'MACHINE_ID_UNAVAILABLE'>> {
    const [fingerprint, components] = await Promise.all([this.fingerprint(), readComponents(this.#options)]);
    if (!fingerprint.ok) return fingerprint;
    return { ok: true, value: { fingerprint: fingerprint.value, ...components } };
  }

  async #compute(): Promise<Result<string, 'MACHINE_ID_UNAVAILABLE'>> {
    try {
      const result = await readFingerprint(this.#source, this.#options.appId ?? FINGERPRINT_APP_ID);
      if (result.ok) this.#cached = Object.freeze(result);
      return result;
    } finally {
      this.#pending = null;
    }
  }
}

let processService: MachineService | null = null;

/**
 * A machine service. Without a source it returns the process-wide instance over the OS machine
 * id, so the fingerprint is computed once per process; with a source, a new instance.
 * Never fails (failures come from its methods).
 */
export function createMachineService(source?: MachineIdSource): MachineService {
  if (source !== undefined) return new MachineService(source);
  processService ??= new MachineService(osMachineIdSource);
  return processService;
}
