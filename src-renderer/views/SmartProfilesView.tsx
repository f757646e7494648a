// Static charging profiles (R-6.1.6): the library as a table, an editor checked live by the
// main process (messages next to their fields) with the schedule drawn as a step chart, upload
// to chosen stations with a result per station and the clashes explained (R-6.1.4), delete
// (optionally clearing the stations), and the composite schedule a station will apply.
import { useCallback, useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { ApiError, type ChargingProfileLibrary, type ProfileValidation } from '../../src-shared/api/index.ts';
import type { ChargingProfileDefinition, CompositeSchedule, ProfileConflict, ProfileUpload } from '../../src-shared/domain/index.ts';
import { DataTable, useSortedRows } from '../components/DataTable.tsx';
import { Field, Panel } from '../components/Field.tsx';
import { SearchBox } from '../components/SearchBox.tsx';
import { Pill } from '../components/StatusBadge.tsx';
import { StepChart } from '../components/StepChart.tsx';
import { csvDialect, csvFileName, downloadText } from '../lib/csv.ts';
import { describeError } from '../lib/errors.ts';
import { DASH, formatDateTime, formatNumber, formatTime } from '../lib/format.ts';
import { useCommand, useDebounced, useLinkOpen, useLocale } from '../lib/hooks.ts';
import { compositeSteps, draftToProfile, formatOffset, messagesByPath, newDraft, niceTicks, profileSteps, profileToDraft, timeTicks, type PeriodDraft, type ProfileDraft, type StepPoint } from '../lib/profiles.ts';
import type { Tone } from '../lib/status.ts';
import type { Translation } from '../i18n/en.ts';
import type { TFunction } from 'i18next';
import { columnsToCsv, nextSort, type Column, type SortState } from '../lib/table.ts';
import { api } from '../store/client.ts';
import { confirmAction } from '../store/confirm.ts';
import { useMayUse } from '../store/session.ts';
import { useStations } from '../store/stations.ts';
import { useToasts } from '../store/toasts.ts';

/** Round ticks over the span of a series (seconds from start, or epoch ms). */
function ticksOf(points: readonly StepPoint[], time: boolean): number[] | undefined {
  const first = points[0]?.t;
  const last = points[points.length - 1]?.t;
  if (first === undefined || last === undefined) return undefined;
  return time ? timeTicks(first, last) : niceTicks(first, last);
}

type EditorKey = Exclude<keyof Translation['smartCharging']['profiles']['editor'], 'invalid_one' | 'invalid_other' | 'limit' | 'editTitle' | 'saved' | 'unknownCategory'>;

const OUTCOME_TONE: Record<ProfileUpload['outcome'], Tone> = { accepted: 'ok', rejected: 'fault', error: 'fault' };

function FieldMessages(props: { messages: string[] | undefined; testId: string }) {
  if (!props.messages || props.messages.length === 0) return null;
  return (
    <span className="form-error field-message" data-testid={props.testId}>
      {props.messages.join(' ')}
    </span>
  );
}

function ProfileEditor(props: { initial: ProfileDraft; editing: boolean; takenIds: readonly number[]; mayEdit: boolean; onSaved: (p: ChargingProfileDefinition) => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const [draft, setDraft] = useState<ProfileDraft>(props.initial);
  const [answer, setAnswer] = useState<{ draft: ProfileDraft; validation: ProfileValidation | null; error: string | null } | null>(null);
  const [busy, setBusy] = useState(false);
  const local = useMemo(() => draftToProfile(draft), [draft]);
  const checkedDraft = useDebounced(draft, 300);

  // Live validation by the main process, on what the form has after a short pause; the answer
  // counts only for the draft it was given.
  useEffect(() => {
    const { profile } = draftToProfile(checkedDraft);
    if (!profile) return;
    let live = true;
    api()
      .call('validateChargingProfile', { profile })
      .then((validation) => {
        if (live) setAnswer({ draft: checkedDraft, validation, error: null });
      })
      .catch((e: unknown) => {
        if (live) setAnswer({ draft: checkedDraft, validation: null, error: describeError(e, t) });
      });
    return () => {
      live = false;
    };
  }, [checkedDraft, t]);

  const current = answer !== null && answer.draft === draft;
  const server = current ? answer.validation : null;
  const serverError = current ? answer.error : null;
  const checking = local.profile !== null && !current;
  const messages = useMemo(() => {
    const list: Array<{ path: string; text: string }> = local.problems.map((p) => ({ path: p.path, text: t(`smartCharging.profiles.local.${p.code}`, { min: p.min ?? '', max: p.max ?? '' }) }));
    // A new profile must not silently replace one of the library (put is create-or-replace).
    if (!props.editing && local.profile && props.takenIds.includes(local.profile.id)) list.push({ path: 'id', text: t('smartCharging.profiles.local.taken') });
    if (local.profile && server && current) list.push(...server.errors.map((e) => ({ path: e.path, text: e.message })));
    return messagesByPath(list);
  }, [local, server, current, t, props.editing, props.takenIds]);
  const problemCount = [...messages.values()].reduce((n, m) => n + m.length, 0);
  const valid = local.profile !== null && current && server !== null && problemCount === 0 && !checking;

  const set = (patch: Partial<ProfileDraft>) => setDraft((d) => ({ ...d, ...patch }));
  const setPeriod = (i: number, patch: Partial<PeriodDraft>) => setDraft((d) => ({ ...d, periods: d.periods.map((p, j) => (j === i ? { ...p, ...patch } : p)) }));
  const save = async () => {
    if (!local.profile) return;
    setBusy(true);
    try {
      const saved = await api().call('putChargingProfile', local.profile);
      useToasts.getState().push('ok', t('smartCharging.profiles.editor.saved', { id: saved.id }), 4000);
      props.onSaved(saved);
    } catch (e) {
      useToasts.getState().push('fault', describeError(e, t));
    } finally {
      setBusy(false);
    }
  };
  const editorSteps = profileSteps(local.profile ?? { periods: [], kind: draft.kind });
  const msg = (path: string) => <FieldMessages messages={messages.get(path)} testId={`profile-error-${path}`} />;
  const bad = (path: string) => messages.has(path);
  const te = (key: EditorKey) => t(`smartCharging.profiles.editor.${key}`);
  // The user categories are the running project's badge categories; a profile saved with a
  // category the project no longer has still shows it, marked, until another is chosen.
  const { data: categoryList } = useCommand('listBadgeCategories', {});
  const categoryChoices = useMemo(() => {
    const known = (categoryList?.categories ?? []).map((c) => ({ id: c.category.id, name: c.category.name, known: true }));
    const current = draft.category.trim();
    return current !== '' && !known.some((c) => c.id === current) ? [...known, { id: current, name: current, known: false }] : known;
  }, [categoryList, draft.category]);

  return (
    <form
      className="profile-editor"
      data-testid="profile-editor"
      onSubmit={(e) => {
        e.preventDefault();
        if (valid && !busy && props.mayEdit) void save();
      }}
    >
      <fieldset disabled={!props.mayEdit} className="plain-fieldset form-grid profile-grid">
        <Field label={te('id')}>
          <input value={draft.id} onChange={(e) => set({ id: e.target.value })} inputMode="numeric" readOnly={props.editing} aria-invalid={bad('id')} data-testid="profile-id" />
          {msg('id')}
        </Field>
        <Field label={te('name')} wide>
          <input value={draft.name} onChange={(e) => set({ name: e.target.value })} aria-invalid={bad('name')} data-testid="profile-name" />
          {msg('name')}
        </Field>
        <Field label={te('category')}>
          <select value={draft.category} onChange={(e) => set({ category: e.target.value })} aria-invalid={bad('category')} data-testid="profile-category">
            <option value="">{t('smartCharging.profiles.editor.noCategory')}</option>
            {categoryChoices.map((c) => (
              <option key={c.id} value={c.id}>
                {c.known ? c.name : t('smartCharging.profiles.editor.unknownCategory', { id: c.id })}
              </option>
            ))}
          </select>
          {msg('category')}
        </Field>
        <Field label={te('purpose')}>
          <select value={draft.purpose} onChange={(e) => set({ purpose: e.target.value === 'stationMax' ? 'stationMax' : 'txDefault' })} data-testid="profile-purpose">
            <option value="txDefault">{t('smartCharging.profiles.purpose.txDefault')}</option>
            <option value="stationMax">{t('smartCharging.profiles.purpose.stationMax')}</option>
          </select>
        </Field>
        <Field label={te('stackLevel')}>
          <input value={draft.stackLevel} onChange={(e) => set({ stackLevel: e.target.value })} inputMode="numeric" aria-invalid={bad('stackLevel')} data-testid="profile-stack" />
          {msg('stackLevel')}
        </Field>
        <Field label={te('kind')}>
          <select value={draft.kind} onChange={(e) => set({ kind: e.target.value as ProfileDraft['kind'] })} aria-invalid={bad('kind')} data-testid="profile-kind">
            {(['Absolute', 'Recurring', 'Relative'] as const).map((k) => (
              <option key={k} value={k}>
                {t(`smartCharging.profiles.kind.${k}`)}
              </option>
            ))}
          </select>
          {msg('kind')}
        </Field>
        <Field label={te('recurrency')}>
          <select value={draft.recurrency} onChange={(e) => set({ recurrency: e.target.value as ProfileDraft['recurrency'] })} aria-invalid={bad('recurrency')} data-testid="profile-recurrency">
            <option value="">{t('smartCharging.profiles.recurrency.none')}</option>
            <option value="Daily">{t('smartCharging.profiles.recurrency.Daily')}</option>
            <option value="Weekly">{t('smartCharging.profiles.recurrency.Weekly')}</option>
          </select>
          {msg('recurrency')}
        </Field>
        <Field label={te('unit')}>
          <select value={draft.unit} onChange={(e) => set({ unit: e.target.value === 'W' ? 'W' : 'A' })} data-testid="profile-unit">
            <option value="A">A</option>
            <option value="W">W</option>
          </select>
        </Field>
        <Field label={te('validFrom')}>
          <input type="datetime-local" value={draft.validFrom} onChange={(e) => set({ validFrom: e.target.value })} aria-invalid={bad('validFrom')} data-testid="profile-valid-from" />
          {msg('validFrom')}
        </Field>
        <Field label={te('validTo')}>
          <input type="datetime-local" value={draft.validTo} onChange={(e) => set({ validTo: e.target.value })} aria-invalid={bad('validTo')} data-testid="profile-valid-to" />
          {msg('validTo')}
        </Field>
        <Field label={te('startSchedule')}>
          <input type="datetime-local" value={draft.startSchedule} onChange={(e) => set({ startSchedule: e.target.value })} aria-invalid={bad('startSchedule')} data-testid="profile-start" />
          {msg('startSchedule')}
        </Field>
        <Field label={te('durationS')}>
          <input value={draft.durationS} onChange={(e) => set({ durationS: e.target.value })} inputMode="numeric" aria-invalid={bad('durationS')} data-testid="profile-duration" />
          {msg('durationS')}
        </Field>
      </fieldset>
      <fieldset disabled={!props.mayEdit} className="plain-fieldset periods">
        <legend className="field-label">{te('periods')}</legend>
        {msg('periods')}
        {draft.periods.map((p, i) => (
          <div className="period-row" key={i} data-testid={`period-${i}`}>
            <span className="muted num">{i + 1}</span>
            <Field label={te('startS')}>
              <input value={p.startS} onChange={(e) => setPeriod(i, { startS: e.target.value })} inputMode="numeric" size={7} aria-invalid={bad(`periods[${i}].startS`)} data-testid={`period-start-${i}`} />
            </Field>
            <Field label={t('smartCharging.profiles.editor.limit', { unit: draft.unit })}>
              <input value={p.limit} onChange={(e) => setPeriod(i, { limit: e.target.value })} inputMode="decimal" size={7} aria-invalid={bad(`periods[${i}].limit`)} data-testid={`period-limit-${i}`} />
            </Field>
            <Field label={te('phases')}>
              <select value={p.phases} onChange={(e) => setPeriod(i, { phases: e.target.value as PeriodDraft['phases'] })} data-testid={`period-phases-${i}`}>
                <option value="">{te('phasesAny')}</option>
                <option value="1">1</option>
                <option value="2">2</option>
                <option value="3">3</option>
              </select>
            </Field>
            <button type="button" className="button button-small" disabled={draft.periods.length <= 1} onClick={() => setDraft((d) => ({ ...d, periods: d.periods.filter((_, j) => j !== i) }))} data-testid={`period-remove-${i}`}>
              {te('removePeriod')}
            </button>
            <span className="period-messages">
              {msg(`periods[${i}].startS`)}
              {msg(`periods[${i}].limit`)}
              {msg(`periods[${i}].phases`)}
            </span>
          </div>
        ))}
        <button
          type="button"
          className="button button-small"
          onClick={() =>
            setDraft((d) => {
              const last = d.periods[d.periods.length - 1];
              const next = last ? Number(last.startS) + 3600 : 0;
              return { ...d, periods: [...d.periods, { startS: Number.isFinite(next) ? String(next) : '', limit: last?.limit ?? '', phases: '' }] };
            })
          }
          data-testid="period-add"
        >
          {te('addPeriod')}
        </button>
      </fieldset>
      <div className="editor-status" data-testid="profile-status" data-valid={valid ? 'true' : 'false'}>
        {checking ? <span className="muted">{te('checking')}</span> : null}
        {!checking && problemCount === 0 && valid ? <Pill tone="ok">{te('valid')}</Pill> : null}
        {problemCount > 0 ? <Pill tone="warn">{t('smartCharging.profiles.editor.invalid', { count: problemCount })}</Pill> : null}
        {serverError ? <span className="form-error">{serverError}</span> : null}
        {server && server.conflicts.length > 0 ? (
          <ul className="notice tone-warn">
            {server.conflicts.map((c) => (
              <li key={c.message}>{c.message}</li>
            ))}
          </ul>
        ) : null}
      </div>
      <StepChart
        points={editorSteps}
        ticks={ticksOf(editorSteps, false)}
        unit={draft.unit}
        formatX={formatOffset}
        formatY={(v) => formatNumber(v, locale, draft.unit === 'A' ? 1 : 0)}
        label={te('chart')}
        empty={t('smartCharging.profiles.chartEmpty')}
        testId="profile-editor-chart"
      />
      {props.mayEdit ? (
        <div className="inline-actions">
          <button type="submit" className="button button-primary" disabled={!valid || busy} data-testid="profile-save">
            {te('save')}
          </button>
        </div>
      ) : null}
    </form>
  );
}

function UploadPanel(props: { profile: ChargingProfileDefinition | undefined; onUploaded: () => void }) {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const stations = useStations((s) => s.stations);
  const ids = useMemo(() => Object.keys(stations).sort((a, b) => a.localeCompare(b, undefined, { numeric: true })), [stations]);
  const [chosen, setChosen] = useState<Set<string>>(new Set());
  const [evse, setEvse] = useState('0');
  const [busy, setBusy] = useState(false);
  const [results, setResults] = useState<ProfileUpload[]>([]);
  const [conflicts, setConflicts] = useState<ProfileConflict[] | null>(null);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [sort, setSort] = useState<SortState | null>({ columnId: 'station', direction: 'asc' });
  const evseId = Number(evse);
  const evseValid = evse.trim() !== '' && Number.isInteger(evseId) && evseId >= 0 && evseId <= 64;
  const profile = props.profile;

  const send = async (force: boolean) => {
    if (!profile) return;
    const targets = [...chosen].map((stationId) => ({ stationId, evseId }));
    setBusy(true);
    setRefusal(null);
    try {
      const r = await api().call('uploadChargingProfile', force ? { id: profile.id, targets, force } : { id: profile.id, targets });
      setResults(r.results);
      setConflicts(r.conflicts.length > 0 ? r.conflicts : null);
      props.onUploaded();
    } catch (e) {
      if (e instanceof ApiError && e.code === 'Conflict') {
        // The refusal names the clashes in one sentence; the same check, structured, lists them.
        setRefusal(e.message);
        try {
          const v = await api().call('validateChargingProfile', { profile, targets });
          setConflicts(v.conflicts);
        } catch {
          setConflicts([]);
        }
      } else {
        useToasts.getState().push('fault', describeError(e, t));
      }
    } finally {
      setBusy(false);
    }
  };
  const sendAnyway = async () => {
    if (!profile) return;
    const ok = await confirmAction({
      title: t('smartCharging.profiles.upload.forceConfirmTitle', { id: profile.id }),
      message: t('smartCharging.profiles.upload.forceConfirmMessage'),
      confirmLabel: t('smartCharging.profiles.upload.sendAnyway'),
      danger: true,
    });
    if (ok) await send(true);
  };

  const columns = useMemo<Column<ProfileUpload>[]>(
    () => [
      { id: 'station', label: t('smartCharging.profiles.upload.columns.station'), sortValue: (u) => u.stationId, render: (u) => u.stationId },
      { id: 'evse', label: t('smartCharging.profiles.upload.columns.evse'), width: '5rem', align: 'center', sortValue: (u) => u.evseId, render: (u) => u.evseId },
      {
        id: 'outcome',
        label: t('smartCharging.profiles.upload.columns.outcome'),
        width: '8rem',
        sortValue: (u) => u.outcome,
        render: (u) => (
          <Pill tone={OUTCOME_TONE[u.outcome]} status={u.outcome} testId={`upload-outcome-${u.stationId}`}>
            {t(`smartCharging.profiles.upload.outcome.${u.outcome}`)}
          </Pill>
        ),
      },
      { id: 'status', label: t('smartCharging.profiles.upload.columns.status'), width: '9rem', sortValue: (u) => u.status, render: (u) => <span className="mono">{u.status}</span> },
      { id: 'detail', label: t('smartCharging.profiles.upload.columns.detail'), sortValue: (u) => u.detail, render: (u) => u.detail ?? DASH },
      { id: 'at', label: t('smartCharging.profiles.upload.columns.at'), width: '10rem', sortValue: (u) => u.at, render: (u) => formatDateTime(u.at, locale) },
    ],
    [t, locale],
  );
  const rows = useSortedRows(results, columns, sort);
  const toggle = (id: string) =>
    setChosen((prev) => {
      const next = new Set(prev);
      if (next.has(id)) next.delete(id);
      else next.add(id);
      return next;
    });

  return (
    <Panel title={t('smartCharging.profiles.upload.title')} testId="profile-upload">
      {!profile ? <p className="hint">{t('smartCharging.profiles.upload.pick')}</p> : null}
      <div className="upload-stations" role="group" aria-label={t('smartCharging.profiles.upload.stations')}>
        <div className="inline-actions">
          <span className="field-label">{t('smartCharging.profiles.upload.stations')}</span>
          <button type="button" className="link-button" onClick={() => setChosen(new Set(ids))}>
            {t('smartCharging.profiles.upload.selectAll')}
          </button>
          <button type="button" className="link-button" onClick={() => setChosen(new Set())}>
            {t('smartCharging.profiles.upload.selectNone')}
          </button>
        </div>
        <div className="station-checks">
          {ids.map((id) => (
            <label key={id} className="checkbox">
              <input type="checkbox" checked={chosen.has(id)} onChange={() => toggle(id)} data-testid={`upload-station-${id}`} />
              <span className="mono">{id}</span>
            </label>
          ))}
        </div>
      </div>
      <div className="inline-form">
        <Field label={t('smartCharging.profiles.upload.evse')}>
          <input value={evse} onChange={(e) => setEvse(e.target.value)} inputMode="numeric" size={4} aria-invalid={!evseValid} data-testid="upload-evse" />
        </Field>
        <button type="button" className="button button-primary" disabled={!profile || chosen.size === 0 || !evseValid || busy} onClick={() => void send(false)} data-testid="upload-send">
          {busy ? t('smartCharging.profiles.upload.sending') : t('smartCharging.profiles.upload.send', { id: profile?.id ?? DASH })}
        </button>
        {profile && chosen.size === 0 ? <span className="hint">{t('smartCharging.profiles.upload.none')}</span> : null}
      </div>
      {refusal !== null || (conflicts && conflicts.length > 0) ? (
        <div className="notice tone-warn upload-conflicts" role="alert" data-testid="upload-conflicts">
          <strong>{refusal !== null ? t('smartCharging.profiles.upload.conflictTitle') : t('smartCharging.profiles.upload.conflictsInForce')}</strong>
          <ul>
            {(conflicts && conflicts.length > 0 ? conflicts.map((c) => c.message) : [refusal ?? '']).map((m) => (
              <li key={m}>{m}</li>
            ))}
          </ul>
          {refusal !== null ? (
            <button type="button" className="button button-danger" disabled={busy} onClick={() => void sendAnyway()} data-testid="upload-force">
              {t('smartCharging.profiles.upload.sendAnyway')}
            </button>
          ) : null}
        </div>
      ) : null}
      {results.length > 0 ? (
        <>
          <div className="toolbar">
            <h3 className="preview-title">{t('smartCharging.profiles.upload.results')}</h3>
            <div className="toolbar-spacer" />
            <button type="button" className="button button-small" onClick={() => downloadText(csvFileName(t('smartCharging.profiles.upload.csvFile')), columnsToCsv(columns, rows, csvDialect(i18n.language)))}>
              {t('common.exportCsv')}
            </button>
          </div>
          <DataTable
            columns={columns}
            rows={rows}
            rowKey={(u) => `${u.stationId}/${u.evseId}`}
            sort={sort}
            onSort={(id) => setSort(nextSort(sort, id))}
            rowAttributes={(u) => ({ 'data-testid': `upload-row-${u.stationId}` })}
            empty={DASH}
            label={t('smartCharging.profiles.upload.results')}
            testId="upload-results"
          />
        </>
      ) : null}
    </Panel>
  );
}

function CompositePanel() {
  const { t } = useTranslation();
  const locale = useLocale();
  const stations = useStations((s) => s.stations);
  const ids = useMemo(() => Object.keys(stations).sort((a, b) => a.localeCompare(b, undefined, { numeric: true })), [stations]);
  const [stationId, setStationId] = useState('');
  const [evse, setEvse] = useState('0');
  const [busy, setBusy] = useState(false);
  const [schedule, setSchedule] = useState<{ stationId: string; schedule: CompositeSchedule } | null>(null);
  const [problem, setProblem] = useState<string | null>(null);
  const chosen = stationId || ids[0] || '';
  const evseId = Number(evse);
  const evseValid = evse.trim() !== '' && Number.isInteger(evseId) && evseId >= 0 && evseId <= 64;
  const mayRead = useMayUse('sendCommand', { stationId: 'x', command: { kind: 'getCompositeSchedule', evseId: 0, durationS: 86_400 } });

  const read = async () => {
    setBusy(true);
    setProblem(null);
    try {
      const r = await api().call('sendCommand', { stationId: chosen, command: { kind: 'getCompositeSchedule', evseId, durationS: 86_400 } });
      if (r.outcome === 'accepted' && r.schedule) setSchedule({ stationId: chosen, schedule: r.schedule });
      else {
        setSchedule(null);
        setProblem(t('smartCharging.profiles.composite.refused', { status: r.status, detail: r.detail ?? '' }));
      }
    } catch (e) {
      setSchedule(null);
      setProblem(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };
  const unit = schedule?.schedule.unit ?? 'A';
  const compositePoints = schedule ? compositeSteps(schedule.schedule) : [];
  return (
    <Panel title={t('smartCharging.profiles.composite.title')} testId="composite-panel">
      <div className="inline-form">
        <Field label={t('smartCharging.profiles.composite.station')}>
          <select value={chosen} onChange={(e) => setStationId(e.target.value)} data-testid="composite-station">
            {ids.map((id) => (
              <option key={id} value={id}>
                {id}
              </option>
            ))}
          </select>
        </Field>
        <Field label={t('smartCharging.profiles.composite.evse')}>
          <input value={evse} onChange={(e) => setEvse(e.target.value)} inputMode="numeric" size={4} aria-invalid={!evseValid} data-testid="composite-evse" />
        </Field>
        <button type="button" className="button button-primary" disabled={!mayRead || !chosen || !evseValid || busy} onClick={() => void read()} data-testid="composite-read">
          {busy ? t('smartCharging.profiles.composite.reading') : t('smartCharging.profiles.composite.read')}
        </button>
        {schedule ? <span className="muted">{t('smartCharging.profiles.composite.start', { time: formatDateTime(schedule.schedule.start, locale), unit })}</span> : null}
      </div>
      {problem ? (
        <p className="notice tone-fault" data-testid="composite-problem">
          {problem}
        </p>
      ) : null}
      <StepChart
        points={compositePoints}
        ticks={ticksOf(compositePoints, true)}
        unit={unit}
        formatX={(ms) => formatTime(new Date(ms), locale)}
        formatY={(v) => formatNumber(v, locale, unit === 'A' ? 1 : 0)}
        label={schedule ? t('smartCharging.profiles.composite.chart', { station: schedule.stationId, evse: schedule.schedule.evseId }) : t('smartCharging.profiles.composite.title')}
        empty={t('smartCharging.profiles.composite.empty')}
        testId="composite-chart"
      />
    </Panel>
  );
}

function validityText(p: ChargingProfileDefinition, t: TFunction, locale: string): string {
  if (!p.validFrom && !p.validTo) return t('smartCharging.profiles.always');
  return [p.validFrom ? t('smartCharging.profiles.from', { time: formatDateTime(p.validFrom, locale) }) : '', p.validTo ? t('smartCharging.profiles.to', { time: formatDateTime(p.validTo, locale) }) : ''].filter(Boolean).join(' ');
}

export function SmartProfilesView() {
  const { t, i18n } = useTranslation();
  const locale = useLocale();
  const mayEdit = useMayUse('putChargingProfile', { id: 1, name: 'x', stackLevel: 1, purpose: 'txDefault', kind: 'Relative', unit: 'A', periods: [{ startS: 0, limit: 6 }] });
  const [library, setLibrary] = useState<ChargingProfileLibrary | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [search, setSearch] = useState('');
  const [sort, setSort] = useState<SortState | null>({ columnId: 'id', direction: 'asc' });
  const [selected, setSelected] = useState<number | null>(null);
  const [editing, setEditing] = useState<number | null>(null);
  const [formKey, setFormKey] = useState(0);
  const [clearOnDelete, setClearOnDelete] = useState(false);

  const refresh = useCallback(async () => {
    try {
      setLibrary(await api().call('listChargingProfiles', {}));
      setError(null);
    } catch (e) {
      setError(describeError(e, t));
    }
  }, [t]);
  const linkOpen = useLinkOpen();
  useEffect(() => {
    if (!linkOpen) return;
    const load = async () => {
      await refresh();
    };
    void load();
  }, [refresh, linkOpen]);

  const profiles = useMemo(() => library?.profiles ?? [], [library]);
  // Categories by name (the project's badge categories); an id the project lacks shows as is.
  const { data: categoryList } = useCommand('listBadgeCategories', {});
  const categoryNames = useMemo(() => new Map((categoryList?.categories ?? []).map((c) => [c.category.id, c.category.name])), [categoryList]);
  const placed = useMemo(() => {
    const map = new Map<number, number>();
    for (const u of library?.uploads ?? []) if (u.outcome === 'accepted') map.set(u.profileId, (map.get(u.profileId) ?? 0) + 1);
    return map;
  }, [library]);
  const columns = useMemo<Column<ChargingProfileDefinition>[]>(
    () => [
      { id: 'id', label: t('smartCharging.profiles.columns.id'), width: '3rem', align: 'end', sortValue: (p) => p.id, render: (p) => <span className="num">{p.id}</span> },
      { id: 'name', label: t('smartCharging.profiles.columns.name'), sortValue: (p) => p.name, render: (p) => p.name },
      {
        id: 'category',
        label: t('smartCharging.profiles.columns.category'),
        width: '7rem',
        sortValue: (p) => (p.category === undefined ? null : (categoryNames.get(p.category) ?? p.category)),
        render: (p) => (p.category === undefined ? DASH : <span title={p.category}>{categoryNames.get(p.category) ?? p.category}</span>),
      },
      { id: 'purpose', label: t('smartCharging.profiles.columns.purpose'), width: '7rem', sortValue: (p) => p.purpose, csvValue: (p) => p.purpose, render: (p) => <span title={t(`smartCharging.profiles.purpose.${p.purpose}`)}>{t(`smartCharging.profiles.purposeShort.${p.purpose}`)}</span> },
      { id: 'stackLevel', label: t('smartCharging.profiles.columns.stackLevel'), width: '6rem', align: 'end', sortValue: (p) => p.stackLevel, render: (p) => <span className="num">{p.stackLevel}</span> },
      { id: 'kind', label: t('smartCharging.profiles.columns.kind'), width: '6rem', sortValue: (p) => p.kind, render: (p) => `${t(`smartCharging.profiles.kind.${p.kind}`)}${p.recurrency ? ` · ${t(`smartCharging.profiles.recurrency.${p.recurrency}`)}` : ''}` },
      { id: 'unit', label: t('smartCharging.profiles.columns.unit'), width: '3rem', align: 'center', sortValue: (p) => p.unit, render: (p) => p.unit },
      { id: 'periods', label: t('smartCharging.profiles.columns.periods'), width: '4.5rem', align: 'end', sortValue: (p) => p.periods.length, csvValue: (p) => p.periods.map((x) => `${x.startS} s: ${x.limit} ${p.unit}`).join('; '), render: (p) => <span className="num">{p.periods.length}</span> },
      { id: 'validity', label: t('smartCharging.profiles.columns.validity'), width: '7rem', sortValue: (p) => p.validFrom ?? '', csvValue: (p) => validityText(p, t, locale), render: (p) => validityText(p, t, locale) },
      { id: 'uploads', label: t('smartCharging.profiles.columns.uploads'), width: '5.5rem', align: 'end', sortValue: (p) => placed.get(p.id) ?? 0, render: (p) => <span className="num">{placed.get(p.id) ?? 0}</span> },
    ],
    [t, locale, placed, categoryNames],
  );
  const filtered = useMemo(() => {
    const needle = search.trim().toLowerCase();
    if (!needle) return profiles;
    return profiles.filter((p) => String(p.id) === needle || p.name.toLowerCase().includes(needle) || (p.category ?? '').toLowerCase().includes(needle));
  }, [profiles, search]);
  const rows = useSortedRows(filtered, columns, sort);
  const selectedProfile = profiles.find((p) => p.id === selected);
  const selectedSteps = selectedProfile ? profileSteps(selectedProfile) : [];
  const editedProfile = editing === null ? undefined : profiles.find((p) => p.id === editing);
  const edit = (id: number | null) => {
    setEditing(id);
    setFormKey((k) => k + 1);
  };
  const remove = async () => {
    if (!selectedProfile) return;
    const names = { id: selectedProfile.id, name: selectedProfile.name };
    const ok = await confirmAction({
      title: t('smartCharging.profiles.remove.confirmTitle', names),
      message: clearOnDelete ? t('smartCharging.profiles.remove.confirmClear') : t('smartCharging.profiles.remove.confirmMessage'),
      confirmLabel: t('smartCharging.profiles.delete'),
      danger: true,
    });
    if (!ok) return;
    try {
      const r = await api().call('deleteChargingProfile', { id: selectedProfile.id, clearFromStations: clearOnDelete });
      useToasts.getState().push('ok', clearOnDelete ? t('smartCharging.profiles.remove.doneCleared', { id: r.id, count: r.cleared.length }) : t('smartCharging.profiles.remove.done', { id: r.id }), 4000);
      setSelected(null);
      if (editing === selectedProfile.id) edit(null);
      await refresh();
    } catch (e) {
      useToasts.getState().push('fault', describeError(e, t));
    }
  };

  return (
    <div className="smart-profiles" data-testid="smart-profiles">
      {error ? <p className="notice tone-fault">{error}</p> : null}
      <div className="split">
        <div className="split-main">
          <Panel title={t('smartCharging.profiles.library')} testId="profile-library">
            <div className="toolbar">
              <SearchBox value={search} onChange={setSearch} placeholder={t('smartCharging.profiles.search')} label={t('smartCharging.profiles.search')} testId="profile-search" />
              <span className="toolbar-count">{`${rows.length} / ${profiles.length}`}</span>
              <div className="toolbar-spacer" />
              {mayEdit ? (
                <>
                  <button type="button" className="button" onClick={() => edit(null)} data-testid="profile-new">
                    {t('smartCharging.profiles.new')}
                  </button>
                  <button type="button" className="button" disabled={!selectedProfile} onClick={() => selectedProfile && edit(selectedProfile.id)} data-testid="profile-edit">
                    {t('smartCharging.profiles.edit')}
                  </button>
                  <label className="checkbox">
                    <input type="checkbox" checked={clearOnDelete} onChange={(e) => setClearOnDelete(e.target.checked)} data-testid="profile-clear-on-delete" />
                    {t('smartCharging.profiles.remove.clear')}
                  </label>
                  <button type="button" className="button button-danger" disabled={!selectedProfile} onClick={() => void remove()} data-testid="profile-delete">
                    {t('smartCharging.profiles.delete')}
                  </button>
                </>
              ) : null}
              <button type="button" className="button" onClick={() => void refresh()} data-testid="profile-refresh">
                {t('common.refresh')}
              </button>
              <button
                type="button"
                className="button"
                disabled={rows.length === 0}
                onClick={() => downloadText(csvFileName(t('smartCharging.profiles.csvFile')), columnsToCsv(columns, rows, csvDialect(i18n.language)))}
              >
                {t('common.exportCsv')}
              </button>
            </div>
            <DataTable
              columns={columns}
              rows={rows}
              rowKey={(p) => p.id}
              sort={sort}
              onSort={(id) => setSort(nextSort(sort, id))}
              onRowActivate={(p) => setSelected(p.id)}
              rowAttributes={(p) => ({ 'data-testid': `profile-row-${p.id}`, className: p.id === selected ? 'row-selected' : '' })}
              empty={library ? t('smartCharging.profiles.empty') : t('common.loading')}
              label={t('smartCharging.profiles.library')}
              testId="profiles-table"
            />
            {selectedProfile ? (
              <>
                <h3 className="preview-title">{t('smartCharging.profiles.selected', { id: selectedProfile.id, name: selectedProfile.name })}</h3>
                <StepChart
                  points={selectedSteps}
                  ticks={ticksOf(selectedSteps, false)}
                  unit={selectedProfile.unit}
                  formatX={formatOffset}
                  formatY={(v) => formatNumber(v, locale, selectedProfile.unit === 'A' ? 1 : 0)}
                  label={t('smartCharging.profiles.selected', { id: selectedProfile.id, name: selectedProfile.name })}
                  empty={t('smartCharging.profiles.chartEmpty')}
                  testId="profile-selected-chart"
                />
              </>
            ) : (
              <p className="hint">{t('smartCharging.profiles.selectHint')}</p>
            )}
            {library && library.conflicts.length > 0 ? (
              <ul className="notice tone-warn" data-testid="library-conflicts">
                {library.conflicts.map((c) => (
                  <li key={c.message}>{c.message}</li>
                ))}
              </ul>
            ) : null}
          </Panel>
          {mayEdit ? <UploadPanel key={selectedProfile?.id ?? 'none'} profile={selectedProfile} onUploaded={() => void refresh()} /> : null}
          <CompositePanel />
        </div>
        <Panel title={editedProfile ? t('smartCharging.profiles.editor.editTitle', { id: editedProfile.id, name: editedProfile.name }) : t('smartCharging.profiles.editor.newTitle')} className="split-side profile-side">
          <ProfileEditor
            key={`${formKey}:${library ? 'loaded' : 'loading'}`}
            initial={editedProfile ? profileToDraft(editedProfile) : newDraft(profiles.map((p) => p.id))}
            editing={Boolean(editedProfile)}
            takenIds={profiles.map((p) => p.id)}
            mayEdit={mayEdit}
            onSaved={(p) => {
              setSelected(p.id);
              void refresh().then(() => edit(p.id));
            }}
          />
        </Panel>
      </div>
    </div>
  );
}
