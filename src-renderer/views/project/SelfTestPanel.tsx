// Commissioning self-test: every declared station (or the ones picked) is checked: connection
// and boot, heartbeat, configuration, status, a test charging profile set then cleared, and on
// request a remote start/stop. Progress while it runs; per-station pass/fail with each step;
// the printable HTML report.
import { useEffect, useMemo, useRef, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { SelfTestProgress, SelfTestReportInfo } from '../../../src-shared/api/index.ts';
import { Field, Panel } from '../../components/Field.tsx';
import { Pill } from '../../components/StatusBadge.tsx';
import { Tile } from '../../components/Tile.tsx';
import { downloadText } from '../../lib/csv.ts';
import { describeError } from '../../lib/errors.ts';
import { formatDateTime, formatNumber } from '../../lib/format.ts';
import { useLocale } from '../../lib/hooks.ts';
import type { Column } from '../../lib/table.ts';
import { api } from '../../store/client.ts';
import { useMayUse } from '../../store/session.ts';
import { useStations } from '../../store/stations.ts';
import { useToasts } from '../../store/toasts.ts';
import { ProjectTable } from './ProjectTable.tsx';

type StationResult = SelfTestReportInfo['stations'][number];
const STEP_NAMES = ['booted', 'heartbeat', 'configuration', 'statusTrigger', 'testProfile', 'clearProfile', 'remoteStart', 'remoteStop'] as const;
type StepName = (typeof STEP_NAMES)[number];
const isStepName = (name: string): name is StepName => (STEP_NAMES as readonly string[]).includes(name);

export function SelfTestPanel() {
  const { t } = useTranslation();
  const locale = useLocale();
  const mayRun = useMayUse('runSelfTest');
  const stations = useStations((s) => s.stations);
  const declared = useMemo(() => Object.values(stations).filter((s) => s.declared).map((s) => s.id).sort(), [stations]);
  const [scope, setScope] = useState<'all' | 'selected'>('all');
  const [picked, setPicked] = useState<string[]>([]);
  const [withCharge, setWithCharge] = useState(false);
  const [idTag, setIdTag] = useState('SELFTEST');
  const [progress, setProgress] = useState<SelfTestProgress | null>(null);
  const [report, setReport] = useState<SelfTestReportInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const polling = useRef<ReturnType<typeof setInterval> | null>(null);

  useEffect(
    () => () => {
      if (polling.current) clearInterval(polling.current);
    },
    [],
  );

  const run = async () => {
    setError(null);
    setReport(null);
    const ids = scope === 'selected' ? picked : undefined;
    if (ids?.length === 0) {
      setError(t('project.selftest.pickSome'));
      return;
    }
    setProgress({ running: true, total: ids?.length ?? declared.length, done: 0, passed: 0, failed: 0 });
    polling.current = setInterval(() => {
      api()
        .call('getSelfTestProgress', {})
        .then((p) => p.running && setProgress(p))
        .catch(() => undefined);
    }, 500);
    try {
      const request: { stationIds?: string[]; remoteStartStop?: { idTag: string } } = {};
      if (ids) request.stationIds = ids;
      if (withCharge) request.remoteStartStop = { idTag };
      const r = await api().call('runSelfTest', request);
      setReport(r);
      setProgress({ running: false, total: r.stations.length, done: r.stations.length, passed: r.passed, failed: r.failed });
    } catch (e) {
      setError(describeError(e, t));
      setProgress(null);
    } finally {
      if (polling.current) clearInterval(polling.current);
      polling.current = null;
    }
  };

  const downloadReport = async () => {
    try {
      const { html } = await api().call('getSelfTestReportHtml', {});
      downloadText(`self-test-${(report?.startedAt ?? new Date().toISOString()).slice(0, 19).replace(/[-:T]/g, '')}.html`, html, 'text/html;charset=utf-8');
    } catch (e) {
      useToasts.getState().push('fault', describeError(e, t));
    }
  };

  const columns = useMemo<Column<StationResult>[]>(
    () => [
      { id: 'station', label: t('project.selftest.station'), width: '11rem', sortValue: (s) => s.stationId, render: (s) => <span className="mono">{s.stationId}</span> },
      {
        id: 'result',
        label: t('project.selftest.result'),
        width: '7rem',
        sortValue: (s) => (s.ok ? 'pass' : 'fail'),
        render: (s) => (
          <Pill tone={s.ok ? 'ok' : 'fault'} status={s.ok ? 'pass' : 'fail'}>
            {s.ok ? t('project.selftest.pass') : t('project.selftest.fail')}
          </Pill>
        ),
      },
      {
        id: 'steps',
        label: t('project.selftest.steps'),
        csvValue: (s) => s.steps.map((x) => `${x.ok ? 'OK' : 'FAIL'} ${x.name}${x.detail ? ` (${x.detail})` : ''}`).join('; '),
        render: (s) => (
          <span className="project-steps">
            {s.steps.map((x) => (
              <span key={x.name} className={`project-step ${x.ok ? 'tone-ok' : 'tone-fault'}`} title={x.detail ?? ''} data-step={x.name} data-ok={x.ok ? 'true' : 'false'}>
                {x.ok ? '✔' : '✘'} {isStepName(x.name) ? t(`project.selftest.stepNames.${x.name}`) : x.name}
              </span>
            ))}
          </span>
        ),
      },
      {
        id: 'detail',
        label: t('project.selftest.detail'),
        sortValue: (s) => s.steps.find((x) => !x.ok)?.detail ?? s.steps[0]?.detail ?? '',
        render: (s) => <span className="wrap-anywhere">{s.steps.find((x) => !x.ok)?.detail ?? s.steps[0]?.detail ?? ''}</span>,
      },
      { id: 'ms', label: t('project.selftest.duration'), width: '7rem', align: 'end', sortValue: (s) => s.steps.reduce((n, x) => n + x.ms, 0), render: (s) => <span className="num">{formatNumber(s.steps.reduce((n, x) => n + x.ms, 0), locale)}</span> },
    ],
    [t, locale],
  );

  const running = progress?.running ?? false;
  return (
    <Panel
      title={t('project.selftest.title')}
      testId="selftest-panel"
      actions={
        report ? (
          <button type="button" className="button" onClick={() => void downloadReport()} data-testid="selftest-report">
            {t('project.selftest.report')}
          </button>
        ) : null
      }
    >
      <p className="hint">{t('project.selftest.hint')}</p>
      {mayRun ? (
        <div className="toolbar project-selftest-options">
          <div className="segmented" role="radiogroup" aria-label={t('project.selftest.scope')}>
            <button type="button" className={scope === 'all' ? 'active' : ''} onClick={() => setScope('all')} data-testid="selftest-scope-all">
              {t('project.selftest.all', { count: declared.length })}
            </button>
            <button type="button" className={scope === 'selected' ? 'active' : ''} onClick={() => setScope('selected')} data-testid="selftest-scope-selected">
              {t('project.selftest.selected', { count: picked.length })}
            </button>
          </div>
          {scope === 'selected' ? (
            <Field label={t('project.selftest.pick')}>
              <select multiple size={6} value={picked} onChange={(e) => setPicked([...e.target.selectedOptions].map((o) => o.value))} data-testid="selftest-pick">
                {declared.map((id) => (
                  <option key={id} value={id}>
                    {id}
                  </option>
                ))}
              </select>
            </Field>
          ) : null}
          <label className="checkbox">
            <input type="checkbox" checked={withCharge} onChange={(e) => setWithCharge(e.target.checked)} data-testid="selftest-charge" />
            {t('project.selftest.withCharge')}
          </label>
          {withCharge ? (
            <Field label={t('project.selftest.badge')}>
              <input value={idTag} onChange={(e) => setIdTag(e.target.value)} maxLength={20} data-testid="selftest-badge" />
            </Field>
          ) : null}
          <button type="button" className="button button-primary" disabled={running} onClick={() => void run()} data-testid="selftest-run">
            {running ? t('project.selftest.running') : t('project.selftest.run')}
          </button>
        </div>
      ) : (
        <p className="notice">{t('project.readOnly')}</p>
      )}
      {error ? <p className="notice tone-fault" data-testid="selftest-error">{error}</p> : null}
      {progress ? (
        <div className="project-progress" data-testid="selftest-progress" data-running={running ? 'true' : 'false'} data-done={progress.done} data-total={progress.total}>
          <progress max={Math.max(progress.total, 1)} value={progress.done} />
          <span>{t('project.selftest.progress', { done: progress.done, total: progress.total, passed: progress.passed, failed: progress.failed })}</span>
        </div>
      ) : null}
      {report ? (
        <div className="project-stack">
          <div className="tiles">
            <Tile label={t('project.selftest.passed')} value={<span data-testid="selftest-passed">{report.passed}</span>} tone="ok" />
            <Tile label={t('project.selftest.failed')} value={<span data-testid="selftest-failed">{report.failed}</span>} tone={report.failed > 0 ? 'fault' : 'idle'} />
            <Tile label={t('project.selftest.when')} value={formatDateTime(report.finishedAt, locale)} sub={t('project.selftest.startedAt', { time: formatDateTime(report.startedAt, locale) })} />
          </div>
          <ProjectTable
            columns={columns}
            rows={report.stations}
            rowKey={(s) => s.stationId}
            label={t('project.selftest.title')}
            csvBase={t('project.selftest.csvFile')}
            testId="selftest-table"
            empty={t('project.selftest.none')}
            initialSort={{ columnId: 'result', direction: 'asc' }}
            rowAttributes={(s) => ({ 'data-station': s.stationId, 'data-ok': s.ok ? 'true' : 'false' })}
          />
        </div>
      ) : null}
    </Panel>
  );
}
