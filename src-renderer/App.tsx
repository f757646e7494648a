import { lazy, Suspense, useEffect } from 'react';
import { Shell } from './components/Shell.tsx';
import { setI18nLanguage } from './i18n/index.ts';
import { useUi } from './store/ui.ts';
import { AlarmsView } from './views/AlarmsView.tsx';
import { BadgesView } from './views/BadgesView.tsx';
import { GroundPlanView } from './views/GroundPlanView.tsx';
import { OverviewView } from './views/OverviewView.tsx';
import { PlaceholderView } from './views/PlaceholderView.tsx';
import { ProjectView } from './views/ProjectView.tsx';
import { ReservationsView } from './views/ReservationsView.tsx';
import { SettingsView } from './views/SettingsView.tsx';
import { SmartChargingView } from './views/SmartChargingView.tsx';
import { StationView } from './views/StationView.tsx';
import { StationsView } from './views/StationsView.tsx';
import { TransactionsView } from './views/TransactionsView.tsx';

// The charts library is loaded with the energy screen only.
const EnergyView = lazy(() => import('./views/EnergyView.tsx').then((m) => ({ default: m.EnergyView })));

function CurrentView() {
  const route = useUi((s) => s.route);
  switch (route.view) {
    case 'stations':
      // Keyed so command forms and results never carry over from one station to another.
      return route.stationId ? <StationView key={route.stationId} stationId={route.stationId} /> : <StationsView />;
    case 'transactions':
      return <TransactionsView />;
    case 'badges':
      return <BadgesView />;
    case 'alarms':
      return <AlarmsView />;
    case 'groundPlan':
      return <GroundPlanView />;
    case 'smartCharging':
      return <SmartChargingView />;
    case 'settings':
      return <SettingsView />;
    case 'overview':
      return <OverviewView />;
    case 'energy':
      return (
        <Suspense fallback={<div className="view" data-testid="view-energy-loading" />}>
          <EnergyView />
        </Suspense>
      );
    case 'project':
      return <ProjectView />;
    case 'reservations':
      return <ReservationsView />;
    default:
      return <PlaceholderView view={route.view} />;
  }
}

export function App() {
  const theme = useUi((s) => s.theme);
  const language = useUi((s) => s.language);
  useEffect(() => {
    document.documentElement.dataset.theme = theme;
  }, [theme]);
  useEffect(() => {
    void setI18nLanguage(language);
  }, [language]);
  return (
    <Shell>
      <CurrentView />
    </Shell>
  );
}
