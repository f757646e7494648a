// Energy dashboard: live site power, power history with zoom (brush) against the limit, energy
// per hour/day/week/month per site, group or station, peak power, sessions, top stations and a
// trend viewer of any measured quantity of any station, with CSV exports of what is shown.
// Every figure is computed by the main process on the archive (energySummary, powerSeries,
// meterTrend); the live curve samples the station model the event stream keeps current.
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Area, AreaChart, Bar, BarChart, Brush, CartesianGrid, Legend, Line, LineChart, ReferenceDot, ReferenceLine, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import {
  ENERGY_BUCKETS,
  ENERGY_GROUPINGS,
  METER_QUANTITIES,
  type EnergyBucket,
  type EnergyGrouping,
  type EnergySummary,
  type EnergySummaryTotal,
  type MeterQuantity,
  type MeterTrend,
  type PowerSeries,
} from '../../src-shared/api/energy.ts';
import { DataTable, useSortedRows } from '../components/DataTable.tsx';
import { Field, Panel } from '../components/Field.tsx';
import { Pill } from '../components/StatusBadge.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { Tile } from '../components/Tile.tsx';
import { columnsToCsv, nextSort, type Column, type SortState } from '../lib/table.ts';
import { csvDialect, csvFileName, downloadText } from '../lib/csv.ts';
import { bucketLabel, niceCeiling, OTHERS_KEY, SERIES_COLOURS, stackedEnergyBars, timeLabel, trendCsv, trendRows } from '../lib/energyCharts.ts';
import { describeError } from '../lib/errors.ts';
import { formatKw, formatKwh, formatNumber } from '../lib/format.ts';
import { useLinkOpen, useLocale } from '../lib/hooks.ts';
import { browserTimeZone, fromLocalInput, presetRange, RANGE_PRESETS, siteLive, toLocalInput, tzOffsetMinutes, type RangePreset } from '../lib/overview.ts';
import { api } from '../store/client.ts';
import { useSiteList, useSites } from '../store/sites.ts';
import { useStations } from '../store/stations.ts';
import { loadTone } from './OverviewView.tsx';

const AXIS = { stroke: '#8a9bad', fontSize: 11 };
const GRID = '#223142';
const LIMIT_COLOUR = '#f0565a';
const TOOLTIP_STYLE = { background: '#101923', border: '1px solid #30445a', color: '#dce5ee', fontSize: 12 };

interface Range {
  preset: RangePreset | 'custom';
  from: string;
  to: string;
  bucket: EnergyBucket;
}

function rangeOf(preset: RangePreset): Range {
  const r = presetRange(preset, new Date());
  return { preset, from: toLocalInput(r.from), to: toLocalInput(r.to), bucket: r.bucket };
}

