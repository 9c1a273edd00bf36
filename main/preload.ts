/**
 * The sandboxed preload (bundled to `dist/main/preload.cjs`): exposes `window.tessera`, the
 * contract's verbs over IPC, and nothing else — never `ipcRenderer`, `process.env`, paths or
 * secrets (Electron security checklist §20; Bitwarden's preload). Each verb is one
 * `ipcRenderer.invoke` on its operation's channel; main checks the sender and parses the input.
 */
import { contextBridge, ipcRenderer } from 'electron';
import { channelOf, createBridge, type Invoke } from '../src/contract/operations.js';

// The verb's arguments become one input object (the contract's `args`); the result comes back as a value.
const invoke: Invoke = (name, input) => ipcRenderer.invoke(channelOf(name), input);

contextBridge.exposeInMainWorld('tessera', createBridge(invoke));
