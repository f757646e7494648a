// "Add EV charging to this project": the engineer sizes the installation (chargers per park:
// template, id pattern, count, group), previews what the charging library and those chargers would
// add and which customised items of the project it keeps, then confirms (a new version, applied live).
import { useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { AddChargingReport, AddChargingRequest, MergeOutcome } from '../../../src-shared/api/index.ts';
import { Field, Panel } from '../../components/Field.tsx';
import { Pill } from '../../components/StatusBadge.tsx';
import { Tile } from '../../components/Tile.tsx';
import { describeError } from '../../lib/errors.ts';
import { randomSeed, serverProblems } from '../../lib/wizard.ts';
import type { Column } from '../../lib/table.ts';
import { api } from '../../store/client.ts';
import { confirmAction } from '../../store/confirm.ts';
import { useProject } from '../../store/project.ts';
import { useToasts } from '../../store/toasts.ts';
import { ProjectTable } from './ProjectTable.tsx';

type ItemKind = 'stations' | 'templates' | 'symbols' | 'views' | 'alarmRules' | 'homeLinks';
type ItemOutcome = 'added' | 'kept' | 'unchanged' | 'linked';

interface ReportRow {
  key: string;
  kind: ItemKind;
  id: string;
  outcome: ItemOutcome;
}

/** One row per item of the report, in the order people read it. */
export function reportRows(report: AddChargingReport): ReportRow[] {
  const rows: ReportRow[] = [];
  const push = (kind: ItemKind, outcome: MergeOutcome | undefined) => {
    if (!outcome) return;
    for (const o of ['added', 'kept', 'unchanged'] as const) for (const id of outcome[o]) rows.push({ key: `${kind}/${id}/${o}`, kind, id, outcome: o });
  };
  for (const id of report.stations ?? []) rows.push({ key: `stations/${id}`, kind: 'stations', id, outcome: 'added' });
  push('templates', report.templates);
  push('symbols', report.symbols);
  push('views', report.views);
  push('alarmRules', report.alarmRules);
  for (const id of report.homeLinks) rows.push({ key: `homeLinks/${id}`, kind: 'homeLinks', id, outcome: 'linked' });
  return rows;
}

const TONE: Record<ItemOutcome, 'ok' | 'warn' | 'info'> = { added: 'ok', linked: 'ok', kept: 'warn', unchanged: 'info' };

/** One line of the sizing form (count as typed). */
interface ChargerDraft {
  parkId: string;
  template: string;
  pattern: string;
  count: string;
  group: string;
}

/** The request the form stands for: no chargers, no seed. */
export function sizingRequest(drafts: readonly ChargerDraft[], seed: string): AddChargingRequest {
  if (drafts.length === 0) return {};
  return {
    chargers: drafts.map((d) => ({ parkId: d.parkId, template: d.template, pattern: d.pattern.trim(), group: d.group, ...(d.count.trim() !== '' ? { count: Number(d.count) } : {}) })),
    passwordSeed: seed.trim(),
  };
}

export function AddChargingPanel(props: { onAdded: () => Promise<void>; templateIds: readonly string[] }) {
  const { t } = useTranslation();
  const project = useProject((s) => s.project);
  const [report, setReport] = useState<AddChargingReport | null>(null);
  const [busy, setBusy] = useState<'previewing' | 'applying' | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [drafts, setDrafts] = useState<ChargerDraft[]>([]);
  const [seed, setSeed] = useState(randomSeed);
  /** Field problems of the last refused request, by pointer (`/chargers/0/group`, `/passwordSeed`). */
  const [problems, setProblems] = useState<Record<string, string>>({});

  const parks = useMemo(() => (project?.sites ?? []).flatMap((site) => site.parks.map((park) => ({ id: park.id, label: `${site.name} / ${park.name || park.id}`, groups: park.groups.map((g) => g.id) }))), [project]);
  const request = useMemo(() => sizingRequest(drafts, seed), [drafts, seed]);
  const edit = (i: number, change: Partial<ChargerDraft>) => {
    setDrafts((all) => all.map((d, j) => (j === i ? { ...d, ...change } : d)));
    setReport(null);
  };
  const addRow = () => {
    const park = parks[0];
    setDrafts((all) => [...all, { parkId: park?.id ?? '', template: props.templateIds[0] ?? '', pattern: `${park?.id ?? 'P1'}-CP{01..10}`, count: '', group: park?.groups[0] ?? '' }]);
    setReport(null);
  };
  const problemAt = (pointer: string) => problems[pointer];
  const refused = (e: unknown) => {
    const message = describeError(e, t);
    const found = Object.fromEntries(serverProblems(e instanceof Error ? e.message : String(e)).map((p) => [p.pointer, p.message]));
    setProblems(found);
    setError(message);
  };

  const rows = useMemo(() => (report ? reportRows(report) : []), [report]);
  const count = (o: ItemOutcome) => rows.filter((r) => r.outcome === o).length;

  const preview = async () => {
    setBusy('previewing');
    setError(null);
    setProblems({});
    try {
      setReport(await api().call('previewAddCharging', request));
    } catch (e) {
      refused(e);
    } finally {
      setBusy(null);
    }
  };

  const apply = async () => {
    if (!report) return;
    const ok = await confirmAction({ title: t('templateLibrary.charging.confirmTitle'), message: t('templateLibrary.charging.confirmText', { added: count('added'), kept: count('kept') }), confirmLabel: t('templateLibrary.charging.apply') });
    if (!ok) return;
    setBusy('applying');
    try {
      const result = await api().call('addCharging', request);
      setReport(null);
      setDrafts([]);
      setSeed(randomSeed());
      if (result.version) useToasts.getState().push('ok', t('templateLibrary.charging.done', { version: result.version.id }));
      else useToasts.getState().push('info', t('templateLibrary.charging.nothing'));
      await props.onAdded();
    } catch (e) {
      refused(e);
    } finally {
      setBusy(null);
    }
  };

  const columns = useMemo<Column<ReportRow>[]>(
    () => [
      { id: 'kind', label: t('templateLibrary.charging.kind'), width: '11rem', sortValue: (r) => t(`templateLibrary.charging.kinds.${r.kind}`), render: (r) => t(`templateLibrary.charging.kinds.${r.kind}`) },
      { id: 'id', label: t('templateLibrary.charging.id'), sortValue: (r) => r.id, render: (r) => <span className="mono">{r.id}</span> },
      {
        id: 'outcome',
        label: t('templateLibrary.charging.outcome'),
        width: '16rem',
        sortValue: (r) => t(`templateLibrary.charging.outcomes.${r.outcome}`),
        render: (r) => <Pill tone={TONE[r.outcome]}>{t(`templateLibrary.charging.outcomes.${r.outcome}`)}</Pill>,
      },
    ],
    [t],
  );

  return (
    <Panel
      title={t('templateLibrary.charging.title')}
      testId="add-charging-panel"
      actions={
        <button type="button" className="button" disabled={busy !== null} onClick={() => void preview()} data-testid="add-charging-preview">
          {t('templateLibrary.charging.preview')}
        </button>
      }
    >
      <p className="hint">{t('templateLibrary.charging.hint')}</p>
      <div className="charger-sizing" data-testid="charger-sizing">
        <h3>{t('templateLibrary.charging.chargers.title')}</h3>
        <p className="hint">{t('templateLibrary.charging.chargers.hint')}</p>
        {drafts.map((d, i) => {
          const park = parks.find((p) => p.id === d.parkId);
          const at = `/chargers/${i}`;
          const fieldError = (name: string) => problemAt(`${at}/${name}`);
          const invalid = (name: string) => (fieldError(name) ? { 'aria-invalid': true as const } : {});
          return (
            <div className="charger-row" key={i} data-testid={`charger-row-${i}`}>
              <Field label={t('templateLibrary.charging.chargers.park')}>
                <select value={d.parkId} onChange={(e) => edit(i, { parkId: e.target.value, group: parks.find((p) => p.id === e.target.value)?.groups[0] ?? '' })} data-testid={`charger-park-${i}`} {...invalid('parkId')}>
                  {parks.map((p) => (
                    <option key={p.id} value={p.id}>
                      {p.label}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('templateLibrary.charging.chargers.template')}>
                <select value={d.template} onChange={(e) => edit(i, { template: e.target.value })} data-testid={`charger-template-${i}`} {...invalid('template')}>
                  {props.templateIds.map((id) => (
                    <option key={id} value={id}>
                      {id}
                    </option>
                  ))}
                </select>
              </Field>
              <Field label={t('templateLibrary.charging.chargers.pattern')}>
                <input value={d.pattern} onChange={(e) => edit(i, { pattern: e.target.value })} spellCheck={false} className="mono" data-testid={`charger-pattern-${i}`} {...invalid('pattern')} />
              </Field>
              <Field label={t('templateLibrary.charging.chargers.count')}>
                <input value={d.count} onChange={(e) => edit(i, { count: e.target.value.replace(/\D/g, '') })} inputMode="numeric" placeholder={t('templateLibrary.charging.chargers.fromPattern')} data-testid={`charger-count-${i}`} {...invalid('count')} />
              </Field>
              <Field label={t('templateLibrary.charging.chargers.group')}>
                <select value={d.group} onChange={(e) => edit(i, { group: e.target.value })} data-testid={`charger-group-${i}`} {...invalid('group')}>
                  {(park?.groups ?? []).map((g) => (
                    <option key={g} value={g}>
                      {g}
                    </option>
                  ))}
                </select>
              </Field>
              <button type="button" className="icon-button small" aria-label={t('templateLibrary.charging.chargers.remove')} title={t('templateLibrary.charging.chargers.remove')} onClick={() => { setDrafts((all) => all.filter((_, j) => j !== i)); setReport(null); }} data-testid={`charger-remove-${i}`}>
                ×
              </button>
              {['parkId', 'template', 'pattern', 'count', 'group'].flatMap((name) => (fieldError(name) ? [<p key={name} className="form-error charger-error" data-testid={`charger-error-${i}-${name}`}>{fieldError(name)}</p>] : []))}
            </div>
          );
        })}
        <div className="toolbar">
          <button type="button" className="button" onClick={addRow} disabled={parks.length === 0 || props.templateIds.length === 0} data-testid="charger-add">
            {t('templateLibrary.charging.chargers.add')}
          </button>
          {drafts.length > 0 ? (
            <Field label={t('templateLibrary.charging.chargers.seed')} className="charger-seed">
              <input value={seed} onChange={(e) => { setSeed(e.target.value); setReport(null); }} spellCheck={false} className="mono" data-testid="charger-seed" {...(problemAt('/passwordSeed') ? { 'aria-invalid': true as const } : {})} />
            </Field>
          ) : null}
        </div>
        {drafts.length > 0 ? <p className="hint">{t('templateLibrary.charging.chargers.seedHint')}</p> : null}
      </div>
      {busy ? (
        <div className="project-progress" data-testid="add-charging-busy">
          <progress />
          <span className="muted">{t(`templateLibrary.charging.${busy}`)}</span>
        </div>
      ) : null}
      {error ? (
        <p className="notice tone-fault" data-testid="add-charging-error">
          {error}
        </p>
      ) : null}
      {report ? (
        <div className="project-stack" data-testid="add-charging-report" data-changed={report.changed ? 'true' : 'false'}>
          <div className="tiles">
            <Tile label={t('templateLibrary.charging.outcomes.added')} value={<span data-testid="add-charging-added">{count('added')}</span>} tone="ok" />
            <Tile label={t('templateLibrary.charging.outcomes.kept')} value={<span data-testid="add-charging-kept">{count('kept')}</span>} tone={count('kept') > 0 ? 'warn' : 'info'} />
            <Tile label={t('templateLibrary.charging.outcomes.unchanged')} value={<span data-testid="add-charging-unchanged">{count('unchanged')}</span>} />
          </div>
          {report.changed ? (
            <div className="toolbar">
              <p className="notice">{t('templateLibrary.charging.summary', { added: count('added') + count('linked'), kept: count('kept'), unchanged: count('unchanged') })}</p>
              <button type="button" className="button button-primary" disabled={busy !== null} onClick={() => void apply()} data-testid="add-charging-apply">
                {t('templateLibrary.charging.apply')}
              </button>
            </div>
          ) : (
            <p className="notice" data-testid="add-charging-nothing">
              {t('templateLibrary.charging.nothing')}
            </p>
          )}
          <ProjectTable
            columns={columns}
            rows={rows}
            rowKey={(r) => r.key}
            label={t('templateLibrary.charging.title')}
            csvBase={t('templateLibrary.charging.csvFile')}
            testId="add-charging-table"
            empty=""
            initialSort={{ columnId: 'outcome', direction: 'asc' }}
            rowAttributes={(r) => ({ 'data-kind': r.kind, 'data-outcome': r.outcome, 'data-id': r.id })}
          />
        </div>
      ) : null}
    </Panel>
  );
}
