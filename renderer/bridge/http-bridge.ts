/**
 * The web console's bridge: every core operation is `POST /v1/ops/<name>` on the page's own
 * origin, signed in by the session cookie and this tab's session secret (`console-session.ts`).
 * Transport failures become Result failures, so the store never sees an exception.
 */
import { createBridge, fail, isFailureCode, MESSAGES, OPERATIONS, type Failure, type Invoke, type OperationName, type OperationResult, type TesseraBridge } from '../contract.js';
import { SESSION_HEADER } from './console-session.js';

/** The part of `fetch` the bridge uses (tests stub the global). */
export type FetchLike = (url: string, init: RequestInit) => Promise<Response>;

export interface HttpBridgeOptions {
  /** Defaults to the global `fetch`, looked up at each call. */
  readonly fetch?: FetchLike;
  /** Serves `files:choose`, which belongs to the shell (the browser's file picker), never to the core. */
  readonly chooseFile: () => Promise<OperationResult<'files:choose'>>;
  /** This tab's session secret, sent with every operation; null when the tab has none. */
  readonly sessionSecret?: () => string | null;
  /** Serve `files:choose-many` and `files:save` (the picker, a download); INVALID_INPUT when not given. */
  readonly chooseFiles?: () => Promise<OperationResult<'files:choose-many'>>;
  readonly saveFile?: (file: { readonly name: string; readonly text: string }) => Promise<OperationResult<'files:save'>>;
}

/** The agent's refusal of a session cookie without this tab's secret (another tab's session). */
const SESSION_UNBOUND = 'CONSOLE_SESSION_UNBOUND';

/** A failure whose message is the server's when it sent one, else the code's own sentence. */
function failure(code: Failure['code'], message?: unknown): Failure {
  return typeof message === 'string' && message !== '' ? { ok: false, code, message } : fail(code);
}

/** Whether a 200 body is a `Result` as the contract defines it. */
function isResult(body: unknown): body is OperationResult<OperationName> {
  if (typeof body !== 'object' || body === null) return false;
  const value = body as { ok?: unknown; code?: unknown; message?: unknown };
  if (value.ok === true) return 'value' in value;
  return value.ok === false && isFailureCode(value.code) && typeof value.message === 'string';
}

async function readJson(response: Response): Promise<unknown> {
  try {
    return (await response.json()) as unknown;
  } catch {
    return undefined;
  }
}

/**
 * Sends one operation over HTTP. 401, or 403 for a session of another tab → SESSION_REQUIRED;
 * fetch rejected (server gone) → AGENT_UNREACHABLE; any other non-200 → INVALID_INPUT with the
 * server's message; a 200 that is not a Result → INVALID_INPUT. Never throws.
 */
export function createHttpInvoke(options: HttpBridgeOptions): Invoke {
  const send = async (name: OperationName, input: unknown): Promise<OperationResult<OperationName>> => {
    if (OPERATIONS[name].servedBy === 'shell') return shellOperation(name, input);
    let response: Response;
    try {
      const fetchImpl: FetchLike = options.fetch ?? ((url, init) => fetch(url, init));
      const secret = options.sessionSecret?.() ?? null;
      response = await fetchImpl(`/v1/ops/${name}`, {
        method: 'POST',
        headers: { 'Content-Type': 'application/json', ...(secret === null ? {} : { [SESSION_HEADER]: secret }) },
        body: JSON.stringify(input),
        credentials: 'same-origin',
      });
    } catch {
      return fail('AGENT_UNREACHABLE');
    }
    if (response.status === 401) return fail('SESSION_REQUIRED');
    const body = await readJson(response);
    if (response.status === 403 && (body as { code?: unknown } | undefined)?.code === SESSION_UNBOUND) return fail('SESSION_REQUIRED');
    if (response.status !== 200) return failure('INVALID_INPUT', (body as { message?: unknown } | undefined)?.message);
    if (!isResult(body)) return failure('INVALID_INPUT', `${MESSAGES.INVALID_INPUT.message} (the answer to ${name} was not a result)`);
    return body;
  };
  const shellOperation = async (name: OperationName, input: unknown): Promise<OperationResult<OperationName>> => {
    if (name === 'files:choose-many' && options.chooseFiles !== undefined) return options.chooseFiles();
    if (name === 'files:save' && options.saveFile !== undefined) return options.saveFile((input as { file: { name: string; text: string } }).file);
    if (name === 'files:choose') return options.chooseFile();
    return fail('INVALID_INPUT');
  };
  return send as Invoke;
}

/** The bridge of the web console, built from the contract over HTTP. */
export function createHttpBridge(options: HttpBridgeOptions): TesseraBridge {
  return createBridge(createHttpInvoke(options));
}
