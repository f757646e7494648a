// One station: identity, live connectors, every operator command, command history.
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { CommandRecord, ConfigurationEntry, ConnectorState, StationState, Transaction } from '../../src-shared/domain/index.ts';
import { AlarmMessage } from '../components/AlarmMessage.tsx';
import { AlarmStatePill, SeverityPill } from '../components/AlarmPills.tsx';
import { DataTable, useSortedRows } from '../components/DataTable.tsx';
import { Field, Panel } from '../components/Field.tsx';
import { LinkBadge, Pill, StatusBadge } from '../components/StatusBadge.tsx';
import { isUnacknowledged, listAlarms, msToIso } from '../lib/alarms.ts';
import { csvDialect, csvFileName, downloadText } from '../lib/csv.ts';
import { DASH, formatDateTime, formatKw, formatKwh, formatNumber, formatPercent, formatTime } from '../lib/format.ts';
import { describeError } from '../lib/errors.ts';
import { useLinkOpen, useLocale } from '../lib/hooks.ts';
import { outcomeTone } from '../lib/status.ts';
import { columnsToCsv, nextSort, type Column, type SortState } from '../lib/table.ts';
import { useAlarms } from '../store/alarms.ts';
import { useBadges } from '../store/badges.ts';
import { useCommands } from '../store/commands.ts';
import { useStations } from '../store/stations.ts';
import { routeHash } from '../store/ui.ts';
import { useMayUse } from '../store/session.ts';
import { acknowledgeOne, decideRegistration, stopCharge } from './actions.ts';
import { CommandCard } from './CommandCard.tsx';
import { protocolLabel } from './StationsView.tsx';
import { ConfigurationPanel } from './station-page/ConfigurationPanel.tsx';
import { OcppLogPanel } from './station-page/OcppLogPanel.tsx';
import { PowerPanel } from './station-page/PowerPanel.tsx';

/** The station's alarms in the live list (most severe first), near the top of its page. */
function StationAlarms({ stationId }: { stationId: string }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const linkOpen = useLinkOpen();
  const alarmsById = useAlarms((s) => s.alarms);
  const alarms = useMemo(() => listAlarms(Object.values(alarmsById), { stationIds: [stationId], includeShelved: true }), [alarmsById, stationId]);
  const [busy, setBusy] = useState<string | null>(null);
  return (
    <Panel
      title={t('alarms.station.title')}
      className="station-alarms"
      testId="station-alarms"
      actions={
        <a className="button button-small" href={routeHash({ view: 'alarms', stationId: null })}>
          {t('alarms.station.all')}
        </a>
      }
    >
      {alarms.length === 0 ? (
        <div className="station-alarms-none">{t('alarms.station.none')}</div>
      ) : (
        alarms.map((a) => (
          <div key={a.id} className={`station-alarm sev-${a.severity}`} data-testid={`station-alarm-${a.id}`} data-state={a.state}>
            <SeverityPill severity={a.severity} />
            <AlarmStatePill state={a.state} />
            <span className="num" title={formatDateTime(msToIso(a.raisedAt), locale)}>
              {formatTime(new Date(a.raisedAt), locale)}
            </span>
            <span className="message">
              <AlarmMessage alarm={a} />
              {a.shelving ? <span className="muted"> · {t('alarms.flags.shelved')}</span> : null}
            </span>
            {isUnacknowledged(a) ? (
              <button
                type="button"
                className="button button-small button-primary"
                disabled={!linkOpen || busy === a.id}
                onClick={() => {
                  setBusy(a.id);
                  void acknowledgeOne(a, t).finally(() => setBusy(null));
                }}
                data-testid={`station-alarm-ack-${a.id}`}
              >
                {t('alarms.banner.acknowledge')}
              </button>
            ) : (
              <span className="muted">{a.acknowledgement?.by ?? ''}</span>
            )}
          </div>
        ))
      )}
    </Panel>
  );
}

const TRIGGERS = ['BootNotification', 'Heartbeat', 'StatusNotification', 'MeterValues'] as const;
type Trigger = (typeof TRIGGERS)[number];

