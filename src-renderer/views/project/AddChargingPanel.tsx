// "Add EV charging to this project": a preview of what the charging library would add and
// what customised items of the project it keeps, then a confirmed merge (a new version, applied live).
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AddChargingReport, MergeOutcome } from '../../../src-shared/api/index.ts';
import { Panel } from '../../components/Field.tsx';
import { Pill } from '../../components/StatusBadge.tsx';
import { Tile } from '../../components/Tile.tsx';
import { describeError } from '../../lib/errors.ts';
import type { Column } from '../../lib/table.ts';
import { api } from '../../store/client.ts';
import { confirmAction } from '../../store/confirm.ts';
import { useToasts } from '../../store/toasts.ts';
import { ProjectTable } from './ProjectTable.tsx';

type ItemKind = 'templates' | 'symbols' | 'views' | 'alarmRules' | 'homeLinks';
type ItemOutcome = 'added' | 'kept' | 'unchanged' | 'linked';

interface ReportRow {
  key: string;
  kind: ItemKind;
  id: string;
  outcome: ItemOutcome;
}

/** One row per item of the report, in the order people read it. */
export function reportRows(report: AddChargingReport): ReportRow[] {
  const rows: ReportRow[] = [];
  const push = (kind: ItemKind, outcome: MergeOutcome | undefined) => {
    if (!outcome) return;
    for (const o of ['added', 'kept', 'unchanged'] as const) for (const id of outcome[o]) rows.push({ key: `${kind}/${id}/${o}`, kind, id, outcome: o });
  };
  push('templates', report.templates);
  push('symbols', report.symbols);
  push('views', report.views);
  push('alarmRules', report.alarmRules);
  for (const id of report.homeLinks) rows.push({ key: `homeLinks/${id}`, kind: 'homeLinks', id, outcome: 'linked' });
  return rows;
}

const TONE: Record<ItemOutcome, 'ok' | 'warn' | 'info'> = { added: 'ok', linked: 'ok', kept: 'warn', unchanged: 'info' };

export function AddChargingPanel(props: { onAdded: () => Promise<void> }) {
  const { t } = useTranslation();
  const [report, setReport] = useState<AddChargingReport | null>(null);
  const [busy, setBusy] = useState<'previewing' | 'applying' | null>(null);
  const [error, setError] = useState<string | null>(null);

  const rows = useMemo(() => (report ? reportRows(report) : []), [report]);
  const count = (o: ItemOutcome) => rows.filter((r) => r.outcome === o).length;

  const preview = async () => {
    setBusy('previewing');
    setError(null);
    try {
      setReport(await api().call('previewAddCharging', {}));
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setBusy(null);
    }
  };

  const apply = async () => {
    if (!report) return;
    const ok = await confirmAction({ title: t('templateLibrary.charging.confirmTitle'), message: t('templateLibrary.charging.confirmText', { added: count('added'), kept: count('kept') }), confirmLabel: t('templateLibrary.charging.apply') });
    if (!ok) return;
    setBusy('applying');
    try {
      const result = await api().call('addCharging', {});
      setReport(null);
      if (result.version) useToasts.getState().push('ok', t('templateLibrary.charging.done', { version: result.version.id }));
      else useToasts.getState().push('info', t('templateLibrary.charging.nothing'));
      await props.onAdded();
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setBusy(null);
    }
  };

  const columns = useMemo<Column<ReportRow>[]>(
    () => [
      { id: 'kind', label: t('templateLibrary.charging.kind'), width: '11rem', sortValue: (r) => t(`templateLibrary.charging.kinds.${r.kind}`), render: (r) => t(`templateLibrary.charging.kinds.${r.kind}`) },
      { id: 'id', label: t('templateLibrary.charging.id'), sortValue: (r) => r.id, render: (r) => <span className="mono">{r.id}</span> },
      {
        id: 'outcome',
        label: t('templateLibrary.charging.outcome'),
        width: '16rem',
        sortValue: (r) => t(`templateLibrary.charging.outcomes.${r.outcome}`),
        render: (r) => <Pill tone={TONE[r.outcome]}>{t(`templateLibrary.charging.outcomes.${r.outcome}`)}</Pill>,
      },
    ],
    [t],
  );

  return (
    <Panel
      title={t('templateLibrary.charging.title')}
      testId="add-charging-panel"
      actions={
        <button type="button" className="button" disabled={busy !== null} onClick={() => void preview()} data-testid="add-charging-preview">
          {t('templateLibrary.charging.preview')}
        </button>
      }
    >
      <p className="hint">{t('templateLibrary.charging.hint')}</p>
      {busy ? (
        <div className="project-progress" data-testid="add-charging-busy">
          <progress />
          <span className="muted">{t(`templateLibrary.charging.${busy}`)}</span>
        </div>
      ) : null}
      {error ? (
        <p className="notice tone-fault" data-testid="add-charging-error">
          {error}
        </p>
      ) : null}
      {report ? (
        <div className="project-stack" data-testid="add-charging-report" data-changed={report.changed ? 'true' : 'false'}>
          <div className="tiles">
            <Tile label={t('templateLibrary.charging.outcomes.added')} value={<span data-testid="add-charging-added">{count('added')}</span>} tone="ok" />
            <Tile label={t('templateLibrary.charging.outcomes.kept')} value={<span data-testid="add-charging-kept">{count('kept')}</span>} tone={count('kept') > 0 ? 'warn' : 'info'} />
            <Tile label={t('templateLibrary.charging.outcomes.unchanged')} value={<span data-testid="add-charging-unchanged">{count('unchanged')}</span>} />
          </div>
          {report.changed ? (
            <div className="toolbar">
              <p className="notice">{t('templateLibrary.charging.summary', { added: count('added') + count('linked'), kept: count('kept'), unchanged: count('unchanged') })}</p>
              <button type="button" className="button button-primary" disabled={busy !== null} onClick={() => void apply()} data-testid="add-charging-apply">
                {t('templateLibrary.charging.apply')}
              </button>
            </div>
          ) : (
            <p className="notice" data-testid="add-charging-nothing">
              {t('templateLibrary.charging.nothing')}
            </p>
          )}
          <ProjectTable
            columns={columns}
            rows={rows}
            rowKey={(r) => r.key}
            label={t('templateLibrary.charging.title')}
            csvBase={t('templateLibrary.charging.csvFile')}
            testId="add-charging-table"
            empty=""
            initialSort={{ columnId: 'outcome', direction: 'asc' }}
            rowAttributes={(r) => ({ 'data-kind': r.kind, 'data-outcome': r.outcome, 'data-id': r.id })}
          />
        </div>
      ) : null}
    </Panel>
  );
}
