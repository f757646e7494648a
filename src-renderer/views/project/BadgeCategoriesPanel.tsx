// Badge categories tab (issue 4): the running project's categories with their smart-charging
// defaults and the badges in each; create, edit (kWh / kW here, Wh / W stored; the supervisor's own
// check answers field by field) and delete (refused while a badge uses it). A save is a new project
// version applied at once, through the same path as the templates.
import { type ReactNode, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { BadgeCategoryInfo, BadgeCategoryProblem } from '../../../src-shared/api/index.ts';
import type { BadgeCategory, BadgeCategoryCharging } from '../../../src-shared/project/index.ts';
import { Panel } from '../../components/Field.tsx';
import { describeError } from '../../lib/errors.ts';
import { DASH, formatNumber } from '../../lib/format.ts';
import { useCommand, useLocale } from '../../lib/hooks.ts';
import type { Column } from '../../lib/table.ts';
import { api } from '../../store/client.ts';
import { confirmAction } from '../../store/confirm.ts';
import { useProject } from '../../store/project.ts';
import { useMayUse } from '../../store/session.ts';
import { useToasts } from '../../store/toasts.ts';
import { ProjectTable } from './ProjectTable.tsx';
import '../../styles/categories.css';

/** The form's fields: text as typed, energies in kWh and power in kW. */
interface CategoryForm {
  id: string;
  name: string;
  color: string;
  description: string;
  priority: string;
  departureTime: string;
  energyKwh: string;
  targetSocPercent: string;
  batteryKwh: string;
  vehicleMaxKw: string;
  preconditioningMinutes: string;
  preconditioningKw: string;
}
type FormField = keyof CategoryForm;

/** Form field ↔ stored charging field, with the factor from the form's unit to the stored one. */
const CHARGING_FIELDS: ReadonlyArray<{ form: FormField; stored: keyof BadgeCategoryCharging; factor: number; unit: string }> = [
  { form: 'priority', stored: 'priority', factor: 1, unit: '' },
  { form: 'energyKwh', stored: 'energyWh', factor: 1000, unit: 'kWh' },
  { form: 'targetSocPercent', stored: 'targetSocPercent', factor: 1, unit: '%' },
  { form: 'batteryKwh', stored: 'batteryWh', factor: 1000, unit: 'kWh' },
  { form: 'vehicleMaxKw', stored: 'vehicleMaxW', factor: 1000, unit: 'kW' },
];

/** Pre-conditioning's two fields (both or neither). */
const PRECONDITIONING_FIELDS: ReadonlyArray<{ form: FormField; stored: 'minutes' | 'powerW'; factor: number; unit: string }> = [
  { form: 'preconditioningMinutes', stored: 'minutes', factor: 1, unit: 'min' },
  { form: 'preconditioningKw', stored: 'powerW', factor: 1000, unit: 'kW' },
];

const EMPTY_FORM: CategoryForm = {
  id: '',
  name: '',
  color: '',
  description: '',
  priority: '',
  departureTime: '',
  energyKwh: '',
  targetSocPercent: '',
  batteryKwh: '',
  vehicleMaxKw: '',
  preconditioningMinutes: '',
  preconditioningKw: '',
};

/** A number as typed (comma or point), scaled to the stored unit; text that is not a number as is, for the supervisor to name. */
function storedValue(typed: string, factor: number): number | string | undefined {
  const text = typed.trim().replace(',', '.');
  if (text === '') return undefined;
  const value = Number(text);
  return Number.isFinite(value) ? Math.round(value * factor * 1000) / 1000 : typed;
}

function formOf(category: BadgeCategory, locale: string): CategoryForm {
  const c = category.charging ?? {};
  // Decimals as the operator writes them (12,5 in French); both are read back.
  const comma = locale.startsWith('fr');
  const shown = (value: number | undefined, factor: number) => {
    if (value === undefined) return '';
    const text = String(Math.round((value / factor) * 1000) / 1000);
    return comma ? text.replace('.', ',') : text;
  };
  return {
    id: category.id,
    name: category.name,
    color: category.color ?? '',
    description: category.description ?? '',
    departureTime: c.departureTime ?? '',
    preconditioningMinutes: shown(c.preconditioning?.minutes, 1),
    preconditioningKw: shown(c.preconditioning?.powerW, 1000),
    ...(Object.fromEntries(CHARGING_FIELDS.map((f) => [f.form, shown(c[f.stored] as number | undefined, f.factor)])) as Pick<CategoryForm, 'priority' | 'energyKwh' | 'targetSocPercent' | 'batteryKwh' | 'vehicleMaxKw'>),
  };
}

/** The category the form describes; text that is not a number goes as is, for the supervisor to name. */
function categoryOf(form: CategoryForm): BadgeCategory {
  const charging: Record<string, unknown> = {};
  for (const f of CHARGING_FIELDS) {
    const value = storedValue(form[f.form], f.factor);
    if (value !== undefined) charging[f.stored] = value;
  }
  const preconditioning: Record<string, unknown> = {};
  for (const f of PRECONDITIONING_FIELDS) {
    const value = storedValue(form[f.form], f.factor);
    if (value !== undefined) preconditioning[f.stored] = value;
  }
  if (Object.keys(preconditioning).length > 0) charging.preconditioning = preconditioning;
  if (form.departureTime.trim() !== '') charging.departureTime = form.departureTime.trim();
  const category: BadgeCategory = { id: form.id.trim(), name: form.name.trim() };
  if (form.color.trim()) category.color = form.color.trim();
  if (form.description.trim()) category.description = form.description.trim();
  if (Object.keys(charging).length > 0) category.charging = charging as BadgeCategoryCharging;
  return category;
}

/** The form field a problem's pointer names (null: the category as a whole). */
function fieldOf(pointer: string): FormField | null {
  const top = /^\/(id|name|color|description)$/.exec(pointer);
  if (top) return top[1] as FormField;
  if (pointer === '/charging/departureTime') return 'departureTime';
  if (pointer === '/charging/preconditioning') return 'preconditioningMinutes';
  const pre = PRECONDITIONING_FIELDS.find((f) => pointer === `/charging/preconditioning/${f.stored}`);
  if (pre) return pre.form;
  const charging = CHARGING_FIELDS.find((f) => pointer === `/charging/${f.stored}`);
  return charging ? charging.form : null;
}

function kwh(wh: number | undefined, locale: string): string {
  return wh === undefined ? DASH : formatNumber(wh / 1000, locale, wh % 1000 === 0 ? 0 : 1);
}

export function BadgeCategoriesPanel() {
  const { t } = useTranslation();
  const locale = useLocale();
  const mayEdit = useMayUse('putBadgeCategory');
  const reloadProject = useProject((s) => s.reload);
  const { data: list, error: loadError, reload: load } = useCommand('listBadgeCategories', {});
  // Failures of the panel's own actions; a failed load shows as loadError.
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? loadError;
  const [editing, setEditing] = useState<{ create: boolean; form: CategoryForm } | null>(null);

  const remove = async (row: BadgeCategoryInfo) => {
    const id = row.category.id;
    // A category in use is refused by the supervisor, which names the badges: no need to confirm first.
    if (row.projectBadges.length + row.archiveBadges.length === 0) {
      const ok = await confirmAction({ title: t('badgeCategories.deleteTitle', { id }), message: t('badgeCategories.deleteText'), confirmLabel: t('badgeCategories.delete'), danger: true });
      if (!ok) return;
    }
    try {
      const done = await api().call('deleteBadgeCategory', { categoryId: id, baseVersion: list?.version ?? null });
      useToasts.getState().push('ok', t('badgeCategories.deleted', { id, version: done.version.id }));
      setError(null);
      if (editing?.form.id === id) setEditing(null);
      await Promise.all([load(), reloadProject()]);
    } catch (e) {
      setError(describeError(e, t));
    }
  };

  const columns = useMemo<Column<BadgeCategoryInfo>[]>(
    () => [
      {
        id: 'name',
        label: t('badgeCategories.columns.name'),
        sortValue: (r) => r.category.name,
        render: (r) => (
          <span className="category-name">
            <span className="category-swatch" style={r.category.color ? { background: r.category.color } : undefined} aria-hidden="true" />
            <span className="wrap-anywhere">{r.category.name}</span>
          </span>
        ),
      },
      { id: 'id', label: t('badgeCategories.columns.id'), width: '7.5rem', sortValue: (r) => r.category.id, render: (r) => <span className="mono">{r.category.id}</span> },
      { id: 'color', label: t('badgeCategories.columns.color'), width: '5.5rem', sortValue: (r) => r.category.color ?? null, render: (r) => <span className="mono">{r.category.color ?? DASH}</span> },
      {
        id: 'priority',
        label: t('badgeCategories.columns.priority'),
        width: '5.5rem',
        align: 'end',
        sortValue: (r) => r.category.charging?.priority ?? null,
        render: (r) => <span className="num">{formatNumber(r.category.charging?.priority, locale, Number.isInteger(r.category.charging?.priority ?? 0) ? 0 : 2)}</span>,
      },
      { id: 'departure', label: t('badgeCategories.columns.departure'), title: t('badgeCategories.editor.departure'), width: '5.5rem', sortValue: (r) => r.category.charging?.departureTime ?? null, render: (r) => <span className="num">{r.category.charging?.departureTime ?? DASH}</span> },
      {
        id: 'energy',
        label: t('badgeCategories.columns.energy'),
        title: t('badgeCategories.editor.energy'),
        width: '6rem',
        align: 'end',
        sortValue: (r) => (r.category.charging?.energyWh === undefined ? null : r.category.charging.energyWh / 1000),
        render: (r) => <span className="num">{kwh(r.category.charging?.energyWh, locale)}</span>,
      },
      {
        id: 'target',
        label: t('badgeCategories.columns.target'),
        title: `${t('badgeCategories.editor.targetSoc')} / ${t('badgeCategories.editor.battery')}`,
        width: '8.5rem',
        sortValue: (r) => r.category.charging?.targetSocPercent ?? null,
        csvValue: (r) => {
          const c = r.category.charging;
          return c?.targetSocPercent === undefined ? '' : `${c.targetSocPercent} % / ${(c.batteryWh ?? 0) / 1000} kWh`;
        },
        render: (r) => {
          const c = r.category.charging;
          return c?.targetSocPercent === undefined ? DASH : t('badgeCategories.targetValue', { soc: formatNumber(c.targetSocPercent, locale), kwh: kwh(c.batteryWh, locale) });
        },
      },
      {
        id: 'vehicleMax',
        label: t('badgeCategories.columns.vehicleMax'),
        width: '6rem',
        align: 'end',
        sortValue: (r) => (r.category.charging?.vehicleMaxW === undefined ? null : r.category.charging.vehicleMaxW / 1000),
        render: (r) => <span className="num">{kwh(r.category.charging?.vehicleMaxW, locale)}</span>,
      },
      {
        id: 'preconditioning',
        label: t('badgeCategories.columns.preconditioning'),
        title: `${t('badgeCategories.editor.preconditioningMinutes')} · ${t('badgeCategories.editor.preconditioningKw')}`,
        width: '10rem',
        sortValue: (r) => r.category.charging?.preconditioning?.minutes ?? null,
        csvValue: (r) => {
          const p = r.category.charging?.preconditioning;
          return p ? `${p.minutes} min / ${p.powerW / 1000} kW` : '';
        },
        render: (r) => {
          const p = r.category.charging?.preconditioning;
          return p ? t('badgeCategories.preconditioningValue', { minutes: p.minutes, kw: kwh(p.powerW, locale) }) : DASH;
        },
      },
      {
        id: 'badges',
        label: t('badgeCategories.columns.badges'),
        width: '5rem',
        align: 'end',
        sortValue: (r) => r.projectBadges.length + r.archiveBadges.length,
        render: (r) => (
          <span
            className="num"
            title={t('badgeCategories.badgesTitle', { project: r.projectBadges.slice(0, 20).join(', ') || DASH, archive: r.archiveBadges.slice(0, 20).join(', ') || DASH })}
            data-testid={`category-badges-${r.category.id}`}
          >
            {r.projectBadges.length + r.archiveBadges.length}
          </span>
        ),
      },
      ...(mayEdit
        ? [
            {
              id: 'actions',
              label: t('badgeCategories.columns.actions'),
              width: '11.5rem',
              render: (r: BadgeCategoryInfo) => (
                <div className="category-actions">
                  <button type="button" className="button button-small" onClick={() => setEditing({ create: false, form: formOf(r.category, locale) })} data-testid={`category-edit-${r.category.id}`}>
                    {t('badgeCategories.edit')}
                  </button>
                  <button type="button" className="button button-small button-danger" onClick={() => void remove(r)} data-testid={`category-delete-${r.category.id}`}>
                    {t('badgeCategories.delete')}
                  </button>
                </div>
              ),
            },
          ]
        : []),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- remove only uses setters and stable stores
    [t, locale, mayEdit, list],
  );

  return (
    <div className="project-stack">
      <Panel
        title={t('badgeCategories.title')}
        testId="categories-panel"
        actions={
          mayEdit ? (
            <button type="button" className="button" onClick={() => setEditing({ create: true, form: EMPTY_FORM })} data-testid="category-new">
              {t('badgeCategories.new')}
            </button>
          ) : null
        }
      >
        <p className="hint">{t('badgeCategories.hint')}</p>
        {!mayEdit ? <p className="notice">{t('badgeCategories.readOnly')}</p> : null}
        {error ? (
          <p className="notice tone-fault" role="alert" data-testid="categories-error">
            {error}
          </p>
        ) : null}
        <ProjectTable
          columns={columns}
          rows={list?.categories ?? []}
          rowKey={(r) => r.category.id}
          label={t('badgeCategories.title')}
          csvBase={t('badgeCategories.csvFile')}
          testId="categories-table"
          className="categories-table"
          empty={list ? t('badgeCategories.none') : t('common.loading')}
          rowAttributes={(r) => ({ 'data-testid': `category-row-${r.category.id}` })}
        />
      </Panel>
      {editing ? (
        <CategoryEditor
          key={`${editing.create ? 'new' : 'edit'}-${editing.form.id}`}
          create={editing.create}
          initial={editing.form}
          baseVersion={list?.version ?? null}
          onClose={() => setEditing(null)}
          onSaved={async () => {
            setEditing(null);
            setError(null);
            await Promise.all([load(), reloadProject()]);
          }}
        />
      ) : null}
    </div>
  );
}

function CategoryEditor(props: { create: boolean; initial: CategoryForm; baseVersion: number | null; onClose: () => void; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [form, setForm] = useState<CategoryForm>(props.initial);
  const [problems, setProblems] = useState<BadgeCategoryProblem[]>([]);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  /** The supervisor's problems in the operator's language, by form field; the rest as a list. */
  const { byField, loose } = useMemo(() => {
    const map: Partial<Record<FormField, string>> = {};
    const rest: string[] = [];
    for (const p of problems) {
      const field = fieldOf(p.pointer);
      const spec = [...CHARGING_FIELDS, ...PRECONDITIONING_FIELDS].find((f) => f.form === field);
      const max = p.params?.max === undefined ? '' : `${formatNumber(p.params.max / (spec?.factor ?? 1), locale)}${spec?.unit ? ` ${spec.unit}` : ''}`;
      const text = t(`badgeCategories.errors.${p.code}`, { max, message: p.message });
      if (field && map[field] === undefined) map[field] = text;
      else rest.push(`${p.pointer || '/'}: ${text}`);
    }
    return { byField: map, loose: rest };
  }, [problems, t, locale]);

  const update = (field: FormField, value: string) => {
    setForm((f) => ({ ...f, [field]: value }));
    const paired = (p: BadgeCategoryProblem) =>
      (p.code === 'pair' && (field === 'targetSocPercent' || field === 'batteryKwh')) || (p.pointer.startsWith('/charging/preconditioning') && field.startsWith('preconditioning'));
    setProblems((list) => list.filter((p) => fieldOf(p.pointer) !== field && !paired(p)));
    setError(null);
  };

  const save = async () => {
    setSaving(true);
    setError(null);
    try {
      const category = categoryOf(form);
      const checked = await api().call('checkBadgeCategory', { category: category as unknown as Record<string, unknown>, create: props.create });
      setProblems(checked.problems);
      if (checked.problems.length > 0) return;
      const saved = await api().call('putBadgeCategory', { category, create: props.create, baseVersion: props.baseVersion });
      useToasts.getState().push('ok', t('badgeCategories.saved', { id: category.id, version: saved.version.id }));
      await props.onSaved();
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setSaving(false);
    }
  };

  const field = (name: FormField, label: string, control: ReactNode, hint?: string, className = '') => {
    const problem = byField[name];
    return (
      <label className={`field ${className} ${problem ? 'field-invalid' : ''}`} data-field={name}>
        <span className="field-label">{label}</span>
        {control}
        {hint && !problem ? <span className="muted category-hint">{hint}</span> : null}
        {problem ? (
          <span className="form-error" role="alert" data-testid={`category-error-${name}`}>
            {problem}
          </span>
        ) : null}
      </label>
    );
  };
  const input = (name: FormField, extra: { inputMode?: 'decimal'; readOnly?: boolean; placeholder?: string } = {}) => (
    <input
      value={form[name]}
      onChange={(e) => update(name, e.target.value)}
      inputMode={extra.inputMode}
      readOnly={extra.readOnly}
      placeholder={extra.placeholder}
      aria-invalid={byField[name] ? true : undefined}
      spellCheck={false}
      data-testid={`category-field-${name}`}
    />
  );

  return (
    <Panel title={props.create ? t('badgeCategories.editor.newTitle') : t('badgeCategories.editor.editTitle', { id: form.id })} testId="category-editor">
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void save();
        }}
      >
        <div className="category-form">
          {field('id', t('badgeCategories.editor.id'), input('id', { readOnly: !props.create, placeholder: 'visitors' }))}
          {field('name', t('badgeCategories.editor.name'), input('name'))}
          {field(
            'color',
            t('badgeCategories.editor.color'),
            <span className="category-color">
              {input('color', { placeholder: '#3b9eff' })}
              <span className="category-swatch" style={/^#[0-9a-fA-F]{6}$/.test(form.color) ? { background: form.color } : undefined} aria-hidden="true" />
            </span>,
          )}
          {field('description', t('badgeCategories.editor.description'), input('description'), undefined, 'category-wide')}
        </div>
        <fieldset className="category-charging">
          <legend>{t('badgeCategories.editor.charging')}</legend>
          <div className="category-form">
            {field('priority', t('badgeCategories.editor.priority'), input('priority', { inputMode: 'decimal', placeholder: '1' }), t('badgeCategories.editor.priorityHint'))}
            {field('departureTime', t('badgeCategories.editor.departure'), input('departureTime', { placeholder: '17:30' }))}
            {field('energyKwh', t('badgeCategories.editor.energy'), input('energyKwh', { inputMode: 'decimal' }))}
            {field('targetSocPercent', t('badgeCategories.editor.targetSoc'), input('targetSocPercent', { inputMode: 'decimal', placeholder: '80' }))}
            {field('batteryKwh', t('badgeCategories.editor.battery'), input('batteryKwh', { inputMode: 'decimal' }))}
            {field('vehicleMaxKw', t('badgeCategories.editor.vehicleMax'), input('vehicleMaxKw', { inputMode: 'decimal' }))}
            {field('preconditioningMinutes', t('badgeCategories.editor.preconditioningMinutes'), input('preconditioningMinutes', { inputMode: 'decimal', placeholder: '20' }), t('badgeCategories.editor.preconditioningHint'))}
            {field('preconditioningKw', t('badgeCategories.editor.preconditioningKw'), input('preconditioningKw', { inputMode: 'decimal', placeholder: '3' }))}
          </div>
        </fieldset>
        {loose.length > 0 ? (
          <div className="notice tone-fault" data-testid="category-server-problems">
            {t('badgeCategories.editor.serverProblems')}
            <ul>
              {loose.map((p) => (
                <li key={p}>{p}</li>
              ))}
            </ul>
          </div>
        ) : null}
        {error ? (
          <p className="notice tone-fault" role="alert" data-testid="category-save-error">
            {error}
          </p>
        ) : null}
        <div className="toolbar">
          <button type="submit" className="button button-primary" disabled={saving} data-testid="category-save">
            {saving ? t('badgeCategories.editor.saving') : t('badgeCategories.editor.save')}
          </button>
          <button type="button" className="button" onClick={props.onClose} data-testid="category-cancel">
            {t('badgeCategories.editor.cancel')}
          </button>
        </div>
      </form>
    </Panel>
  );
}
