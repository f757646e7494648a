// Edit mode of the ground plan (engineers): the draft positions and selection, the edit toolbar
// (snap, grid, align, background, save / cancel), the list of unplaced stations to drop on the
// plan, and the station chooser of very large parks.
import { useCallback, useMemo, useState, type ChangeEvent } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, GROUND_PLAN_BACKGROUND_MAX_BYTES, GROUND_PLAN_BACKGROUND_TYPES, type GroundPlanBackgroundType, type GroundPlanInfo } from '../../src-shared/api/index.ts';
import { SearchBox } from '../components/SearchBox.tsx';
import { describeError } from '../lib/errors.ts';
import { alignPoints, changedPlacements, gridPoints, moveBy, sortIds, type AlignMode, type Point } from '../lib/plan.ts';
import { confirmAction } from '../store/confirm.ts';
import { useGroundPlans } from '../store/groundPlans.ts';
import { useToasts } from '../store/toasts.ts';

export const GRID_SIZES = [10, 20, 40, 80] as const;
/** Past this many stations a park's plan offers the station chooser. */
export const PLAN_SHOW_LIMIT = 150;

export interface BackgroundDraft {
  contentType: GroundPlanBackgroundType;
  /** base64 */
  data: string;
  dataUrl: string;
}

export interface PlanEditor {
  editing: boolean;
  draft: ReadonlyMap<string, Point>;
  selection: ReadonlySet<string>;
  snap: boolean;
  grid: number;
  /** undefined: unchanged; null: back to the default drawing. */
  background: BackgroundDraft | null | undefined;
  saving: boolean;
  unplaced: string[];
  changed: number;
  dirty: boolean;
  start(plan: GroundPlanInfo): void;
  setDraft(next: Map<string, Point>): void;
  select(ids: Iterable<string>, additive?: boolean): void;
  toggle(id: string): void;
  setSnap(on: boolean): void;
  setGrid(size: number): void;
  nudge(dx: number, dy: number, plan: { width: number; height: number }): void;
  align(mode: AlignMode): void;
  arrange(aspect: number): void;
  place(id: string, at: Point): void;
  /** Takes the selected stations off the plan (back to the unplaced list). */
  unplaceSelected(): void;
  setBackground(background: BackgroundDraft | null | undefined): void;
  save(plan: GroundPlanInfo): Promise<void>;
  cancel(): Promise<void>;
}

