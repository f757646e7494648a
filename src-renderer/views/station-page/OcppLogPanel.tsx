// The station's OCPP message log: recent frames from the archive (stationFrames), then live
// `ocppFrame` events this connection subscribed to (watchStationFrames) while the page is open.
// Filter by action or text and by direction, pause/resume (frames that arrive while paused are
// kept and shown on resume), export what is shown as CSV or JSON.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { OcppFrameRecord } from '../../../src-shared/domain/index.ts';
import { DataTable, useSortedRows } from '../../components/DataTable.tsx';
import { Panel } from '../../components/Field.tsx';
import { SearchBox } from '../../components/SearchBox.tsx';
import { Pill } from '../../components/StatusBadge.tsx';
import { csvDialect, csvFileName, downloadText } from '../../lib/csv.ts';
import { describeError } from '../../lib/errors.ts';
import { DASH, formatDateTime, formatTime } from '../../lib/format.ts';
import { useLinkOpen, useLocale } from '../../lib/hooks.ts';
import { EMPTY_LOG, appendFrames, logToCsv, logToJson, matchesLogFilter, type LogEntry, type LogFilter, type LogState } from '../../lib/ocpp-log.ts';
import { nextSort, type Column, type SortState } from '../../lib/table.ts';
import { api } from '../../store/client.ts';
import { onEventBatch } from '../../store/events.ts';

const KIND_TONE = { call: 'info', result: 'ok', error: 'fault', invalid: 'warn' } as const;

