/**
 * The IPC transport of the contract: one `ipcMain.handle` per operation, on `channelOf(name)`.
 * Every message's sender is checked first (Electron security checklist §17; VS Code's
 * `validatedIpcMain`, GitHub Desktop's `trusted-ipc-sender.ts`); then the operation runs through
 * the core's `OperationsService`, which parses the input with the contract's schema. No business
 * logic here.
 */
import type { IpcMain, IpcMainInvokeEvent, WebContents } from 'electron';
import { fail } from '../src/contract/messages.js';
import { describeIssues, OPERATION_SCHEMAS } from '../src/contract/operation-schemas.js';
import { OPERATION_NAMES, channelOf, type OperationName, type OperationResult } from '../src/contract/operations.js';
import type { OperationsService } from '../src/operations/operations.service.js';
import { isAppUrl } from './security.js';

/** Thrown to the renderer for a message from a sender that is not the app's own window: an attack, not an expected failure. */
export class UntrustedSenderError extends Error {
  constructor(channel: string) {
    super(`Refused ${channel}: the sender is not Tessera's window.`);
    this.name = 'UntrustedSenderError';
  }
}

/**
 * Whether an IPC message comes from the top frame of `trusted` (our window's webContents) on
 * the app's origin. False for a missing or destroyed frame, a subframe, another webContents
 * (a devtools or any other window), or a page on another origin.
 */
export function isTrustedSender(event: Pick<IpcMainInvokeEvent, 'sender' | 'senderFrame'>, trusted: WebContents | null): boolean {
  const frame = event.senderFrame;
  if (frame === null || frame === undefined || trusted === null) return false; // null once the frame navigated away or was destroyed
  // Ids, not object identity: Electron may hand out a new wrapper object for the same frame.
  if (event.sender.id !== trusted.id) return false; // only our window's webContents, not devtools or another window
  if (frame.parent !== null || frame.frameTreeNodeId !== trusted.mainFrame.frameTreeNodeId) return false; // only its top frame: an iframe is other content
  return isAppUrl(frame.url); // only the page we served from app://tessera
}

/** What the handlers need. */
export interface IpcHandlersDeps {
  readonly ipcMain: Pick<IpcMain, 'handle' | 'removeHandler'>;
  /** The core's operations (they parse their input). */
  readonly operations: Pick<OperationsService, 'run'>;
  /** `files:choose`, served by the shell's native dialog (`dialogs.ts`). */
  readonly chooseFile: () => Promise<OperationResult<'files:choose'>>;
  /** `files:choose-many` and `files:save` (`carried-files.ts`); refused as INVALID_INPUT when not given. */
  readonly chooseFiles?: () => Promise<OperationResult<'files:choose-many'>>;
  readonly saveFile?: (file: { readonly name: string; readonly text: string }) => Promise<OperationResult<'files:save'>>;
  /** The webContents of the app's window, or null while it is closed: the only trusted sender. */
  readonly trustedContents: () => WebContents | null;
}

/** Registered handlers; `dispose` removes them (for tests, and a clean quit). */
export interface IpcHandlers {
  dispose(): void;
}

/**
 * Registers one handler for every operation of the contract. A handler throws
 * `UntrustedSenderError` for a foreign sender (the core is never called); otherwise it returns
 * the operation's Result, expected failures (INVALID_INPUT included) as values.
 */
export function registerIpcHandlers(deps: IpcHandlersDeps): IpcHandlers {
  const channels = OPERATION_NAMES.map((name) => {
    const channel = channelOf(name);
    deps.ipcMain.handle(channel, async (event: IpcMainInvokeEvent, input: unknown) => {
      if (!isTrustedSender(event, deps.trustedContents())) throw new UntrustedSenderError(channel);
      return serve(name, input);
    });
    return channel;
  });

  function serve(name: OperationName, input: unknown): Promise<OperationResult<OperationName>> {
    if (name === 'files:choose') return chooseFile(input);
    if (name === 'files:choose-many' || name === 'files:save') return shellFiles(name, input);
    return deps.operations.run(name, input);
  }

  // The air-gapped verbs of the shell: inputs parsed with the contract's schemas like every other.
  async function shellFiles(name: 'files:choose-many' | 'files:save', input: unknown): Promise<OperationResult<OperationName>> {
    const parsed = OPERATION_SCHEMAS[name].safeParse(input ?? {});
    if (!parsed.success) return { ...fail('INVALID_INPUT'), message: `${fail('INVALID_INPUT').message} (${describeIssues(parsed.error)})` };
    if (name === 'files:choose-many') return deps.chooseFiles === undefined ? fail('INVALID_INPUT') : deps.chooseFiles();
    const { file } = parsed.data as { file: { name: string; text: string } };
    return deps.saveFile === undefined ? fail('INVALID_INPUT') : deps.saveFile(file);
  }

  // Served by the shell, never by the core; its input is still parsed with the contract's schema.
  async function chooseFile(input: unknown): Promise<OperationResult<'files:choose'>> {
    const parsed = OPERATION_SCHEMAS['files:choose'].safeParse(input ?? {});
    if (!parsed.success) return { ...fail('INVALID_INPUT'), message: `${fail('INVALID_INPUT').message} (${describeIssues(parsed.error)})` };
    return deps.chooseFile();
  }

  return {
    dispose() {
      for (const channel of channels) deps.ipcMain.removeHandler(channel);
    },
  };
}