export function usePlanEditor(): PlanEditor {
  const { t } = useTranslation();
  const [source, setSource] = useState<GroundPlanInfo | null>(null);
  const [draft, setDraftState] = useState<ReadonlyMap<string, Point>>(new Map());
  const [selection, setSelection] = useState<ReadonlySet<string>>(new Set());
  const [snap, setSnap] = useState(true);
  const [grid, setGrid] = useState(40);
  const [background, setBackground] = useState<BackgroundDraft | null | undefined>(undefined);
  const [saving, setSaving] = useState(false);
  const save = useGroundPlans((s) => s.save);

  /** Stations that were on the plan and have been taken off it. */
  const takenOff = useMemo(() => (source ? source.placements.map((p) => p.stationId).filter((id) => !draft.has(id)) : []), [source, draft]);
  const unplaced = useMemo(() => (source ? sortIds([...source.unplaced.filter((id) => !draft.has(id)), ...takenOff]) : []), [source, draft, takenOff]);
  const changed = useMemo(() => (source ? changedPlacements(draft, source.placements).length + takenOff.length : 0), [source, draft, takenOff]);
  const dirty = changed > 0 || background !== undefined;

  const stop = useCallback(() => {
    setSource(null);
    setDraftState(new Map());
    setSelection(new Set());
    setBackground(undefined);
  }, []);

  return {
    editing: source !== null,
    draft,
    selection,
    snap,
    grid,
    background,
    saving,
    unplaced,
    changed,
    dirty,
    start(plan) {
      setSource(plan);
      setDraftState(new Map(plan.placements.map((p) => [p.stationId, { x: p.x, y: p.y }] as const)));
      setSelection(new Set());
      setBackground(undefined);
    },
    setDraft: setDraftState,
    select(ids, additive = false) {
      setSelection((current) => new Set([...(additive ? current : []), ...ids]));
    },
    toggle(id) {
      setSelection((current) => {
        const next = new Set(current);
        if (next.has(id)) next.delete(id);
        else next.add(id);
        return next;
      });
    },
    setSnap,
    setGrid,
    nudge(dx, dy, plan) {
      setDraftState((current) => moveBy(current, selection, dx, dy, plan, snap ? grid : null));
    },
    align(mode) {
      setDraftState((current) => alignPoints(current, [...selection], mode));
    },
    arrange(aspect) {
      if (!source) return;
      setDraftState(gridPoints([...source.placements.map((p) => p.stationId), ...source.unplaced], aspect));
    },
    place(id, at) {
      setDraftState((current) => new Map(current).set(id, at));
      setSelection(new Set([id]));
    },
    unplaceSelected() {
      setDraftState((current) => {
        const next = new Map(current);
        for (const id of selection) next.delete(id);
        return next;
      });
      setSelection(new Set());
    },
    setBackground,
    async save(plan) {
      if (!source) return;
      const placements = changedPlacements(draft, source.placements);
      if (placements.length === 0 && takenOff.length === 0 && background === undefined) {
        useToasts.getState().push('info', t('groundPlan.edit.nothing'), 3000);
        return;
      }
      const ok = await confirmAction({
        title: t('groundPlan.edit.confirmTitle', { park: plan.name }),
        message: `${t('groundPlan.edit.confirmMessage', { count: placements.length })}${takenOff.length > 0 ? ` ${t('groundPlan.edit.confirmUnplace', { count: takenOff.length })}` : ''}${background !== undefined ? ` ${t('groundPlan.edit.confirmBackground')}` : ''}`,
        confirmLabel: t('groundPlan.edit.save'),
      });
      if (!ok) return;
      setSaving(true);
      try {
        const request = { parkId: plan.parkId, placements, ...(takenOff.length > 0 ? { unplace: takenOff } : {}), baseVersion: source.version, ...(background !== undefined ? { background: background && { contentType: background.contentType, data: background.data } } : {}) };
        const result = await save(request);
        useToasts
          .getState()
          .push('ok', result.version ? t('groundPlan.edit.saved', { park: plan.name, version: result.version.id }) : t('groundPlan.edit.savedNoVersion', { park: plan.name }), 5000);
        stop();
      } catch (error) {
        useToasts.getState().push('fault', describeError(error, t), 8000);
        // Someone else changed the project: the plans shown are reloaded (the draft stays until cancelled).
        if (error instanceof ApiError && error.code === 'Conflict') void useGroundPlans.getState().load();
      } finally {
        setSaving(false);
      }
    },
    async cancel() {
      if (dirty) {
        const ok = await confirmAction({ title: t('groundPlan.edit.discardTitle'), message: t('groundPlan.edit.discardMessage'), confirmLabel: t('groundPlan.edit.discard'), danger: true });
        if (!ok) return;
      }
      stop();
    },
  };
}

function readBackground(file: File): Promise<BackgroundDraft> {
  return new Promise((resolve, reject) => {
    const reader = new FileReader();
    reader.onload = () => {
      const dataUrl = String(reader.result);
      resolve({ contentType: file.type as GroundPlanBackgroundType, dataUrl, data: dataUrl.slice(dataUrl.indexOf(',') + 1) });
    };
    reader.onerror = () => reject(reader.error ?? new Error('unreadable file'));
    reader.readAsDataURL(file);
  });
}

