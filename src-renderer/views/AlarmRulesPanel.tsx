// Alarm rules (engineer): the running rule set as a table (sort, filter, CSV), an on/off toggle
// per rule, and an edit form whose problems show live in the operator's language (the same
// checker as the main process) with the condition said in words.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ALARM_RULE_KINDS, ALARM_SEVERITIES, type AlarmRule, type AlarmRuleKind, type AutomaticActionStep } from '../../src-shared/alarms/types.ts';
import type { AlarmRulesInfo } from '../../src-shared/alarms/editor.ts';
import { THRESHOLD_QUANTITIES, checkAlarmRule, type AlarmRuleProblem } from '../../src-shared/alarms/rule-check.ts';
import { SeverityPill } from '../components/AlarmPills.tsx';
import { DataTable, useSortedRows } from '../components/DataTable.tsx';
import { Field, Panel } from '../components/Field.tsx';
import { actionStepText, newThresholdRule, problemField, problemText, rulePreview } from '../lib/alarm-rules.ts';
import { quantityKey, quantityUnit } from '../lib/alarm-texts.ts';
import { severityRank } from '../lib/alarms.ts';
import { csvDialect, csvFileName, downloadText } from '../lib/csv.ts';
import { describeError } from '../lib/errors.ts';
import { DASH, formatDateTime } from '../lib/format.ts';
import { useLinkOpen, useLocale } from '../lib/hooks.ts';
import { columnsToCsv, nextSort, type Column, type SortState } from '../lib/table.ts';
import { api } from '../store/client.ts';
import { confirmAction } from '../store/confirm.ts';
import { useToasts } from '../store/toasts.ts';

/** The form edits the rule as loose data: a field being typed may not be a number yet (the checker says so). */
type Draft = Record<string, unknown>;

/** A number input that keeps what is typed; `scale` shows ms as s (1000), min (60000) or h. */
function NumberField(props: { label: string; value: unknown; onChange: (value: unknown) => void; scale?: number; testId: string; invalid: boolean; optional?: boolean }) {
  const scale = props.scale ?? 1;
  const shown = typeof props.value === 'number' && Number.isFinite(props.value) ? String(props.value / scale) : typeof props.value === 'string' ? props.value : '';
  const [text, setText] = useState(shown);
  return (
    <Field label={props.label}>
      <input
        inputMode="decimal"
        value={text}
        aria-invalid={props.invalid}
        className={props.invalid ? 'invalid' : ''}
        onChange={(e) => {
          const next = e.target.value;
          setText(next);
          const trimmed = next.trim().replace(',', '.');
          if (trimmed === '') props.onChange(props.optional ? undefined : '');
          else props.onChange(Number.isFinite(Number(trimmed)) ? Number(trimmed) * scale : next);
        }}
        data-testid={props.testId}
      />
    </Field>
  );
}

type ScopeMode = 'all' | 'sites' | 'stations';
type ActionChoice = 'none' | 'softReset' | 'hardReset' | 'trigger' | 'unlock';

function actionChoice(draft: Draft): ActionChoice {
  const step = (draft.automaticActions as { steps?: AutomaticActionStep[] } | null | undefined)?.steps?.[0];
  if (!step) return 'none';
  if (step.kind === 'reset') return step.type === 'hard' ? 'hardReset' : 'softReset';
  if (step.kind === 'triggerMessage') return 'trigger';
  if (step.kind === 'unlock') return 'unlock';
  return 'none';
}

const ACTION_STEPS: Record<Exclude<ActionChoice, 'none'>, AutomaticActionStep> = {
  softReset: { kind: 'reset', type: 'soft' },
  hardReset: { kind: 'reset', type: 'hard' },
  trigger: { kind: 'triggerMessage', message: 'StatusNotification' },
  unlock: { kind: 'unlock' },
};

