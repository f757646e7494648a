import { useTranslation } from 'react-i18next';
import { isUnacknowledged } from '../lib/alarms.ts';
import { useAlarms } from '../store/alarms.ts';
import { useStations } from '../store/stations.ts';
import { routeHash, useUi, VIEWS } from '../store/ui.ts';
import { Icon } from './icons.tsx';

export function Nav() {
  const { t } = useTranslation();
  const view = useUi((s) => s.route.view);
  // Pending stations need a decision: show their count on Stations.
  const pending = useStations((s) => Object.values(s.stations).filter((st) => st.registration === 'pending').length);
  // Unacknowledged alarms (not shelved) on Alarms, like the banner.
  const unacknowledged = useAlarms((s) => Object.values(s.alarms).filter((a) => !a.shelving && isUnacknowledged(a)).length);
  return (
    <nav className="app-nav" aria-label={t('nav.label')}>
      <ul>
        {VIEWS.map((v, i) => (
          <li key={v}>
            <a href={routeHash({ view: v, stationId: null })} aria-current={view === v ? 'page' : undefined} data-testid={`nav-${v}`} title={i < 9 ? `Alt+${i + 1}` : undefined}>
              <Icon name={v} />
              <span className="nav-label">{t(`nav.${v}`)}</span>
              {v === 'stations' && pending > 0 ? <span className="nav-count">{pending}</span> : null}
              {v === 'alarms' && unacknowledged > 0 ? (
                <span className="nav-count nav-count-alarm" data-testid="nav-alarms-count">
                  {unacknowledged}
                </span>
              ) : null}
            </a>
          </li>
        ))}
      </ul>
      <div className="nav-footer">{t('header.shortcuts')}</div>
    </nav>
  );
}