/** The edit toolbar under the screen header. */
export function PlanEditToolbar(props: { editor: PlanEditor; plan: GroundPlanInfo; onFit: () => void }) {
  const { t } = useTranslation();
  const { editor, plan } = props;
  const busy = editor.saving;
  const count = editor.selection.size;
  const onFile = async (event: ChangeEvent<HTMLInputElement>) => {
    const file = event.target.files?.[0];
    event.target.value = '';
    if (!file) return;
    const push = useToasts.getState().push;
    if (!(GROUND_PLAN_BACKGROUND_TYPES as readonly string[]).includes(file.type)) {
      push('warn', t('groundPlan.edit.backgroundType'), 5000);
      return;
    }
    if (file.size > GROUND_PLAN_BACKGROUND_MAX_BYTES) {
      push('warn', t('groundPlan.edit.backgroundTooLarge', { size: (file.size / (1024 * 1024)).toFixed(1) }), 5000);
      return;
    }
    try {
      editor.setBackground(await readBackground(file));
    } catch (error) {
      push('fault', describeError(error, t), 5000);
    }
  };
  const alignButton = (mode: AlignMode, label: string, min: number) => (
    <button type="button" className="button button-small" disabled={busy || count < min} onClick={() => editor.align(mode)} data-testid={`plan-align-${mode}`}>
      {label}
    </button>
  );
  return (
    <div className="toolbar filters plan-edit-toolbar" data-testid="plan-edit-toolbar" aria-label={t('groundPlan.edit.title', { park: plan.name })}>
      <label className="checkbox">
        <input type="checkbox" checked={editor.snap} onChange={(e) => editor.setSnap(e.target.checked)} data-testid="plan-snap" />
        {t('groundPlan.edit.snap')}
      </label>
      <label className="inline-field">
        <span className="muted">{t('groundPlan.edit.grid')}</span>
        <select value={editor.grid} onChange={(e) => editor.setGrid(Number(e.target.value))} disabled={!editor.snap} data-testid="plan-grid-size">
          {GRID_SIZES.map((g) => (
            <option key={g} value={g}>
              {t('groundPlan.edit.gridUnits', { size: g })}
            </option>
          ))}
        </select>
      </label>
      <span className="plan-edit-group">
        {alignButton('left', t('groundPlan.edit.alignLeft'), 2)}
        {alignButton('top', t('groundPlan.edit.alignTop'), 2)}
        {alignButton('distributeX', t('groundPlan.edit.distributeX'), 3)}
        {alignButton('distributeY', t('groundPlan.edit.distributeY'), 3)}
      </span>
      <button type="button" className="button button-small" disabled={busy || count === 0} onClick={() => editor.unplaceSelected()} title={t('groundPlan.edit.unplaceHint')} data-testid="plan-unplace">
        {t('groundPlan.edit.unplace')}
      </button>
      <button type="button" className="button button-small" disabled={busy} onClick={() => editor.arrange(plan.aspect)} data-testid="plan-arrange">
        {t('groundPlan.edit.arrange')}
      </button>
      <label className="button button-small plan-file-button">
        {t('groundPlan.edit.background')}
        <input type="file" accept={GROUND_PLAN_BACKGROUND_TYPES.join(',')} onChange={(e) => void onFile(e)} disabled={busy} data-testid="plan-background-file" hidden />
      </label>
      {plan.customBackground || editor.background ? (
        <button type="button" className="button button-small" disabled={busy || editor.background === null} onClick={() => editor.setBackground(null)} data-testid="plan-background-default">
          {t('groundPlan.edit.defaultBackground')}
        </button>
      ) : null}
      <span className="toolbar-count" data-testid="plan-edit-status">
        {t('groundPlan.edit.selected', { count })} · {t('groundPlan.edit.changed', { count: editor.changed })}
        {editor.background !== undefined ? ` · ${t('groundPlan.edit.backgroundPending')}` : ''}
      </span>
      <div className="toolbar-spacer" />
      <button type="button" className="button" disabled={busy} onClick={() => void editor.cancel()} data-testid="plan-edit-cancel">
        {t('groundPlan.edit.cancel')}
      </button>
      <button type="button" className="button button-primary" disabled={busy || !editor.dirty} onClick={() => void editor.save(plan).then(props.onFit)} data-testid="plan-edit-save">
        {busy ? t('groundPlan.edit.saving') : t('groundPlan.edit.save')}
      </button>
      {busy ? <div className="plan-progress" role="progressbar" aria-label={t('groundPlan.edit.saving')} data-testid="plan-saving" /> : null}
    </div>
  );
}

