// Version history: every version with author, time and message; tick two to compare them
// (structured diff), restore an older one (as a new version, confirmed), then apply it live.
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProjectDiff, ProjectVersionInfo } from '../../../src-shared/project/index.ts';
import { Panel } from '../../components/Field.tsx';
import { Pill } from '../../components/StatusBadge.tsx';
import { describeError } from '../../lib/errors.ts';
import { formatDateTime } from '../../lib/format.ts';
import { useLocale } from '../../lib/hooks.ts';
import type { Column } from '../../lib/table.ts';
import { api } from '../../store/client.ts';
import { confirmAction } from '../../store/confirm.ts';
import { useProject } from '../../store/project.ts';
import { useMayUse } from '../../store/session.ts';
import { useToasts } from '../../store/toasts.ts';
import { BundlePanel } from './BundlePanel.tsx';
import { DiffView } from './DiffView.tsx';
import { ProjectTable } from './ProjectTable.tsx';

export function VersionsPanel() {
  const { t } = useTranslation();
  const locale = useLocale();
  const versions = useProject((s) => s.versions);
  const running = useProject((s) => s.running);
  const reload = useProject((s) => s.reload);
  const mayRestore = useMayUse('restoreProjectVersion');
  // The bundle carries station passwords: engineers only (issue 7).
  const mayBundle = useMayUse('exportProjectBundle');
  const [selected, setSelected] = useState<number[]>([]);
  const [diff, setDiff] = useState<{ a: number; b: number; diff: ProjectDiff } | null>(null);
  const [error, setError] = useState<string | null>(null);

  const toggle = (id: number) => setSelected((s) => (s.includes(id) ? s.filter((x) => x !== id) : [...s.slice(-1), id]));

  const compare = async () => {
    const [a, b] = [...selected].sort((x, y) => x - y);
    if (a === undefined || b === undefined) return;
    try {
      setDiff({ a, b, diff: await api().call('diffProjectVersions', { a, b }) });
      setError(null);
    } catch (e) {
      setError(describeError(e, t));
    }
  };

  const restore = async (v: ProjectVersionInfo) => {
    const ok = await confirmAction({ title: t('project.versions.restoreTitle', { id: v.id }), message: t('project.versions.restoreText', { id: v.id }), confirmLabel: t('project.versions.restore'), danger: true });
    if (!ok) return;
    try {
      const made = await api().call('restoreProjectVersion', { id: v.id });
      useToasts.getState().push('ok', t('project.versions.restored', { id: v.id, made: made.id }));
      await reload();
    } catch (e) {
      setError(describeError(e, t));
    }
  };

  const columns = useMemo<Column<ProjectVersionInfo>[]>(
    () => [
      {
        id: 'select',
        label: t('project.versions.select'),
        width: '4rem',
        render: (v) => <input type="checkbox" checked={selected.includes(v.id)} onChange={() => toggle(v.id)} aria-label={t('project.versions.selectOne', { id: v.id })} data-testid={`version-select-${v.id}`} />,
      },
      { id: 'id', label: t('project.versions.id'), width: '5rem', align: 'end', sortValue: (v) => v.id, render: (v) => <span className="num">{v.id}</span> },
      { id: 'author', label: t('project.versions.author'), width: '9rem', sortValue: (v) => v.author, render: (v) => <span className="mono">{v.author}</span> },
      { id: 'time', label: t('project.versions.time'), width: '11rem', sortValue: (v) => v.time, render: (v) => formatDateTime(v.time, locale) },
      { id: 'stations', label: t('project.versions.stations'), width: '7rem', align: 'end', sortValue: (v) => v.stations, render: (v) => <span className="num">{v.stations}</span> },
      { id: 'message', label: t('project.versions.message'), sortValue: (v) => v.message, render: (v) => <span className="wrap-anywhere">{v.message}</span> },
      {
        id: 'state',
        label: t('project.versions.state'),
        width: '8rem',
        csvValue: (v) => (v.id === running ? 'running' : ''),
        render: (v) => (v.id === running ? <Pill tone="ok" status="running">{t('project.versions.running')}</Pill> : null),
      },
      ...(mayRestore
        ? [
            {
              id: 'actions',
              label: '',
              width: '8rem',
              render: (v: ProjectVersionInfo) => (
                <button type="button" className="button button-small" onClick={() => void restore(v)} data-testid={`version-restore-${v.id}`}>
                  {t('project.versions.restore')}
                </button>
              ),
            },
          ]
        : []),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- toggle/restore only use setters and stable stores
    [t, locale, selected, running, mayRestore],
  );

  return (
    <>
      <Panel
        title={t('project.versions.title')}
        testId="versions-panel"
        actions={
          <button type="button" className="button" disabled={selected.length !== 2} onClick={() => void compare()} data-testid="versions-compare">
            {t('project.versions.compare')}
          </button>
        }
      >
        <p className="hint">{t('project.versions.hint')}</p>
        {error ? <p className="notice tone-fault">{error}</p> : null}
        <ProjectTable
          columns={columns}
          rows={versions}
          rowKey={(v) => v.id}
          label={t('project.versions.title')}
          csvBase={t('project.versions.csvFile')}
          testId="versions-table"
          empty={t('project.versions.none')}
          initialSort={{ columnId: 'id', direction: 'desc' }}
          rowAttributes={(v) => ({ 'data-testid': `version-row-${v.id}`, 'data-version': String(v.id) })}
        />
      </Panel>
      {diff ? (
        <Panel title={t('project.versions.diffTitle', { a: diff.a, b: diff.b })} testId="versions-diff">
          <DiffView diff={diff.diff} testId="version-diff" />
        </Panel>
      ) : null}
      {mayBundle ? <BundlePanel /> : null}
    </>
  );
}