function Identity({ station }: { station: StationState }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const items: [string, string, string][] = [
    ['vendor', t('station.vendor'), station.vendor ?? DASH],
    ['model', t('station.model'), station.model ?? DASH],
    ['serial', t('station.serial'), station.serialNumber ?? DASH],
    ['firmware', t('station.firmware'), station.firmwareVersion ?? DASH],
    ['protocol', t('station.protocol'), protocolLabel(station.protocol)],
    ['lastSeen', t('station.lastSeen'), formatDateTime(station.lastSeenAt, locale)],
    ['bootedAt', t('station.bootedAt'), formatDateTime(station.bootedAt, locale)],
    ['remoteAddress', t('station.remoteAddress'), station.remoteAddress ?? DASH],
    ['group', t('station.group'), station.group ?? DASH],
    ['maxPower', t('station.maxPower'), station.maxPowerW === null ? DASH : `${formatKw(station.maxPowerW, locale)} ${t('units.kw')}`],
    ['heartbeat', t('station.heartbeat'), `${station.heartbeatIntervalS} ${t('units.s')}`],
    ['origin', t('station.origin'), station.declared ? t('station.declared') : t('station.selfRegistered')],
  ];
  return (
    <Panel title={t('station.identity')} className="identity-panel">
      <dl className="facts">
        {items.map(([key, label, value]) => (
          <div key={key} className="fact">
            <dt>{label}</dt>
            <dd data-testid={`identity-${key}`}>{value}</dd>
          </div>
        ))}
      </dl>
    </Panel>
  );
}

/** "3 × 16.0" for a balanced three-phase charge, else the phases present ("375.0" for DC). */
function formatCurrents(currentA: ConnectorState['currentA'], locale: string): string {
  const present = currentA.filter((a): a is number => a !== null);
  if (present.length === 0) return DASH;
  const first = present[0] ?? 0;
  if (present.length === 3 && present.every((a) => Math.abs(a - first) < 0.05)) return `3 × ${formatNumber(first, locale, 1)}`;
  return present.map((a) => formatNumber(a, locale, 1)).join(' / ');
}

/** Time only for today (the common case), full date otherwise; the full stamp is in the tooltip. */
function ShortTime({ iso, locale }: { iso: string | null; locale: string }) {
  if (!iso) return <>{DASH}</>;
  const d = new Date(iso);
  const today = new Date().toDateString() === d.toDateString();
  return <span title={formatDateTime(iso, locale)}>{today ? formatTime(d, locale) : formatDateTime(iso, locale)}</span>;
}

function ConnectorCard({ station, connector, transaction }: { station: StationState; connector: ConnectorState; transaction: Transaction | undefined }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const linkOpen = useLinkOpen();
  const mayStop = useMayUse('sendCommand', { stationId: station.id, command: { kind: 'remoteStop' } });
  const c = connector;
  const key = `${station.id}-${c.evseId}`;
  const charging = c.transactionId !== null;
  const currents = formatCurrents(c.currentA, locale);
  return (
    <div className={`connector-card ${charging ? 'has-transaction' : ''}`} data-testid={`connector-card-${key}`}>
      <div className="connector-card-header">
        <span className="connector-title">{t('common.connectorN', { n: c.evseId })}</span>
        <StatusBadge status={c.status} online={station.connected} errorCode={c.errorCode} testId={`connector-status-${key}`} />
        <div className="toolbar-spacer" />
        {charging && mayStop ? (
          <button type="button" className="button button-small button-danger" disabled={!station.connected || !linkOpen} onClick={() => void stopCharge(station, c, t)} data-testid={`stop-button-${key}`}>
            {t('stations.stop')}
          </button>
        ) : null}
      </div>
      <div className="connector-values">
        <div className="value-big">
          <span className="value-label">{t('station.power')}</span>
          <span className="value-number" data-testid={`connector-power-${key}`}>
            {formatKw(c.powerW, locale)} <small>{t('units.kw')}</small>
          </span>
        </div>
        <div className="value-big">
          <span className="value-label">{t('station.sessionEnergy')}</span>
          <span className="value-number">
            {formatKwh(charging ? (transaction?.energyWh ?? null) : null, locale)} <small>{t('units.kwh')}</small>
          </span>
        </div>
        <div className="value-big">
          <span className="value-label">{t('station.soc')}</span>
          <span className="value-number">
            {charging ? formatPercent(c.soc, locale) : DASH} <small>{t('units.percent')}</small>
          </span>
        </div>
      </div>
      <dl className="facts compact">
        <div className="fact">
          <dt>{t('station.badge')}</dt>
          <dd className="mono">{c.idTag ?? DASH}</dd>
        </div>
        <div className="fact">
          <dt>{t('station.transaction')}</dt>
          <dd className="mono" data-testid={`connector-transaction-${key}`}>
            {c.transactionId ?? DASH}
          </dd>
        </div>
        <div className="fact">
          <dt>{t('station.meter')}</dt>
          <dd>
            {formatKwh(c.energyWh, locale, 1)} {t('units.kwh')}
          </dd>
        </div>
        <div className="fact">
          <dt>{t('station.current')}</dt>
          <dd>
            {currents} {currents === DASH ? '' : t('units.a')}
          </dd>
        </div>
        <div className="fact">
          <dt>{t('station.errorCode')}</dt>
          <dd>{c.errorCode && c.errorCode !== 'NoError' ? c.errorCode : DASH}</dd>
        </div>
        <div className="fact">
          <dt>{t('station.updated')}</dt>
          <dd>
            <ShortTime iso={c.updatedAt} locale={locale} />
          </dd>
        </div>
      </dl>
    </div>
  );
}

