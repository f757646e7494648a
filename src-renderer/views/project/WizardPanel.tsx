// The quick-start wizard: a few screens with Next/Back (name; sites and parks; electrical groups
// and limits; stations per park; protocol and security; archive; operator accounts; ground-plan
// layout), a preview of the generated project, then Generate: saved as a new version and run at
// once. Defaults make a working project; problems show next to their field, in the UI language.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import { useTranslation } from 'react-i18next';
import { create } from 'zustand';
import { ApiError } from '../../../src-shared/api/index.ts';
import type { ProjectApplyPlan, ProjectFileV2, StationTemplate } from '../../../src-shared/project/index.ts';
import { expandPattern } from '../../../src-shared/project/pattern.ts';
import { Panel } from '../../components/Field.tsx';
import { Tile } from '../../components/Tile.tsx';
import { csvFileName, downloadText } from '../../lib/csv.ts';
import { describeError } from '../../lib/errors.ts';
import { formatNumber } from '../../lib/format.ts';
import { useLinkOpen, useLocale } from '../../lib/hooks.ts';
import type { Column } from '../../lib/table.ts';
import {
  OPERATOR_ROLES,
  WIZARD_STEPS,
  defaultWizardForm,
  fieldOfPointer,
  newBatch,
  newGroup,
  newPark,
  newSite,
  randomSeed,
  renamePark,
  serverProblems,
  stationCount,
  stationPassword,
  stepOfField,
  validateWizard,
  withAutoPatterns,
  wizardAnswers,
  type WizardError,
  type WizardForm,
  type WizardStep,
} from '../../lib/wizard.ts';
import { api } from '../../store/client.ts';
import { useProject } from '../../store/project.ts';
import { useToasts } from '../../store/toasts.ts';
import { DiffView } from './DiffView.tsx';
import { LoadChart } from './LoadChart.tsx';
import { ProjectTable } from './ProjectTable.tsx';

/** IANA zones this browser knows (the supervisor checks the one chosen against its own). */
const TIME_ZONES: readonly string[] = typeof Intl.supportedValuesOf === 'function' ? ['UTC', ...Intl.supportedValuesOf('timeZone').filter((z) => z !== 'UTC')] : ['UTC'];

interface GeneratedVersion {
  version: number;
  plan: ProjectApplyPlan | null;
  /** How long generating, saving and applying took, ms. */
  ms: number;
  project: ProjectFileV2;
}

interface WizardState {
  form: WizardForm;
  step: WizardStep;
  /** The version the wizard made last, shown until a new wizard starts. */
  generated: GeneratedVersion | null;
  setGenerated(generated: GeneratedVersion): void;
  /** Steps whose problems are shown (Next was pressed there). */
  checked: WizardStep[];
  set(update: (form: WizardForm) => void): void;
  go(step: WizardStep): void;
  check(steps: WizardStep[]): void;
  reset(): void;
}

/** Kept across tab changes: leaving the wizard for the versions tab loses nothing. */
const useWizard = create<WizardState>((set, get) => ({
  form: defaultWizardForm(randomSeed()),
  step: 'name',
  checked: [],
  generated: null,
  setGenerated(generated) {
    set({ generated });
  },
  set(update) {
    const form = structuredClone(get().form);
    update(form);
    set({ form: withAutoPatterns(form) });
  },
  go(step) {
    set({ step });
  },
  check(steps) {
    set({ checked: [...new Set([...get().checked, ...steps])] });
  },
  reset() {
    set({ form: defaultWizardForm(randomSeed()), step: 'name', checked: [], generated: null });
  },
}));

interface PreviewStation {
  id: string;
  template: string;
  site: string;
  park: string;
  group: string;
  protocol: string;
  x: number | null;
  y: number | null;
}

function previewStations(project: ProjectFileV2): PreviewStation[] {
  const templates = new Map(project.templates.map((t) => [t.id, t]));
  return project.sites.flatMap((site) =>
    site.parks.flatMap((park) =>
      park.stations.map((s) => ({
        id: s.id,
        template: s.template,
        site: site.id,
        park: park.id,
        group: s.group,
        protocol: s.protocol ?? templates.get(s.template)?.protocol ?? '',
        x: s.position?.x ?? null,
        y: s.position?.y ?? null,
      })),
    ),
  );
}

