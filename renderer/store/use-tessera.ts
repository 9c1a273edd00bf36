/** The React hook over the store (kept apart so that store tests never load React). */
import { useStore } from 'zustand';
import { store, type TesseraState } from './store.js';

/** Selects from the store; the component re-renders when the selected value changes (Object.is). */
export function useTessera<T>(selector: (state: TesseraState) => T): T {
  return useStore(store, selector);
}
