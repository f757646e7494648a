// Project → Symbols: the ground-plan symbol library. A table of every symbol (sort, filter, CSV),
// an edit form (shape, size, a colour per state, the live value of each slot, animation) with a
// live preview that goes through the states, new / duplicate / delete. Saving is a new project
// version applied at once (putSymbol); the main process checks the role and writes the audit log.
import { useEffect, useMemo, useState, type CSSProperties } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError } from '../../../src-shared/api/index.ts';
import {
  FALLBACK_SYMBOL,
  SYMBOL_SHAPES,
  SYMBOL_SIZES,
  SYMBOL_STATES,
  SYMBOL_VALUES,
  isSymbolColor,
  type PlanSymbol,
  type SymbolEntry,
  type SymbolState,
  type SymbolUsers,
} from '../../../src-shared/project/symbols.ts';
import { Field, Panel } from '../../components/Field.tsx';
import { PlanSymbolBody } from '../../components/PlanSymbolBody.tsx';
import { Pill } from '../../components/StatusBadge.tsx';
import { describeError } from '../../lib/errors.ts';
import { useLinkOpen } from '../../lib/hooks.ts';
import { copyId, symbolBox, symbolFormProblems, type ConnectorView } from '../../lib/symbols.ts';
import type { Column } from '../../lib/table.ts';
import { confirmAction } from '../../store/confirm.ts';
import { useMayUse } from '../../store/session.ts';
import { useSymbols } from '../../store/symbols.ts';
import { useToasts } from '../../store/toasts.ts';
import { useProject } from '../../store/project.ts';
import { ProjectTable } from './ProjectTable.tsx';
import '../../styles/symbols.css';

type Row = SymbolEntry & { users: SymbolUsers };

interface Draft {
  symbol: PlanSymbol;
  isNew: boolean;
  origin: SymbolEntry['origin'] | null;
}

/** A plain symbol (without origin and users) to edit. */
function plain(entry: Row): PlanSymbol {
  const { origin: _origin, users: _users, ...symbol } = entry;
  return structuredClone(symbol);
}

const CHARGING_LIKE: ReadonlySet<SymbolState> = new Set(['Charging', 'SuspendedEV', 'SuspendedEVSE', 'Finishing']);

/** A sample connector in a state, with the values a real one would have there. */
function sampleConnector(evseId: number, state: SymbolState): ConnectorView {
  const status = state === 'Offline' ? 'Available' : state;
  const charging = CHARGING_LIKE.has(state);
  return {
    evseId,
    status,
    powerW: state === 'Charging' ? 42_500 : charging ? 0 : null,
    soc: charging ? 63 : null,
    energyWh: charging ? 12_400 : null,
    idTag: charging ? 'BADGE-0042' : null,
    charging,
    // A session that began 1 h 47 ago, for the time charging.
    startedAt: charging ? new Date(Date.now() - 107 * 60_000).toISOString() : null,
  };
}

function SymbolSvg(props: { symbol: PlanSymbol; state: SymbolState; second?: boolean; zoom: number; testId?: string }) {
  const connectors = props.second ? [sampleConnector(1, props.state), sampleConnector(2, 'Charging')] : [sampleConnector(1, props.state)];
  const box = symbolBox(props.symbol, connectors.length);
  const pad = 10;
  const online = props.state !== 'Offline';
  const status = online ? (props.state as Exclude<SymbolState, 'Offline'>) : 'Available';
  return (
    <svg width={(box.width + 2 * pad) * props.zoom} height={(box.height + 2 * pad) * props.zoom} viewBox={`0 0 ${box.width + 2 * pad} ${box.height + 2 * pad}`} data-testid={props.testId} data-state={props.state} role="img" aria-label={props.symbol.name}>
      <g className={`plan-station ${online ? '' : 'offline'}`} transform={`translate(${pad} ${pad}) scale(${box.scale})`} style={{ '--tone': props.symbol.colors[props.state] } as CSSProperties}>
        <PlanSymbolBody symbol={props.symbol} stationId="P1-CP01" online={online} status={status} connectors={connectors} maxPowerW={50_000} alarm={null} />
      </g>
    </svg>
  );
}

