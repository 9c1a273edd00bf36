import { statfs } from 'node:fs/promises';
import { availableParallelism, cpus, homedir, hostname, totalmem } from 'node:os';

/** The machine attributes Keygen records on activation (`POST /machines` attributes). */
export interface MachineComponents {
  /** `process.platform/process.arch`, e.g. `linux/x64`, as Keygen's SDKs send it. */
  readonly platform: string;
  readonly hostname: string;
  /** Logical CPU cores; Keygen policies may cap them (`TOO_MANY_CORES`). */
  readonly cores: number;
  /** Total memory in bytes (`TOO_MUCH_MEMORY`). */
  readonly memory: number;
  /** The first CPU's model name, or `unknown` when the OS does not say. */
  readonly cpuModel: string;
  /** Total size in bytes of the volume holding `diskPath` (`TOO_MUCH_DISK`); null when unreadable. */
  readonly disk: number | null;
}

/** Options of `readComponents`. */
export interface ComponentsOptions {
  /** A path on the volume whose size is reported; the home directory by default. */
  readonly diskPath?: string;
}

/**
 * Reads the machine's components from the OS.
 * Never fails: an unreadable disk size is `null`, an unknown CPU model is `unknown`.
 */
export async function readComponents(options: ComponentsOptions = {}): Promise<MachineComponents> {
  const cpuList = cpus();
  return {
    platform: `${process.platform}/${process.arch}`,
    hostname: hostname(),
    // os.cpus() is empty on some kernels and sandboxes; availableParallelism() is always ≥ 1.
    cores: cpuList.length > 0 ? cpuList.length : availableParallelism(),
    memory: totalmem(),
    cpuModel: cpuList[0]?.model.trim() || 'unknown',
    disk: await volumeSize(options.diskPath ?? homedir()),
  };
}

/** Total bytes of the volume holding `path`; null when statfs fails. */
async function volumeSize(path: string): Promise<number | null> {
  try {
    const stats = await statfs(path);
    const bytes = stats.blocks * stats.bsize;
    return Number.isSafeInteger(bytes) && bytes > 0 ? bytes : null;
  } catch {
    return null;
  }
}
