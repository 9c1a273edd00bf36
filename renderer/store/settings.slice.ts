/** The Settings screen: where Tessera talks to and keeps its data, and the diagnostics to copy. */
import type { SettingsView } from '../contract.js';
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

export interface SettingsSlice {
  readonly settings: SettingsStatus;
  readonly diagnostics: DiagnosticsStatus;
  loadSettings(): Promise<void>;
  /** Fetches the diagnostics text and copies it ("Diagnostics copied."). */
  copyDiagnostics(): Promise<void>;
}

export const createSettingsSlice: SliceCreator<SettingsSlice> = (set, get) => ({
  settings: { kind: 'loading' },
  diagnostics: { kind: 'idle' },
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
});