/** The symbol large, going through every state, and one small copy per state. */
function SymbolPreview({ symbol }: { symbol: PlanSymbol }) {
  const { t } = useTranslation();
  const [index, setIndex] = useState(0);
  useEffect(() => {
    const timer = window.setInterval(() => setIndex((i) => (i + 1) % SYMBOL_STATES.length), 1500);
    return () => window.clearInterval(timer);
  }, []);
  const state = SYMBOL_STATES[index] ?? 'Available';
  return (
    <div className="stack" data-testid="symbol-preview">
      <div className="symbols-preview">
        <SymbolSvg symbol={symbol} state={state} second zoom={1.3} testId="symbol-preview-live" />
        <div className="stack">
          <strong data-testid="symbol-preview-state">{t(`symbols.states.${state}`)}</strong>
          <span className="muted">{t('symbols.form.previewHint')}</span>
        </div>
      </div>
      <h3 className="field-label">{t('symbols.form.allStates')}</h3>
      <div className="symbols-states" data-testid="symbol-preview-states">
        {SYMBOL_STATES.map((s) => (
          <div key={s} className={`symbols-state ${s === state ? 'current' : ''}`}>
            <SymbolSvg symbol={symbol} state={s} zoom={0.62} testId={`symbol-preview-${s}`} />
            <span>{t(`symbols.states.${s}`)}</span>
          </div>
        ))}
      </div>
    </div>
  );
}

function usersText(users: SymbolUsers): string {
  return [...users.templates.map((x) => `${x.id} (${x.stations})`), ...users.stations].join(', ');
}

