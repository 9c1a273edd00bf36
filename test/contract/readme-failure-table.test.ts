/**
 * The README's failure table is the failure table: every code, its meaning, the agent's status,
 * the exit code and whether it is retried, rendered from `src/contract/` and compared with the
 * README. `TESSERA_UPDATE_README=1 npx vitest run test/contract` rewrites it after a change.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FAILURE_CODES } from '../../src/contract/codes.js';
import { FAILURES } from '../../src/contract/failures.js';
import { MESSAGES } from '../../src/contract/messages.js';

const README = join(import.meta.dirname, '..', '..', 'README.md');
const START = '<!-- failure-table: generated from src/contract/failures.ts and messages.ts; test/contract/readme-failure-table.test.ts keeps it in sync -->';
const END = '<!-- /failure-table -->';

/** The table as Markdown, one row per code in the order of `FAILURE_CODES`. */
function renderTable(): string {
  const cell = (text: string): string => text.replace(/\|/g, '\\|').replace(/</g, '&lt;').replace(/>/g, '&gt;');
  const rows = FAILURE_CODES.map((code) => {
    const { status, exit, transient } = FAILURES[code];
    return `| \`${code}\` | ${cell(MESSAGES[code].message)} | ${status} | ${exit} | ${transient ? 'yes' : 'no'} |`;
  });
  return ['| code | meaning | agent | exit | retried |', '|---|---|---|---|---|', ...rows].join('\n');
}

describe('README failure table', () => {
  it('matches the failure table and the messages, code for code', () => {
    const readme = readFileSync(README, 'utf8');
    const start = readme.indexOf(START);
    const end = readme.indexOf(END);
    expect(start, 'the README has the failure table markers').toBeGreaterThan(-1);
    expect(end).toBeGreaterThan(start);
    const current = readme.slice(start + START.length, end).trim();
    const expected = renderTable();
    if (current !== expected && process.env.TESSERA_UPDATE_README === '1') {
      writeFileSync(README, `${readme.slice(0, start + START.length)}\n${expected}\n${readme.slice(end)}`);
      return;
    }
    expect(current, 'run TESSERA_UPDATE_README=1 npx vitest run test/contract to regenerate it').toBe(expected);
  });
});
