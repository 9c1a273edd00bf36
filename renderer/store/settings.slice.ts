/** The Settings screen: where Tessera talks to and keeps its data, the checks, and the diagnostics to copy. */
import type { DoctorReport, SettingsView } from '../contract.js';
import { bridge, shell } from '../bridge/bridge.js';
import { refusalOf, type Refusal } from './refusal.js';
import type { SliceCreator } from './store.js';

export type SettingsStatus = { readonly kind: 'loading' } | { readonly kind: 'loaded'; readonly view: SettingsView } | ({ readonly kind: 'failed' } & Refusal);

export type DiagnosticsStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'working' }
  /** `copied` false: the clipboard refused, so the screen selects the text for the person. */
  | { readonly kind: 'done'; readonly text: string; readonly copied: boolean }
  | ({ readonly kind: 'failed' } & Refusal);

/** "Run checks": the core's verdict on each check, shown as the core decided it. */
export type ChecksStatus =
  | { readonly kind: 'idle' }
  | { readonly kind: 'running' }
  | { readonly kind: 'done'; readonly report: DoctorReport }
  | ({ readonly kind: 'failed' } & Refusal);

export interface SettingsSlice {
  readonly settings: SettingsStatus;
  readonly diagnostics: DiagnosticsStatus;
  readonly checks: ChecksStatus;
  loadSettings(): Promise<void>;
  /** Fetches the diagnostics text and copies it ("Diagnostics copied."). */
  copyDiagnostics(): Promise<void>;
  /** Runs the checks of `tessera doctor` (keychain, data folder, state, network, TLS, clock). */
  runChecks(): Promise<void>;
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = (set, get) => ({
  settings: { kind: 'loading' },
  diagnostics: { kind: 'idle' },
  checks: { kind: 'idle' },
  async loadSettings() {
    const result = await bridge().settings.get();
    set({ settings: result.ok ? { kind: 'loaded', view: result.value } : { kind: 'failed', ...refusalOf(result) } });
  },
  async copyDiagnostics() {
    if (get().diagnostics.kind === 'working') return;
    set({ diagnostics: { kind: 'working' } });
    const result = await bridge().settings.diagnostics();
    if (!result.ok) return set({ diagnostics: { kind: 'failed', ...refusalOf(result) } });
    const copied = await shell().copyText(result.value.text);
    set({ diagnostics: { kind: 'done', text: result.value.text, copied } });
    get().notify(copied ? 'Diagnostics copied.' : 'Diagnostics selected: press Ctrl+C (⌘C on a Mac) to copy them.');
  },
  async runChecks() {
    if (get().checks.kind === 'running') return;
    set({ checks: { kind: 'running' } });
    const result = await bridge().settings.doctor();
    if (!result.ok) return set({ checks: { kind: 'failed', ...refusalOf(result) } });
    set({ checks: { kind: 'done', report: result.value } });
    const failures = result.value.checks.filter((check) => check.verdict === 'fail').length;
    get().notify(failures === 0 ? 'Checks done: nothing failed.' : `Checks done: ${failures} failed.`);
  },
});
