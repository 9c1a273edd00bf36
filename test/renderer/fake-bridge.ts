/**
 * A fake `TesseraBridge` for store tests: the real `createBridge` over an invoke that records
 * every call and answers from per-operation handlers (an unhandled operation answers
 * INVALID_INPUT, so a test that forgot one fails on its assertions rather than hanging).
 */
import { fail } from '../../src/contract/messages.js';
import { createBridge, type OperationInput, type OperationName, type OperationResult, type TesseraBridge } from '../../src/contract/operations.js';

export type Handlers = { [N in OperationName]?: (input: OperationInput<N>) => OperationResult<N> | Promise<OperationResult<N>> };

export interface RecordedCall {
  readonly name: OperationName;
  readonly input: unknown;
}

export function fakeBridge(handlers: Handlers): { readonly bridge: TesseraBridge; readonly calls: RecordedCall[] } {
  const calls: RecordedCall[] = [];
  const bridge = createBridge(async (name, input) => {
    calls.push({ name, input: structuredClone(input) });
    const handler = handlers[name] as ((input: unknown) => OperationResult<typeof name> | Promise<OperationResult<typeof name>>) | undefined;
    if (handler === undefined) return { ...fail('INVALID_INPUT'), message: `no fake handler for ${name}` };
    return handler(input);
  });
  return { bridge, calls };
}

/** Resolves when every pending promise callback has run. */
export function settle(): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, 0));
}
