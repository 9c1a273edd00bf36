/**
 * The one store, in slices (zustand's slices pattern). Each slice owns its state and actions;
 * the store reaches the core only through the bridge module.
 */
import { createStore, type StateCreator } from 'zustand/vanilla';
import { createActivationSlice, type ActivationSlice } from './activation.slice.js';
import { createAdminSlice, type AdminSlice } from './admin.slice.js';
import { createAuditSlice, type AuditSlice } from './audit.slice.js';
import { createAirgapSlice, type AirgapSlice } from './airgap.slice.js';
import { createFulfilSlice, type FulfilSlice } from './fulfil.slice.js';
import { createImportSlice, type ImportSlice } from './import.slice.js';
import { createLicenseSlice, type LicenseSlice } from './license.slice.js';
import { createSeatsSlice, type SeatsSlice } from './seats.slice.js';
import { createSettingsSlice, type SettingsSlice } from './settings.slice.js';
import { createShellSlice, type ShellSlice } from './shell.slice.js';

export type TesseraState = ShellSlice & LicenseSlice & ActivationSlice & ImportSlice & SeatsSlice & SettingsSlice & AdminSlice & AuditSlice & AirgapSlice & FulfilSlice;

/** How a slice is made: it sees (and may call) the whole store. */
export type SliceCreator<T> = StateCreator<TesseraState, [], [], T>;

export const store = createStore<TesseraState>()((...args) => ({
  ...createShellSlice(...args),
  ...createLicenseSlice(...args),
  ...createActivationSlice(...args),
  ...createImportSlice(...args),
  ...createSeatsSlice(...args),
  ...createSettingsSlice(...args),
  ...createAdminSlice(...args),
  ...createAuditSlice(...args),
  ...createAirgapSlice(...args),
  ...createFulfilSlice(...args),
}));

const initialState = store.getState();

/** Puts the store back as it started (zustand's testing guide: reset between tests). */
export function resetStore(): void {
  store.setState(initialState, true);
}
