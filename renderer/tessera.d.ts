import type { TesseraBridge } from './contract.js';

declare global {
  interface Window {
    /** The desktop app's bridge, exposed by the Electron preload; absent in the web console. */
    readonly tessera?: TesseraBridge;
  }
}

export {};
