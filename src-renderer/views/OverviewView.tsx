// Overview (hypervision): one tile per site with its stations by state, live power against
// the site limit, energy and sessions today. Live figures come from the station model (kept
// current by the event stream); today's energy is re-read when sessions change, at most
// every 20 s, and once a minute. Many sites wrap in a grid with a search box.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { EnergySummary, SiteInfo } from '../../src-shared/api/energy.ts';
import { Pill } from '../components/StatusBadge.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { Tile } from '../components/Tile.tsx';
import { describeError } from '../lib/errors.ts';
import { formatKw, formatKwh, formatNumber } from '../lib/format.ts';
import { useLinkOpen, useLocale } from '../lib/hooks.ts';
import { browserTimeZone, filterSites, siteLive, startOfLocalDay, STATION_CATEGORIES, tzOffsetMinutes, type SiteLive, type StationCategory } from '../lib/overview.ts';
import type { Tone } from '../lib/status.ts';
import { api } from '../store/client.ts';
import { onEventBatch } from '../store/events.ts';
import { useSites, useSitesInScope } from '../store/sites.ts';
import { useStations } from '../store/stations.ts';
import { useUi } from '../store/ui.ts';

export const CATEGORY_TONE: Record<StationCategory, Tone> = { available: 'ok', charging: 'active', faulted: 'fault', offline: 'idle', unavailable: 'warn' };

/** Share of the limit above which the power bar turns amber, then red. */
const WARN_RATIO = 0.8;
const FAULT_RATIO = 0.95;

export function loadTone(ratio: number | null): Tone {
  return ratio === null ? 'info' : ratio >= FAULT_RATIO ? 'fault' : ratio >= WARN_RATIO ? 'warn' : 'active';
}

/** Today's energy and sessions per site, re-read on transaction events (throttled) and every minute. */
function useToday(): { today: EnergySummary | null; error: unknown } {
  const open = useLinkOpen();
  const [today, setToday] = useState<EnergySummary | null>(null);
  const [error, setError] = useState<unknown>(null);
  const last = useRef(0);
  useEffect(() => {
    if (!open) return;
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | null = null;
    const load = () => {
      last.current = Date.now();
      const now = new Date();
      const from = startOfLocalDay(now);
      const to = new Date(from.getTime() + 86_400_000);
      api()
        .call('energySummary', { from: from.toISOString(), to: to.toISOString(), bucket: 'day', groupBy: 'site', tzOffsetMinutes: tzOffsetMinutes(now), ...browserTimeZone() })
        .then((summary) => {
          if (!cancelled) {
            setToday(summary);
            setError(null);
          }
        })
        .catch((e: unknown) => {
          if (!cancelled) setError(e);
        });
    };
    const soon = () => {
      if (timer !== null) return;
      timer = setTimeout(() => {
        timer = null;
        load();
      }, Math.max(0, 20_000 - (Date.now() - last.current)));
    };
    load();
    const off = onEventBatch((events) => {
      if (events.some((e) => e.type === 'transaction')) soon();
    });
    const minute = setInterval(load, 60_000);
    return () => {
      cancelled = true;
      off();
      clearInterval(minute);
      if (timer !== null) clearTimeout(timer);
    };
  }, [open]);
  return { today, error };
}

function PowerBar(props: { powerW: number; limitW: number | null; ratio: number | null }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const tone = loadTone(props.ratio);
  const width = props.ratio === null ? 0 : Math.min(100, props.ratio * 100);
  return (
    <div className="site-power" data-testid="site-power">
      <div className="site-power-figures">
        <span className="value-number">
          <span data-testid="site-power-kw">{formatKw(props.powerW, locale)}</span> <small>{t('units.kw')}</small>
        </span>
        <span className="muted">
          {props.limitW === null ? t('overview.noLimit') : t('overview.ofLimit', { limit: formatKw(props.limitW, locale), percent: formatNumber((props.ratio ?? 0) * 100, locale, 0) })}
        </span>
      </div>
      <div
        className={`gauge tone-${tone}`}
        role="meter"
        aria-valuemin={0}
        aria-valuemax={props.limitW ?? 0}
        aria-valuenow={props.powerW}
        aria-label={t('overview.powerAgainstLimit')}
      >
        <div className="gauge-fill" style={{ width: `${width}%` }} />
        <div className="gauge-mark" style={{ left: `${WARN_RATIO * 100}%` }} />
      </div>
    </div>
  );
}