/** Runs `work` when its inputs change, keeping the answer, the failure and whether it runs. */
function useQuery<T>(work: (() => Promise<T>) | null, deps: readonly unknown[]): { data: T | null; error: unknown; loading: boolean; reload: () => void } {
  const [state, setState] = useState<{ key: string; data: T | null; error: unknown }>({ key: '', data: null, error: null });
  const [tick, setTick] = useState(0);
  const key = JSON.stringify([...deps, tick]);
  useEffect(() => {
    if (!work) return;
    let cancelled = false;
    work()
      .then((data) => !cancelled && setState({ key, data, error: null }))
      .catch((error: unknown) => !cancelled && setState((s) => ({ key, data: s.data, error })));
    return () => {
      cancelled = true;
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, work === null]);
  return { data: state.data, error: state.error, loading: work !== null && state.key !== key, reload: useCallback(() => setTick((n) => n + 1), []) };
}

/** Live power of the stations in scope, sampled every 2 s from the live model (last 15 minutes). */
function useLivePower(stationIds: readonly string[] | null, limitW: number | null): Array<{ t: number; kw: number }> {
  const [state, setState] = useState<{ key: string; points: Array<{ t: number; kw: number }> }>({ key: '', points: [] });
  const key = stationIds?.join('\n') ?? '*';
  useEffect(() => {
    const sample = () => {
      const stations = useStations.getState().stations;
      const live = siteLive(stationIds ?? Object.keys(stations), stations, limitW);
      const now = Date.now();
      const point = { t: now, kw: live.powerW / 1000 };
      setState((s) => ({ key, points: s.key === key ? [...s.points.filter((x) => x.t > now - 15 * 60_000), point] : [point] }));
    };
    const first = setTimeout(sample, 0);
    const timer = setInterval(sample, 2_000);
    return () => {
      clearTimeout(first);
      clearInterval(timer);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [key, limitW]);
  return state.key === key ? state.points : [];
}

function Progress(props: { active: boolean; testId?: string }) {
  const { t } = useTranslation();
  return props.active ? (
    <div className="progress-indeterminate" role="progressbar" aria-label={t('common.loading')} data-testid={props.testId}>
      <div className="progress-bar" />
    </div>
  ) : null;
}

function PowerPanel(props: { series: PowerSeries | null; loading: boolean; live: Array<{ t: number; kw: number }>; limitW: number | null }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const rows = useMemo(() => (props.series?.points ?? []).map((p) => ({ t: Date.parse(p.t), kw: p.w / 1000 })), [props.series]);
  const span = props.series ? Date.parse(props.series.to) - Date.parse(props.series.from) : 0;
  const limitKw = props.limitW === null ? null : props.limitW / 1000;
  const exportCsv = () => {
    if (!props.series) return;
    const columns: Column<{ t: number; kw: number }>[] = [
      { id: 't', label: t('energy.csv.time'), render: () => null, csvValue: (r) => new Date(r.t).toISOString() },
      { id: 'kw', label: t('energy.csv.powerKw'), render: () => null, csvValue: (r) => Math.round(r.kw * 1000) / 1000 },
    ];
    downloadText(csvFileName(t('energy.csv.powerFile')), columnsToCsv(columns, rows, csvDialect(locale)));
  };
  return (
    <Panel
      title={t('energy.power.title')}
      testId="energy-power-panel"
      actions={
        <button type="button" className="button button-small" onClick={exportCsv} disabled={rows.length === 0} data-testid="energy-power-export">
          {t('common.exportCsv')}
        </button>
      }
    >
      <div className="energy-power-grid">
        <div>
          <h3 className="chart-title">{t('energy.power.live')}</h3>
          <div className="chart-box chart-small" data-testid="energy-live-chart">
            <ResponsiveContainer width="100%" height="100%">
              <LineChart data={props.live} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
                <XAxis dataKey="t" type="number" domain={['dataMin', 'dataMax']} tickFormatter={(v: number) => timeLabel(v, 0, locale)} {...AXIS} />
                <YAxis {...AXIS} width={48} unit="" domain={[0, (max: number) => niceCeiling(Math.max(max, limitKw ?? 0) * 1.05)]} />
                <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(v) => timeLabel(Number(v), 0, locale)} formatter={(v) => [`${formatNumber(Number(v), locale, 1)} ${t('units.kw')}`, t('energy.power.kw')]} />
                {limitKw !== null ? <ReferenceLine y={limitKw} stroke={LIMIT_COLOUR} strokeDasharray="6 3" label={{ value: t('energy.power.limit'), fill: LIMIT_COLOUR, fontSize: 11, position: 'insideTopRight' }} /> : null}
                <Line type="monotone" dataKey="kw" stroke={SERIES_COLOURS[0]} dot={false} isAnimationActive={false} strokeWidth={2} />
              </LineChart>
            </ResponsiveContainer>
          </div>
        </div>
        <div>
          <h3 className="chart-title">
            {t('energy.power.history')}
            {props.series ? <span className="muted"> · {t('energy.power.step', { seconds: props.series.stepS })}</span> : null}
          </h3>
          <div className="chart-box" data-testid="energy-power-chart" data-points={rows.length}>
            <Progress active={props.loading} />
            {rows.length === 0 && !props.loading ? <div className="chart-empty">{t('energy.noData')}</div> : null}
            <ResponsiveContainer width="100%" height="100%">
              <AreaChart data={rows} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
                <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
                <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={(v: number) => timeLabel(v, span, locale)} {...AXIS} />
                <YAxis {...AXIS} width={48} domain={[0, (max: number) => niceCeiling(Math.max(max, limitKw ?? 0) * 1.05)]} />
                <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(v) => timeLabel(Number(v), 0, locale)} formatter={(v) => [`${formatNumber(Number(v), locale, 1)} ${t('units.kw')}`, t('energy.power.kw')]} />
                {limitKw !== null ? <ReferenceLine y={limitKw} stroke={LIMIT_COLOUR} strokeDasharray="6 3" label={{ value: t('energy.power.limit'), fill: LIMIT_COLOUR, fontSize: 11, position: 'insideTopRight' }} /> : null}
                <Area type="stepAfter" dataKey="kw" stroke={SERIES_COLOURS[0]} fill={SERIES_COLOURS[0]} fillOpacity={0.25} isAnimationActive={false} />
                {props.series?.peak ? (
                  <ReferenceDot
                    x={Date.parse(props.series.peak.t)}
                    y={props.series.peak.w / 1000}
                    r={4}
                    fill={SERIES_COLOURS[2]}
                    stroke="none"
                    label={{ value: t('energy.power.peak'), fill: SERIES_COLOURS[2], fontSize: 11, position: 'top' }}
                  />
                ) : null}
                {rows.length > 2 ? <Brush dataKey="t" height={22} stroke="#3b9eff" fill="#0d151e" tickFormatter={(v: number) => timeLabel(v, span, locale)} /> : null}
              </AreaChart>
            </ResponsiveContainer>
          </div>
        </div>
      </div>
    </Panel>
  );
}

function EnergyBars(props: { summary: EnergySummary | null; loading: boolean; multiDay: boolean }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const bars = useMemo(() => (props.summary ? stackedEnergyBars(props.summary, 8, t('energy.others'), t('energy.unassigned')) : null), [props.summary, t]);
  return (
    <Panel title={t('energy.bars.title', { grouping: props.summary ? t(`energy.groupBy.${props.summary.groupBy}`) : '' })} testId="energy-bars-panel">
      <div className="chart-box" data-testid="energy-bars-chart" data-buckets={bars?.rows.length ?? 0}>
        <Progress active={props.loading} testId="energy-loading" />
        {bars && bars.keys.length === 0 && !props.loading ? <div className="chart-empty">{t('energy.noData')}</div> : null}
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={bars?.rows ?? []} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={GRID} strokeDasharray="3 3" vertical={false} />
            <XAxis dataKey="bucket" tickFormatter={(v: string) => (props.summary ? bucketLabel(v, props.summary.bucket, locale, props.multiDay) : v)} {...AXIS} />
            <YAxis {...AXIS} width={56} />
            <Tooltip
              contentStyle={TOOLTIP_STYLE}
              cursor={{ fill: 'rgb(59 158 255 / 8%)' }}
              labelFormatter={(v) => (props.summary ? bucketLabel(String(v), props.summary.bucket, locale, true) : String(v))}
              formatter={(v, name) => [`${formatNumber(Number(v), locale, 1)} ${t('units.kwh')}`, String(name)]}
            />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {(bars?.keys ?? []).map((k, i) => (
              <Bar key={k.key} dataKey={k.key} name={k.name} stackId="energy" fill={k.key === OTHERS_KEY ? '#7d8a98' : SERIES_COLOURS[i % SERIES_COLOURS.length]} isAnimationActive={false} />
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
    </Panel>
  );
}

function BreakdownTable(props: { summary: EnergySummary | null; testId: string; title: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<SortState | null>({ columnId: 'energy', direction: 'desc' });
  const total = props.summary?.energyWh ?? 0;
  const columns = useMemo<Column<EnergySummaryTotal>[]>(
    () => [
      { id: 'name', label: t('energy.table.name'), render: (r) => (r.key === '' ? t('energy.unassigned') : r.name), sortValue: (r) => r.name },
      { id: 'energy', label: t('energy.table.energyKwh'), align: 'end', render: (r) => formatKwh(r.energyWh, locale, 1), sortValue: (r) => r.energyWh, csvValue: (r) => Math.round(r.energyWh) / 1000 },
      { id: 'sessions', label: t('energy.table.sessions'), align: 'end', render: (r) => formatNumber(r.sessions, locale), sortValue: (r) => r.sessions },
      {
        id: 'share',
        label: t('energy.table.share'),
        align: 'end',
        render: (r) => (total > 0 ? `${formatNumber((r.energyWh / total) * 100, locale, 1)} %` : '—'),
        sortValue: (r) => r.energyWh,
        csvValue: (r) => (total > 0 ? Math.round((r.energyWh / total) * 1000) / 10 : null),
      },
    ],
    [t, locale, total],
  );
  const filtered = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const rows = props.summary?.totals ?? [];
    return needle === '' ? rows : rows.filter((r) => r.name.toLowerCase().includes(needle) || r.key.toLowerCase().includes(needle));
  }, [props.summary, search]);
  const rows = useSortedRows(filtered, columns, sort);
  const exportCsv = () => downloadText(csvFileName(t('energy.csv.breakdownFile')), columnsToCsv(columns, rows, csvDialect(locale)));
  return (
    <Panel
      title={props.title}
      testId={props.testId}
      actions={
        <>
          <SearchBox value={search} onChange={setSearch} placeholder={t('energy.table.filter')} label={t('energy.table.filter')} />
          <button type="button" className="button button-small" onClick={exportCsv} disabled={rows.length === 0}>
            {t('common.exportCsv')}
          </button>
        </>
      }
    >
      <DataTable columns={columns} rows={rows} rowKey={(r) => r.key} sort={sort} onSort={(id) => setSort(nextSort(sort, id))} empty={t('energy.noData')} label={props.title} className="energy-table" />
    </Panel>
  );
}

function TopStations(props: { summary: EnergySummary | null }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const rows = useMemo(() => (props.summary?.totals ?? []).filter((r) => r.energyWh > 0).slice(0, 10).map((r) => ({ name: r.name, kwh: r.energyWh / 1000, sessions: r.sessions })), [props.summary]);
  return (
    <Panel title={t('energy.top.title')} testId="energy-top-panel">
      <div className="chart-box" style={{ height: Math.max(160, rows.length * 28 + 40) }}>
        {rows.length === 0 ? <div className="chart-empty">{t('energy.noData')}</div> : null}
        <ResponsiveContainer width="100%" height="100%">
          <BarChart data={rows} layout="vertical" margin={{ top: 4, right: 16, bottom: 0, left: 8 }}>
            <CartesianGrid stroke={GRID} strokeDasharray="3 3" horizontal={false} />
            <XAxis type="number" {...AXIS} />
            <YAxis type="category" dataKey="name" width={110} {...AXIS} />
            <Tooltip contentStyle={TOOLTIP_STYLE} cursor={{ fill: 'rgb(59 158 255 / 8%)' }} formatter={(v) => [`${formatNumber(Number(v), locale, 1)} ${t('units.kwh')}`, t('energy.table.energyKwh')]} />
            <Bar dataKey="kwh" fill={SERIES_COLOURS[1]} isAnimationActive={false} />
          </BarChart>
        </ResponsiveContainer>
      </div>
    </Panel>
  );
}

function TrendViewer(props: { stationIds: string[]; from: string; to: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [stationId, setStationId] = useState('');
  const [quantity, setQuantity] = useState<MeterQuantity>('power');
  const [state, setState] = useState<{ trend: MeterTrend | null; error: unknown; loading: boolean }>({ trend: null, error: null, loading: false });
  const station = stationId !== '' && props.stationIds.includes(stationId) ? stationId : (props.stationIds[0] ?? '');
  const plot = () => {
    const from = fromLocalInput(props.from);
    const to = fromLocalInput(props.to);
    if (!station || !from || !to) return;
    setState((s) => ({ ...s, loading: true }));
    api()
      .call('meterTrend', { stationId: station, quantity, from: from.toISOString(), to: to.toISOString(), maxPoints: 1_000 })
      .then((trend) => setState({ trend, error: null, loading: false }))
      .catch((error: unknown) => setState((s) => ({ ...s, error, loading: false })));
  };
  const shaped = useMemo(() => (state.trend ? trendRows(state.trend) : null), [state.trend]);
  const span = state.trend ? Date.parse(state.trend.to) - Date.parse(state.trend.from) : 0;
  const exportCsv = () => {
    if (!state.trend) return;
    const header = ['time', 'station', 'evse', 'connector', 'quantity', 'unit', 'mean', 'min', 'max', 'samples'].map((h) => t(`energy.trend.csv.${h}` as 'energy.trend.csv.time'));
    downloadText(csvFileName(t('energy.csv.trendFile')), trendCsv(state.trend, header, csvDialect(locale)));
  };
  const points = shaped?.rows.length ?? 0;
  return (
    <Panel
      title={t('energy.trend.title')}
      testId="energy-trend-panel"
      actions={
        <button type="button" className="button button-small" onClick={exportCsv} disabled={points === 0} data-testid="trend-export">
          {t('common.exportCsv')}
        </button>
      }
    >
      <div className="toolbar filters">
        <Field label={t('energy.trend.station')}>
          <select value={station} onChange={(e) => setStationId(e.target.value)} data-testid="trend-station">
            {props.stationIds.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('energy.trend.quantity')}>
          <select value={quantity} onChange={(e) => setQuantity(e.target.value as MeterQuantity)} data-testid="trend-quantity">
            {METER_QUANTITIES.map((q) => (
              <option key={q} value={q}>
                {t(`energy.quantity.${q}`)}
              </option>
            ))}
          </select>
        </Field>
        <button type="button" className="button button-primary" onClick={plot} disabled={!station || state.loading} data-testid="trend-plot">
          {t('energy.trend.plot')}
        </button>
        <span className="muted">{t('energy.trend.rangeHint')}</span>
        {state.trend ? (
          <span className="toolbar-count" data-testid="trend-points" data-points={points}>
            {t('energy.trend.points', { count: points })}
            {state.trend.stepS > 0 ? ` · ${t('energy.power.step', { seconds: state.trend.stepS })}` : ''}
          </span>
        ) : null}
      </div>
      {state.error ? <div className="notice tone-fault">{describeError(state.error, t)}</div> : null}
      <div className="chart-box" data-testid="trend-chart">
        <Progress active={state.loading} />
        {state.trend && points === 0 ? <div className="chart-empty">{t('energy.noData')}</div> : null}
        {!state.trend && !state.loading ? <div className="chart-empty">{t('energy.trend.pick')}</div> : null}
        <ResponsiveContainer width="100%" height="100%">
          <LineChart data={shaped?.rows ?? []} margin={{ top: 8, right: 12, bottom: 0, left: 0 }}>
            <CartesianGrid stroke={GRID} strokeDasharray="3 3" />
            <XAxis dataKey="t" type="number" scale="time" domain={['dataMin', 'dataMax']} tickFormatter={(v: number) => timeLabel(v, span, locale)} {...AXIS} />
            <YAxis {...AXIS} width={56} unit={state.trend ? ` ${state.trend.unit}` : ''} />
            <Tooltip contentStyle={TOOLTIP_STYLE} labelFormatter={(v) => timeLabel(Number(v), 0, locale)} formatter={(v, name) => [`${formatNumber(Number(v), locale, 1)} ${state.trend?.unit ?? ''}`, String(name)]} />
            <Legend wrapperStyle={{ fontSize: 12 }} />
            {(shaped?.series ?? []).map((s, i) => (
              <Line key={s.id} dataKey={s.id} name={t('common.connectorN', { n: s.evseId })} stroke={SERIES_COLOURS[i % SERIES_COLOURS.length]} dot={false} connectNulls isAnimationActive={false} strokeWidth={1.5} />
            ))}
            {points > 2 ? <Brush dataKey="t" height={22} stroke="#3b9eff" fill="#0d151e" tickFormatter={(v: number) => timeLabel(v, span, locale)} /> : null}
          </LineChart>
        </ResponsiveContainer>
      </div>
    </Panel>
  );
}

export function EnergyView() {
  const { t } = useTranslation();
  const locale = useLocale();
  const open = useLinkOpen();
  const sites = useSiteList();
  const siteId = useSites((s) => s.siteId);
  const site = sites.find((s) => s.id === siteId) ?? null;
  const allStationIds = useStations((s) => Object.keys(s.stations).sort().join('\n'));
  const stationIds = useMemo(() => (site ? site.stationIds : allStationIds ? allStationIds.split('\n') : []), [site, allStationIds]);
  const limitW = site ? site.maxPowerW : sites.length > 0 ? sites.reduce((sum, s) => sum + (s.maxPowerW ?? 0), 0) || null : null;
  const [range, setRange] = useState<Range>(() => rangeOf('today'));
  const [groupBy, setGroupBy] = useState<EnergyGrouping>('station');
  const from = fromLocalInput(range.from);
  const to = fromLocalInput(range.to);
  const rangeError = !from || !to ? t('energy.range.invalid') : from >= to ? t('energy.range.reversed') : null;
  const ready = open && rangeError === null && from !== null && to !== null;
  const scope = site ? { siteId: site.id } : {};
  const query = ready ? { from: from.toISOString(), to: to.toISOString(), tzOffsetMinutes: tzOffsetMinutes(from), ...browserTimeZone(), ...scope } : null;
  const deps = [query?.from, query?.to, siteId, range.bucket];
  const summary = useQuery(query ? () => api().call('energySummary', { ...query, bucket: range.bucket, groupBy }) : null, [...deps, groupBy]);
  const byStation = useQuery(query ? () => api().call('energySummary', { ...query, bucket: range.bucket, groupBy: 'station' }) : null, deps);
  const power = useQuery(query ? () => api().call('powerSeries', { from: query.from, to: query.to, ...scope, maxPoints: 600 }) : null, deps);
  const live = useLivePower(site ? site.stationIds : null, limitW);
  const livePowerW = (live[live.length - 1]?.kw ?? 0) * 1000;
  const peak = power.data?.peak ?? null;
  const multiDay = from !== null && to !== null && to.getTime() - from.getTime() > 86_400_000;
  const reload = () => {
    if (range.preset !== 'custom') setRange(rangeOf(range.preset));
    summary.reload();
    byStation.reload();
    power.reload();
  };
  const error = summary.error ?? power.error ?? byStation.error;
  // A range that reaches now is re-read every 30 s (presets move with the clock).
  const latest = useRef({ reload, from, to, preset: range.preset });
  useEffect(() => {
    latest.current = { reload, from, to, preset: range.preset };
  });
  useEffect(() => {
    if (!open) return;
    const timer = setInterval(() => {
      const { reload: again, from: f, to: t, preset } = latest.current;
      const now = Date.now();
      if (f && t && f.getTime() <= now && (preset !== 'custom' || t.getTime() > now)) again();
    }, 30_000);
    return () => clearInterval(timer);
  }, [open]);
  return (
    <div className="view" data-testid="view-energy">
      <div className="view-header">
        <h1>{t('nav.energy')}</h1>
        <Pill tone="info" testId="energy-scope">
          {site ? site.name : t('energy.allSites')}
        </Pill>
      </div>
      <div className="toolbar filters energy-toolbar">
        <div className="segmented" role="group" aria-label={t('energy.range.label')}>
          {RANGE_PRESETS.map((p) => (
            <button key={p} type="button" className={range.preset === p ? 'active' : ''} aria-pressed={range.preset === p} onClick={() => setRange(rangeOf(p))} data-testid={`range-${p}`}>
              {t(`energy.range.${p}`)}
            </button>
          ))}
        </div>
        <Field label={t('energy.range.from')}>
          <input type="datetime-local" value={range.from} onChange={(e) => setRange({ ...range, preset: 'custom', from: e.target.value })} data-testid="range-from" />
        </Field>
        <Field label={t('energy.range.to')}>
          <input type="datetime-local" value={range.to} onChange={(e) => setRange({ ...range, preset: 'custom', to: e.target.value })} data-testid="range-to" />
        </Field>
        <Field label={t('energy.bucket.label')}>
          <select value={range.bucket} onChange={(e) => setRange({ ...range, bucket: e.target.value as EnergyBucket })} data-testid="energy-bucket">
            {ENERGY_BUCKETS.map((b) => (
              <option key={b} value={b}>
                {t(`energy.bucket.${b}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('energy.groupBy.label')}>
          <select value={groupBy} onChange={(e) => setGroupBy(e.target.value as EnergyGrouping)} data-testid="energy-group-by">
            {ENERGY_GROUPINGS.map((g) => (
              <option key={g} value={g}>
                {t(`energy.groupBy.${g}`)}
              </option>
            ))}
          </select>
        </Field>
        <button type="button" className="button" onClick={reload} disabled={!ready} data-testid="energy-refresh">
          {t('common.refresh')}
        </button>
      </div>
      {rangeError ? <div className="notice tone-warn" data-testid="energy-range-error">{rangeError}</div> : null}
      {error ? <div className="notice tone-fault">{describeError(error, t)}</div> : null}
      <div className="tiles">
        <Tile label={t('energy.tiles.energy')} value={summary.data ? `${formatKwh(summary.data.energyWh, locale, 1)} ${t('units.kwh')}` : '…'} tone="info" testId="energy-total" />
        <Tile label={t('energy.tiles.sessions')} value={summary.data ? formatNumber(summary.data.sessions, locale) : '…'} tone="active" testId="energy-sessions" />
        <Tile
          label={t('energy.tiles.peak')}
          value={peak ? `${formatKw(peak.w, locale)} ${t('units.kw')}` : '—'}
          sub={peak && limitW ? t('energy.tiles.peakOfLimit', { percent: formatNumber((peak.w / limitW) * 100, locale, 0), limit: formatKw(limitW, locale) }) : undefined}
          tone={peak && limitW ? loadTone(peak.w / limitW) : 'idle'}
          testId="energy-peak"
        />
        <Tile
          label={t('energy.tiles.live')}
          value={`${formatKw(livePowerW, locale)} ${t('units.kw')}`}
          sub={limitW ? t('energy.tiles.peakOfLimit', { percent: formatNumber((livePowerW / limitW) * 100, locale, 0), limit: formatKw(limitW, locale) }) : undefined}
          tone={limitW ? loadTone(livePowerW / limitW) : 'active'}
        />
      </div>
      <PowerPanel series={power.data} loading={power.loading} live={live} limitW={limitW} />
      <div className="energy-grid">
        <EnergyBars summary={summary.data} loading={summary.loading} multiDay={multiDay} />
        <TopStations summary={byStation.data} />
      </div>
      <BreakdownTable summary={summary.data} testId="energy-breakdown" title={t('energy.table.title', { grouping: t(`energy.groupBy.${groupBy}`) })} />
      <TrendViewer stationIds={stationIds} from={range.from} to={range.to} />
    </div>
  );
}
