// Badges: the list Authorize checks, with an add/edit form (putBadge). Each badge may belong to one
// of the project's badge categories (issue 4: smart charging's priority, departure and needs).
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { Badge, BadgeStatus } from '../../src-shared/domain/index.ts';
import type { BadgeCategory } from '../../src-shared/project/index.ts';
import { DataTable, useSortedRows } from '../components/DataTable.tsx';
import { Field, Panel } from '../components/Field.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { Pill } from '../components/StatusBadge.tsx';
import { csvDialect, csvFileName, downloadText } from '../lib/csv.ts';
import { describeError } from '../lib/errors.ts';
import { DASH, formatDateTime, isoToLocalInput, localInputToIso } from '../lib/format.ts';
import { useLocale } from '../lib/hooks.ts';
import { badgeTone } from '../lib/status.ts';
import { columnsToCsv, nextSort, type Column, type SortState } from '../lib/table.ts';
import { useBadges } from '../store/badges.ts';
import { api } from '../store/client.ts';
import { useToasts } from '../store/toasts.ts';
import '../styles/categories.css';

const STATUSES: readonly BadgeStatus[] = ['Accepted', 'Blocked', 'Expired', 'Invalid'];

interface Draft {
  idTag: string;
  status: BadgeStatus;
  expiresAt: string;
  parentIdTag: string;
  label: string;
  /** Category id; '' = none. */
  category: string;
}

const EMPTY: Draft = { idTag: '', status: 'Accepted', expiresAt: '', parentIdTag: '', label: '', category: '' };

function toDraft(b: Badge): Draft {
  return { idTag: b.idTag, status: b.status, expiresAt: isoToLocalInput(b.expiresAt), parentIdTag: b.parentIdTag ?? '', label: b.label ?? '', category: b.category ?? '' };
}

function BadgeForm(props: { initial: Draft; editing: boolean; categories: readonly BadgeCategory[]; onDone: () => void }) {
  const { t } = useTranslation();
  const put = useBadges((s) => s.put);
  const [draft, setDraft] = useState(props.initial);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);
  const set = (patch: Partial<Draft>) => setDraft({ ...draft, ...patch });

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const saved = await put({
        idTag: draft.idTag.trim(),
        status: draft.status,
        expiresAt: localInputToIso(draft.expiresAt) ?? null,
        parentIdTag: draft.parentIdTag.trim() || null,
        label: draft.label.trim() || null,
        category: draft.category || null,
      });
      useToasts.getState().push('ok', t('badges.form.saved', { idTag: saved.idTag }));
      props.onDone();
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <form
      className="form-grid"
      data-testid="badge-form"
      onSubmit={(e) => {
        e.preventDefault();
        void save();
      }}
    >
      <Field label={t('badges.form.idTag')}>
        <input value={draft.idTag} onChange={(e) => set({ idTag: e.target.value })} required maxLength={20} readOnly={props.editing} data-testid="badge-idTag" spellCheck={false} />
      </Field>
      <Field label={t('badges.form.status')}>
        <select value={draft.status} onChange={(e) => set({ status: STATUSES.find((s) => s === e.target.value) ?? 'Accepted' })} data-testid="badge-status">
          {STATUSES.map((s) => (
            <option key={s} value={s}>
              {t(`badges.status.${s}`)}
            </option>
          ))}
        </select>
      </Field>
      <Field label={t('badges.form.expiresAt')}>
        <input type="datetime-local" value={draft.expiresAt} onChange={(e) => set({ expiresAt: e.target.value })} data-testid="badge-expiresAt" />
      </Field>
      <Field label={t('badges.form.parentIdTag')}>
        <input value={draft.parentIdTag} onChange={(e) => set({ parentIdTag: e.target.value })} maxLength={20} data-testid="badge-parent" spellCheck={false} />
      </Field>
      <Field label={t('badgeCategories.badges.field')}>
        <select value={draft.category} onChange={(e) => set({ category: e.target.value })} data-testid="badge-category">
          <option value="">{t('badgeCategories.badges.none')}</option>
          {props.categories.map((c) => (
            <option key={c.id} value={c.id}>
              {c.name === c.id ? c.id : `${c.name} (${c.id})`}
            </option>
          ))}
          {draft.category && !props.categories.some((c) => c.id === draft.category) ? <option value={draft.category}>{t('badgeCategories.badges.unknown', { id: draft.category })}</option> : null}
        </select>
      </Field>
      <Field label={t('badges.form.label')} wide>
        <input value={draft.label} onChange={(e) => set({ label: e.target.value })} maxLength={200} data-testid="badge-label" />
      </Field>
      {error ? (
        <p className="form-error" role="alert">
          {error}
        </p>
      ) : null}
      <div className="dialog-actions">
        <button type="submit" className="button button-primary" disabled={saving || !draft.idTag.trim()} data-testid="badge-save">
          {t('badges.form.save')}
        </button>
      </div>
    </form>
  );
}

