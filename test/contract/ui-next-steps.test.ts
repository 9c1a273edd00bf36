/**
 * The next step the app shows for a failure (`uiActionFor`) speaks of its screens and buttons:
 * never a command, a flag or an environment variable, which a person in the app cannot type
 * anywhere. The command line keeps its own `action`, untouched.
 */
import { describe, expect, it } from 'vitest';
import { AGENT_CODES, FAILURE_CODES, type FailureCode } from '../../src/contract/codes.js';
import { MESSAGES, uiActionFor, type CodeMessage } from '../../src/contract/messages.js';

/** What only a command line or a script can act on. */
const COMMAND_LINE_ONLY: readonly (readonly [string, RegExp])[] = [
  ['a tessera command', /\btessera [a-z]/],
  ['an npm command', /\bnpm\b/],
  ['a --flag', /(^|[^\w-])--[a-z]/],
  ['a TESSERA_ variable', /\bTESSERA_[A-Z]/],
  ['an environment variable', /\b[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+\b/],
];

/**
 * Codes only a script meets, never the app, so their next step may stay in a script's terms.
 * Keep this short: a code the app can show does not belong here.
 */
const SCRIPT_ONLY: Readonly<Partial<Record<FailureCode, string>>> = {
  // The agent's DELETE /v1/license confirms with a fingerprint a script sends; the app never sends one.
  MACHINE_MISMATCH: 'confirming a deactivation with a fingerprint through the agent API',
};

function commandLineTerms(text: string): string[] {
  return COMMAND_LINE_ONLY.filter(([, pattern]) => pattern.test(text)).map(([what]) => what);
}

describe('next steps in the app', () => {
  it('name no command, flag or environment variable, for every failure code', () => {
    const offending = FAILURE_CODES.filter((code) => SCRIPT_ONLY[code] === undefined)
      .map((code) => ({ code, terms: commandLineTerms(uiActionFor(code)), text: uiActionFor(code) }))
      .filter((entry) => entry.terms.length > 0);
    expect(offending).toEqual([]);
  });

  it('exempt only agent codes that still need it', () => {
    for (const code of Object.keys(SCRIPT_ONLY) as FailureCode[]) {
      expect([code, (AGENT_CODES as readonly string[]).includes(code)]).toEqual([code, true]);
      // An exemption whose text no longer needs it is taken out of the list.
      expect([code, commandLineTerms(uiActionFor(code)).length > 0]).toEqual([code, true]);
    }
  });

  it('are the command line\'s own next step where that one needs no command line', () => {
    for (const code of FAILURE_CODES) {
      const text: CodeMessage = MESSAGES[code];
      if (text.uiAction === undefined) {
        expect(uiActionFor(code)).toBe(text.action);
      } else {
        expect(uiActionFor(code)).toBe(text.uiAction);
        // A separate sentence exists only when it says something else.
        expect([code, text.uiAction]).not.toEqual([code, text.action]);
      }
    }
  });

  it('point at the screen or button that does what the command did', () => {
    expect(MESSAGES.OVERDUE.action).toContain('tessera check-in');
    expect(uiActionFor('OVERDUE')).toContain('Check in on the Status screen');
    expect(MESSAGES.EXPIRED.action).toContain('tessera renew');
    expect(uiActionFor('EXPIRED')).toContain('Renew on the Status screen');
    expect(uiActionFor('NOT_ACTIVATED')).toContain('Activate screen');
    expect(uiActionFor('NOT_ACTIVATED')).toContain('Offline files screen');
    expect(uiActionFor('TOO_MANY_MACHINES')).toContain('Seats screen');
    expect(uiActionFor('ADMIN_SIGN_IN_REQUIRED')).toContain('Licenses screen');
    expect(uiActionFor('ISSUER_UNREACHABLE')).toContain('proxy shown in Settings');
  });
});
