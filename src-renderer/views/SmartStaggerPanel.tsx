// Staggered start settings (engineer): sessions start one after another after a power return
// or a burst of plug-ins. Others see the settings read-only.
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import { Field, Panel } from '../components/Field.tsx';
import { describeError } from '../lib/errors.ts';
import { useLinkOpen } from '../lib/hooks.ts';
import { api } from '../store/client.ts';
import { useMayUse } from '../store/session.ts';
import { useToasts } from '../store/toasts.ts';
import { staggerFromDraft, staggerToDraft, type StaggerDraft, type StaggerField } from '../lib/stagger.ts';

export function StaggerPanel() {
  const { t } = useTranslation();
  const mayEdit = useMayUse('putSmartChargingSettings', { staggeredStart: { enabled: false, mode: 'ordered', windowS: 1 } });
  const [draft, setDraft] = useState<StaggerDraft | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const linkOpen = useLinkOpen();

  // Loaded once the link to the supervisor is open (again after a reconnection).
  useEffect(() => {
    if (!linkOpen) return;
    let live = true;
    api()
      .call('getSmartChargingSettings', {})
      .then((s) => {
        if (!live) return;
        setDraft(staggerToDraft(s.staggeredStart));
        setError(null);
      })
      .catch((e: unknown) => {
        if (live) setError(describeError(e, t));
      });
    return () => {
      live = false;
    };
  }, [t, linkOpen]);

  const checked = draft ? staggerFromDraft(draft) : null;
  const save = async () => {
    if (!checked?.settings) return;
    setBusy(true);
    try {
      const saved = await api().call('putSmartChargingSettings', checked.settings);
      setDraft(staggerToDraft(saved.staggeredStart));
      useToasts.getState().push('ok', t('smartCharging.stagger.saved'), 4000);
    } catch (e) {
      useToasts.getState().push('fault', describeError(e, t));
    } finally {
      setBusy(false);
    }
  };
  const set = (patch: Partial<StaggerDraft>) => setDraft((d) => (d ? { ...d, ...patch } : d));
  const bad = (f: StaggerField) => checked?.invalid.includes(f) ?? false;

  return (
    <Panel title={t('smartCharging.stagger.title')} testId="stagger-panel">
      <p className="hint">{t('smartCharging.stagger.hint')}</p>
      {error ? <p className="notice tone-fault">{error}</p> : null}
      {draft === null && !error ? <p className="muted">{t('common.loading')}</p> : null}
      {draft ? (
        <form
          className="inline-form stagger-form"
          onSubmit={(e) => {
            e.preventDefault();
            if (mayEdit && !busy) void save();
          }}
        >
          <fieldset disabled={!mayEdit || busy} className="plain-fieldset">
            <label className="checkbox">
              <input type="checkbox" checked={draft.enabled} onChange={(e) => set({ enabled: e.target.checked })} data-testid="stagger-enabled" />
              {t('smartCharging.stagger.enabled')}
            </label>
            <Field label={t('smartCharging.stagger.mode')}>
              <select value={draft.mode} onChange={(e) => set({ mode: e.target.value === 'random' ? 'random' : 'ordered' })} data-testid="stagger-mode">
                <option value="ordered">{t('smartCharging.stagger.ordered')}</option>
                <option value="random">{t('smartCharging.stagger.random')}</option>
              </select>
            </Field>
            <Field label={t('smartCharging.stagger.windowS')}>
              <input value={draft.windowS} onChange={(e) => set({ windowS: e.target.value })} inputMode="decimal" size={6} aria-invalid={bad('windowS')} data-testid="stagger-window" />
            </Field>
            <Field label={t('smartCharging.stagger.spacingS')}>
              <input value={draft.spacingS} onChange={(e) => set({ spacingS: e.target.value })} inputMode="decimal" size={6} aria-invalid={bad('spacingS')} data-testid="stagger-spacing" />
            </Field>
            <Field label={t('smartCharging.stagger.minOccupancy')}>
              <input value={draft.minOccupancy} onChange={(e) => set({ minOccupancy: e.target.value })} inputMode="decimal" size={5} aria-invalid={bad('minOccupancy')} data-testid="stagger-occupancy" />
            </Field>
            {mayEdit ? (
              <button type="submit" className="button button-primary" disabled={!checked?.settings || busy} data-testid="stagger-save">
                {t('smartCharging.stagger.save')}
              </button>
            ) : null}
          </fieldset>
          {checked && checked.invalid.length > 0 ? (
            <ul className="form-error" data-testid="stagger-errors">
              {checked.invalid.map((f) => (
                <li key={f}>{t(`smartCharging.stagger.errors.${f}`)}</li>
              ))}
            </ul>
          ) : null}
          {!mayEdit ? <p className="hint">{t('smartCharging.stagger.readOnly')}</p> : null}
        </form>
      ) : null}
    </Panel>
  );
}