/** Side list of the park's stations without a place: drag one onto the plan, or place it in the middle of the view. */
export function UnplacedList(props: { editor: PlanEditor; onPlace: (id: string) => void }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const ids = needle ? props.editor.unplaced.filter((id) => id.toLowerCase().includes(needle)) : props.editor.unplaced;
  return (
    <aside className="plan-side" data-testid="plan-unplaced">
      <h2 className="panel-title">
        {t('groundPlan.edit.unplaced')} <span className="toolbar-count">{props.editor.unplaced.length}</span>
      </h2>
      {props.editor.unplaced.length === 0 ? (
        <p className="muted">{t('groundPlan.edit.noneUnplaced')}</p>
      ) : (
        <>
          <p className="muted plan-side-hint">{t('groundPlan.edit.unplacedHint')}</p>
          <SearchBox value={filter} onChange={setFilter} placeholder={t('groundPlan.many.search')} label={t('groundPlan.many.search')} testId="plan-unplaced-filter" />
          <ul className="plan-side-list">
            {ids.map((id) => (
              <li
                key={id}
                draggable
                onDragStart={(e) => {
                  e.dataTransfer.setData('application/x-evs-station', id);
                  e.dataTransfer.setData('text/plain', id);
                  e.dataTransfer.effectAllowed = 'move';
                }}
                data-testid={`plan-unplaced-item-${id}`}
              >
                <span className="mono">{id}</span>
                <button type="button" className="button button-small" onClick={() => props.onPlace(id)} data-testid={`plan-place-${id}`}>
                  {t('groundPlan.edit.place')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </aside>
  );
}

/** Which stations of a very large park are drawn: search, tick, all / none / the first N. */
export function StationChooser(props: { ids: readonly string[]; shown: ReadonlySet<string> | null; onChange: (shown: Set<string> | null) => void; onClose: () => void }) {
  const { t } = useTranslation();
  const [filter, setFilter] = useState('');
  const needle = filter.trim().toLowerCase();
  const sorted = useMemo(() => sortIds(props.ids), [props.ids]);
  const listed = needle ? sorted.filter((id) => id.toLowerCase().includes(needle)) : sorted;
  const isShown = (id: string) => props.shown === null || props.shown.has(id);
  const toggle = (id: string) => {
    const next = new Set(props.shown ?? sorted);
    if (next.has(id)) next.delete(id);
    else next.add(id);
    props.onChange(next.size === sorted.length ? null : next);
  };
  return (
    <aside className="plan-side" data-testid="plan-chooser">
      <h2 className="panel-title">
        {t('groundPlan.many.title')} <span className="toolbar-count">{props.shown === null ? sorted.length : props.shown.size}</span>
      </h2>
      <SearchBox value={filter} onChange={setFilter} placeholder={t('groundPlan.many.search')} label={t('groundPlan.many.search')} testId="plan-chooser-filter" />
      <div className="inline-actions">
        <button type="button" className="button button-small" onClick={() => props.onChange(null)} data-testid="plan-chooser-all">
          {t('groundPlan.many.all')}
        </button>
        <button type="button" className="button button-small" onClick={() => props.onChange(new Set())} data-testid="plan-chooser-none">
          {t('groundPlan.many.none')}
        </button>
        <button type="button" className="button button-small" onClick={() => props.onChange(new Set(sorted.slice(0, PLAN_SHOW_LIMIT)))} data-testid="plan-chooser-first">
          {t('groundPlan.many.first', { count: PLAN_SHOW_LIMIT })}
        </button>
        {needle ? (
          <button type="button" className="button button-small" onClick={() => props.onChange(new Set(listed))} data-testid="plan-chooser-matching">
            {t('groundPlan.many.matching', { count: listed.length })}
          </button>
        ) : null}
      </div>
      <ul className="plan-side-list">
        {listed.map((id) => (
          <li key={id}>
            <label className="checkbox">
              <input type="checkbox" checked={isShown(id)} onChange={() => toggle(id)} data-testid={`plan-chooser-item-${id}`} />
              <span className="mono">{id}</span>
            </label>
          </li>
        ))}
      </ul>
      <button type="button" className="button button-small" onClick={props.onClose} data-testid="plan-chooser-close">
        {t('groundPlan.many.close')}
      </button>
    </aside>
  );
}
