// Per connector, the station's power over the last hour: the archive's downsampled history
// (stationPowerHistory), then extended live from the station events the UI already receives.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Area, AreaChart, CartesianGrid, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { StationState } from '../../../src-shared/domain/index.ts';
import { Panel } from '../../components/Field.tsx';
import { describeError } from '../../lib/errors.ts';
import { formatKw, formatNumber, formatTime } from '../../lib/format.ts';
import { useLinkOpen, useLocale } from '../../lib/hooks.ts';
import { POWER_WINDOW_MS, addLivePoints, seriesFromHistory, type PowerPoint, type PowerSeriesByEvse } from '../../lib/power-series.ts';
import { api } from '../../store/client.ts';
import { onEventBatch } from '../../store/events.ts';
import { useStations } from '../../store/stations.ts';

function ConnectorChart({ evseId, points, now }: { evseId: number; points: PowerPoint[]; now: number }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const data = useMemo(() => points.map(([time, w]) => ({ t: time, kw: w / 1000 })), [points]);
  const last = points.at(-1);
  return (
    <div className="power-chart" data-testid={`power-chart-${evseId}`} data-points={points.length}>
      <div className="power-chart-title">
        <span>{t('stationPage.power.connector', { n: evseId })}</span>
        <span className="muted">{last ? t('stationPage.power.now', { value: formatKw(last[1], locale) }) : ''}</span>
      </div>
      <ResponsiveContainer width="100%" height={150}>
        <AreaChart data={data} margin={{ top: 6, right: 8, bottom: 0, left: -12 }}>
          <CartesianGrid stroke="var(--border)" strokeDasharray="3 3" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            domain={[now - POWER_WINDOW_MS, now]}
            tickFormatter={(v: number) => formatTime(new Date(v), locale).slice(0, 5)}
            stroke="var(--muted)"
            fontSize={11}
            tickCount={7}
          />
          <YAxis stroke="var(--muted)" fontSize={11} tickFormatter={(v: number) => formatNumber(v, locale, 0)} width={44} />
          <Tooltip
            contentStyle={{ background: 'var(--bg-raised)', border: '1px solid var(--border-strong)', fontSize: 12 }}
            labelFormatter={(v) => formatTime(new Date(Number(v)), locale)}
            formatter={(v) => [`${formatNumber(Number(v), locale, 1)} ${t('units.kw')}`, t('station.power')]}
          />
          <Area type="stepAfter" dataKey="kw" stroke="var(--active)" fill="var(--active)" fillOpacity={0.18} isAnimationActive={false} dot={false} />
        </AreaChart>
      </ResponsiveContainer>
    </div>
  );
}

export function PowerPanel({ station }: { station: StationState }) {
  const { t } = useTranslation();
  const linkOpen = useLinkOpen();
  const [series, setSeries] = useState<PowerSeriesByEvse | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [now, setNow] = useState(() => Date.now());
  const stationId = station.id;

  useEffect(() => {
    if (!linkOpen) return;
    let cancelled = false;
    let pending: PowerSeriesByEvse | null = null;
    api()
      .call('stationPowerHistory', { stationId, maxPoints: 360 })
      .then((history) => {
        if (cancelled) return;
        const current = useStations.getState().stations[stationId];
        const base = seriesFromHistory(history);
        pending = current ? addLivePoints(base, current, Date.now()) : base;
        setSeries(pending);
        setError(null);
      })
      .catch((e: unknown) => {
        if (!cancelled) setError(e);
      });
    const off = onEventBatch((events) => {
      const latest = events.findLast((e) => e.type === 'station' && e.station.id === stationId);
      if (!latest || latest.type !== 'station') return;
      const at = Date.now();
      setSeries((s) => (s ? addLivePoints(s, latest.station, at) : s));
      setNow(at);
    });
    // The time axis moves even when the station is quiet.
    const tick = setInterval(() => setNow(Date.now()), 15_000);
    return () => {
      cancelled = true;
      off();
      clearInterval(tick);
    };
  }, [stationId, linkOpen]);

  return (
    <Panel title={t('stationPage.power.title')} testId="power-panel" actions={<span className="muted">{t('stationPage.power.hint')}</span>}>
      {error ? <p className="notice tone-fault">{t('stationPage.power.loadFailed', { message: describeError(error, t) })}</p> : null}
      <div className="power-charts">
        {station.connectors.map((c) => (
          <ConnectorChart key={c.evseId} evseId={c.evseId} points={series?.[c.evseId] ?? []} now={now} />
        ))}
      </div>
    </Panel>
  );
}
