/**
 * The renderer's composition root: in the web console, takes the session secret the login
 * link handed over; installs the page's services (the bridge, the clipboard, saved
 * preferences), wires the theme and hash routing to the store, loads the status, then renders.
 */
import { StrictMode } from 'react';
import { createRoot } from 'react-dom/client';
import { App } from './app.js';
import { installServices } from './bridge/bridge.js';
import { chooseFilesInBrowser, saveInBrowser } from './bridge/carried-files.js';
import { copyText } from './bridge/clipboard.js';
import { adoptSessionSecret, sessionSecret } from './bridge/console-session.js';
import { downloadFile } from './bridge/download.js';
import { chooseFileInBrowser } from './bridge/file-picker.js';
import { createHttpBridge } from './bridge/http-bridge.js';
import { applyTheme, loadTheme, saveTheme } from './bridge/preferences.js';
import { hashOf, routeFromHash } from './store/routes.js';
import { store } from './store/store.js';
import './styles.css';

// The desktop app's preload exposes window.tessera; without it this page is the web console,
// whose session secret arrives in the fragment (#session=…): taken before the hash routing reads it.
const tabStorage = (): Storage => sessionStorage;
if (window.tessera === undefined) adoptSessionSecret({ location, history, storage: tabStorage });
installServices({
  bridge: window.tessera ?? createHttpBridge({ chooseFile: chooseFileInBrowser, chooseFiles: chooseFilesInBrowser, saveFile: saveInBrowser, sessionSecret: () => sessionSecret(tabStorage) }),
  copyText,
  saveTheme,
  download: downloadFile,
});

store.setState({ theme: loadTheme() });
applyTheme(store.getState().theme);
store.subscribe((state, previous) => {
  if (state.theme !== previous.theme) applyTheme(state.theme);
});

// Hash routing: the store's route and the location hash follow each other.
store.getState().navigate(routeFromHash(location.hash));
if (location.hash !== hashOf(store.getState().route)) history.replaceState(null, '', hashOf(store.getState().route));
window.addEventListener('hashchange', () => store.getState().navigate(routeFromHash(location.hash)));
store.subscribe((state, previous) => {
  if (state.route !== previous.route && location.hash !== hashOf(state.route)) location.hash = hashOf(state.route);
});

void store.getState().loadStatus();

const root = document.getElementById('root');
if (root === null) throw new Error('index.html has no #root element');
createRoot(root).render(
  <StrictMode>
    <App />
  </StrictMode>,
);
