/** The web console's HTTP bridge: contract operations over `POST /v1/ops/<name>`, transport failures as Result values. */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { MESSAGES } from '../../src/contract/messages.js';
import { adoptSessionSecret, sessionSecret } from '../../renderer/bridge/console-session.js';
import { createHttpBridge } from '../../renderer/bridge/http-bridge.js';
import { licensedReport } from './fixtures.js';

/** The console's own file picker is never reached in these tests. */
const chooseFile = async () => ({ ok: true as const, value: null });

afterEach(() => {
  vi.unstubAllGlobals();
});

function stubFetch(answer: (url: string, init: RequestInit) => Promise<Response>): ReturnType<typeof vi.fn> {
  const fetch = vi.fn(answer);
  vi.stubGlobal('fetch', fetch);
  return fetch;
}

const json = (status: number, body: unknown): Response => new Response(JSON.stringify(body), { status, headers: { 'Content-Type': 'application/json' } });

describe('HTTP bridge', () => {
  it('posts the input as JSON to /v1/ops/<operation> with the session cookie, and passes a 200 Result through', async () => {
    const report = licensedReport();
    const fetch = stubFetch(async () => json(200, { ok: true, value: report }));
    const result = await createHttpBridge({ chooseFile }).license.activate('KEY-1234');
    expect(result).toEqual({ ok: true, value: report });
    expect(fetch).toHaveBeenCalledTimes(1);
    const [url, init] = fetch.mock.calls[0] as [string, RequestInit];
    expect(url).toBe('/v1/ops/license:activate');
    expect(init.method).toBe('POST');
    expect(init.credentials).toBe('same-origin');
    expect(new Headers(init.headers).get('content-type')).toBe('application/json');
    expect(JSON.parse(String(init.body))).toEqual({ licenseKey: 'KEY-1234' });
  });

  it('passes a 200 refusal through with its code and message', async () => {
    stubFetch(async () => json(200, { ok: false, code: 'NOT_FOUND', message: 'no such key' }));
    expect(await createHttpBridge({ chooseFile }).license.activate('NOPE')).toEqual({ ok: false, code: 'NOT_FOUND', message: 'no such key' });
  });

  it('sends an omitted optional argument as an absent key', async () => {
    const fetch = stubFetch(async () => json(200, { ok: true, value: licensedReport() }));
    await createHttpBridge({ chooseFile }).license.status();
    await createHttpBridge({ chooseFile }).license.status(false);
    expect(fetch.mock.calls.map(([, init]) => JSON.parse(String((init as RequestInit).body)))).toEqual([{}, { online: false }]);
  });

  it('maps 401 to SESSION_REQUIRED', async () => {
    stubFetch(async () => json(401, { code: 'UNAUTHORIZED', message: 'sign in' }));
    expect(await createHttpBridge({ chooseFile }).settings.get()).toEqual({ ok: false, code: 'SESSION_REQUIRED', message: MESSAGES.SESSION_REQUIRED.message });
  });

  it("sends this tab's session secret as the Tessera-Session header, and none when the tab has none", async () => {
    const fetch = stubFetch(async () => json(200, { ok: true, value: licensedReport() }));
    await createHttpBridge({ chooseFile, sessionSecret: () => 'S'.repeat(43) }).license.status();
    await createHttpBridge({ chooseFile, sessionSecret: () => null }).license.status();
    const sent = fetch.mock.calls.map(([, init]) => new Headers((init as RequestInit).headers).get('tessera-session'));
    expect(sent).toEqual(['S'.repeat(43), null]);
  });

  it("maps a 403 for another tab's session to SESSION_REQUIRED", async () => {
    stubFetch(async () => json(403, { code: 'CONSOLE_SESSION_UNBOUND', message: 'another tab' }));
    expect(await createHttpBridge({ chooseFile }).settings.get()).toEqual({ ok: false, code: 'SESSION_REQUIRED', message: MESSAGES.SESSION_REQUIRED.message });
  });

  it('maps a rejected fetch (the server is gone) to AGENT_UNREACHABLE', async () => {
    stubFetch(async () => {
      throw new TypeError('Failed to fetch');
    });
    expect(await createHttpBridge({ chooseFile }).license.checkIn()).toEqual({ ok: false, code: 'AGENT_UNREACHABLE', message: MESSAGES.AGENT_UNREACHABLE.message });
  });

  it("maps any other status to INVALID_INPUT, with the server's message when it sent one", async () => {
    stubFetch(async () => json(403, { code: 'FORBIDDEN', message: 'This session may not do that.' }));
    expect(await createHttpBridge({ chooseFile }).licenses.remove('id-1')).toEqual({ ok: false, code: 'INVALID_INPUT', message: 'This session may not do that.' });
    stubFetch(async () => new Response('<html>bad gateway</html>', { status: 502 }));
    expect(await createHttpBridge({ chooseFile }).licenses.remove('id-1')).toEqual({ ok: false, code: 'INVALID_INPUT', message: MESSAGES.INVALID_INPUT.message });
  });

  it('refuses a 200 body that is not a Result, without throwing', async () => {
    stubFetch(async () => new Response('not json', { status: 200 }));
    const result = await createHttpBridge({ chooseFile }).settings.get();
    expect(result.ok).toBe(false);
    if (!result.ok) expect(result.code).toBe('INVALID_INPUT');
    stubFetch(async () => json(200, { ok: false, code: 'MADE_UP_CODE', message: 'x' }));
    const unknown = await createHttpBridge({ chooseFile }).settings.get();
    expect(unknown.ok === false && unknown.code).toBe('INVALID_INPUT');
  });

  it('serves files.chooseFile() in the page, never over HTTP', async () => {
    const fetch = stubFetch(async () => json(200, { ok: true, value: null }));
    const picker = vi.fn(async () => ({ ok: true as const, value: { name: 'a.lic', certificate: '-----BEGIN LICENSE FILE-----' } }));
    const result = await createHttpBridge({ chooseFile: picker }).files.chooseFile();
    expect(result).toEqual({ ok: true, value: { name: 'a.lic', certificate: '-----BEGIN LICENSE FILE-----' } });
    expect(picker).toHaveBeenCalledTimes(1);
    expect(fetch).not.toHaveBeenCalled();
  });
});

