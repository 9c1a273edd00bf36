/**
 * The Status screen's parts rendered to HTML (React's server renderer, no DOM): the verdict card
 * with the core's summary and what it rests on, Check in only when the policy asks for it, the
 * chooser of the active license, the warnings with Dismiss, and next steps in the app's terms.
 * The store is the one at its start, as a server render reads it.
 */
import { createElement, type FunctionComponent } from 'react';
import { renderToStaticMarkup } from 'react-dom/server';
import { describe, expect, it } from 'vitest';
import { FailureAlert } from '../../renderer/components/failure-alert.js';
import { LicenseActionButtons } from '../../renderer/screens/license-actions.js';
import { LicenseChooser } from '../../renderer/screens/license-chooser.js';
import { StatusCard } from '../../renderer/screens/status-card.js';
import { StatusWarnings } from '../../renderer/screens/status-warnings.js';
import { MESSAGES } from '../../src/contract/messages.js';
import type { LicenseFacts, StatusReport, StatusWarning } from '../../src/licensing/manager.types.js';
import { installed, licensedReport, notActivatedReport } from './fixtures.js';

const NOW = Date.parse('2026-11-01T12:00:00.000Z');

function render<P extends object>(component: FunctionComponent<P>, props: P): string {
  return renderToStaticMarkup(createElement(component, props));
}

