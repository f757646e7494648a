// Screens and their URL hash (#/stations, #/stations/<id>): hash routing works from file:// in Electron.
export const VIEWS = [
  'overview',
  'groundPlan',
  'stations',
  'transactions',
  'energy',
  'alarms',
  'smartCharging',
  'planning',
  'reservations',
  'badges',
  'project',
  'settings',
] as const;
export type View = (typeof VIEWS)[number];

export interface Route {
  view: View;
  /** Set when a single station is open (#/stations/<id>), focused on the plan (#/groundPlan/<id>), or being reserved (#/reservations/<id>). */
  stationId: string | null;
}

export function parseHash(hash: string): Route {
  const parts = hash.replace(/^#\/?/, '').split('/');
  const view = VIEWS.find((v) => v === parts[0]) ?? 'stations';
  let stationId: string | null = null;
  if ((view === 'stations' || view === 'groundPlan' || view === 'reservations') && parts[1]) {
    try {
      stationId = decodeURIComponent(parts.slice(1).join('/'));
    } catch {
      stationId = null;
    }
  }
  return { view, stationId };
}

export function routeHash(route: Route): string {
  return route.stationId ? `#/${route.view}/${encodeURIComponent(route.stationId)}` : `#/${route.view}`;
}
