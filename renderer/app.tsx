/** The app shell: header with the license status, main navigation, one screen, and the notices. */
import { useEffect, useRef } from 'react';
import { MainNav } from './components/main-nav.js';
import { Notices } from './components/notices.js';
import { StatusRegion } from './components/status-region.js';
import { ActivateScreen } from './screens/activate-screen.js';
import { LicensesScreen } from './screens/licenses-screen.js';
import { FulfilScreen } from './screens/fulfil-screen.js';
import { OfflineScreen } from './screens/offline-screen.js';
import { SeatsScreen } from './screens/seats-screen.js';
import { SettingsScreen } from './screens/settings-screen.js';
import { StatusScreen } from './screens/status-screen.js';
import type { Route } from './store/routes.js';
import { useTessera } from './store/use-tessera.js';

const SCREENS: Readonly<Record<Route, () => React.JSX.Element>> = {
  status: StatusScreen,
  activate: ActivateScreen,
  offline: OfflineScreen,
  fulfil: FulfilScreen,
  seats: SeatsScreen,
  licenses: LicensesScreen,
  settings: SettingsScreen,
};

function Logo(): React.JSX.Element {
  return (
    <svg className="logo" viewBox="0 0 24 24" width="24" height="24" aria-hidden="true" focusable="false">
      <rect x="2" y="2" width="9" height="9" rx="2" />
      <rect x="13" y="2" width="9" height="9" rx="2" opacity="0.55" />
      <rect x="2" y="13" width="9" height="9" rx="2" opacity="0.55" />
      <rect x="13" y="13" width="9" height="9" rx="2" />
    </svg>
  );
}

export function App(): React.JSX.Element {
  const route = useTessera((state) => state.route);
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);
  const Screen = SCREENS[route];

  // After navigating, focus the new screen's heading so that keyboard and screen-reader users land on it.
  useEffect(() => {
    if (first.current) {
      first.current = false;
      return;
    }
    mainRef.current?.querySelector<HTMLElement>('h1')?.focus();
  }, [route]);

  return (
    <>
      <header className="app-header">
        <div className="brand">
          <Logo />
          <span className="brand-name">Tessera</span>
        </div>
        <StatusRegion />
      </header>
      <MainNav />
      <main ref={mainRef} className="app-main">
        <Screen key={route} />
      </main>
      <Notices />
    </>
  );
}
