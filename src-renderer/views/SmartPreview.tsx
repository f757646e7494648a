// The what-if result of a limit change, before it is applied: per session current → preview
// setpoint, per node the allocated load with the change against its limit. Nothing is sent
// to the stations until the engineer applies.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AllocationPreview } from '../../src-shared/api/index.ts';
import { DataTable, useSortedRows } from '../components/DataTable.tsx';
import { comparePreview, parseAllocation, ratio, type NodeChange, type SessionChange, type SetpointView } from '../lib/allocation.ts';
import { DASH, formatKw, formatNumber } from '../lib/format.ts';
import { useLocale } from '../lib/hooks.ts';
import { csvDialect, csvFileName, downloadText } from '../lib/csv.ts';
import { columnsToCsv, nextSort, type Column, type SortState } from '../lib/table.ts';

function setpointText(s: SetpointView | null, locale: string, paused: string): string {
  if (!s) return DASH;
  return s.paused ? paused : `${formatNumber(s.value, locale, s.unit === 'A' ? 1 : 0)} ${s.unit}`;
}

function limitText(n: NodeChange, locale: string): string {
  if (n.limitW !== null) return `${formatKw(n.limitW, locale)} kW`;
  if (n.limitA !== null) return `${formatNumber(n.limitA, locale, 0)} A`;
  return DASH;
}

export function PreviewResult(props: { preview: AllocationPreview; onApply: () => void; onCancel: () => void; testId: string }) {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const { preview } = props;
  const { current: inForce, result: changed } = preview;
  const diff = useMemo(() => comparePreview(parseAllocation(inForce), parseAllocation(changed)), [inForce, changed]);
  const [sessionSort, setSessionSort] = useState<SortState | null>({ columnId: 'change', direction: 'asc' });
  const [nodeSort, setNodeSort] = useState<SortState | null>(null);
  const paused = t('smart.paused');

  const sessionColumns = useMemo<Column<SessionChange>[]>(
    () => [
      { id: 'station', label: t('smartCharging.preview.columns.station'), sortValue: (s) => s.stationId, render: (s) => s.stationId },
      { id: 'connector', label: t('smartCharging.preview.columns.connector'), width: '6rem', align: 'center', sortValue: (s) => s.connectorId, render: (s) => s.connectorId },
      { id: 'current', label: t('smartCharging.preview.columns.current'), width: '8rem', align: 'end', sortValue: (s) => s.current?.value, render: (s) => <span className="num">{setpointText(s.current, locale, paused)}</span> },
      {
        id: 'preview',
        label: t('smartCharging.preview.columns.preview'),
        width: '8rem',
        align: 'end',
        sortValue: (s) => s.preview?.value,
        render: (s) => (
          <span className="num" data-testid={`preview-value-${s.stationId}-${s.connectorId}`}>
            {setpointText(s.preview, locale, paused)}
          </span>
        ),
      },
      {
        id: 'change',
        label: t('smartCharging.preview.columns.change'),
        width: '7rem',
        align: 'end',
        sortValue: (s) => s.delta,
        render: (s) => <span className={`num ${s.delta < 0 ? 'tone-warn' : s.delta > 0 ? 'tone-ok' : 'muted'}`}>{s.delta === 0 ? DASH : `${s.delta > 0 ? '+' : ''}${formatNumber(s.delta, locale, s.unit === 'A' ? 1 : 0)} ${s.unit}`}</span>,
      },
    ],
    [t, locale, paused],
  );
  const nodeColumns = useMemo<Column<NodeChange>[]>(
    () => [
      { id: 'node', label: t('smartCharging.preview.columns.node'), width: '9rem', sortValue: (n) => n.nodeId, render: (n) => <span className="mono ellipsis" title={n.nodeId}>{n.nodeId}</span> },
      { id: 'limit', label: t('smartCharging.preview.columns.limit'), width: '6.5rem', align: 'end', sortValue: (n) => n.limitW, render: (n) => <span className="num">{limitText(n, locale)}</span> },
      { id: 'currentLoad', label: t('smartCharging.preview.columns.currentLoad'), width: '6.5rem', align: 'end', sortValue: (n) => n.currentW, render: (n) => <span className="num">{formatKw(n.currentW, locale)} kW</span> },
      {
        id: 'previewLoad',
        label: t('smartCharging.preview.columns.previewLoad'),
        width: '7rem',
        align: 'end',
        sortValue: (n) => n.previewW,
        render: (n) => (
          <span className="num" data-testid={`preview-node-${n.nodeId}`}>
            {formatKw(n.previewW, locale)} kW
          </span>
        ),
      },
      {
        id: 'bar',
        label: t('smartCharging.preview.columns.bar'),
        render: (n) => {
          // Against the power limit, or the tightest phase current limit when there is no power limit.
          const [now, next, limit] = n.limitW !== null || n.limitA === null ? [n.currentW, n.previewW, n.limitW] : [n.currentA, n.previewA, n.limitA];
          return (
            <div className="bar-track preview-bar" title={`${formatNumber(n.limitW !== null || n.limitA === null ? next / 1000 : next, locale, 1)} / ${limitText(n, locale)}`}>
              <div className="bar-measured" style={{ width: `${ratio(now, limit) * 100}%` }} />
              <div className="bar-allocated" style={{ width: `${ratio(next, limit) * 100}%` }} />
            </div>
          );
        },
      },
    ],
    [t, locale],
  );
  const sessions = useSortedRows(diff.sessions, sessionColumns, sessionSort);
  const nodes = useSortedRows(diff.nodes, nodeColumns, nodeSort);
  return (
    <div className="preview-result" data-testid={props.testId}>
      <h3 className="preview-title">{t('smartCharging.preview.title')}</h3>
      {preview.violations.length > 0 ? (
        <div className="notice tone-fault" role="alert">
          <p>{t('smartCharging.preview.violations')}</p>
          <ul>
            {preview.violations.map((v) => (
              <li key={v}>{v}</li>
            ))}
          </ul>
        </div>
      ) : null}
      <div className="preview-grid">
        <div>
          <p className="hint">{t('smartCharging.preview.sessions')}</p>
          <DataTable
            columns={sessionColumns}
            rows={sessions}
            rowKey={(s) => s.sessionId}
            sort={sessionSort}
            onSort={(id) => setSessionSort(nextSort(sessionSort, id))}
            rowAttributes={(s) => ({ 'data-testid': `preview-row-${s.stationId}-${s.connectorId}` })}
            empty={t('smartCharging.preview.noSessions')}
            label={t('smartCharging.preview.sessions')}
            testId="preview-sessions"
          />
        </div>
        <div>
          <p className="hint">{t('smartCharging.preview.nodes')}</p>
          <DataTable
            columns={nodeColumns}
            rows={nodes}
            rowKey={(n) => n.nodeId}
            sort={nodeSort}
            onSort={(id) => setNodeSort(nextSort(nodeSort, id))}
            empty={DASH}
            label={t('smartCharging.preview.nodes')}
            testId="preview-nodes"
          />
        </div>
      </div>
      <div className="inline-actions">
        <button type="button" className="button button-primary" onClick={props.onApply} data-testid="preview-apply">
          {t('smartCharging.preview.apply')}
        </button>
        <button type="button" className="button" onClick={props.onCancel} data-testid="preview-cancel">
          {t('common.cancel')}
        </button>
        <button type="button" className="button" disabled={sessions.length === 0} onClick={() => downloadText(csvFileName(t('smartCharging.preview.csvFile')), columnsToCsv(sessionColumns, sessions, csvDialect(i18n.language)))}>
          {t('common.exportCsv')}
        </button>
      </div>
    </div>
  );
}
