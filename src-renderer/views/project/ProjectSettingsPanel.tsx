// Project → Settings: how unknown stations are received (auto-accept, heartbeat interval), when a
// transaction of a vanished station is closed, and the sites' time zone (badge categories' usual
// departure times are read on its clock). Saving makes a project version that runs at once;
// everyone reads, engineers change (the main process checks the role anyway).
import { type FormEvent, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProjectSettingsView } from '../../../src-shared/api/index.ts';
import type { ProjectSettings } from '../../../src-shared/project/index.ts';
import { Field, Panel } from '../../components/Field.tsx';
import { describeError } from '../../lib/errors.ts';
import { useCommand } from '../../lib/hooks.ts';
import { api } from '../../store/client.ts';
import { useProject } from '../../store/project.ts';
import { useMayUse } from '../../store/session.ts';
import { useToasts } from '../../store/toasts.ts';

interface SettingsForm {
  autoAccept: boolean;
  /** Text as typed; blank = the default. */
  heartbeatIntervalS: string;
  staleTransactionHours: string;
  /** '' = the server's own zone. */
  timeZone: string;
}

const DEFAULT_HEARTBEAT_S = 300;
const DEFAULT_STALE_H = 24;

function toForm(s: ProjectSettings): SettingsForm {
  return {
    autoAccept: s.autoAccept === true,
    heartbeatIntervalS: s.heartbeatIntervalS === undefined ? '' : String(s.heartbeatIntervalS),
    staleTransactionHours: s.staleTransactionHours === undefined ? '' : String(s.staleTransactionHours),
    timeZone: s.timeZone ?? '',
  };
}

/** The settings to send; a number that does not parse is sent as typed, for the supervisor to name it. */
function fromForm(f: SettingsForm): ProjectSettings {
  const number = (text: string): number | undefined => {
    const trimmed = text.trim().replace(',', '.');
    return trimmed === '' ? undefined : Number(trimmed);
  };
  const out: Record<string, unknown> = {};
  out.autoAccept = f.autoAccept;
  const heartbeat = number(f.heartbeatIntervalS);
  if (heartbeat !== undefined) out.heartbeatIntervalS = Number.isFinite(heartbeat) ? heartbeat : f.heartbeatIntervalS;
  const stale = number(f.staleTransactionHours);
  if (stale !== undefined) out.staleTransactionHours = Number.isFinite(stale) ? stale : f.staleTransactionHours;
  if (f.timeZone !== '') out.timeZone = f.timeZone;
  return out as ProjectSettings;
}

export function ProjectSettingsPanel() {
  const { t } = useTranslation();
  const { data, error: loadError, reload } = useCommand('getProjectSettings', {});
  return (
    <Panel title={t('projectSettings.title')} testId="project-settings">
      <p className="hint settings-intro">{t('projectSettings.intro')}</p>
      {loadError ? <p className="notice tone-fault">{loadError}</p> : null}
      {data?.version === null ? <p className="notice tone-warn">{t('projectSettings.noProject')}</p> : null}
      {/* A new version (saved here or elsewhere) starts the form again from what it holds. */}
      {data ? <SettingsEditor key={`${data.version}:${JSON.stringify(data.settings)}`} data={data} onSaved={reload} /> : <p className="muted">{t('common.loading')}</p>}
    </Panel>
  );
}

function SettingsEditor(props: { data: ProjectSettingsView; onSaved: () => Promise<void> | void }) {
  const { t } = useTranslation();
  const { data } = props;
  const mayEdit = useMayUse('putProjectSettings');
  const reloadProject = useProject((s) => s.reload);
  const [form, setForm] = useState<SettingsForm>(() => toForm(data.settings));
  const [saving, setSaving] = useState(false);
  const [error, setError] = useState<string | null>(null);

  const save = async (event: FormEvent) => {
    event.preventDefault();
    setSaving(true);
    try {
      const done = await api().call('putProjectSettings', { settings: fromForm(form), baseVersion: data.version });
      useToasts.getState().push('ok', t('projectSettings.saved', { version: done.version.id }));
      setError(null);
      await Promise.all([props.onSaved(), reloadProject()]);
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setSaving(false);
    }
  };

  const set = <K extends keyof SettingsForm>(key: K, value: SettingsForm[K]) => setForm((f) => ({ ...f, [key]: value }));
  const disabled = !mayEdit || saving || data.version === null;
  return (
        <form className="settings-form" onSubmit={(e) => void save(e)} data-testid="project-settings-form">
          <Field label={t('projectSettings.timeZone')} wide>
            <select value={form.timeZone} onChange={(e) => set('timeZone', e.target.value)} disabled={disabled} data-testid="settings-time-zone">
              <option value="">{t('projectSettings.serverZone', { zone: data.serverTimeZone })}</option>
              {/* A zone the project names but this computer does not know still shows, as it is. */}
              {form.timeZone !== '' && !data.timeZones.includes(form.timeZone) ? <option value={form.timeZone}>{form.timeZone}</option> : null}
              {data.timeZones.map((z) => (
                <option key={z} value={z}>
                  {z}
                </option>
              ))}
            </select>
          </Field>
          <p className="hint">{t('projectSettings.timeZoneHint')}</p>
          <label className="checkbox">
            <input type="checkbox" checked={form.autoAccept} onChange={(e) => set('autoAccept', e.target.checked)} disabled={disabled} data-testid="settings-auto-accept" />
            <span>{t('projectSettings.autoAccept')}</span>
          </label>
          <p className="hint">{t('projectSettings.autoAcceptHint')}</p>
          <div className="form-row">
            <Field label={t('projectSettings.heartbeat')}>
              <input inputMode="numeric" value={form.heartbeatIntervalS} placeholder={String(DEFAULT_HEARTBEAT_S)} onChange={(e) => set('heartbeatIntervalS', e.target.value)} disabled={disabled} data-testid="settings-heartbeat" />
            </Field>
            <Field label={t('projectSettings.stale')}>
              <input inputMode="decimal" value={form.staleTransactionHours} placeholder={String(DEFAULT_STALE_H)} onChange={(e) => set('staleTransactionHours', e.target.value)} disabled={disabled} data-testid="settings-stale" />
            </Field>
          </div>
          <p className="hint">{t('projectSettings.numbersHint', { heartbeat: DEFAULT_HEARTBEAT_S, stale: DEFAULT_STALE_H })}</p>
          {error ? (
            <p className="notice tone-fault" role="alert" data-testid="settings-error">
              {error}
            </p>
          ) : null}
          {mayEdit ? (
            <div className="form-actions">
              <button type="submit" className="button button-primary" disabled={disabled} data-testid="settings-save">
                {saving ? t('projectSettings.saving') : t('projectSettings.save')}
              </button>
              <button type="button" className="button" disabled={saving} onClick={() => setForm(toForm(data.settings))}>
                {t('common.cancel')}
              </button>
            </div>
          ) : (
            <p className="muted">{t('projectSettings.readOnly')}</p>
          )}
        </form>
  );
}