describe('console session secret', () => {
  const place = (hash: string) => {
    const stored = new Map<string, string>();
    const replaced: string[] = [];
    const storage = { getItem: (key: string) => stored.get(key) ?? null, setItem: (key: string, value: string) => void stored.set(key, value) };
    return {
      stored,
      replaced,
      place: { location: { hash, pathname: '/', search: '' }, history: { replaceState: (_data: unknown, _unused: string, url?: string | null) => void replaced.push(String(url)) }, storage: () => storage },
    };
  };

  it("moves the secret from the fragment to the tab's storage and clears it from the address bar", () => {
    const secret = 'A'.repeat(43);
    const { stored, replaced, place: where } = place(`#session=${secret}`);
    expect(adoptSessionSecret(where)).toBe(true);
    expect(replaced).toEqual(['/']);
    expect(sessionSecret(where.storage)).toBe(secret);
    expect([...stored.values()]).toEqual([secret]);
  });

  it('keeps the stored secret on a reload (no fragment), and ignores a fragment that is not a secret', () => {
    for (const hash of ['', '#/status', '#session=short', `#session=${'A'.repeat(43)}&x=1`]) {
      const { replaced, place: where } = place(hash);
      expect([hash, adoptSessionSecret(where)]).toEqual([hash, false]);
      expect(replaced).toEqual([]);
    }
  });

  it('has no secret, and never throws, where storage is disabled', () => {
    const { place: where } = place(`#session=${'A'.repeat(43)}`);
    const disabled = () => {
      throw new DOMException('storage disabled', 'SecurityError');
    };
    expect(adoptSessionSecret({ ...where, storage: disabled })).toBe(false);
    expect(sessionSecret(disabled)).toBeNull();
  });
});