function ConnectorSelect(props: { station: StationState; value: number; onChange: (evseId: number) => void; allowStation?: string; testId: string }) {
  const { t } = useTranslation();
  return (
    <select value={props.value} onChange={(e) => props.onChange(Number(e.target.value))} data-testid={props.testId}>
      {props.allowStation ? <option value={0}>{props.allowStation}</option> : null}
      {props.station.connectors.map((c) => (
        <option key={c.evseId} value={c.evseId}>
          {t('common.connectorN', { n: c.evseId })}
        </option>
      ))}
    </select>
  );
}

function Commands({ station, onConfiguration }: { station: StationState; onConfiguration: (entries: ConfigurationEntry[]) => void }) {
  const { t } = useTranslation();
  const badges = useBadges((s) => s.badges);
  const first = station.connectors[0]?.evseId ?? 1;
  const [startEvse, setStartEvse] = useState(first);
  const [startTag, setStartTag] = useState('');
  const [resetType, setResetType] = useState<'soft' | 'hard'>('soft');
  const [unlockEvse, setUnlockEvse] = useState(first);
  const [availEvse, setAvailEvse] = useState(0);
  const [operative, setOperative] = useState(true);
  const [configKeys, setConfigKeys] = useState('');
  const [knownKeys, setKnownKeys] = useState<string[]>([]);
  const [changeKey, setChangeKey] = useState('');
  const [changeValue, setChangeValue] = useState('');
  const [trigger, setTrigger] = useState<Trigger>('StatusNotification');
  const [triggerEvse, setTriggerEvse] = useState(0);
  const [vendorId, setVendorId] = useState('');
  const [messageId, setMessageId] = useState('');
  const [data, setData] = useState('');
  const linkOpen = useLinkOpen();
  const disabled = !station.connected || !linkOpen;
  const active = station.connectors.filter((c) => c.transactionId !== null);
  const unlockConnector = station.connectors.find((c) => c.evseId === unlockEvse);
  const badgeList = useMemo(() => Object.values(badges).filter((b) => b.status === 'Accepted').map((b) => b.idTag).sort(), [badges]);

  return (
    <Panel title={t('station.commands')} testId="commands-panel">
      {!station.connected ? (
        <p className="notice tone-warn" data-testid="offline-hint">
          {t('station.offlineHint')}
        </p>
      ) : null}
      <div className="command-grid">
        <CommandCard
          id="remoteStart"
          stationId={station.id}
          title={t('commands.remoteStart.title')}
          submitLabel={t('commands.remoteStart.submit')}
          disabled={disabled}
          build={() => (startTag.trim() ? { kind: 'remoteStart', evseId: startEvse, idTag: startTag.trim() } : null)}
        >
          <Field label={t('commands.connector')}>
            <ConnectorSelect station={station} value={startEvse} onChange={setStartEvse} testId="remoteStart-connector" />
          </Field>
          <Field label={t('commands.remoteStart.idTag')}>
            <input value={startTag} onChange={(e) => setStartTag(e.target.value)} list="badge-list" maxLength={20} data-testid="remoteStart-idTag" spellCheck={false} />
            <datalist id="badge-list">
              {badgeList.map((b) => (
                <option key={b} value={b} />
              ))}
            </datalist>
          </Field>
        </CommandCard>

        <div className="command-card" data-testid="command-remoteStop">
          <h3>{t('commands.remoteStop.title')}</h3>
          <p className="hint">{active.length > 0 ? t('commands.remoteStop.hint') : t('commands.remoteStop.none')}</p>
          <div className="inline-actions wrap">
            {active.map((c) => (
              <button key={c.evseId} type="button" className="button button-danger" disabled={disabled} onClick={() => void stopCharge(station, c, t)}>
                {`${t('stations.stop')} · ${t('common.connectorN', { n: c.evseId })}`}
              </button>
            ))}
          </div>
        </div>

        <CommandCard
          id="reset"
          stationId={station.id}
          title={t('commands.reset.title')}
          submitLabel={t('commands.reset.submit')}
          danger
          disabled={disabled}
          build={() => ({ kind: 'reset', type: resetType })}
          confirm={() => ({
            title: t('commands.reset.confirmTitle', { stationId: station.id }),
            message: resetType === 'soft' ? t('commands.reset.confirmSoft') : t('commands.reset.confirmHard'),
            confirmLabel: t('commands.reset.submit'),
            danger: true,
          })}
        >
          <Field label={t('commands.reset.type')}>
            <select value={resetType} onChange={(e) => setResetType(e.target.value === 'hard' ? 'hard' : 'soft')} data-testid="reset-type">
              <option value="soft">{t('commands.reset.soft')}</option>
              <option value="hard">{t('commands.reset.hard')}</option>
            </select>
          </Field>
        </CommandCard>

        <CommandCard
          id="unlock"
          stationId={station.id}
          title={t('commands.unlock.title')}
          submitLabel={t('commands.unlock.submit')}
          disabled={disabled}
          build={() => (unlockConnector ? { kind: 'unlock', evseId: unlockConnector.evseId, connectorId: unlockConnector.connectorId } : null)}
        >
          <Field label={t('commands.connector')}>
            <ConnectorSelect station={station} value={unlockEvse} onChange={setUnlockEvse} testId="unlock-connector" />
          </Field>
        </CommandCard>

        <CommandCard
          id="changeAvailability"
          stationId={station.id}
          title={t('commands.availability.title')}
          submitLabel={t('commands.availability.submit')}
          disabled={disabled}
          build={() => ({ kind: 'changeAvailability', evseId: availEvse, operative })}
        >
          <Field label={t('commands.availability.target')}>
            <ConnectorSelect station={station} value={availEvse} onChange={setAvailEvse} allowStation={t('commands.availability.wholeStation')} testId="availability-target" />
          </Field>
          <Field label={t('commands.availability.state')}>
            <select value={operative ? 'operative' : 'inoperative'} onChange={(e) => setOperative(e.target.value === 'operative')} data-testid="availability-state">
              <option value="operative">{t('commands.availability.operative')}</option>
              <option value="inoperative">{t('commands.availability.inoperative')}</option>
            </select>
          </Field>
        </CommandCard>

        <CommandCard
          id="getConfiguration"
          stationId={station.id}
          title={t('commands.getConfiguration.title')}
          submitLabel={t('commands.getConfiguration.submit')}
          disabled={disabled}
          build={() => {
            const keys = configKeys
              .split(',')
              .map((k) => k.trim())
              .filter(Boolean);
            return keys.length ? { kind: 'getConfiguration', keys } : { kind: 'getConfiguration' };
          }}
          onResult={(r) => {
            if (!r.configuration) return;
            onConfiguration(r.configuration);
            setKnownKeys(r.configuration.filter((e) => !e.readonly).map((e) => e.key));
          }}
        >
          <Field label={t('commands.getConfiguration.keys')} wide>
            <input value={configKeys} onChange={(e) => setConfigKeys(e.target.value)} data-testid="getConfiguration-keys" spellCheck={false} />
          </Field>
        </CommandCard>

        <CommandCard
          id="changeConfiguration"
          stationId={station.id}
          title={t('commands.changeConfiguration.title')}
          submitLabel={t('commands.changeConfiguration.submit')}
          disabled={disabled}
          build={() => (changeKey.trim() ? { kind: 'changeConfiguration', key: changeKey.trim(), value: changeValue } : null)}
        >
          <Field label={t('commands.changeConfiguration.key')}>
            <input value={changeKey} onChange={(e) => setChangeKey(e.target.value)} list="config-keys" maxLength={50} data-testid="changeConfiguration-key" spellCheck={false} />
            <datalist id="config-keys">
              {knownKeys.map((k) => (
                <option key={k} value={k} />
              ))}
            </datalist>
          </Field>
          <Field label={t('commands.changeConfiguration.value')}>
            <input value={changeValue} onChange={(e) => setChangeValue(e.target.value)} maxLength={500} data-testid="changeConfiguration-value" spellCheck={false} />
          </Field>
        </CommandCard>

        <CommandCard
          id="clearCache"
          stationId={station.id}
          title={t('commands.clearCache.title')}
          hint={t('commands.clearCache.hint')}
          submitLabel={t('commands.clearCache.submit')}
          disabled={disabled}
          build={() => ({ kind: 'clearCache' })}
        />

        <CommandCard
          id="triggerMessage"
          stationId={station.id}
          title={t('commands.triggerMessage.title')}
          submitLabel={t('commands.triggerMessage.submit')}
          disabled={disabled}
          build={() => (triggerEvse > 0 ? { kind: 'triggerMessage', message: trigger, evseId: triggerEvse } : { kind: 'triggerMessage', message: trigger })}
        >
          <Field label={t('commands.triggerMessage.message')} wide>
            <select value={trigger} onChange={(e) => setTrigger(TRIGGERS.find((m) => m === e.target.value) ?? 'StatusNotification')} data-testid="triggerMessage-message">
              {TRIGGERS.map((m) => (
                <option key={m} value={m}>
                  {m}
                </option>
              ))}
            </select>
          </Field>
          <Field label={t('commands.triggerMessage.connector')}>
            <ConnectorSelect station={station} value={triggerEvse} onChange={setTriggerEvse} allowStation={t('commands.triggerMessage.stationWide')} testId="triggerMessage-connector" />
          </Field>
        </CommandCard>

        <CommandCard
          id="dataTransfer"
          stationId={station.id}
          title={t('commands.dataTransfer.title')}
          submitLabel={t('commands.dataTransfer.submit')}
          disabled={disabled}
          build={() => {
            if (!vendorId.trim()) return null;
            return {
              kind: 'dataTransfer',
              vendorId: vendorId.trim(),
              ...(messageId.trim() ? { messageId: messageId.trim() } : {}),
              ...(data ? { data } : {}),
            };
          }}
        >
          <Field label={t('commands.dataTransfer.vendorId')}>
            <input value={vendorId} onChange={(e) => setVendorId(e.target.value)} maxLength={255} data-testid="dataTransfer-vendorId" spellCheck={false} />
          </Field>
          <Field label={t('commands.dataTransfer.messageId')}>
            <input value={messageId} onChange={(e) => setMessageId(e.target.value)} maxLength={50} data-testid="dataTransfer-messageId" spellCheck={false} />
          </Field>
          <Field label={t('commands.dataTransfer.data')} wide>
            <input value={data} onChange={(e) => setData(e.target.value)} data-testid="dataTransfer-data" spellCheck={false} />
          </Field>
        </CommandCard>
      </div>
    </Panel>
  );
}