/** Positions of n stations in a grid (the generator's auto layout), for the layout step's sketch. */
function gridSketch(n: number, columns: number | null, margin: number): Array<{ x: number; y: number }> {
  if (n <= 0) return [];
  const cols = Math.max(1, Math.min(columns ?? Math.ceil(Math.sqrt(n)), n));
  const rows = Math.ceil(n / cols);
  const cw = (100 - 2 * margin) / cols;
  const ch = (100 - 2 * margin) / rows;
  return Array.from({ length: n }, (_, i) => ({ x: margin + ((i % cols) + 0.5) * cw, y: margin + (Math.floor(i / cols) + 0.5) * ch }));
}

/** How long `work` took, ms (shown to the engineer; the e2e reads it too). */
async function timed<T>(work: () => Promise<T>): Promise<{ value: T; ms: number }> {
  const t0 = performance.now();
  const value = await work();
  return { value, ms: Math.round(performance.now() - t0) };
}

export function WizardPanel(props: { onGenerated: () => void }) {
  const { t } = useTranslation();
  const locale = useLocale();
  const { form, step, checked, generated, setGenerated, set, go, check, reset } = useWizard();
  const reload = useProject((s) => s.reload);
  const [templates, setTemplates] = useState<StationTemplate[]>([]);
  const [preview, setPreview] = useState<ProjectFileV2 | null>(null);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState<'preview' | 'generate' | null>(null);

  const open = useLinkOpen();
  useEffect(() => {
    // Loaded once the link is up (right after sign-in the socket reconnects), again after a drop.
    if (!open) return;
    let live = true;
    api()
      .call('listStationTemplates', {})
      .then(
        (list) => {
          if (!live) return;
          setTemplates(list);
          setError(null);
        },
        (e: unknown) => live && setError(describeError(e, t)),
      );
    return () => {
      live = false;
    };
  }, [open, t]);

  const templateProfiles = useMemo(() => new Map(templates.map((x) => [x.id, x.securityProfile])), [templates]);
  const errors = useMemo(() => validateWizard(form, templates.length > 0 ? templateProfiles : null), [form, templateProfiles, templates.length]);
  const shown = useMemo(() => {
    // Error texts take parameters that differ per key: checked by the catalogue, not by the type.
    const translateLoose = t as unknown as (key: string, options: Record<string, string | number>) => string;
    const map: Record<string, string> = { ...serverErrors };
    for (const e of errors) if (checked.includes(stepOfField(e.field)) && map[e.field] === undefined) map[e.field] = translateLoose(`project.wizard.errors.${e.key}`, e.params ?? {});
    return map;
  }, [errors, checked, serverErrors, t]);
  const stepIndex = WIZARD_STEPS.indexOf(step);

  const errorsOf = (s: WizardStep): WizardError[] => errors.filter((e) => stepOfField(e.field) === s);

  const loadPreview = async () => {
    setBusy('preview');
    setError(null);
    setServerErrors({});
    try {
      setPreview((await api().call('generateProject', { answers: wizardAnswers(form), save: false })).project);
    } catch (e) {
      setPreview(null);
      showServerProblems(e);
    } finally {
      setBusy(null);
    }
  };

  const showServerProblems = (e: unknown) => {
    const problems = e instanceof ApiError ? serverProblems(e.message) : [];
    const mapped: Record<string, string> = {};
    for (const p of problems) {
      const field = fieldOfPointer(p.pointer);
      if (field && mapped[field] === undefined) mapped[field] = p.message;
    }
    setServerErrors(mapped);
    const first = Object.keys(mapped)[0];
    if (first) {
      check([stepOfField(first)]);
      go(stepOfField(first));
    }
    setError(describeError(e, t));
  };

  const next = () => {
    if (errorsOf(step).length > 0) {
      check([step]);
      return;
    }
    const following = WIZARD_STEPS[stepIndex + 1];
    if (!following) return;
    if (following === 'preview') {
      const bad = errors[0];
      if (bad) {
        check(WIZARD_STEPS.filter((s) => errorsOf(s).length > 0));
        go(stepOfField(bad.field));
        return;
      }
      void loadPreview();
    }
    go(following);
  };

  const generate = async () => {
    if (errors.length > 0) {
      check([...WIZARD_STEPS]);
      const bad = errors[0];
      if (bad) go(stepOfField(bad.field));
      return;
    }
    setBusy('generate');
    setError(null);
    try {
      const { value: result, ms } = await timed(() => api().call('generateProject', { answers: wizardAnswers(form), save: true }));
      setGenerated({ version: result.version?.id ?? 0, plan: result.applied, ms, project: result.project });
      useToasts.getState().push('ok', t('project.wizard.generated', { id: result.version?.id ?? 0 }));
      await reload();
    } catch (e) {
      showServerProblems(e);
    } finally {
      setBusy(null);
    }
  };

  /** A labelled control with its problem (if any) under it. */
  const field = (label: string, path: string, control: ReactNode, wide = false) => (
    <label className={`field ${wide ? 'field-wide' : ''} ${shown[path] ? 'field-invalid' : ''}`} data-field={path}>
      <span className="field-label">{label}</span>
      {control}
      {shown[path] ? (
        <span className="form-error project-field-error" role="alert" data-testid={`error-${path}`}>
          {shown[path]}
        </span>
      ) : null}
    </label>
  );
  const text = (path: string, value: string, onChange: (v: string) => void, extra: { placeholder?: string; testId?: string; inputMode?: 'numeric' | 'decimal' } = {}) => (
    <input
      value={value}
      onChange={(e) => {
        onChange(e.target.value);
        if (serverErrors[path]) setServerErrors(({ [path]: _gone, ...rest }) => rest);
      }}
      placeholder={extra.placeholder}
      inputMode={extra.inputMode}
      aria-invalid={shown[path] ? true : undefined}
      spellCheck={false}
      data-testid={extra.testId ?? `wizard-${path}`}
    />
  );

  // Stations with a password (profiles 1 and 2; masked in the answer): their credentials, from the seed.
  const withPasswords = generated ? generated.project.sites.flatMap((site) => site.parks.flatMap((park) => park.stations.filter((st) => st.password !== undefined).map((st) => st.id))) : [];
  const downloadCredentials = async () => {
    const rows = await Promise.all(withPasswords.map(async (id) => [id, id, await stationPassword(form.passwordSeed, id)].join('\t')));
    // Tab-separated text, not CSV: a spreadsheet's formula guard would alter passwords starting with "-".
    const header = [t('project.wizard.stationId'), t('project.wizard.basicUser'), t('project.wizard.basicPassword')].join('\t');
    downloadText(csvFileName(t('project.wizard.credentialsFile')).replace(/\.csv$/, '.txt'), `${[header, ...rows].join('\r\n')}\r\n`, 'text/plain;charset=utf-8');
  };

  if (generated) {
    return (
      <Panel title={t('project.wizard.doneTitle', { id: generated.version })} testId="wizard-done">
        <p className="notice" data-testid="wizard-done-text" data-ms={generated.ms}>
          {t('project.wizard.doneText', { id: generated.version, count: stationCount(form) })}
        </p>
        {generated.plan ? <DiffView diff={generated.plan} testId="wizard-applied" /> : null}
        <div className="toolbar">
          {withPasswords.length > 0 ? (
            <button type="button" className="button" onClick={() => void downloadCredentials()} data-testid="wizard-credentials">
              {t('project.wizard.credentials', { count: withPasswords.length })}
            </button>
          ) : null}
          <button type="button" className="button button-primary" onClick={props.onGenerated} data-testid="wizard-to-selftest">
            {t('project.wizard.toSelfTest')}
          </button>
          <button
            type="button"
            className="button"
            onClick={() => {
              setPreview(null);
              reset();
            }}
            data-testid="wizard-again"
          >
            {t('project.wizard.again')}
          </button>
        </div>
      </Panel>
    );
  }

  const templateOptions = templates.map((x) => (
    <option key={x.id} value={x.id}>
      {x.name}
    </option>
  ));

  const body = (): ReactNode => {
    switch (step) {
      case 'name':
        return (
          <div className="form-grid">
            {field(t('project.wizard.name'), 'name', text('name', form.name, (v) => set((f) => void (f.name = v)), { placeholder: t('project.wizard.namePlaceholder') }), true)}
            {field(
              t('project.wizard.description'),
              'description',
              <textarea value={form.description} rows={3} onChange={(e) => set((f) => void (f.description = e.target.value))} data-testid="wizard-description" />,
              true,
            )}
            {field(
              t('project.wizard.timeZone'),
              'timeZone',
              <select value={form.timeZone} onChange={(e) => set((f) => void (f.timeZone = e.target.value))} data-testid="wizard-time-zone">
                <option value="">{t('project.wizard.serverTimeZone')}</option>
                {TIME_ZONES.map((z) => (
                  <option key={z} value={z}>
                    {z}
                  </option>
                ))}
              </select>,
            )}
          </div>
        );
      case 'sites':
        return (
          <div className="project-stack">
            {form.sites.map((site, si) => (
              <fieldset key={si} className="project-fieldset" data-testid={`wizard-site-${si}`}>
                <legend>{t('project.wizard.site', { n: si + 1 })}</legend>
                <div className="project-row">
                  {field(t('project.wizard.id'), `sites.${si}.id`, text(`sites.${si}.id`, site.id, (v) => set((f) => void (f.sites[si] && (f.sites[si].id = v)))))}
                  {field(t('project.wizard.siteName'), `sites.${si}.name`, text(`sites.${si}.name`, site.name, (v) => set((f) => void (f.sites[si] && (f.sites[si].name = v)))))}
                  {field(t('project.wizard.address'), `sites.${si}.address`, text(`sites.${si}.address`, site.address, (v) => set((f) => void (f.sites[si] && (f.sites[si].address = v)))), true)}
                  {form.sites.length > 1 ? (
                    <button type="button" className="button button-small" onClick={() => set((f) => void f.sites.splice(si, 1))}>
                      {t('project.wizard.removeSite')}
                    </button>
                  ) : null}
                </div>
                {site.parks.map((park, pi) => (
                  <div key={pi} className="project-row project-indent">
                    {field(t('project.wizard.parkId'), `sites.${si}.parks.${pi}.id`, text(`sites.${si}.parks.${pi}.id`, park.id, (v) => set((f) => renamePark(f, si, pi, v))))}
                    {field(t('project.wizard.parkName'), `sites.${si}.parks.${pi}.name`, text(`sites.${si}.parks.${pi}.name`, park.name, (v) => set((f) => void (f.sites[si]?.parks[pi] && (f.sites[si].parks[pi].name = v)))))}
                    {site.parks.length > 1 ? (
                      <button type="button" className="button button-small" onClick={() => set((f) => void f.sites[si]?.parks.splice(pi, 1))}>
                        {t('project.wizard.removePark')}
                      </button>
                    ) : null}
                  </div>
                ))}
                <button type="button" className="button button-small" onClick={() => set((f) => void f.sites[si]?.parks.push(newPark(si, f.sites[si].parks.length)))} data-testid={`wizard-add-park-${si}`}>
                  {t('project.wizard.addPark')}
                </button>
              </fieldset>
            ))}
            <div>
              <button type="button" className="button" onClick={() => set((f) => void f.sites.push(newSite(f.sites.length)))} data-testid="wizard-add-site">
                {t('project.wizard.addSite')}
              </button>
            </div>
          </div>
        );
      case 'groups':
        return (
          <div className="project-stack">
            <p className="hint">{t('project.wizard.groupsHint')}</p>
            {form.sites.flatMap((site, si) =>
              site.parks.map((park, pi) => (
                <fieldset key={`${si}-${pi}`} className="project-fieldset" data-testid={`wizard-groups-${si}-${pi}`}>
                  <legend>{`${site.name} › ${park.name}`}</legend>
                  {shown[`sites.${si}.parks.${pi}.groups`] ? <p className="form-error">{shown[`sites.${si}.parks.${pi}.groups`]}</p> : null}
                  {park.groups.map((g, gi) => {
                    const at = `sites.${si}.parks.${pi}.groups.${gi}`;
                    const upd = (fn: (x: NonNullable<WizardForm['sites'][number]['parks'][number]['groups'][number]>) => void) =>
                      set((f) => {
                        const x = f.sites[si]?.parks[pi]?.groups[gi];
                        if (x) fn(x);
                      });
                    return (
                      <div key={gi} className="project-row">
                        {field(t('project.wizard.id'), `${at}.id`, text(`${at}.id`, g.id, (v) => upd((x) => void (x.id = v))))}
                        {field(t('project.wizard.groupName'), `${at}.name`, text(`${at}.name`, g.name, (v) => upd((x) => void (x.name = v))))}
                        {field(t('project.wizard.maxKw'), `${at}.maxKw`, text(`${at}.maxKw`, g.maxKw, (v) => upd((x) => void (x.maxKw = v)), { inputMode: 'decimal' }))}
                        {field(t('project.wizard.maxA'), `${at}.maxA`, text(`${at}.maxA`, g.maxA, (v) => upd((x) => void (x.maxA = v)), { inputMode: 'decimal', placeholder: t('project.wizard.noLimit') }))}
                        {field(
                          t('project.wizard.parent'),
                          `${at}.parent`,
                          <select value={g.parent} onChange={(e) => upd((x) => void (x.parent = e.target.value))} data-testid={`wizard-${at}.parent`}>
                            <option value="">{t('project.wizard.siteConnection')}</option>
                            {park.groups
                              .filter((o) => o.id !== g.id)
                              .map((o) => (
                                <option key={o.id} value={o.id}>
                                  {o.id}
                                </option>
                              ))}
                          </select>,
                        )}
                        {park.groups.length > 1 ? (
                          <button type="button" className="button button-small" onClick={() => set((f) => void f.sites[si]?.parks[pi]?.groups.splice(gi, 1))}>
                            {t('project.wizard.remove')}
                          </button>
                        ) : null}
                      </div>
                    );
                  })}
                  <button type="button" className="button button-small" onClick={() => set((f) => void f.sites[si]?.parks[pi]?.groups.push(newGroup(park.id, park.groups.length)))} data-testid={`wizard-add-group-${si}-${pi}`}>
                    {t('project.wizard.addGroup')}
                  </button>
                </fieldset>
              )),
            )}
          </div>
        );
      case 'stations':
        return (
          <div className="project-stack">
            <p className="hint">{t('project.wizard.stationsHint')}</p>
            {form.sites.flatMap((site, si) =>
              site.parks.map((park, pi) => (
                <fieldset key={`${si}-${pi}`} className="project-fieldset" data-testid={`wizard-stations-${si}-${pi}`}>
                  <legend>{`${site.name} › ${park.name}`}</legend>
                  {park.batches.map((b, bi) => {
                    const at = `sites.${si}.parks.${pi}.batches.${bi}`;
                    const upd = (fn: (x: NonNullable<WizardForm['sites'][number]['parks'][number]['batches'][number]>) => void) =>
                      set((f) => {
                        const x = f.sites[si]?.parks[pi]?.batches[bi];
                        if (x) fn(x);
                      });
                    const ids = expandPattern(b.pattern, Number(b.count) || undefined);
                    return (
                      <div key={bi} className="project-row">
                        {field(
                          t('project.wizard.template'),
                          `${at}.template`,
                          <select value={b.template} onChange={(e) => upd((x) => void (x.template = e.target.value))} data-testid={`wizard-${at}.template`}>
                            {templates.some((x) => x.id === b.template) ? null : <option value={b.template}>{b.template}</option>}
                            {templateOptions}
                          </select>,
                        )}
                        {field(t('project.wizard.count'), `${at}.count`, text(`${at}.count`, b.count, (v) => upd((x) => void (x.count = v)), { inputMode: 'numeric' }))}
                        {field(
                          t('project.wizard.pattern'),
                          `${at}.pattern`,
                          text(`${at}.pattern`, b.pattern, (v) =>
                            upd((x) => {
                              x.pattern = v;
                              x.patternEdited = true;
                            }),
                          ),
                        )}
                        {field(
                          t('project.wizard.group'),
                          `${at}.group`,
                          <select value={b.group} onChange={(e) => upd((x) => void (x.group = e.target.value))} data-testid={`wizard-${at}.group`}>
                            {park.groups.some((g) => g.id === b.group) ? null : <option value={b.group}>{b.group || '—'}</option>}
                            {park.groups.map((g) => (
                              <option key={g.id} value={g.id}>
                                {g.id}
                              </option>
                            ))}
                          </select>,
                        )}
                        {field(
                          t('project.wizard.protocol'),
                          `${at}.protocol`,
                          <select value={b.protocol} onChange={(e) => upd((x) => void (x.protocol = e.target.value as typeof x.protocol))} data-testid={`wizard-${at}.protocol`}>
                            <option value="">{t('project.wizard.projectDefault')}</option>
                            <option value="ocpp1.6">OCPP 1.6-J</option>
                            <option value="ocpp2.0.1">OCPP 2.0.1</option>
                          </select>,
                        )}
                        <span className="hint project-ids" data-testid={`wizard-${at}.ids`}>
                          {ids.ok && ids.ids.length > 0 ? t('project.wizard.ids', { count: ids.ids.length, first: ids.ids[0] ?? '', last: ids.ids.at(-1) ?? '' }) : ''}
                        </span>
                        {park.batches.length > 1 ? (
                          <button type="button" className="button button-small" onClick={() => set((f) => void f.sites[si]?.parks[pi]?.batches.splice(bi, 1))}>
                            {t('project.wizard.remove')}
                          </button>
                        ) : null}
                      </div>
                    );
                  })}
                  <button type="button" className="button button-small" onClick={() => set((f) => void (f.sites[si]?.parks[pi] && f.sites[si].parks[pi].batches.push(newBatch(f.sites[si].parks[pi]))))} data-testid={`wizard-add-batch-${si}-${pi}`}>
                    {t('project.wizard.addBatch')}
                  </button>
                </fieldset>
              )),
            )}
          </div>
        );
      case 'security':
        return (
          <div className="form-grid">
            {field(
              t('project.wizard.defaultProtocol'),
              'protocol',
              <select value={form.protocol} onChange={(e) => set((f) => void (f.protocol = e.target.value as WizardForm['protocol']))} data-testid="wizard-protocol">
                <option value="">{t('project.wizard.templateDefault')}</option>
                <option value="ocpp1.6">OCPP 1.6-J</option>
                <option value="ocpp2.0.1">OCPP 2.0.1</option>
              </select>,
            )}
            {field(
              t('project.wizard.securityProfile'),
              'securityProfile',
              <select value={form.securityProfile} onChange={(e) => set((f) => void (f.securityProfile = e.target.value as WizardForm['securityProfile']))} data-testid="wizard-securityProfile">
                <option value="">{t('project.wizard.templateDefault')}</option>
                {(['0', '1', '2', '3'] as const).map((p) => (
                  <option key={p} value={p}>
                    {t(`project.wizard.profiles.${p}`)}
                  </option>
                ))}
              </select>,
            )}
            {field(
              t('project.wizard.seed'),
              'passwordSeed',
              <div className="inline-field project-seed">
                {text('passwordSeed', form.passwordSeed, (v) => set((f) => void (f.passwordSeed = v)), { testId: 'wizard-seed' })}
                <button type="button" className="button button-small" onClick={() => set((f) => void (f.passwordSeed = randomSeed()))}>
                  {t('project.wizard.newSeed')}
                </button>
              </div>,
              true,
            )}
            <p className="hint field-wide">{t('project.wizard.seedHint')}</p>
          </div>
        );
      case 'archive':
        return (
          <div className="form-grid">
            <div className="field-wide">
              <div className="segmented" role="radiogroup" aria-label={t('project.wizard.archiveKind')}>
                {(['sqlite', 'sqlserver'] as const).map((k) => (
                  <button key={k} type="button" className={form.archive.kind === k ? 'active' : ''} onClick={() => set((f) => void (f.archive.kind = k))} data-testid={`wizard-archive-${k}`}>
                    {t(`project.wizard.archiveKinds.${k}`)}
                  </button>
                ))}
              </div>
            </div>
            {form.archive.kind === 'sqlite' ? (
              field(t('project.wizard.sqliteFile'), 'archive.file', text('archive.file', form.archive.file, (v) => set((f) => void (f.archive.file = v)), { placeholder: 'archive.sqlite' }), true)
            ) : (
              <>
                {field(t('project.wizard.sqlServer'), 'archive.server', text('archive.server', form.archive.server, (v) => set((f) => void (f.archive.server = v)), { placeholder: 'sql01.example.local' }))}
                {field(t('project.wizard.sqlPort'), 'archive.port', text('archive.port', form.archive.port, (v) => set((f) => void (f.archive.port = v)), { inputMode: 'numeric' }))}
                {field(t('project.wizard.sqlDatabase'), 'archive.database', text('archive.database', form.archive.database, (v) => set((f) => void (f.archive.database = v))))}
                {field(t('project.wizard.sqlUser'), 'archive.user', text('archive.user', form.archive.user, (v) => set((f) => void (f.archive.user = v)), { placeholder: t('project.wizard.windowsAuth') }))}
                {field(t('project.wizard.sqlPasswordEnv'), 'archive.passwordEnv', text('archive.passwordEnv', form.archive.passwordEnv, (v) => set((f) => void (f.archive.passwordEnv = v))))}
                <label className="checkbox">
                  <input type="checkbox" checked={form.archive.encrypt} onChange={(e) => set((f) => void (f.archive.encrypt = e.target.checked))} />
                  {t('project.wizard.sqlEncrypt')}
                </label>
                <p className="hint field-wide">{t('project.wizard.sqlHint')}</p>
              </>
            )}
          </div>
        );
      case 'operators':
        return (
          <div className="project-stack">
            <p className="hint">{t('project.wizard.operatorsHint')}</p>
            {form.operators.map((o, i) => (
              <div key={i} className="project-row">
                {field(t('project.wizard.login'), `operators.${i}.login`, text(`operators.${i}.login`, o.login, (v) => set((f) => void (f.operators[i] && (f.operators[i].login = v)))))}
                {field(t('project.wizard.operatorName'), `operators.${i}.name`, text(`operators.${i}.name`, o.name, (v) => set((f) => void (f.operators[i] && (f.operators[i].name = v)))))}
                {field(
                  t('project.wizard.role'),
                  `operators.${i}.role`,
                  <select value={o.role} onChange={(e) => set((f) => void (f.operators[i] && (f.operators[i].role = e.target.value as (typeof OPERATOR_ROLES)[number])))}>
                    {OPERATOR_ROLES.map((r) => (
                      <option key={r} value={r}>
                        {t(`roles.${r}`)}
                      </option>
                    ))}
                  </select>,
                )}
                {field(t('project.wizard.email'), `operators.${i}.email`, text(`operators.${i}.email`, o.email, (v) => set((f) => void (f.operators[i] && (f.operators[i].email = v)))))}
                <button type="button" className="button button-small" onClick={() => set((f) => void f.operators.splice(i, 1))}>
                  {t('project.wizard.remove')}
                </button>
              </div>
            ))}
            <div>
              <button type="button" className="button" onClick={() => set((f) => void f.operators.push({ login: '', name: '', role: 'operator', email: '' }))} data-testid="wizard-add-operator">
                {t('project.wizard.addOperator')}
              </button>
            </div>
          </div>
        );
      case 'layout': {
        const firstPark = form.sites[0]?.parks[0];
        const n = firstPark ? firstPark.batches.reduce((k, b) => k + (Number.isInteger(Number(b.count)) ? Math.max(0, Number(b.count)) : 0), 0) : 0;
        const cols = form.layoutColumns.trim() === '' ? null : Number(form.layoutColumns) || null;
        const dots = gridSketch(Math.min(n, 2000), cols, Number(form.layoutMargin) || 0);
        return (
          <div className="project-layout">
            <div className="form-grid">
              {field(t('project.wizard.columns'), 'layoutColumns', text('layoutColumns', form.layoutColumns, (v) => set((f) => void (f.layoutColumns = v)), { inputMode: 'numeric', placeholder: t('project.wizard.auto') }))}
              {field(t('project.wizard.margin'), 'layoutMargin', text('layoutMargin', form.layoutMargin, (v) => set((f) => void (f.layoutMargin = v)), { inputMode: 'decimal' }))}
              <p className="hint field-wide">{t('project.wizard.layoutHint')}</p>
            </div>
            <svg viewBox="0 0 100 100" className="project-sketch" role="img" aria-label={t('project.wizard.sketch', { park: firstPark?.name ?? '' })} data-testid="wizard-sketch">
              <rect x="0" y="0" width="100" height="100" className="project-sketch-bg" />
              {dots.map((d, i) => (
                <rect key={i} x={d.x - 1.2} y={d.y - 1.2} width="2.4" height="2.4" rx="0.4" className="project-sketch-dot" />
              ))}
            </svg>
          </div>
        );
      }
      case 'preview':
        return <PreviewStep project={preview} busy={busy === 'preview'} locale={locale} />;
    }
  };

  return (
    <Panel title={t('project.wizard.title')} testId="wizard-panel">
      <ol className="project-steps-bar" aria-label={t('project.wizard.steps')}>
        {WIZARD_STEPS.map((s, i) => (
          <li key={s}>
            <button
              type="button"
              className={`project-step-button ${s === step ? 'active' : ''} ${i < stepIndex ? 'done' : ''} ${checked.includes(s) && errorsOf(s).length > 0 ? 'invalid' : ''}`}
              aria-current={s === step ? 'step' : undefined}
              onClick={() => {
                if (s !== 'preview') return go(s);
                const bad = errors[0];
                if (bad) {
                  check(WIZARD_STEPS.filter((x) => errorsOf(x).length > 0));
                  return go(stepOfField(bad.field));
                }
                void loadPreview();
                go(s);
              }}
              data-testid={`wizard-step-${s}`}
            >
              <span className="project-step-number">{i + 1}</span>
              {t(`project.wizard.stepNames.${s}`)}
            </button>
          </li>
        ))}
      </ol>
      {error ? (
        <p className="notice tone-fault wrap-anywhere" data-testid="wizard-error">
          {error}
        </p>
      ) : null}
      <div className="project-wizard-body" data-testid={`wizard-body-${step}`}>
        {body()}
      </div>
      <div className="toolbar project-wizard-footer">
        <button type="button" className="button" disabled={stepIndex === 0} onClick={() => go(WIZARD_STEPS[Math.max(0, stepIndex - 1)] ?? 'name')} data-testid="wizard-back">
          {t('project.wizard.back')}
        </button>
        <div className="toolbar-spacer" />
        <span className="muted" data-testid="wizard-count">
          {t('project.wizard.summary', { count: stationCount(form) })}
        </span>
        {step === 'preview' ? (
          <button type="button" className="button button-primary" disabled={busy !== null} onClick={() => void generate()} data-testid="wizard-generate">
            {busy === 'generate' ? t('project.wizard.generating') : t('project.wizard.generate')}
          </button>
        ) : (
          <button type="button" className="button button-primary" onClick={next} data-testid="wizard-next">
            {t('project.wizard.next')}
          </button>
        )}
      </div>
    </Panel>
  );
}

