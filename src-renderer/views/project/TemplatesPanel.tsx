// Template library tab: the project's station templates (with how many stations use each) and the
// shipped library in one table; create (from scratch or a duplicate), edit with each problem next to
// its field and a preview of the stations the change reaches, delete (refused while in use). A save
// is a new project version applied at once. Below: "Add EV charging" with its preview.
import { type ReactNode, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { TemplateCheck, TemplateInstanceChange } from '../../../src-shared/api/index.ts';
import type { OcppProtocol } from '../../../src-shared/domain/index.ts';
import type { StationTemplate } from '../../../src-shared/project/index.ts';
import { Panel } from '../../components/Field.tsx';
import { Pill } from '../../components/StatusBadge.tsx';
import { describeError } from '../../lib/errors.ts';
import { DASH, formatNumber } from '../../lib/format.ts';
import { useCommand, useLocale } from '../../lib/hooks.ts';
import type { Column } from '../../lib/table.ts';
import {
  CONNECTOR_TYPE_OPTIONS,
  duplicateForm,
  emptyTemplateForm,
  fieldOfPointer,
  formFromTemplate,
  templateFromForm,
  validateTemplateForm,
  type TemplateForm,
  type TemplateFormError,
} from '../../lib/template-form.ts';
import { api } from '../../store/client.ts';
import { confirmAction } from '../../store/confirm.ts';
import { useProject } from '../../store/project.ts';
import { useMayUse } from '../../store/session.ts';
import { useToasts } from '../../store/toasts.ts';
import { AddChargingPanel } from './AddChargingPanel.tsx';
import { ProjectTable } from './ProjectTable.tsx';
import '../../styles/templates.css';

interface TemplateRow {
  key: string;
  source: 'project' | 'library';
  template: StationTemplate;
  /** Stations using it (project templates only). */
  instances: string[] | null;
}

interface Editing {
  create: boolean;
  form: TemplateForm;
}

function connectorsText(t: StationTemplate): string {
  const types = t.connectors.map((c) => c.type ?? DASH);
  return `${t.connectors.length} × ${[...new Set(types)].join(', ')}`;
}

function changeText(change: TemplateInstanceChange): string {
  return change.changes.map((c) => `${c.field}: ${c.before === undefined ? DASH : JSON.stringify(c.before)} → ${c.after === undefined ? DASH : JSON.stringify(c.after)}`).join('; ');
}

export function TemplatesPanel() {
  const { t } = useTranslation();
  const locale = useLocale();
  const mayEdit = useMayUse('saveTemplate');
  const reloadProject = useProject((s) => s.reload);
  const { data: info, error: loadError, reload: load } = useCommand('listProjectTemplates', {});
  // Failures of the panel's own actions; a failed load shows as loadError.
  const [actionError, setError] = useState<string | null>(null);
  const error = actionError ?? loadError;
  const [editing, setEditing] = useState<Editing | null>(null);

  const projectIds = useMemo(() => new Set((info?.templates ?? []).map((x) => x.template.id)), [info]);
  const rows = useMemo<TemplateRow[]>(
    () => [
      ...(info?.templates ?? []).map((x): TemplateRow => ({ key: `project/${x.template.id}`, source: 'project', template: x.template, instances: x.instances })),
      ...(info?.library ?? []).map((template): TemplateRow => ({ key: `library/${template.id}`, source: 'library', template, instances: null })),
    ],
    [info],
  );

  const remove = async (row: TemplateRow) => {
    // A template in use is refused by the supervisor, which names the stations: no need to confirm first.
    const inUse = (row.instances?.length ?? 0) > 0;
    if (!inUse) {
      const ok = await confirmAction({ title: t('templateLibrary.deleteTitle', { id: row.template.id }), message: t('templateLibrary.deleteText'), confirmLabel: t('templateLibrary.delete'), danger: true });
      if (!ok) return;
    }
    try {
      const done = await api().call('deleteTemplate', { templateId: row.template.id, baseVersion: info?.version ?? null });
      useToasts.getState().push('ok', t('templateLibrary.deleted', { id: row.template.id, version: done.version.id }));
      setError(null);
      await Promise.all([load(), reloadProject()]);
    } catch (e) {
      setError(describeError(e, t));
    }
  };

  const columns = useMemo<Column<TemplateRow>[]>(
    () => [
      {
        id: 'source',
        label: t('templateLibrary.columns.source'),
        width: '8rem',
        sortValue: (r) => r.source,
        csvValue: (r) => r.source,
        render: (r) => <Pill tone={r.source === 'project' ? 'ok' : 'info'}>{t(`templateLibrary.source.${r.source}`)}</Pill>,
      },
      { id: 'id', label: t('templateLibrary.columns.id'), width: '11rem', sortValue: (r) => r.template.id, render: (r) => <span className="mono">{r.template.id}</span> },
      { id: 'name', label: t('templateLibrary.columns.name'), sortValue: (r) => r.template.name, render: (r) => <span className="wrap-anywhere">{r.template.name}</span> },
      {
        id: 'vendor',
        label: t('templateLibrary.columns.vendor'),
        width: '8.5rem',
        sortValue: (r) => `${r.template.vendor ?? ''} ${r.template.model ?? ''}`.trim(),
        render: (r) => `${r.template.vendor ?? ''} ${r.template.model ?? ''}`.trim() || DASH,
      },
      { id: 'kind', label: t('templateLibrary.columns.kind'), width: '3.5rem', sortValue: (r) => r.template.kind, render: (r) => r.template.kind },
      {
        id: 'power',
        label: t('templateLibrary.columns.power'),
        width: '7.5rem',
        align: 'end',
        sortValue: (r) => r.template.maxPowerW / 1000,
        render: (r) => <span className="num">{formatNumber(r.template.maxPowerW / 1000, locale, 1)}</span>,
      },
      { id: 'connectors', label: t('templateLibrary.columns.connectors'), width: '8.5rem', sortValue: (r) => connectorsText(r.template), render: (r) => connectorsText(r.template) },
      { id: 'protocol', label: t('templateLibrary.columns.protocol'), width: '6.5rem', sortValue: (r) => r.template.protocol, render: (r) => <span className="mono">{r.template.protocol}</span> },
      {
        id: 'instances',
        label: t('templateLibrary.columns.instances'),
        width: '5rem',
        align: 'end',
        sortValue: (r) => r.instances?.length ?? null,
        render: (r) =>
          r.instances === null ? (
            DASH
          ) : (
            <span className="num" title={r.instances.slice(0, 30).join(', ')} data-testid={`template-instances-${r.template.id}`}>
              {r.instances.length}
            </span>
          ),
      },
      ...(mayEdit
        ? [
            {
              id: 'actions',
              label: t('templateLibrary.columns.actions'),
              width: '17rem',
              render: (r: TemplateRow) => (
                <div className="template-actions">
                  {r.source === 'project' ? (
                    <button type="button" className="button button-small" onClick={() => setEditing({ create: false, form: formFromTemplate(r.template) })} data-testid={`template-edit-${r.template.id}`}>
                      {t('templateLibrary.edit')}
                    </button>
                  ) : null}
                  <button
                    type="button"
                    className="button button-small"
                    onClick={() => setEditing({ create: true, form: duplicateForm(r.template, projectIds, t('templateLibrary.copySuffix')) })}
                    data-testid={`template-duplicate-${r.source}-${r.template.id}`}
                  >
                    {t('templateLibrary.duplicate')}
                  </button>
                  {r.source === 'project' ? (
                    <button
                      type="button"
                      className="button button-small button-danger"
                      title={(r.instances?.length ?? 0) > 0 ? t('templateLibrary.inUse', { count: r.instances?.length ?? 0, ids: (r.instances ?? []).slice(0, 10).join(', ') }) : undefined}
                      onClick={() => void remove(r)}
                      data-testid={`template-delete-${r.template.id}`}
                    >
                      {t('templateLibrary.delete')}
                    </button>
                  ) : null}
                </div>
              ),
            },
          ]
        : []),
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- remove only uses setters and stable stores
    [t, locale, mayEdit, projectIds],
  );

  return (
    <div className="project-stack">
      <Panel
        title={t('templateLibrary.title')}
        testId="templates-panel"
        actions={
          mayEdit ? (
            <button type="button" className="button" onClick={() => setEditing({ create: true, form: emptyTemplateForm() })} data-testid="template-new">
              {t('templateLibrary.new')}
            </button>
          ) : null
        }
      >
        <p className="hint">{t('templateLibrary.hint')}</p>
        {!mayEdit ? <p className="notice">{t('templateLibrary.readOnly')}</p> : null}
        {error ? (
          <p className="notice tone-fault" data-testid="templates-error">
            {error}
          </p>
        ) : null}
        <ProjectTable
          columns={columns}
          rows={rows}
          rowKey={(r) => r.key}
          label={t('templateLibrary.title')}
          csvBase={t('templateLibrary.csvFile')}
          testId="templates-table"
          empty={t('templateLibrary.none')}
          rowAttributes={(r) => ({ 'data-testid': `template-row-${r.source}-${r.template.id}`, 'data-source': r.source })}
        />
      </Panel>
      {editing ? (
        <TemplateEditor
          key={`${editing.create ? 'new' : 'edit'}-${editing.form.id}`}
          editing={editing}
          taken={projectIds}
          baseVersion={info?.version ?? null}
          onClose={() => setEditing(null)}
          onSaved={async () => {
            setEditing(null);
            await Promise.all([load(), reloadProject()]);
          }}
        />
      ) : null}
      {mayEdit ? (
        <AddChargingPanel
          templateIds={rows.map((r) => r.template.id).filter((id, i, all) => all.indexOf(id) === i)}
          onAdded={async () => {
            await Promise.all([load(), reloadProject()]);
          }}
        />
      ) : null}
    </div>
  );
}

function TemplateEditor(props: { editing: Editing; taken: ReadonlySet<string>; baseVersion: number | null; onClose: () => void; onSaved: () => Promise<void> }) {
  const { t } = useTranslation();
  const { create } = props.editing;
  const [form, setForm] = useState<TemplateForm>(props.editing.form);
  const [touched, setTouched] = useState<Set<string>>(new Set());
  const [submitted, setSubmitted] = useState(false);
  const [check, setCheck] = useState<TemplateCheck | null>(null);
  const [checking, setChecking] = useState(false);
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const errors = useMemo(() => validateTemplateForm(form, { create, taken: props.taken }), [form, create, props.taken]);
  const messageOf = (e: TemplateFormError) => t(`templateLibrary.errors.${e.key}`, e.params ?? {});
  const shown = useMemo(() => {
    const byField: Record<string, string> = {};
    for (const e of errors) if ((submitted || touched.has(e.field)) && byField[e.field] === undefined) byField[e.field] = messageOf(e);
    return byField;
    // eslint-disable-next-line react-hooks/exhaustive-deps -- messageOf only depends on t
  }, [errors, submitted, touched, t]);

  // The supervisor's own check and the stations the change reaches, once the form is clean.
  useEffect(() => {
    if (errors.length > 0) return;
    let live = true;
    const timer = setTimeout(() => {
      setChecking(true);
      api()
        .call('checkTemplate', { template: templateFromForm(form) as unknown as Record<string, unknown>, create })
        .then((result) => {
          if (live) setCheck(result);
        })
        .catch((e: unknown) => {
          if (live) setError(describeError(e, t));
        })
        .finally(() => {
          if (live) setChecking(false);
        });
    }, 300);
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [form, errors.length, create, t]);

  const update = (field: string, patch: Partial<TemplateForm>) => {
    setForm((f) => ({ ...f, ...patch }));
    setTouched((s) => new Set(s).add(field));
    setError(null);
  };
  const updateConnector = (i: number, field: 'type' | 'maxKw' | 'label', value: string) => {
    setForm((f) => ({ ...f, connectors: f.connectors.map((c, j) => (j === i ? { ...c, [field]: value } : c)) }));
    setTouched((s) => new Set(s).add(`connectors.${i}.${field}`));
  };

  // A check of an older draft says nothing once the form has problems of its own.
  const liveCheck = errors.length === 0 ? check : null;
  const serverByField = useMemo(() => {
    const map: Record<string, string> = {};
    const loose: string[] = [];
    for (const p of liveCheck?.problems ?? []) {
      const field = fieldOfPointer(p.pointer);
      if (field && map[field] === undefined) map[field] = p.message;
      else loose.push(`${p.pointer || '/'} ${p.message}`);
    }
    return { map, loose };
  }, [liveCheck]);

  const save = async () => {
    setSubmitted(true);
    if (errors.length > 0 || (liveCheck?.problems.length ?? 0) > 0) return;
    const template = templateFromForm(form);
    const changed = liveCheck?.changes.length ?? 0;
    const ok = await confirmAction({
      title: t('templateLibrary.confirmTitle', { id: template.id }),
      message: t('templateLibrary.confirmText', { count: changed, unchanged: liveCheck?.unchanged.length ?? 0 }),
      confirmLabel: t('templateLibrary.editor.save'),
    });
    if (!ok) return;
    setSaving(true);
    try {
      const saved = await api().call('saveTemplate', { template, create, baseVersion: props.baseVersion });
      useToasts.getState().push('ok', t('templateLibrary.saved', { id: template.id, version: saved.version.id, count: saved.changes.length }));
      await props.onSaved();
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setSaving(false);
    }
  };

  const field = (label: string, name: string, control: ReactNode, className = '') => {
    const problem = shown[name] ?? serverByField.map[name];
    return (
      <label className={`field ${className} ${problem ? 'field-invalid' : ''}`} data-field={name}>
        <span className="field-label">{label}</span>
        {control}
        {problem ? (
          <span className="form-error project-field-error" role="alert" data-testid={`template-error-${name}`}>
            {problem}
          </span>
        ) : null}
      </label>
    );
  };
  const input = (name: keyof TemplateForm & string, extra: { inputMode?: 'decimal'; disabled?: boolean } = {}) => (
    <input
      value={form[name] as string}
      onChange={(e) => update(name, { [name]: e.target.value } as Partial<TemplateForm>)}
      onBlur={() => setTouched((s) => new Set(s).add(name))}
      inputMode={extra.inputMode}
      disabled={extra.disabled}
      aria-invalid={shown[name] ? true : undefined}
      spellCheck={false}
      data-testid={`template-field-${name}`}
    />
  );

  const previewRows = liveCheck?.changes ?? [];
  const previewColumns: Column<TemplateInstanceChange>[] = [
    { id: 'station', label: t('templateLibrary.preview.station'), width: '10rem', sortValue: (c) => c.stationId, render: (c) => <span className="mono">{c.stationId}</span> },
    { id: 'park', label: t('templateLibrary.preview.park'), width: '13rem', sortValue: (c) => `${c.site}/${c.park}`, render: (c) => `${c.site} / ${c.park}` },
    { id: 'changes', label: t('templateLibrary.preview.changes'), sortValue: (c) => changeText(c), render: (c) => <span className="wrap-anywhere mono template-change">{changeText(c)}</span> },
    { id: 'kept', label: t('templateLibrary.preview.kept'), width: '10rem', sortValue: (c) => c.kept.join(', '), render: (c) => (c.kept.length > 0 ? c.kept.join(', ') : DASH) },
  ];

  return (
    <Panel title={create ? t('templateLibrary.editor.titleNew') : t('templateLibrary.editor.titleEdit', { id: props.editing.form.id })} testId="template-editor">
      <div className="template-form">
        {field(t('templateLibrary.editor.id'), 'id', input('id', { disabled: !create }))}
        {field(t('templateLibrary.editor.name'), 'name', input('name'), 'template-wide')}
        {field(t('templateLibrary.editor.vendor'), 'vendor', input('vendor'))}
        {field(t('templateLibrary.editor.model'), 'model', input('model'))}
        {field(
          t('templateLibrary.editor.kind'),
          'kind',
          <select value={form.kind} onChange={(e) => update('kind', { kind: e.target.value === 'DC' ? 'DC' : 'AC' })} data-testid="template-field-kind">
            <option value="AC">AC</option>
            <option value="DC">DC</option>
          </select>,
        )}
        {field(t('templateLibrary.editor.maxKw'), 'maxKw', input('maxKw', { inputMode: 'decimal' }))}
        {field(t('templateLibrary.editor.supplyKw'), 'supplyKw', input('supplyKw', { inputMode: 'decimal' }))}
        {field(
          t('templateLibrary.editor.phases'),
          'phases',
          <select value={form.phases} onChange={(e) => update('phases', { phases: e.target.value === '1' ? '1' : e.target.value === '3' ? '3' : '' })} data-testid="template-field-phases">
            <option value="">{t('templateLibrary.editor.phasesNone')}</option>
            <option value="1">1</option>
            <option value="3">3</option>
          </select>,
        )}
        {field(t('templateLibrary.editor.maxCurrentA'), 'maxCurrentA', input('maxCurrentA', { inputMode: 'decimal' }))}
        {field(t('templateLibrary.editor.efficiency'), 'efficiency', input('efficiency', { inputMode: 'decimal' }))}
        {field(
          t('templateLibrary.editor.protocol'),
          'protocol',
          <select value={form.protocol} onChange={(e) => update('protocol', { protocol: e.target.value as OcppProtocol })} data-testid="template-field-protocol">
            <option value="ocpp1.6">OCPP 1.6</option>
            <option value="ocpp2.0.1">OCPP 2.0.1</option>
          </select>,
        )}
        {field(
          t('templateLibrary.editor.securityProfile'),
          'securityProfile',
          <select value={form.securityProfile} onChange={(e) => update('securityProfile', { securityProfile: e.target.value as TemplateForm['securityProfile'] })} data-testid="template-field-securityProfile">
            <option value="">{t('templateLibrary.editor.profileDefault')}</option>
            {(['0', '1', '2', '3'] as const).map((p) => (
              <option key={p} value={p}>
                {t(`templateLibrary.editor.profiles.p${p}`)}
              </option>
            ))}
          </select>,
        )}
        {field(t('templateLibrary.editor.symbol'), 'symbol', input('symbol'))}
        {field(
          t('templateLibrary.editor.description'),
          'description',
          <textarea value={form.description} rows={2} onChange={(e) => update('description', { description: e.target.value })} data-testid="template-field-description" />,
          'template-full',
        )}
      </div>
      <fieldset className="template-connectors" data-testid="template-connectors">
        <legend>{t('templateLibrary.editor.connectors')}</legend>
        {shown.connectors ? (
          <span className="form-error project-field-error" role="alert" data-testid="template-error-connectors">
            {shown.connectors}
          </span>
        ) : null}
        {form.connectors.map((c, i) => (
          <div className="template-connector" key={i} data-testid={`template-connector-${i}`}>
            <span className="template-connector-name">{t('templateLibrary.editor.connector', { n: i + 1 })}</span>
            {field(
              t('templateLibrary.editor.type'),
              `connectors.${i}.type`,
              <select value={c.type} onChange={(e) => updateConnector(i, 'type', e.target.value)} data-testid={`template-connector-type-${i}`}>
                <option value="">{t('templateLibrary.editor.typeNone')}</option>
                {CONNECTOR_TYPE_OPTIONS.map((type) => (
                  <option key={type} value={type}>
                    {type}
                  </option>
                ))}
              </select>,
            )}
            {field(
              t('templateLibrary.editor.connectorKw'),
              `connectors.${i}.maxKw`,
              <input value={c.maxKw} inputMode="decimal" onChange={(e) => updateConnector(i, 'maxKw', e.target.value)} data-testid={`template-connector-kw-${i}`} />,
            )}
            {field(t('templateLibrary.editor.label'), `connectors.${i}.label`, <input value={c.label} onChange={(e) => updateConnector(i, 'label', e.target.value)} data-testid={`template-connector-label-${i}`} />)}
            <button
              type="button"
              className="button button-small"
              onClick={() => update('connectors', { connectors: form.connectors.filter((_, j) => j !== i) })}
              aria-label={t('templateLibrary.editor.removeConnector', { n: i + 1 })}
              data-testid={`template-connector-remove-${i}`}
            >
              ✕
            </button>
          </div>
        ))}
        <button type="button" className="button button-small" onClick={() => update('connectors', { connectors: [...form.connectors, { type: form.connectors.at(-1)?.type ?? '', maxKw: '', label: '' }] })} data-testid="template-connector-add">
          {t('templateLibrary.editor.addConnector')}
        </button>
      </fieldset>
      <div className="template-text-fields">
        {field(
          t('templateLibrary.editor.configuration'),
          'configuration',
          <textarea className="mono" rows={6} value={form.configuration} onChange={(e) => update('configuration', { configuration: e.target.value })} spellCheck={false} data-testid="template-field-configuration" />,
        )}
        {field(
          t('templateLibrary.editor.alarmRules'),
          'alarmRules',
          <textarea className="mono" rows={6} value={form.alarmRules} onChange={(e) => update('alarmRules', { alarmRules: e.target.value })} spellCheck={false} data-testid="template-field-alarmRules" />,
        )}
      </div>
      {serverByField.loose.length > 0 ? (
        <div className="notice tone-fault" data-testid="template-server-problems">
          {t('templateLibrary.editor.serverProblems')}
          <ul>
            {serverByField.loose.map((p) => (
              <li key={p} className="mono">
                {p}
              </li>
            ))}
          </ul>
        </div>
      ) : null}
      {error ? (
        <p className="notice tone-fault" data-testid="template-save-error">
          {error}
        </p>
      ) : null}
      <div className="toolbar">
        <button type="button" className="button button-primary" disabled={saving || (submitted && errors.length > 0)} onClick={() => void save()} data-testid="template-save">
          {saving ? t('templateLibrary.editor.saving') : t('templateLibrary.editor.save')}
        </button>
        <button type="button" className="button" onClick={props.onClose} data-testid="template-cancel">
          {t('templateLibrary.editor.cancel')}
        </button>
        {checking && errors.length === 0 ? <span className="muted">{t('templateLibrary.editor.checking')}</span> : null}
      </div>
      {liveCheck && liveCheck.problems.length === 0 ? (
        <div className="template-preview" data-testid="template-preview" data-changes={liveCheck.changes.length} data-unchanged={liveCheck.unchanged.length}>
          <h3 className="project-subtitle">{t('templateLibrary.preview.title')}</h3>
          {liveCheck.changes.length + liveCheck.unchanged.length === 0 ? (
            <p className="muted">{t('templateLibrary.preview.none')}</p>
          ) : (
            <>
              <p data-testid="template-preview-count">{t('templateLibrary.preview.count', { count: liveCheck.changes.length, unchanged: liveCheck.unchanged.length })}</p>
              {previewRows.length > 0 ? (
                <ProjectTable
                  columns={previewColumns}
                  rows={previewRows}
                  rowKey={(c) => c.stationId}
                  label={t('templateLibrary.preview.title')}
                  csvBase={t('templateLibrary.preview.csvFile')}
                  testId="template-preview-table"
                  empty=""
                  rowAttributes={(c) => ({ 'data-testid': `template-preview-${c.stationId}` })}
                />
              ) : null}
            </>
          )}
        </div>
      ) : null}
    </Panel>
  );
}