function SiteCard(props: { site: SiteInfo; live: SiteLive; energyWh: number | null; sessions: number | null }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const navigate = useUi((s) => s.navigate);
  const setSiteId = useSites((s) => s.setSiteId);
  const { site, live } = props;
  // The stations outside the project have no site to choose: their tile only opens the stations list.
  const outside = site.id === '';
  const open = (view: 'energy' | 'stations' | 'groundPlan') => {
    if (!outside) setSiteId(site.id);
    navigate({ view: outside ? 'stations' : view, stationId: null });
  };
  const worst: Tone = live.counts.faulted > 0 ? 'fault' : live.counts.offline > 0 ? 'warn' : 'ok';
  return (
    <article className={`site-card tone-edge-${worst}`} data-testid={`site-card-${site.id || 'outside'}`} data-site-id={site.id}>
      <button type="button" className="site-card-main" onClick={() => open('energy')} title={outside ? t('nav.stations') : t('overview.openEnergy')} data-testid={`site-open-${site.id || 'outside'}`}>
        <header className="site-card-header">
          <h2 className="site-card-title">{site.name}</h2>
          <span className="muted">{t('overview.stationCount', { count: live.stations })}</span>
        </header>
        <div className="site-counts">
          {STATION_CATEGORIES.map((c) => (
            <div
              key={c}
              className={`site-count tone-${CATEGORY_TONE[c]} ${live.counts[c] > 0 ? 'lit' : ''}`}
              data-testid={`site-count-${c}`}
              data-count={live.counts[c]}
              title={`${t(`overview.category.${c}`)}: ${live.counts[c]}`}
            >
              <span className="site-count-value">{live.counts[c]}</span>
              <span className="site-count-label">{t(`overview.category.${c}`)}</span>
            </div>
          ))}
        </div>
        <PowerBar powerW={live.powerW} limitW={site.maxPowerW} ratio={live.loadRatio} />
        <dl className="site-today">
          <div>
            <dt>{t('overview.energyToday')}</dt>
            <dd data-testid="site-energy-today">
              {props.energyWh === null ? '…' : formatKwh(props.energyWh, locale, 1)} <small>{t('units.kwh')}</small>
            </dd>
          </div>
          <div>
            <dt>{t('overview.sessionsToday')}</dt>
            <dd data-testid="site-sessions-today">{props.sessions === null ? '…' : formatNumber(props.sessions, locale)}</dd>
          </div>
        </dl>
      </button>
      <footer className="site-card-links">
        <button type="button" className="link-button" onClick={() => open('stations')} data-testid={`site-stations-${site.id}`}>
          {t('nav.stations')}
        </button>
        {outside ? null : (
          <>
            <button type="button" className="link-button" onClick={() => open('groundPlan')}>
              {t('nav.groundPlan')}
            </button>
            <button type="button" className="link-button" onClick={() => open('energy')}>
              {t('nav.energy')}
            </button>
          </>
        )}
      </footer>
    </article>
  );
}