export function BadgesView() {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const badges = useBadges((s) => s.badges);
  const loaded = useBadges((s) => s.loaded);
  const loadError = useBadges((s) => s.error);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<SortState | null>({ columnId: 'idTag', direction: 'asc' });
  const [editing, setEditing] = useState<string | null>(null);
  // Bumped to remount the form with fresh values (new badge, or another one picked).
  const [formKey, setFormKey] = useState(0);
  // The project's badge categories: the form's choices and the column's names and colours.
  const [categories, setCategories] = useState<BadgeCategory[]>([]);
  useEffect(() => {
    let live = true;
    api()
      .call('listBadgeCategories', {})
      .then(
        (list) => {
          if (live) setCategories(list.categories.map((c) => c.category));
        },
        () => undefined, // Without the list, badges still show their category ids.
      );
    return () => {
      live = false;
    };
  }, []);
  const categoryById = useMemo(() => new Map(categories.map((c) => [c.id, c])), [categories]);

  const columns = useMemo<Column<Badge>[]>(
    () => [
      { id: 'idTag', label: t('badges.columns.idTag'), width: '11rem', sortValue: (b) => b.idTag, render: (b) => <span className="mono">{b.idTag}</span> },
      { id: 'label', label: t('badges.columns.label'), sortValue: (b) => b.label, render: (b) => b.label ?? DASH },
      {
        id: 'status',
        label: t('badges.columns.status'),
        width: '8rem',
        sortValue: (b) => b.status,
        render: (b) => (
          <Pill tone={badgeTone(b.status)} status={b.status}>
            {t(`badges.status.${b.status}`)}
          </Pill>
        ),
      },
      {
        id: 'category',
        label: t('badgeCategories.badges.column'),
        width: '10rem',
        sortValue: (b) => (b.category === null ? null : (categoryById.get(b.category)?.name ?? b.category)),
        csvValue: (b) => b.category ?? '',
        render: (b) => {
          if (b.category === null) return DASH;
          const category = categoryById.get(b.category);
          return (
            <span className="category-name" title={b.category} data-testid={`badge-category-${b.idTag}`}>
              <span className="category-swatch" style={category?.color ? { background: category.color } : undefined} aria-hidden="true" />
              {category ? category.name : t('badgeCategories.badges.unknown', { id: b.category })}
            </span>
          );
        },
      },
      { id: 'expiresAt', label: t('badges.columns.expiresAt'), width: '11rem', sortValue: (b) => b.expiresAt, render: (b) => (b.expiresAt ? formatDateTime(b.expiresAt, locale) : t('badges.never')) },
      { id: 'parentIdTag', label: t('badges.columns.parentIdTag'), width: '9rem', sortValue: (b) => b.parentIdTag, render: (b) => <span className="mono">{b.parentIdTag ?? DASH}</span> },
    ],
    [t, locale, categoryById],
  );
  const filtered = useMemo(() => {
    const needle = search.trim().toLowerCase();
    const categoryText = (b: Badge) => (b.category === null ? '' : `${b.category} ${categoryById.get(b.category)?.name ?? ''}`.toLowerCase());
    return Object.values(badges).filter((b) => !needle || b.idTag.toLowerCase().includes(needle) || (b.label ?? '').toLowerCase().includes(needle) || categoryText(b).includes(needle));
  }, [badges, search, categoryById]);
  const rows = useSortedRows(filtered, columns, sort);
  const editedBadge = editing ? badges[editing] : undefined;

  const edit = (idTag: string | null) => {
    setEditing(idTag);
    setFormKey((k) => k + 1);
  };

  return (
    <div className="view" data-testid="view-badges">
      <div className="view-header">
        <h1>{t('badges.title')}</h1>
      </div>
      <div className="split">
        <div className="split-main">
          <div className="toolbar">
            <SearchBox value={search} onChange={setSearch} placeholder={`${t('badges.search')}  (/)`} label={t('badges.search')} shortcut testId="badge-search" />
            <span className="toolbar-count">{`${rows.length} / ${Object.keys(badges).length}`}</span>
            <div className="toolbar-spacer" />
            <button type="button" className="button" onClick={() => edit(null)} data-testid="badge-new">
              {t('badges.form.new')}
            </button>
            <button
              type="button"
              className="button"
              disabled={rows.length === 0}
              onClick={() => downloadText(csvFileName(t('badges.csvFile')), columnsToCsv(columns, rows, csvDialect(i18n.language)))}
            >
              {t('common.exportCsv')}
            </button>
          </div>
          {loadError && !loaded ? (
            <p className="notice tone-fault" role="alert">
              {describeError(loadError, t)}
            </p>
          ) : null}
          <DataTable
            label={t('badges.title')}
            testId="badges-table"
            columns={columns}
            rows={rows}
            rowKey={(b) => b.idTag}
            sort={sort}
            onSort={(id) => setSort(nextSort(sort, id))}
            onRowActivate={(b) => edit(b.idTag)}
            rowAttributes={(b) => ({ 'data-testid': `badge-row-${b.idTag}`, className: b.idTag === editing ? 'row-selected' : '' })}
            empty={loaded ? t('badges.empty') : t('common.loading')}
          />
        </div>
        <Panel title={editedBadge ? t('badges.form.editTitle', { idTag: editedBadge.idTag }) : t('badges.form.newTitle')} className="split-side">
          <BadgeForm key={formKey} initial={editedBadge ? toDraft(editedBadge) : EMPTY} editing={Boolean(editedBadge)} categories={categories} onDone={() => edit(null)} />
        </Panel>
      </div>
    </div>
  );
}