function History({ stationId }: { stationId: string }) {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const records = useCommands((s) => s.byStation[stationId]);
  const error = useCommands((s) => s.errors[stationId] ?? null);
  const load = useCommands((s) => s.load);
  const [sort, setSort] = useState<SortState | null>({ columnId: 'sentAt', direction: 'desc' });
  const linkOpen = useLinkOpen();
  useEffect(() => {
    if (linkOpen) void load(stationId);
  }, [stationId, load, linkOpen]);
  const columns = useMemo<Column<CommandRecord>[]>(
    () => [
      { id: 'sentAt', label: t('station.historyColumns.sentAt'), width: '11rem', sortValue: (r) => r.sentAt, render: (r) => formatDateTime(r.sentAt, locale) },
      { id: 'action', label: t('station.historyColumns.action'), width: '13rem', sortValue: (r) => r.action, render: (r) => <span className="mono">{r.action}</span> },
      {
        id: 'outcome',
        label: t('station.historyColumns.outcome'),
        width: '7.5rem',
        sortValue: (r) => r.outcome,
        render: (r) => <Pill tone={outcomeTone(r.outcome)}>{t(`outcome.${r.outcome}`)}</Pill>,
      },
      { id: 'status', label: t('station.historyColumns.status'), width: '9rem', sortValue: (r) => r.status, render: (r) => <span className="mono">{r.status}</span> },
      { id: 'operator', label: t('station.historyColumns.operator'), width: '7rem', sortValue: (r) => r.operator, render: (r) => r.operator ?? DASH },
      { id: 'answeredAt', label: t('station.historyColumns.answeredAt'), width: '11rem', sortValue: (r) => r.answeredAt, render: (r) => formatDateTime(r.answeredAt, locale) },
      {
        id: 'request',
        label: t('station.historyColumns.request'),
        csvValue: (r) => JSON.stringify(r.request),
        render: (r) => {
          const text = JSON.stringify(r.request);
          return (
            <span className="mono ellipsis" title={text}>
              {text}
            </span>
          );
        },
      },
    ],
    [t, locale],
  );
  const rows = useSortedRows(records ?? [], columns, sort);
  return (
    <Panel
      title={t('station.history')}
      testId="history-panel"
      actions={
        <button
          type="button"
          className="button"
          disabled={rows.length === 0}
          onClick={() => downloadText(csvFileName(`${t('station.historyCsvFile')}-${stationId}`), columnsToCsv(columns, rows, csvDialect(i18n.language)))}
        >
          {t('common.exportCsv')}
        </button>
      }
    >
      {error ? <p className="notice tone-fault">{describeError(error, t)}</p> : null}
      <DataTable
        label={t('station.history')}
        testId="history-table"
        columns={columns}
        rows={rows}
        rowKey={(r) => r.id}
        sort={sort}
        onSort={(id) => setSort(nextSort(sort, id))}
        rowAttributes={(r) => ({ 'data-testid': `history-row-${r.id}` })}
        empty={records ? t('station.historyEmpty') : t('common.loading')}
      />
    </Panel>
  );
}