function PreviewStep(props: { project: ProjectFileV2 | null; busy: boolean; locale: string }) {
  const { t } = useTranslation();
  const { project } = props;
  const stations = useMemo(() => (project ? previewStations(project) : []), [project]);
  const columns = useMemo<Column<PreviewStation>[]>(
    () => [
      { id: 'id', label: t('project.wizard.stationId'), width: '10rem', sortValue: (s) => s.id, render: (s) => <span className="mono">{s.id}</span> },
      { id: 'template', label: t('project.wizard.template'), sortValue: (s) => s.template, render: (s) => s.template },
      { id: 'site', label: t('project.overview.site'), width: '7rem', sortValue: (s) => s.site, render: (s) => s.site },
      { id: 'park', label: t('project.overview.park'), width: '7rem', sortValue: (s) => s.park, render: (s) => s.park },
      { id: 'group', label: t('project.wizard.group'), width: '9rem', sortValue: (s) => s.group, render: (s) => <span className="mono">{s.group}</span> },
      { id: 'protocol', label: t('project.wizard.protocol'), width: '8rem', sortValue: (s) => s.protocol, render: (s) => s.protocol },
      { id: 'x', label: 'x %', width: '5rem', align: 'end', sortValue: (s) => s.x, render: (s) => formatNumber(s.x, props.locale, 1) },
      { id: 'y', label: 'y %', width: '5rem', align: 'end', sortValue: (s) => s.y, render: (s) => formatNumber(s.y, props.locale, 1) },
    ],
    [t, props.locale],
  );
  if (props.busy || !project) return <p className="muted">{props.busy ? t('project.wizard.previewing') : t('project.wizard.noPreview')}</p>;
  const groups = project.sites.reduce((n, s) => n + s.parks.reduce((m, p) => m + p.groups.length, 0), 0);
  const parks = project.sites.reduce((n, s) => n + s.parks.length, 0);
  return (
    <div className="project-stack" data-testid="wizard-preview">
      <div className="tiles">
        <Tile label={t('project.overview.sites')} value={project.sites.length} />
        <Tile label={t('project.overview.parks')} value={parks} />
        <Tile label={t('project.overview.groups')} value={groups} />
        <Tile label={t('project.overview.stations')} value={<span data-testid="wizard-preview-stations">{stations.length}</span>} tone="info" />
        <Tile label={t('project.wizard.archive')} value={t(`project.wizard.archiveKinds.${project.archive?.kind ?? 'sqlite'}`)} />
      </div>
      <LoadChart project={project} testId="wizard-load-chart" />
      <ProjectTable columns={columns} rows={stations} rowKey={(s) => s.id} label={t('project.wizard.previewStations')} csvBase={t('project.wizard.csvFile')} testId="wizard-preview-table" empty="" initialSort={{ columnId: 'id', direction: 'asc' }} />
    </div>
  );
}
