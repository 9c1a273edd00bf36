/** `#/settings`: where Tessera talks to and keeps its data, the theme, the checks, and diagnostics to copy. */
import { useEffect, useId, useRef } from 'react';
import type { DoctorCheck, DoctorReport, SettingsView } from '../contract.js';
import { FailureAlert } from '../components/failure-alert.js';
import { THEMES, type Theme } from '../store/theme.js';
import { useTessera } from '../store/use-tessera.js';
import { AdministratorSettings } from './audit-view.js';

const THEME_LABELS: Readonly<Record<Theme, string>> = { system: 'System', light: 'Light', dark: 'Dark' };

function secretsText(secrets: SettingsView['secrets']): React.JSX.Element {
  switch (secrets.mode) {
    case 'keychain':
      return <>OS keychain</>;
    case 'auto':
      return (
        <>
          OS keychain; on a machine without one, the file <code>{secrets.file}</code>
        </>
      );
    case 'file':
      return (
        <>
          The file <code>{secrets.file}</code>, readable by you only (no OS keychain)
        </>
      );
  }
}

function proxyText(proxy: SettingsView['proxy']): string {
  const parts = [
    proxy.https === null ? null : `HTTPS: ${proxy.https}`,
    proxy.http === null ? null : `HTTP: ${proxy.http}`,
    proxy.noProxy === null ? null : `No proxy for: ${proxy.noProxy}`,
  ].filter((part) => part !== null);
  return parts.length === 0 ? 'None' : parts.join(' · ');
}

function SettingsFacts({ view }: { readonly view: SettingsView }): React.JSX.Element {
  return (
    <dl className="facts">
      <dt>Licensing API</dt>
      <dd>
        <code>{view.apiUrl}</code>
      </dd>
      <dt>Account</dt>
      <dd>
        <code>{view.account}</code>
      </dd>
      <dt>Product</dt>
      <dd>{view.product === null ? 'Any product' : <code>{view.product}</code>}</dd>
      <dt>Vendor configuration</dt>
      <dd>{view.vendor.kind === 'file' ? <code>{view.vendor.path}</code> : 'Embedded local issuer'}</dd>
      <dt>Proxy</dt>
      <dd>{proxyText(view.proxy)}</dd>
      <dt>Data folder</dt>
      <dd>
        <code>{view.dataFolder}</code>
      </dd>
      <dt>Secrets</dt>
      <dd>{secretsText(view.secrets)}</dd>
      <dt>Version</dt>
      <dd>{view.version}</dd>
      <dt>Running in</dt>
      <dd>{view.shell === 'desktop' ? 'Desktop app' : 'Web console'}</dd>
    </dl>
  );
}

function ThemeChoice(): React.JSX.Element {
  const theme = useTessera((state) => state.theme);
  const setTheme = useTessera((state) => state.setTheme);
  const id = useId();
  return (
    <div className="field">
      <label htmlFor={id}>Theme</label>
      <select id={id} value={theme} onChange={(event) => setTheme(event.target.value as Theme)}>
        {THEMES.map((value) => (
          <option key={value} value={value}>
            {THEME_LABELS[value]}
          </option>
        ))}
      </select>
    </div>
  );
}

const VERDICT_LABELS: Readonly<Record<DoctorCheck['verdict'], string>> = { ok: 'OK', warn: 'Warning', fail: 'Failed' };

function CheckList({ report }: { readonly report: DoctorReport }): React.JSX.Element {
  return (
    <ul className="checks" aria-label="Check results">
      {report.checks.map((check) => (
        <li key={check.id} className="check" data-verdict={check.verdict}>
          <p className="check-head">
            <span className="check-verdict">{VERDICT_LABELS[check.verdict]}</span> <strong>{check.title}</strong>
          </p>
          <p>{check.summary}</p>
          {check.fix === null ? null : <p>Fix: {check.fix}</p>}
          {check.code === null || check.verdict === 'ok' ? null : (
            <p className="alert-code">
              Code: <code>{check.code}</code>
            </p>
          )}
        </li>
      ))}
    </ul>
  );
}

function Checks(): React.JSX.Element {
  const status = useTessera((state) => state.checks);
  const run = useTessera((state) => state.runChecks);
  return (
    <section className="card">
      <h2>Checks</h2>
      <p className="hint">Checks the keychain, the data folder, the license state, the way to the licensing server (proxy, DNS, TCP, TLS) and this computer's clock, each with its fix, as "tessera doctor" does.</p>
      <div className="actions">
        <button type="button" className="button" disabled={status.kind === 'running'} onClick={() => void run()}>
          {status.kind === 'running' ? 'Checking…' : 'Run checks'}
        </button>
      </div>
      {status.kind === 'failed' ? <FailureAlert code={status.code} message={status.message} level={3} /> : null}
      {status.kind === 'done' ? (
        <>
          <p role="status">{status.report.ok ? 'No check failed.' : `${status.report.checks.filter((check) => check.verdict === 'fail').length} of ${status.report.checks.length} checks failed.`}</p>
          <CheckList report={status.report} />
        </>
      ) : null}
    </section>
  );
}

function Diagnostics(): React.JSX.Element {
  const status = useTessera((state) => state.diagnostics);
  const copy = useTessera((state) => state.copyDiagnostics);
  const areaRef = useRef<HTMLTextAreaElement>(null);
  const id = useId();

  // The clipboard refused: select the text so that the person can copy it themselves.
  useEffect(() => {
    if (status.kind === 'done' && !status.copied) {
      areaRef.current?.focus();
      areaRef.current?.select();
    }
  }, [status]);

  return (
    <section className="card">
      <h2>Support</h2>
      <p className="hint">A summary of this installation for your vendor's support: no license key, token or full fingerprint.</p>
      <div className="actions">
        <button type="button" className="button" disabled={status.kind === 'working'} onClick={() => void copy()}>
          {status.kind === 'working' ? 'Copying…' : 'Copy diagnostics'}
        </button>
      </div>
      {status.kind === 'failed' ? <FailureAlert code={status.code} message={status.message} level={3} /> : null}
      {status.kind === 'done' ? (
        <div className="field">
          <label htmlFor={id}>Diagnostics</label>
          <textarea id={id} ref={areaRef} readOnly rows={10} value={status.text} spellCheck={false} />
        </div>
      ) : null}
    </section>
  );
}

export function SettingsScreen(): React.JSX.Element {
  const settings = useTessera((state) => state.settings);
  const loadSettings = useTessera((state) => state.loadSettings);
  useEffect(() => {
    void loadSettings();
  }, [loadSettings]);
  return (
    <>
      <h1 tabIndex={-1}>Settings</h1>
      <section className="card">
        <h2>Connection and data</h2>
        {settings.kind === 'loading' ? <p className="muted">Loading settings…</p> : null}
        {settings.kind === 'failed' ? <FailureAlert code={settings.code} message={settings.message} level={3} /> : null}
        {settings.kind === 'loaded' ? <SettingsFacts view={settings.view} /> : null}
      </section>
      <section className="card">
        <h2>Appearance</h2>
        <ThemeChoice />
      </section>
      <Checks />
      <Diagnostics />
      <AdministratorSettings />
    </>
  );
}