export function StationView({ stationId }: { stationId: string }) {
  const { t } = useTranslation();
  const station = useStations((s) => s.stations[stationId]);
  const loaded = useStations((s) => s.loaded);
  const open = useStations((s) => s.openTransactions);
  const [configuration, setConfiguration] = useState<ConfigurationEntry[] | null>(null);
  const mayReserve = useMayUse('createReservation');

  const back = (
    <a className="back-link" href="#/stations" data-testid="back-to-stations">
      ← {t('station.back')}
    </a>
  );
  if (!station) {
    return (
      <div className="view" data-testid="view-station">
        {back}
        <p className="notice">{loaded ? t('station.notFound', { id: stationId }) : t('common.loading')}</p>
      </div>
    );
  }
  return (
    <div className="view" data-testid="view-station" data-station-id={station.id}>
      {back}
      <div className="view-header station-header">
        <h1 className="mono-title">{station.id}</h1>
        <LinkBadge connected={station.connected} testId="station-link-state" />
        <StatusBadge status={station.status} online={station.connected} errorCode={station.errorCode} testId="station-status" />
        <Pill tone={station.registration === 'accepted' ? 'ok' : station.registration === 'pending' ? 'warn' : 'fault'} status={station.registration}>
          {t(`registration.${station.registration}`)}
        </Pill>
        <span className="muted">{protocolLabel(station.protocol)}</span>
        {mayReserve && station.registration === 'accepted' ? (
          <a className="button button-small" href={routeHash({ view: 'reservations', stationId: station.id })} data-testid="station-reserve">
            {t('reservations.reserveHere')}
          </a>
        ) : null}
        {station.registration === 'pending' ? (
          <div className="inline-actions">
            <button type="button" className="button button-primary" onClick={() => void decideRegistration(station.id, 'accept', t)} data-testid="station-accept">
              {t('stations.accept')}
            </button>
            <button type="button" className="button" onClick={() => void decideRegistration(station.id, 'reject', t)} data-testid="station-reject">
              {t('stations.reject')}
            </button>
          </div>
        ) : null}
      </div>
      <StationAlarms stationId={station.id} />
      <div className="station-grid">
        <Identity station={station} />
        <Panel title={t('station.connectors')} className="connectors-panel">
          <div className="connector-cards">
            {station.connectors.map((c) => (
              <ConnectorCard key={`${c.evseId}-${c.connectorId}`} station={station} connector={c} transaction={c.transactionId === null ? undefined : open[c.transactionId]} />
            ))}
          </div>
        </Panel>
      </div>
      <PowerPanel station={station} />
      <Commands station={station} onConfiguration={setConfiguration} />
      <ConfigurationPanel station={station} entries={configuration} onEntries={setConfiguration} />
      <OcppLogPanel stationId={station.id} />
      <History stationId={station.id} />
    </div>
  );
}
