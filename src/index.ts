/** Tessera's core, for Node processes (CLI, agent, Electron main). */
export * from './license-file/index.js';
export { verifyFolder, type FolderEntry, type FolderSummary, type FolderOptions } from './license-file/folder.js';
export * from './contract/codes.js';
export { MESSAGES, messageFor, type CodeMessage } from './contract/messages.js';