function RuleForm(props: { info: AlarmRulesInfo; initial: AlarmRule; editing: string | null; onDone: (saved: AlarmRulesInfo | null) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const linkOpen = useLinkOpen();
  const [draft, setDraft] = useState<Draft>(() => structuredClone(props.initial) as unknown as Draft);
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState<string | null>(null);
  const set = (patch: Draft) => setDraft((d) => ({ ...d, ...patch }));
  const kind = draft.kind as AlarmRuleKind;
  const problems = useMemo<AlarmRuleProblem[]>(
    () =>
      checkAlarmRule(draft, {
        // A new rule may not take an existing id (it would replace that rule); an edited one keeps its own.
        otherRuleIds: props.info.rules.map((r) => r.id).filter((id) => id !== props.editing),
        stationIds: props.info.stationIds,
        siteIds: props.info.siteIds,
      }),
    [draft, props.info, props.editing],
  );
  const bad = (field: string) => problems.some((p) => problemField(p) === field);
  const scope = (draft.scope ?? {}) as { stationIds?: string[]; siteIds?: string[] };
  const scopeMode: ScopeMode = scope.stationIds ? 'stations' : scope.siteIds ? 'sites' : 'all';
  const scopeIds = (scope.stationIds ?? scope.siteIds ?? []).join(', ');
  const splitIds = (text: string) =>
    text
      .split(/[,;\s]+/)
      .map((s) => s.trim())
      .filter(Boolean);
  const actions = draft.automaticActions as { steps: AutomaticActionStep[]; maxAttempts: number; spacingMs: number; recoveryMs: number; raise: string } | null | undefined;
  const unit = quantityUnit(draft.quantity);
  const preview = problems.length === 0 ? rulePreview(draft as unknown as AlarmRule, t, locale) : null;

  const save = async () => {
    setSaving(true);
    setServerError(null);
    try {
      const request: { rule: AlarmRule; replaces?: string } = { rule: draft as unknown as AlarmRule };
      if (props.editing) request.replaces = props.editing;
      const saved = await api().call('putAlarmRule', request);
      useToasts.getState().push('ok', t('alarmRules.savedToast', { name: String(draft.name) }), 4000);
      props.onDone(saved);
    } catch (e) {
      setServerError(describeError(e, t));
    } finally {
      setSaving(false);
    }
  };

  return (
    <Panel title={props.editing ? t('alarmRules.form.editTitle', { id: props.editing }) : t('alarmRules.form.newTitle')} testId="alarm-rule-form">
      <form
        className="form-grid"
        onSubmit={(e) => {
          e.preventDefault();
          if (problems.length === 0 && !saving) void save();
        }}
      >
        <Field label={t('alarmRules.form.id')}>
          <input value={String(draft.id ?? '')} onChange={(e) => set({ id: e.target.value })} readOnly={props.editing !== null} spellCheck={false} aria-invalid={bad('id')} data-testid="rule-id" />
        </Field>
        <Field label={t('alarmRules.form.kind')}>
          <select value={kind} onChange={(e) => set({ kind: e.target.value })} disabled={props.editing !== null} data-testid="rule-kind">
            {ALARM_RULE_KINDS.map((k) => (
              <option key={k} value={k}>
                {t(`alarms.kinds.${k}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('alarmRules.form.name')} wide>
          <input value={String(draft.name ?? '')} onChange={(e) => set({ name: e.target.value })} aria-invalid={bad('name')} data-testid="rule-name" />
        </Field>
        <Field label={t('alarmRules.form.severity')}>
          <select value={String(draft.severity)} onChange={(e) => set({ severity: e.target.value })} data-testid="rule-severity">
            {ALARM_SEVERITIES.map((s) => (
              <option key={s} value={s}>
                {t(`alarms.severity.${s}`)}
              </option>
            ))}
          </select>
        </Field>
        <label className="checkbox">
          <input type="checkbox" checked={draft.enabled !== false} onChange={(e) => set({ enabled: e.target.checked })} data-testid="rule-enabled" /> {t('alarmRules.form.enabled')}
        </label>

        {kind === 'measurementThreshold' ? (
          <>
            <Field label={t('alarmRules.form.quantity')}>
              <select value={String(draft.quantity)} onChange={(e) => set({ quantity: e.target.value })} data-testid="rule-quantity">
                {THRESHOLD_QUANTITIES.map((q) => {
                  const k = quantityKey(q);
                  return (
                    <option key={q} value={q}>
                      {k ? t(`alarmRules.quantity.${k}`) : q} ({quantityUnit(q)})
                    </option>
                  );
                })}
              </select>
            </Field>
            <Field label={t('alarmRules.form.comparison')}>
              <select value={String(draft.comparison)} onChange={(e) => set({ comparison: e.target.value })} data-testid="rule-comparison">
                <option value="above">{t('alarmTexts.comparison.above')}</option>
                <option value="below">{t('alarmTexts.comparison.below')}</option>
              </select>
            </Field>
            <NumberField label={t('alarmRules.form.threshold', { unit })} value={draft.threshold} onChange={(v) => set({ threshold: v })} testId="rule-threshold" invalid={bad('threshold')} />
            <NumberField label={t('alarmRules.form.hysteresis', { unit })} value={draft.hysteresis} onChange={(v) => set({ hysteresis: v })} testId="rule-hysteresis" invalid={bad('hysteresis')} />
            {draft.quantity === 'Current.Import' ? (
              <Field label={t('alarmRules.form.phase')}>
                <select value={String(draft.phase ?? '')} onChange={(e) => set({ phase: e.target.value === '' ? undefined : e.target.value })} data-testid="rule-phase">
                  <option value="">{t('alarmRules.form.anyPhase')}</option>
                  {['L1', 'L2', 'L3'].map((p) => (
                    <option key={p} value={p}>
                      {p}
                    </option>
                  ))}
                </select>
              </Field>
            ) : null}
          </>
        ) : null}
        {kind === 'chargeStalled' ? (
          <>
            <NumberField label={t('alarmRules.form.minPowerW')} value={draft.minPowerW} onChange={(v) => set({ minPowerW: v })} testId="rule-minPowerW" invalid={bad('minPowerW')} />
            <NumberField label={t('alarmRules.form.stalledFor')} value={draft.stalledForMs} scale={60_000} onChange={(v) => set({ stalledForMs: v })} testId="rule-stalledFor" invalid={bad('stalledForMs')} />
          </>
        ) : null}
        {kind === 'transactionTooLong' ? (
          <NumberField label={t('alarmRules.form.maxDuration')} value={draft.maxDurationMs} scale={3_600_000} onChange={(v) => set({ maxDurationMs: v })} testId="rule-maxDuration" invalid={bad('maxDurationMs')} />
        ) : null}
        {kind === 'communicationLost' ? (
          <NumberField label={t('alarmRules.form.missedHeartbeats')} value={draft.missedHeartbeats} optional onChange={(v) => set({ missedHeartbeats: v })} testId="rule-missedHeartbeats" invalid={bad('missedHeartbeats')} />
        ) : null}
        {kind === 'groupLimitExceeded' ? (
          <>
            <NumberField label={t('alarmRules.form.marginW')} value={draft.marginW} optional onChange={(v) => set({ marginW: v })} testId="rule-marginW" invalid={bad('marginW')} />
            <NumberField label={t('alarmRules.form.hysteresisW')} value={draft.hysteresisW} optional onChange={(v) => set({ hysteresisW: v })} testId="rule-hysteresisW" invalid={bad('hysteresisW')} />
          </>
        ) : null}
        {kind !== 'securityEvent' ? (
          <>
            <NumberField label={t('alarmRules.form.onDelay')} value={draft.onDelayMs} scale={1000} optional onChange={(v) => set({ onDelayMs: v })} testId="rule-onDelay" invalid={bad('onDelayMs')} />
            <NumberField label={t('alarmRules.form.offDelay')} value={draft.offDelayMs} scale={1000} optional onChange={(v) => set({ offDelayMs: v })} testId="rule-offDelay" invalid={bad('offDelayMs')} />
          </>
        ) : null}

        {kind !== 'groupLimitExceeded' ? (
          <>
            <Field label={t('alarmRules.form.scope')}>
              <select
                value={scopeMode}
                onChange={(e) => {
                  const mode = e.target.value as ScopeMode;
                  set({ scope: mode === 'all' ? undefined : mode === 'stations' ? { stationIds: [] } : { siteIds: [] } });
                }}
                data-testid="rule-scope"
              >
                <option value="all">{t('alarmRules.form.scopeAll')}</option>
                <option value="sites">{t('alarmRules.form.scopeSites')}</option>
                <option value="stations">{t('alarmRules.form.scopeStations')}</option>
              </select>
            </Field>
            {scopeMode !== 'all' ? (
              <Field label={t('alarmRules.form.scopeIds')}>
                <input
                  defaultValue={scopeIds}
                  list={scopeMode === 'stations' ? 'rule-station-ids' : 'rule-site-ids'}
                  onChange={(e) => set({ scope: scopeMode === 'stations' ? { stationIds: splitIds(e.target.value) } : { siteIds: splitIds(e.target.value) } })}
                  aria-invalid={bad('scope')}
                  spellCheck={false}
                  data-testid="rule-scope-ids"
                  key={scopeMode}
                />
                <datalist id="rule-station-ids">
                  {props.info.stationIds.map((id) => (
                    <option key={id} value={id} />
                  ))}
                </datalist>
                <datalist id="rule-site-ids">
                  {props.info.siteIds.map((id) => (
                    <option key={id} value={id} />
                  ))}
                </datalist>
              </Field>
            ) : (
              <span />
            )}
            <Field label={t('alarmRules.form.actions')}>
              <select
                value={actionChoice(draft)}
                onChange={(e) => {
                  const choice = e.target.value as ActionChoice;
                  set({
                    automaticActions:
                      choice === 'none'
                        ? undefined
                        : { steps: [ACTION_STEPS[choice]], maxAttempts: actions?.maxAttempts ?? 2, spacingMs: actions?.spacingMs ?? 60_000, recoveryMs: actions?.recoveryMs ?? 600_000, raise: actions?.raise ?? 'immediately' },
                  });
                }}
                data-testid="rule-action"
              >
                {(['none', 'softReset', 'hardReset', 'trigger', 'unlock'] as const).map((c) => (
                  <option key={c} value={c}>
                    {c === 'none' ? t('alarmRules.form.actionNone') : actionStepText(ACTION_STEPS[c], t)}
                  </option>
                ))}
              </select>
            </Field>
            {actions ? (
              <>
                <NumberField label={t('alarmRules.form.maxAttempts')} value={actions.maxAttempts} onChange={(v) => set({ automaticActions: { ...actions, maxAttempts: v } })} testId="rule-maxAttempts" invalid={bad('automaticActions')} />
                <NumberField label={t('alarmRules.form.spacing')} value={actions.spacingMs} scale={1000} onChange={(v) => set({ automaticActions: { ...actions, spacingMs: v } })} testId="rule-spacing" invalid={bad('automaticActions')} />
                <Field label={t('alarmRules.form.raise')}>
                  <select value={actions.raise} onChange={(e) => set({ automaticActions: { ...actions, raise: e.target.value } })} data-testid="rule-raise">
                    <option value="immediately">{t('alarmRules.form.raiseImmediately')}</option>
                    <option value="whenExhausted">{t('alarmRules.form.raiseWhenExhausted')}</option>
                  </select>
                </Field>
              </>
            ) : null}
          </>
        ) : null}

        <div className="field field-wide">
          <span className="field-label">{t('alarmRules.form.preview')}</span>
          <p className="rule-preview" data-testid="rule-preview">
            {preview ?? DASH}
          </p>
        </div>
        {problems.length > 0 ? (
          <div className="form-error" role="alert" data-testid="rule-problems">
            <span>{t('alarmRules.form.problems')}</span>
            <ul>
              {problems.map((p) => (
                <li key={`${p.field}-${p.key}`} data-field={p.field}>
                  {problemText(p, t)}
                </li>
              ))}
            </ul>
          </div>
        ) : null}
        {serverError ? (
          <p className="form-error" role="alert" data-testid="rule-server-error">
            {serverError}
          </p>
        ) : null}
        <div className="dialog-actions">
          <button type="button" className="button" onClick={() => props.onDone(null)} data-testid="rule-cancel">
            {t('alarmRules.form.cancel')}
          </button>
          <button type="submit" className="button button-primary" disabled={problems.length > 0 || saving || !linkOpen} data-testid="rule-save">
            {t('alarmRules.form.save')}
          </button>
        </div>
      </form>
    </Panel>
  );
}

export function AlarmRulesPanel() {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const linkOpen = useLinkOpen();
  const [info, setInfo] = useState<AlarmRulesInfo | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [editing, setEditing] = useState<{ rule: AlarmRule; id: string | null; n: number } | null>(null);
  const [filter, setFilter] = useState('');
  const [kindFilter, setKindFilter] = useState<AlarmRuleKind | ''>('');
  const [sort, setSort] = useState<SortState | null>(null);
  const [busy, setBusy] = useState<string | null>(null);

  const load = useCallback(() => {
    api()
      .call('listAlarmRules', {})
      .then(
        (r) => {
          setInfo(r);
          setError(null);
        },
        (e: unknown) => setError(describeError(e, t)),
      );
  }, [t]);
  useEffect(() => {
    if (linkOpen) load();
  }, [linkOpen, load]);

  const toggle = async (rule: AlarmRule) => {
    setBusy(rule.id);
    try {
      const on = rule.enabled === false;
      setInfo(await api().call('putAlarmRule', { rule: { ...rule, enabled: on }, replaces: rule.id }));
      useToasts.getState().push(on ? 'ok' : 'idle', t(on ? 'alarmRules.enabledToast' : 'alarmRules.disabledToast', { name: rule.name }), 4000);
    } catch (e) {
      useToasts.getState().push('fault', describeError(e, t));
    } finally {
      setBusy(null);
    }
  };

  const remove = async (rule: AlarmRule) => {
    const ok = await confirmAction({ title: t('alarmRules.deleteTitle', { name: rule.name }), message: t('alarmRules.deleteBody'), confirmLabel: t('alarmRules.delete'), danger: true });
    if (!ok) return;
    setBusy(rule.id);
    try {
      setInfo(await api().call('deleteAlarmRule', { ruleId: rule.id }));
      useToasts.getState().push('ok', t('alarmRules.deletedToast', { name: rule.name }), 4000);
      if (editing?.id === rule.id) setEditing(null);
    } catch (e) {
      useToasts.getState().push('fault', describeError(e, t));
    } finally {
      setBusy(null);
    }
  };

  const columns = useMemo<Column<AlarmRule>[]>(
    () => [
      {
        id: 'enabled',
        label: t('alarmRules.columns.enabled'),
        width: '66px',
        sortValue: (r) => r.enabled !== false,
        csvValue: (r) => r.enabled !== false,
        render: (r) => (
          <input
            type="checkbox"
            checked={r.enabled !== false}
            disabled={busy !== null || !linkOpen}
            onChange={() => void toggle(r)}
            aria-label={t('alarmRules.columns.enabled')}
            data-testid={`rule-toggle-${r.id}`}
          />
        ),
      },
      { id: 'severity', label: t('alarmRules.columns.severity'), width: '124px', sortValue: (r) => severityRank(r.severity), csvValue: (r) => r.severity, render: (r) => <SeverityPill severity={r.severity} /> },
      {
        id: 'name',
        label: t('alarmRules.columns.name'),
        width: '190px',
        sortValue: (r) => r.name,
        render: (r) => (
          <span title={r.id}>
            {r.name} <span className="muted mono">{r.id}</span>
          </span>
        ),
      },
      { id: 'kind', label: t('alarmRules.columns.kind'), width: '150px', sortValue: (r) => t(`alarms.kinds.${r.kind}`), csvValue: (r) => r.kind, render: (r) => t(`alarms.kinds.${r.kind}`) },
      {
        id: 'condition',
        label: t('alarmRules.columns.condition'),
        sortValue: (r) => rulePreview(r, t, locale),
        render: (r) => (
          <span className="rule-condition" data-testid={`rule-condition-${r.id}`}>
            {rulePreview(r, t, locale)}
          </span>
        ),
      },
      {
        id: 'edit',
        label: '',
        width: '196px',
        render: (r) => (
          <span className="inline-actions">
            <button type="button" className="button button-small" onClick={() => setEditing({ rule: r, id: r.id, n: Date.now() })} data-testid={`rule-edit-${r.id}`}>
              {t('alarmRules.edit')}
            </button>
            <button type="button" className="button button-small button-danger" disabled={busy !== null || !linkOpen} onClick={() => void remove(r)} data-testid={`rule-delete-${r.id}`}>
              {t('alarmRules.delete')}
            </button>
          </span>
        ),
      },
    ],
    // toggle/remove only read state that is listed.
    // eslint-disable-next-line react-hooks/exhaustive-deps
    [t, locale, busy, linkOpen, editing],
  );
  const filtered = useMemo(() => {
    const needle = filter.trim().toLowerCase();
    return (info?.rules ?? []).filter(
      (r) => (!kindFilter || r.kind === kindFilter) && (!needle || `${r.id} ${r.name} ${rulePreview(r, t, locale)}`.toLowerCase().includes(needle)),
    );
  }, [info, filter, kindFilter, t, locale]);
  const rows = useSortedRows(filtered, columns, sort);

  return (
    <div className={`split alarm-rules ${editing ? '' : 'no-side'}`} data-testid="alarm-rules">
      <div className="split-main">
        <Panel title={t('alarmRules.title')} testId="alarm-rules-panel">
          {error ? <p className="notice tone-fault">{error}</p> : null}
          {info ? (
            <p className="hint" data-testid="alarm-rules-origin" data-origin={info.origin}>
              {t(`alarmRules.origin.${info.origin}`, { time: formatDateTime(info.savedAt, locale), by: info.savedBy ?? DASH })}
            </p>
          ) : null}
          <div className="toolbar filters">
            <Field label={t('alarmRules.filter')}>
              <input value={filter} onChange={(e) => setFilter(e.target.value)} data-testid="rules-filter" spellCheck={false} />
            </Field>
            <Field label={t('alarmRules.columns.kind')}>
              <select value={kindFilter} onChange={(e) => setKindFilter(e.target.value as AlarmRuleKind | '')} data-testid="rules-filter-kind">
                <option value="">{t('alarmRules.allKinds')}</option>
                {ALARM_RULE_KINDS.map((k) => (
                  <option key={k} value={k}>
                    {t(`alarms.kinds.${k}`)}
                  </option>
                ))}
              </select>
            </Field>
            <div className="toolbar-spacer" />
            <span className="toolbar-count">{t('alarmRules.shown', { shown: rows.length, total: info?.rules.length ?? 0 })}</span>
            <button type="button" className="button" disabled={rows.length === 0} onClick={() => downloadText(csvFileName(t('alarmRules.csvFile')), columnsToCsv(columns, rows, csvDialect(i18n.language)))} data-testid="rules-export">
              {t('common.exportCsv')}
            </button>
            <button
              type="button"
              className="button button-primary"
              disabled={!info || !linkOpen}
              onClick={() => info && setEditing({ rule: newThresholdRule(info.rules.map((r) => r.id)), id: null, n: Date.now() })}
              data-testid="rule-add"
            >
              {t('alarmRules.add')}
            </button>
          </div>
          <DataTable
            label={t('alarmRules.title')}
            testId="alarm-rules-table"
            columns={columns}
            rows={rows}
            rowKey={(r) => r.id}
            sort={sort}
            onSort={(id) => setSort(nextSort(sort, id))}
            rowAttributes={(r) => ({ 'data-testid': `rule-row-${r.id}`, 'data-enabled': String(r.enabled !== false), 'data-kind': r.kind, className: r.enabled === false ? 'row-disabled' : '' })}
            empty={!info ? t('common.loading') : info.rules.length === 0 ? t('alarmRules.none') : t('alarmRules.noMatch')}
          />
        </Panel>
      </div>
      {editing && info ? (
        <RuleForm
          key={`${editing.id ?? 'new'}-${editing.n}`}
          info={info}
          initial={editing.rule}
          editing={editing.id}
          onDone={(saved) => {
            if (saved) setInfo(saved);
            setEditing(null);
          }}
        />
      ) : null}
    </div>
  );
}
