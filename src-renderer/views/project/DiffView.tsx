// A structured project difference (two versions, or what an apply changes): counts per kind of
// thing, then one row per station, group, view... added, removed or changed, with the fields.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { CollectionDiff, FieldChange } from '../../../src-shared/project/index.ts';
import { Pill } from '../../components/StatusBadge.tsx';
import type { Column } from '../../lib/table.ts';
import { ProjectTable } from './ProjectTable.tsx';

export const DIFF_COLLECTIONS = ['stations', 'groups', 'views', 'templates', 'sites', 'parks'] as const;
type Collection = (typeof DIFF_COLLECTIONS)[number];
type Kind = 'added' | 'removed' | 'changed' | 'other';

/** What both a version diff and an apply plan have. */
export type DiffLike = { other: FieldChange[]; same: boolean } & Partial<Record<Collection, CollectionDiff>>;

interface DiffRow {
  key: string;
  collection: Collection | 'other';
  kind: Kind;
  id: string;
  where: string;
  detail: string;
}

function value(v: unknown): string {
  if (v === undefined) return '∅';
  return typeof v === 'string' ? v : JSON.stringify(v);
}

export function changeText(changes: readonly FieldChange[]): string {
  return changes.map((c) => `${c.field}: ${value(c.before)} → ${value(c.after)}`).join('; ');
}

export function diffRows(diff: DiffLike): DiffRow[] {
  const rows: DiffRow[] = [];
  for (const collection of DIFF_COLLECTIONS) {
    const c = diff[collection];
    if (!c) continue;
    for (const e of c.added) rows.push({ key: `${collection}+${e.where ?? ''}/${e.id}`, collection, kind: 'added', id: e.id, where: e.where ?? '', detail: '' });
    for (const e of c.removed) rows.push({ key: `${collection}-${e.where ?? ''}/${e.id}`, collection, kind: 'removed', id: e.id, where: e.where ?? '', detail: '' });
    for (const e of c.changed) rows.push({ key: `${collection}~${e.where ?? ''}/${e.id}`, collection, kind: 'changed', id: e.id, where: e.where ?? '', detail: changeText(e.changes) });
  }
  diff.other.forEach((c, i) => rows.push({ key: `other${i}`, collection: 'other', kind: 'other', id: c.field, where: '', detail: changeText([c]) }));
  return rows;
}

const TONE: Record<Kind, 'ok' | 'fault' | 'warn' | 'info'> = { added: 'ok', removed: 'fault', changed: 'warn', other: 'info' };

export function DiffView(props: { diff: DiffLike; testId: string }) {
  const { t } = useTranslation();
  const rows = useMemo(() => diffRows(props.diff), [props.diff]);
  const columns = useMemo<Column<DiffRow>[]>(
    () => [
      { id: 'collection', label: t('project.diff.what'), width: '8rem', sortValue: (r) => r.collection, render: (r) => t(`project.diff.collections.${r.collection}`) },
      {
        id: 'kind',
        label: t('project.diff.change'),
        width: '8rem',
        sortValue: (r) => r.kind,
        render: (r) => (
          <Pill tone={TONE[r.kind]} status={r.kind}>
            {t(`project.diff.kinds.${r.kind}`)}
          </Pill>
        ),
      },
      { id: 'id', label: t('project.diff.id'), width: '12rem', sortValue: (r) => r.id, render: (r) => <span className="mono">{r.id}</span> },
      { id: 'where', label: t('project.diff.where'), width: '9rem', sortValue: (r) => r.where, render: (r) => <span className="mono">{r.where}</span> },
      { id: 'detail', label: t('project.diff.detail'), sortValue: (r) => r.detail, render: (r) => <span className="mono wrap-anywhere">{r.detail}</span> },
    ],
    [t],
  );
  const counts = DIFF_COLLECTIONS.map((c) => ({ c, d: props.diff[c] })).filter((x): x is { c: Collection; d: CollectionDiff } => x.d !== undefined && x.d.added.length + x.d.removed.length + x.d.changed.length > 0);
  if (props.diff.same) return <p className="notice" data-testid={`${props.testId}-same`}>{t('project.diff.same')}</p>;
  return (
    <div className="project-stack" data-testid={props.testId}>
      <div className="toolbar project-diff-summary">
        {counts.map(({ c, d }) => (
          <span key={c} className="project-diff-count" data-testid={`${props.testId}-count-${c}`} data-added={d.added.length} data-removed={d.removed.length} data-changed={d.changed.length}>
            <strong>{t(`project.diff.collections.${c}`)}</strong>
            {d.added.length > 0 ? <Pill tone="ok">{`+${d.added.length}`}</Pill> : null}
            {d.removed.length > 0 ? <Pill tone="fault">{`−${d.removed.length}`}</Pill> : null}
            {d.changed.length > 0 ? <Pill tone="warn">{`~${d.changed.length}`}</Pill> : null}
          </span>
        ))}
        {props.diff.other.length > 0 ? (
          <span className="project-diff-count">
            <strong>{t('project.diff.collections.other')}</strong>
            <Pill tone="info">{`~${props.diff.other.length}`}</Pill>
          </span>
        ) : null}
      </div>
      <ProjectTable columns={columns} rows={rows} rowKey={(r) => r.key} label={t('project.diff.title')} csvBase={t('project.diff.csvFile')} testId={`${props.testId}-table`} empty={t('project.diff.same')} rowAttributes={(r) => ({ 'data-kind': r.kind, 'data-collection': r.collection, 'data-id': r.id })} />
    </div>
  );
}
