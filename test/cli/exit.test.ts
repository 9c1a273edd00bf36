/**
 * A command ends once it has answered, even when something in the process would keep it alive:
 * a keychain call that timed out on an unlock prompt still holds one of libuv's threads, and a
 * keychain read started ahead may not have been needed. Stood in for here by a timer that never
 * ends, preloaded into the command's process.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runCli } from '../support/cli-run.js';

const BIN = join(import.meta.dirname, '..', '..', 'bin', 'tessera.js');
const KEEP_ALIVE = 'data:text/javascript,setInterval(() => undefined, 60_000)';

describe('the command line exits once it has answered', () => {
  it('with its output complete and its exit status, whatever else is still pending', async () => {
    const answered = await runCli(BIN, ['fingerprint', '--json'], { nodeArgs: ['--import', KEEP_ALIVE], killAfterMs: 20_000 });
    expect(answered.status).toBe(0);
    expect(answered.json).toMatchObject({ ok: true, fingerprint: expect.stringMatching(/^[0-9a-f]{64}$/) });
    const refused = await runCli(BIN, ['status', '--offline', '--json', '--config', join(import.meta.dirname, 'no-such-config.json')], { nodeArgs: ['--import', KEEP_ALIVE], killAfterMs: 20_000 });
    expect(refused.status).toBe(1);
    expect(refused.json).toMatchObject({ ok: false, code: 'CONFIG_NOT_FOUND' });
  });
});