function SymbolForm(props: { draft: Draft; taken: ReadonlySet<string>; mayEdit: boolean; onChange: (symbol: PlanSymbol) => void; onSave: () => void; onCancel: () => void; saving: boolean }) {
  const { t } = useTranslation();
  const { symbol, isNew } = props.draft;
  const problems = symbolFormProblems(symbol, { isNew, takenIds: props.taken });
  const problem = (field: string) => problems.find((p) => p.field === field);
  const set = (change: (s: PlanSymbol) => void) => {
    const next = structuredClone(symbol);
    change(next);
    props.onChange(next);
  };
  const disabled = !props.mayEdit || props.saving;
  const message = (field: string) => {
    const p = problem(field);
    return p ? <span className="symbols-problem" data-testid={`symbol-problem-${field}`}>{t(`symbols.errors.${p.key}`)}</span> : null;
  };
  return (
    <div className="stack" data-testid="symbol-form" data-symbol-id={symbol.id}>
      <div className="symbols-form">
        <Field label={t('symbols.form.id')}>
          <input value={symbol.id} disabled={!isNew || disabled} onChange={(e) => set((s) => void (s.id = e.target.value.trim()))} data-testid="symbol-id" aria-invalid={problem('id') ? true : undefined} />
          {message('id')}
        </Field>
        <Field label={t('symbols.form.name')}>
          <input value={symbol.name} disabled={disabled} onChange={(e) => set((s) => void (s.name = e.target.value))} data-testid="symbol-name" aria-invalid={problem('name') ? true : undefined} />
          {message('name')}
        </Field>
        <Field label={t('symbols.form.description')} wide>
          <input value={symbol.description ?? ''} disabled={disabled} onChange={(e) => set((s) => (e.target.value ? (s.description = e.target.value) : delete s.description))} data-testid="symbol-description" />
        </Field>
        <Field label={t('symbols.form.shape')}>
          <select value={symbol.shape} disabled={disabled} onChange={(e) => set((s) => void (s.shape = e.target.value as PlanSymbol['shape']))} data-testid="symbol-shape">
            {SYMBOL_SHAPES.map((x) => (
              <option key={x} value={x}>
                {t(`symbols.shapes.${x}`)}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('symbols.form.size')}>
          <select value={symbol.size} disabled={disabled} onChange={(e) => set((s) => void (s.size = e.target.value as PlanSymbol['size']))} data-testid="symbol-size">
            {SYMBOL_SIZES.map((x) => (
              <option key={x} value={x}>
                {t(`symbols.sizes.${x}`)}
              </option>
            ))}
          </select>
        </Field>
        {(['primary', 'secondary'] as const).map((slot) => (
          <Field key={slot} label={t(`symbols.form.${slot}`)}>
            <select value={symbol.slots[slot]} disabled={disabled} onChange={(e) => set((s) => void (s.slots[slot] = e.target.value as PlanSymbol['slots'][typeof slot]))} data-testid={`symbol-slot-${slot}`}>
              {SYMBOL_VALUES.map((x) => (
                <option key={x} value={x}>
                  {t(`symbols.values.${x}`)}
                </option>
              ))}
            </select>
          </Field>
        ))}
      </div>
      <h3 className="field-label">{t('symbols.form.colors')}</h3>
      <div className="symbols-colors">
        {SYMBOL_STATES.map((state) => {
          const value = symbol.colors[state];
          const valid = isSymbolColor(value);
          return (
            <label key={state} className={`symbols-color ${valid ? '' : 'invalid'}`}>
              <input type="color" value={valid ? value.toLowerCase() : '#000000'} disabled={disabled} onChange={(e) => set((s) => void (s.colors[state] = e.target.value))} data-testid={`symbol-color-${state}`} aria-label={t(`symbols.states.${state}`)} />
              <input type="text" value={value} disabled={disabled} onChange={(e) => set((s) => void (s.colors[state] = e.target.value.trim()))} data-testid={`symbol-color-text-${state}`} aria-invalid={valid ? undefined : true} aria-label={`${t(`symbols.states.${state}`)} (#rrggbb)`} />
              <span>{t(`symbols.states.${state}`)}</span>
            </label>
          );
        })}
      </div>
      {problems.some((p) => p.key === 'color') ? <span className="symbols-problem">{t('symbols.errors.color')}</span> : null}
      <h3 className="field-label">{t('symbols.form.animation')}</h3>
      <div className="inline-actions">
        <label className="checkbox">
          <input type="checkbox" checked={symbol.animation.charging} disabled={disabled} onChange={(e) => set((s) => void (s.animation.charging = e.target.checked))} data-testid="symbol-anim-charging" />
          {t('symbols.form.pulse')}
        </label>
        <label className="checkbox">
          <input type="checkbox" checked={symbol.animation.faulted} disabled={disabled} onChange={(e) => set((s) => void (s.animation.faulted = e.target.checked))} data-testid="symbol-anim-faulted" />
          {t('symbols.form.blink')}
        </label>
        <span className="muted">{t('symbols.form.reducedMotion')}</span>
      </div>
      {props.mayEdit ? (
        <div className="inline-actions">
          <button type="button" className="button button-primary" disabled={props.saving || problems.length > 0} onClick={props.onSave} data-testid="symbol-save">
            {t('symbols.actions.save')}
          </button>
          <button type="button" className="button" disabled={props.saving} onClick={props.onCancel} data-testid="symbol-cancel">
            {t('symbols.actions.cancel')}
          </button>
        </div>
      ) : (
        <p className="muted">{t('symbols.form.readOnly')}</p>
      )}
    </div>
  );
}

export function SymbolsPanel() {
  const { t } = useTranslation();
  const open = useLinkOpen();
  const { info, loaded, error, load, save, remove } = useSymbols();
  const mayEdit = useMayUse('putSymbol', { symbol: {} });
  const [draft, setDraft] = useState<Draft | null>(null);
  const [saving, setSaving] = useState(false);
  useEffect(() => {
    if (open) void load();
  }, [open, load]);
  const rows: Row[] = useMemo(() => info?.symbols ?? [], [info]);
  const taken = useMemo(() => new Set(rows.map((r) => r.id)), [rows]);
  const push = useToasts((s) => s.push);

  const afterChange = () => void useProject.getState().reload();
  const failed = (e: unknown) => {
    push('fault', describeError(e, t), 10_000);
    if (e instanceof ApiError && e.code === 'Conflict') void load();
  };

  const onSave = async () => {
    if (!draft) return;
    const ok = await confirmAction({ title: t('symbols.confirm.saveTitle', { id: draft.symbol.id }), message: t('symbols.confirm.saveMessage'), confirmLabel: t('symbols.actions.save') });
    if (!ok) return;
    setSaving(true);
    try {
      const result = await save(draft.symbol);
      push('ok', t('symbols.saved', { id: draft.symbol.id, version: result.version.id }), 5000);
      const saved = result.library.symbols.find((s) => s.id === draft.symbol.id);
      setDraft(saved ? { symbol: plain(saved), isNew: false, origin: saved.origin } : null);
      afterChange();
    } catch (e) {
      failed(e);
    } finally {
      setSaving(false);
    }
  };

  const onDelete = async (row: Row) => {
    const revert = row.origin === 'customised';
    if (!revert && (row.users.templates.length > 0 || row.users.stations.length > 0)) {
      push('fault', `${row.id}: ${t('symbols.inUse', { users: usersText(row.users) })}`, 10_000);
      return;
    }
    const ok = await confirmAction({
      title: t(revert ? 'symbols.confirm.revertTitle' : 'symbols.confirm.deleteTitle', { id: row.id }),
      message: t(revert ? 'symbols.confirm.revertMessage' : 'symbols.confirm.deleteMessage'),
      confirmLabel: t(revert ? 'symbols.actions.revert' : 'symbols.actions.delete'),
      danger: !revert,
    });
    if (!ok) return;
    try {
      const result = await remove(row.id);
      push('ok', t(result.reverted ? 'symbols.reverted' : 'symbols.deleted', { id: row.id, version: result.version.id }), 5000);
      if (draft?.symbol.id === row.id) setDraft(null);
      afterChange();
    } catch (e) {
      failed(e);
    }
  };

  const edit = (row: Row) => setDraft({ symbol: plain(row), isNew: false, origin: row.origin });
  const duplicate = (row: Row) => {
    const symbol = plain(row);
    symbol.id = copyId(row.id, taken);
    symbol.name = `${row.name} (2)`;
    setDraft({ symbol, isNew: true, origin: null });
  };
  const create = () => setDraft({ symbol: { ...structuredClone(FALLBACK_SYMBOL), id: copyId('symbol', taken), name: t('symbols.form.creating') }, isNew: true, origin: null });

  const columns = useMemo<Column<Row>[]>(
    () => [
      {
        id: 'colors',
        label: t('symbols.columns.colors'),
        width: '6rem',
        csvValue: (r) => SYMBOL_STATES.map((s) => `${s} ${r.colors[s]}`).join('; '),
        render: (r) => (
          <span className="symbols-swatches" title={SYMBOL_STATES.map((s) => `${t(`symbols.states.${s}`)} ${r.colors[s]}`).join('\n')}>
            {(['Available', 'Charging', 'Preparing', 'Faulted', 'Offline'] as const).map((s) => (
              <span key={s} className="symbols-swatch" style={{ background: r.colors[s] }} data-testid={`symbol-swatch-${r.id}-${s}`} />
            ))}
          </span>
        ),
      },
      { id: 'id', label: t('symbols.columns.id'), width: '9rem', sortValue: (r) => r.id, render: (r) => <span className="mono">{r.id}</span> },
      { id: 'name', label: t('symbols.columns.name'), width: '9rem', sortValue: (r) => r.name, render: (r) => r.name },
      {
        id: 'shape',
        label: t('symbols.columns.shape'),
        width: '11rem',
        sortValue: (r) => `${t(`symbols.shapes.${r.shape}`)} · ${t(`symbols.sizes.${r.size}`)}`,
        render: (r) => `${t(`symbols.shapes.${r.shape}`)} · ${t(`symbols.sizes.${r.size}`)}`,
      },
      {
        id: 'values',
        label: t('symbols.columns.values'),
        width: '12rem',
        sortValue: (r) => `${t(`symbols.values.${r.slots.primary}`)} · ${t(`symbols.values.${r.slots.secondary}`)}`,
        render: (r) => `${t(`symbols.values.${r.slots.primary}`)} · ${t(`symbols.values.${r.slots.secondary}`)}`,
      },
      {
        id: 'origin',
        label: t('symbols.columns.origin'),
        width: '8.5rem',
        sortValue: (r) => t(`symbols.origins.${r.origin}`),
        render: (r) => (
          <Pill tone={r.origin === 'builtin' ? 'idle' : r.origin === 'customised' ? 'warn' : 'info'} testId={`symbol-origin-${r.id}`} status={r.origin}>
            {t(`symbols.origins.${r.origin}`)}
          </Pill>
        ),
      },
      {
        id: 'usedBy',
        label: t('symbols.columns.usedBy'),
        width: '10rem',
        sortValue: (r) => usersText(r.users),
        render: (r) => <span title={usersText(r.users)}>{r.users.templates.length + r.users.stations.length === 0 ? t('symbols.usedBy.nobody') : usersText(r.users)}</span>,
      },
      {
        id: 'actions',
        label: '',
        width: '16.5rem',
        render: (r) => (
          <span className="inline-actions">
            <button type="button" className="button button-small" onClick={() => edit(r)} data-testid={`symbol-edit-${r.id}`}>
              {t('symbols.actions.edit')}
            </button>
            {mayEdit ? (
              <button type="button" className="button button-small" onClick={() => duplicate(r)} data-testid={`symbol-duplicate-${r.id}`}>
                {t('symbols.actions.duplicate')}
              </button>
            ) : null}
            {mayEdit && r.origin !== 'builtin' ? (
              <button type="button" className={`button button-small ${r.origin === 'project' ? 'button-danger' : ''}`} onClick={() => void onDelete(r)} data-testid={`symbol-delete-${r.id}`}>
                {t(r.origin === 'customised' ? 'symbols.actions.revert' : 'symbols.actions.delete')}
              </button>
            ) : null}
          </span>
        ),
      },
    ],
    // eslint-disable-next-line react-hooks/exhaustive-deps -- the row actions read the latest state through closures re-made with `info`
    [t, info, mayEdit, taken, draft],
  );

  return (
    <div className="project-stack" data-testid="symbols-panel">
      <p className="muted">{t('symbols.intro')}</p>
      {error ? <p className="notice tone-fault">{describeError(error, t)}</p> : null}
      {!loaded ? <p className="muted">{t('symbols.loading')}</p> : null}
      {info && info.unknown.length > 0 ? (
        <p className="notice tone-warn" data-testid="symbols-unknown">
          {t('symbols.unknown', { refs: info.unknown.map((r) => `${t(`symbols.refKinds.${r.kind}`)} ${r.id} → ${r.symbol}`).join(', ') })}
        </p>
      ) : null}
      <div className="symbols-layout">
        <Panel
          title={t('symbols.title')}
          testId="symbols-table-panel"
          actions={
            mayEdit ? (
              <button type="button" className="button" onClick={create} data-testid="symbol-new">
                {t('symbols.actions.new')}
              </button>
            ) : null
          }
        >
          <ProjectTable columns={columns} rows={rows} rowKey={(r) => r.id} label={t('symbols.table')} csvBase={t('symbols.csvFile')} testId="symbols-table" empty={t('symbols.empty')} rowAttributes={(r) => ({ 'data-testid': `symbol-row-${r.id}`, className: draft?.symbol.id === r.id ? 'row-selected' : undefined })} />
        </Panel>
        <Panel title={draft ? (draft.isNew ? t('symbols.form.creating') : t('symbols.form.editing', { id: draft.symbol.id })) : t('symbols.form.preview')} testId="symbols-editor">
          {draft ? (
            <div className="symbols-editor-body">
              <SymbolForm draft={draft} taken={taken} mayEdit={mayEdit} saving={saving} onChange={(symbol) => setDraft({ ...draft, symbol })} onSave={() => void onSave()} onCancel={() => setDraft(null)} />
              <div className="stack">
                <h3 className="field-label">{t('symbols.form.preview')}</h3>
                <SymbolPreview symbol={draft.symbol} />
              </div>
            </div>
          ) : (
            <p className="muted">{t('symbols.form.pick')}</p>
          )}
        </Panel>
      </div>
    </div>
  );
}