export function OverviewView() {
  const { t } = useTranslation();
  const locale = useLocale();
  const sites = useSitesInScope();
  const sitesError = useSites((s) => s.error);
  const loaded = useSites((s) => s.loaded);
  const stations = useStations((s) => s.stations);
  const { today, error } = useToday();
  const [search, setSearch] = useState('');
  // Many sites: compact tiles by default (the operator may switch).
  const [density, setDensity] = useState<'auto' | 'compact' | 'detailed'>('auto');
  const compact = density === 'compact' || (density === 'auto' && sites.length > 12);

  const selected = useSites((s) => s.siteId);
  const allSites = useSites((s) => s.sites);
  // Stations the project does not declare (self-registered, pending) get a tile of their own.
  const outsideIds = useMemo(() => {
    const declared = new Set(allSites.flatMap((s) => s.stationIds));
    return Object.keys(stations).filter((id) => !declared.has(id)).sort();
  }, [allSites, stations]);
  const tiles = useMemo<SiteInfo[]>(
    () => (selected === null && loaded && outsideIds.length > 0 ? [...sites, { id: '', name: t('overview.outside'), maxPowerW: null, stationIds: outsideIds, parks: [], groups: [] }] : sites),
    [sites, selected, loaded, outsideIds, t],
  );
  const shown = useMemo(() => filterSites(tiles, search), [tiles, search]);
  const lives = useMemo(() => new Map(tiles.map((s) => [s.id, siteLive(s.stationIds, stations, s.maxPowerW)])), [tiles, stations]);
  const totals = useMemo(() => {
    const counts: Record<StationCategory, number> = { available: 0, charging: 0, faulted: 0, offline: 0, unavailable: 0 };
    let powerW = 0;
    for (const live of lives.values()) {
      powerW += live.powerW;
      for (const c of STATION_CATEGORIES) counts[c] += live.counts[c];
    }
    return { counts, powerW };
  }, [lives]);
  const todayOf = (siteId: string) => today?.totals.find((x) => x.key === siteId) ?? null;
  const todayInScope = today ? tiles.reduce((sum, s) => sum + (todayOf(s.id)?.energyWh ?? 0), 0) : null;
  return (
    <div className="view" data-testid="view-overview">
      <div className="view-header">
        <h1>{t('nav.overview')}</h1>
        <Pill tone="info">{t('overview.siteCount', { count: sites.length })}</Pill>
      </div>
      <div className="tiles">
        <Tile label={t('overview.tiles.power')} value={`${formatKw(totals.powerW, locale)} ${t('units.kw')}`} tone="active" testId="overview-power" />
        <Tile label={t('overview.tiles.energyToday')} value={todayInScope === null ? '…' : `${formatKwh(todayInScope, locale, 1)} ${t('units.kwh')}`} tone="info" />
        <Tile label={t('overview.category.charging')} value={totals.counts.charging} tone="active" />
        <Tile label={t('overview.category.faulted')} value={totals.counts.faulted} tone={totals.counts.faulted > 0 ? 'fault' : 'ok'} />
        <Tile label={t('overview.category.offline')} value={totals.counts.offline} tone={totals.counts.offline > 0 ? 'warn' : 'ok'} />
      </div>
      {sitesError ? <div className="notice tone-fault">{describeError(sitesError, t)}</div> : null}
      {error ? <div className="notice tone-warn">{describeError(error, t)}</div> : null}
      {sites.length > 6 || search !== '' ? (
        <div className="toolbar">
          <SearchBox value={search} onChange={setSearch} placeholder={t('overview.search')} label={t('overview.search')} testId="site-search" />
          <span className="toolbar-count">{t('overview.shown', { shown: shown.length, total: sites.length })}</span>
          <div className="toolbar-spacer" />
          <div className="segmented" role="group" aria-label={t('overview.density.label')}>
            {(['compact', 'detailed'] as const).map((d) => (
              <button key={d} type="button" className={(compact ? 'compact' : 'detailed') === d ? 'active' : ''} aria-pressed={(compact ? 'compact' : 'detailed') === d} onClick={() => setDensity(d)} data-testid={`density-${d}`}>
                {t(`overview.density.${d}`)}
              </button>
            ))}
          </div>
        </div>
      ) : null}
      {loaded && sites.length === 0 ? <div className="placeholder"><p>{t('overview.noSites')}</p></div> : null}
      <div className={`site-grid ${compact ? 'compact' : ''}`} data-testid="site-grid">
        {shown.map((site) => (
          <SiteCard
            key={site.id}
            site={site}
            live={lives.get(site.id) ?? siteLive([], {}, null)}
            energyWh={today ? (todayOf(site.id)?.energyWh ?? 0) : null}
            sessions={today ? (todayOf(site.id)?.sessions ?? 0) : null}
          />
        ))}
      </div>
    </div>
  );
}
