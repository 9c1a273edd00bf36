/** The main navigation: one button per screen, the current one marked `aria-current="page"`. */
import type { Route } from '../store/routes.js';
import { useTessera } from '../store/use-tessera.js';

const ITEMS: readonly { readonly route: Route; readonly label: string }[] = [
  { route: 'status', label: 'Status' },
  { route: 'activate', label: 'Activate' },
  { route: 'offline', label: 'Offline files' },
  { route: 'fulfil', label: 'Fulfil requests' },
  { route: 'seats', label: 'Seats' },
  { route: 'licenses', label: 'Licenses' },
  { route: 'settings', label: 'Settings' },
];

export function MainNav(): React.JSX.Element {
  const route = useTessera((state) => state.route);
  const navigate = useTessera((state) => state.navigate);
  return (
    <nav aria-label="Main" className="main-nav">
      <ul>
        {ITEMS.map((item) => (
          <li key={item.route}>
            <button type="button" className="nav-button" aria-current={item.route === route ? 'page' : undefined} onClick={() => navigate(item.route)}>
              {item.label}
            </button>
          </li>
        ))}
      </ul>
    </nav>
  );
}