export function OcppLogPanel({ stationId }: { stationId: string }) {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const linkOpen = useLinkOpen();
  const [log, setLog] = useState<LogState>(EMPTY_LOG);
  const [paused, setPaused] = useState(false);
  const [held, setHeld] = useState<OcppFrameRecord[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [filter, setFilter] = useState<LogFilter>({ text: '', direction: 'all' });
  const [sort, setSort] = useState<SortState | null>({ columnId: 'at', direction: 'desc' });
  const pausedRef = useRef(paused);
  useEffect(() => {
    pausedRef.current = paused;
  }, [paused]);

  useEffect(() => {
    if (!linkOpen) return;
    let cancelled = false;
    // Frames arriving before the archive's answer are kept and added after it.
    let early: OcppFrameRecord[] | null = [];
    const deliver = (frames: OcppFrameRecord[]) => {
      if (frames.length === 0) return;
      if (pausedRef.current) setHeld((h) => [...h, ...frames].slice(-2000));
      else setLog((l) => appendFrames(l, frames));
    };
    const off = onEventBatch((events) => {
      const frames = events.flatMap((e) => (e.type === 'ocppFrame' && e.frame.stationId === stationId ? [e.frame] : []));
      if (early) early.push(...frames);
      else deliver(frames);
    });
    const client = api();
    void client.call('watchStationFrames', { stationId, watch: true }).catch((e: unknown) => {
      if (!cancelled) setError(e);
    });
    client
      .call('stationFrames', { stationId, limit: 300 })
      .then((recent) => {
        if (cancelled) return;
        const lastId = recent[0]?.id ?? 0;
        setLog(appendFrames(EMPTY_LOG, [...recent].reverse()));
        // Live frames the archive already had are those logged before its newest row; live
        // frames carry no id, so keep those stamped after the archive's newest frame.
        const newest = recent[0]?.at ?? '';
        const rest = (early ?? []).filter((f) => lastId === 0 || f.at > newest);
        early = null;
        deliver(rest);
        setError(null);
      })
      .catch((e: unknown) => {
        early = null;
        if (!cancelled) setError(e);
      });
    return () => {
      cancelled = true;
      off();
      void client.call('watchStationFrames', { stationId, watch: false }).catch(() => undefined);
    };
  }, [stationId, linkOpen]);

  const resume = () => {
    setPaused(false);
    setLog((l) => appendFrames(l, held));
    setHeld([]);
  };

  const columns = useMemo<Column<LogEntry>[]>(
    () => [
      {
        id: 'at',
        label: t('stationPage.log.time'),
        width: '7.5rem',
        sortValue: (e) => e.at,
        csvValue: (e) => e.at,
        render: (e) => <span title={formatDateTime(e.at, locale)}>{formatTime(new Date(e.at), locale)}</span>,
      },
      {
        id: 'direction',
        label: t('stationPage.log.direction'),
        width: '8.5rem',
        sortValue: (e) => e.direction,
        render: (e) => <span className={`log-direction-${e.direction}`}>{e.direction === 'in' ? `← ${t('stationPage.log.in')}` : `→ ${t('stationPage.log.out')}`}</span>,
      },
      {
        id: 'kind',
        label: t('stationPage.log.kind'),
        width: '6.5rem',
        sortValue: (e) => e.kind,
        render: (e) => <Pill tone={KIND_TONE[e.kind]}>{t(`stationPage.log.kinds.${e.kind}`)}</Pill>,
      },
      { id: 'action', label: t('stationPage.log.action'), width: '12rem', sortValue: (e) => e.action, render: (e) => <span className="mono">{e.action ?? DASH}</span> },
      { id: 'messageId', label: t('stationPage.log.messageId'), width: '10rem', sortValue: (e) => e.messageId, render: (e) => <span className="mono ellipsis">{e.messageId ?? DASH}</span> },
      {
        id: 'frame',
        label: t('stationPage.log.frame'),
        csvValue: (e) => e.frame,
        render: (e) => (
          <span className="log-frame ellipsis" title={e.frame}>
            {e.frame}
          </span>
        ),
      },
    ],
    [t, locale],
  );
  const filtered = useMemo(() => log.entries.filter((e) => matchesLogFilter(e, filter)), [log, filter]);
  const rows = useSortedRows(filtered, columns, sort);
  const fileBase = `${t('stationPage.log.csvFile')}-${stationId}`;

  return (
    <Panel
      title={t('stationPage.log.title')}
      testId="ocpp-log-panel"
      actions={
        <>
          <span className="toolbar-count" data-testid="log-count">
            {t('stationPage.log.shown', { shown: rows.length, total: log.entries.length })}
          </span>
          <SearchBox value={filter.text} onChange={(text) => setFilter((f) => ({ ...f, text }))} placeholder={t('stationPage.log.filter')} label={t('stationPage.log.filter')} testId="log-filter" />
          <select
            value={filter.direction}
            onChange={(e) => setFilter((f) => ({ ...f, direction: e.target.value === 'in' ? 'in' : e.target.value === 'out' ? 'out' : 'all' }))}
            aria-label={t('stationPage.log.direction')}
            data-testid="log-direction"
          >
            <option value="all">{t('stationPage.log.bothDirections')}</option>
            <option value="in">{t('stationPage.log.in')}</option>
            <option value="out">{t('stationPage.log.out')}</option>
          </select>
          {paused ? (
            <button type="button" className="button button-primary" onClick={resume} data-testid="log-pause" data-paused="true" data-held={held.length}>
              {t('stationPage.log.resume')} · {t('stationPage.log.paused', { count: held.length })}
            </button>
          ) : (
            <button type="button" className="button" onClick={() => setPaused(true)} data-testid="log-pause" data-paused="false">
              {t('stationPage.log.pause')}
            </button>
          )}
          <button type="button" className="button" disabled={rows.length === 0} onClick={() => downloadText(csvFileName(fileBase), logToCsv(rows, csvDialect(i18n.language)))} data-testid="log-export-csv">
            {t('stationPage.log.exportCsv')}
          </button>
          <button
            type="button"
            className="button"
            disabled={rows.length === 0}
            onClick={() => downloadText(csvFileName(fileBase).replace(/\.csv$/, '.json'), logToJson(stationId, rows), 'application/json')}
            data-testid="log-export-json"
          >
            {t('stationPage.log.exportJson')}
          </button>
        </>
      }
    >
      {error ? <p className="notice tone-fault">{t('stationPage.log.loadFailed', { message: describeError(error, t) })}</p> : null}
      <DataTable
        label={t('stationPage.log.title')}
        testId="ocpp-log-table"
        className="ocpp-log-table"
        columns={columns}
        rows={rows}
        rowKey={(e) => e.key}
        sort={sort}
        onSort={(id) => setSort(nextSort(sort, id))}
        rowAttributes={(e) => ({ 'data-testid': `log-row-${e.key}`, 'data-action': e.action ?? '', 'data-direction': e.direction })}
        empty={t('stationPage.log.empty')}
      />
    </Panel>
  );
}