/** The text a person reads: tags dropped, entities decoded, spaces collapsed. */
function textOf(html: string): string {
  return html
    .replace(/<[^>]+>/g, ' ')
    .replace(/&quot;/g, '"')
    .replace(/&#x27;/g, "'")
    .replace(/&lt;/g, '<')
    .replace(/&gt;/g, '>')
    .replace(/&amp;/g, '&')
    .replace(/\s+/g, ' ')
    .trim();
}

/** The visible labels of the buttons, in order. */
function buttons(html: string): string[] {
  return [...html.matchAll(/<button[^>]*>(.*?)<\/button>/g)].map((match) => textOf(match[1] ?? ''));
}

const checkInReport = (): StatusReport =>
  licensedReport({
    source: 'offline',
    nextCheckIn: '2026-11-04T12:00:00.000Z',
    summary: 'Licensed offline until 1 Dec 2026 (machine file); check in by 4 Nov 2026.',
    basis: { kind: 'machine-file', until: '2026-12-01T00:00:00.000Z', checkInBy: '2026-11-04T12:00:00.000Z' },
  });

describe('the actions on the active license', () => {
  it('offer no Check in when the policy does not ask for check-ins (no next check-in)', () => {
    const html = render(LicenseActionButtons, { report: licensedReport({ nextCheckIn: null }), onDeactivate: () => undefined });
    expect(buttons(html)).toEqual(['Renew', 'Deactivate']);
    // Renew takes the primary place Check in leaves.
    expect(html).toMatch(/<button[^>]*class="button primary"[^>]*>Renew<\/button>/);
  });

  it('offer Check in first when the policy asks for check-ins', () => {
    const html = render(LicenseActionButtons, { report: checkInReport(), onDeactivate: () => undefined });
    expect(buttons(html)).toEqual(['Check in', 'Renew', 'Deactivate']);
    expect(html).toMatch(/<button[^>]*class="button primary"[^>]*>Check in<\/button>/);
  });
});

describe('the verdict card', () => {
  it('has the core\'s summary as its headline, and what the verdict rests on in words', () => {
    const report = checkInReport();
    const html = render(StatusCard, { report, now: NOW });
    expect(html).toContain(`<p class="verdict">${report.summary}</p>`);
    const text = textOf(html);
    expect(text).toContain('This machine is licensed');
    expect(text).toContain('Rests on A machine file signed for this machine, checked on this machine');
    expect(text).toMatch(/Valid offline until .+ \(in 29 days\)/);
    expect(text).toMatch(/Check in by .+ \(in 3 days\)/);
    expect(html).toContain('<time dateTime="2026-11-04T12:00:00.000Z">');
    expect(text).not.toContain('Next step');
  });

  it('says when no check-in is required, or the file has no end, and when the server confirmed it', () => {
    const report = licensedReport({
      source: 'online',
      summary: 'Licensed (confirmed online now) (license file).',
      basis: { kind: 'license-file', until: null, checkInBy: null },
    });
    const text = textOf(render(StatusCard, { report, now: NOW }));
    expect(text).toContain('Licensed (confirmed online now) (license file).');
    expect(text).toContain('Rests on A license file signed by your vendor, confirmed by the licensing server just now');
    expect(text).toContain('Valid offline until No end date');
    expect(text).toContain('Check in by No check-in required');
  });

  it('for a refusal: the code\'s title, the summary, the deadline it missed, the next step in the app\'s terms and the code', () => {
    const report: StatusReport = {
      ...checkInReport(),
      licensed: false,
      code: 'OVERDUE',
      message: MESSAGES.OVERDUE.message,
      summary: MESSAGES.OVERDUE.message,
      basis: { kind: 'machine-file', until: '2026-12-01T00:00:00.000Z', checkInBy: '2026-10-30T12:00:00.000Z' },
    };
    const html = render(StatusCard, { report, now: NOW });
    const text = textOf(html);
    expect(html).toContain('class="card summary bad"');
    expect(text).toContain(MESSAGES.OVERDUE.title);
    expect(text).toContain(MESSAGES.OVERDUE.message);
    // The summary is the code's own sentence here: it is not said twice.
    expect(text.split(MESSAGES.OVERDUE.message)).toHaveLength(2);
    expect(text).toMatch(/Check in by .+ \(2 days ago\)/);
    expect(text).toContain('Next step: Connect to the internet, then press Check in on the Status screen.');
    expect(text).not.toContain('tessera check-in');
    expect(text).toContain('Code: OVERDUE');
  });

  it('with nothing installed: where to activate or import, and no basis', () => {
    const report = { ...notActivatedReport(), summary: MESSAGES.NOT_ACTIVATED.message };
    const html = render(StatusCard, { report, now: NOW });
    expect(html).toContain('href="#/activate"');
    expect(html).toContain('href="#/offline"');
    expect(textOf(html)).not.toContain('Rests on');
    expect(textOf(html)).toContain(`Next step: ${MESSAGES.NOT_ACTIVATED.uiAction}`);
  });
});

describe('the installed licenses on the Status screen', () => {
  const facts = (id: string, name: string): LicenseFacts => ({ ...(licensedReport().license as LicenseFacts), id, name });

  it('are not shown for a single license: there is nothing to choose', () => {
    expect(render(LicenseChooser, { licenses: [installed('lic-1')] })).toBe('');
    expect(render(LicenseChooser, { licenses: [] })).toBe('');
  });

  it('mark the active one and offer Use on each other one, named after its license', () => {
    const licenses = [
      installed('lic-1', { active: true, license: facts('lic-1', 'Demo first'), kind: 'machine' }),
      installed('lic-2', { active: false, license: facts('lic-2', 'Demo second'), licensed: false, code: 'EXPIRED' }),
      installed('lic-3', { active: false, license: facts('lic-3', 'Demo third'), label: 'Build server' }),
    ];
    const html = render(LicenseChooser, { licenses });
    expect(html).toContain('<caption class="table-title">Installed licenses</caption>');
    const rows = [...html.matchAll(/<tr>(.*?)<\/tr>/g)].map((match) => textOf(match[1] ?? '')).slice(1);
    expect(rows).toHaveLength(3);
    expect(rows[0]).toMatch(/^Demo first lic-1 Machine file Valid .* Active$/);
    expect(rows[1]).toMatch(new RegExp(`^Demo second lic-2 License file ${MESSAGES.EXPIRED.title} .* Use$`));
    expect(rows[2]).toMatch(/^Build server lic-3 License file Valid .* Use$/);
    expect([...html.matchAll(/aria-label="([^"]+)"/g)].map((match) => match[1])).toEqual(['Use Demo second', 'Use Build server']);
  });

  it('offer no Use on a license being deactivated: the core never makes it active again', () => {
    const licenses = [
      installed('lic-1', { active: true, license: facts('lic-1', 'Demo first') }),
      installed('lic-2', { active: false, license: facts('lic-2', 'Demo second'), licensed: false, code: 'DEACTIVATION_INCOMPLETE' }),
    ];
    const html = render(LicenseChooser, { licenses });
    expect(buttons(html)).toEqual([]);
    expect(textOf(html)).toContain('Being deactivated');
  });
});

describe('the warnings beside the verdict', () => {
  const setAside = (at: string): StatusWarning => ({
    code: 'STATE_SET_ASIDE',
    message: `A damaged license state was set aside on ${at} (dismiss with "tessera licenses dismiss-notices").`,
    uiMessage: `A damaged license state was set aside on ${at}.`,
    at,
  });
  const expiring: StatusWarning = { code: 'LICENSE_EXPIRING', message: 'The license expires in 5 days.', at: '2026-11-06T00:00:00.000Z' };

  it('are shown in the app\'s terms, with Dismiss on the notice of a damaged state set aside only', () => {
    const html = render(StatusWarnings, { warnings: [expiring, setAside('2026-10-01T00:00:00.000Z')] });
    const text = textOf(html);
    expect(text).toContain('The license expires in 5 days.');
    expect(text).toContain('A damaged license state was set aside on 2026-10-01T00:00:00.000Z.');
    expect(text).not.toContain('tessera');
    expect(buttons(html)).toEqual(['Dismiss']);
    expect(html).toMatch(/<div role="note" class="warning with-action"><p>A damaged/);
  });

  it('have one button for several set-aside notices, since it forgets them all', () => {
    const html = render(StatusWarnings, { warnings: [setAside('2026-09-01T00:00:00.000Z'), setAside('2026-10-01T00:00:00.000Z')] });
    expect(buttons(html)).toEqual(['Dismiss all']);
  });

  it('have no button when none is about a damaged state', () => {
    expect(buttons(render(StatusWarnings, { warnings: [expiring] }))).toEqual([]);
  });
});

describe('a refusal\'s next step', () => {
  it('is the app\'s sentence where the command line\'s names a command', () => {
    const text = textOf(render(FailureAlert, { code: 'DEACTIVATION_INCOMPLETE' }));
    expect(text).toContain(`Next step: ${MESSAGES.DEACTIVATION_INCOMPLETE.uiAction}`);
    expect(text).not.toContain('tessera deactivate');
  });

  it('is the one sentence there is where no command is named', () => {
    expect(textOf(render(FailureAlert, { code: 'LICENSE_FILE_NOT_GENUINE' }))).toContain(`Next step: ${MESSAGES.LICENSE_FILE_NOT_GENUINE.action}`);
  });
});
