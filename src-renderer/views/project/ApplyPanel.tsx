// Live apply: what running a version would change (stations, groups and limits, views), and the
// button that applies it to the running supervisor without a restart (engineers, confirmed).
import { useEffect, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProjectApplyPlan } from '../../../src-shared/project/index.ts';
import { Panel } from '../../components/Field.tsx';
import { describeError } from '../../lib/errors.ts';
import { useLinkOpen } from '../../lib/hooks.ts';
import { api } from '../../store/client.ts';
import { confirmAction } from '../../store/confirm.ts';
import { useProject } from '../../store/project.ts';
import { useMayUse } from '../../store/session.ts';
import { useToasts } from '../../store/toasts.ts';
import { DiffView } from './DiffView.tsx';

export function ApplyPanel(props: { versionId: number }) {
  const { t } = useTranslation();
  const mayApply = useMayUse('applyProject');
  const running = useProject((s) => s.running);
  const reload = useProject((s) => s.reload);
  const [plan, setPlan] = useState<ProjectApplyPlan | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);
  const open = useLinkOpen();
  useEffect(() => {
    if (!mayApply || !open) return;
    let live = true;
    api()
      .call('previewProjectApply', { versionId: props.versionId })
      .then(
        (p) => {
          if (!live) return;
          setPlan(p);
          setError(null);
        },
        (e: unknown) => live && setError(describeError(e, t)),
      );
    return () => {
      live = false;
    };
  }, [props.versionId, running, mayApply, open, t]);
  if (!mayApply) return null;
  const apply = async () => {
    const ok = await confirmAction({ title: t('project.apply.confirmTitle', { id: props.versionId }), message: t('project.apply.confirmText'), confirmLabel: t('project.apply.apply') });
    if (!ok) return;
    setBusy(true);
    try {
      const done = await api().call('applyProject', { versionId: props.versionId });
      useToasts.getState().push('ok', t('project.apply.done', { id: done.to }));
      await reload();
    } catch (e) {
      setError(describeError(e, t));
    } finally {
      setBusy(false);
    }
  };
  return (
    <Panel
      title={t('project.apply.title', { id: props.versionId, running: running ?? '—' })}
      testId="apply-panel"
      actions={
        <button type="button" className="button button-primary" disabled={busy || !plan || plan.same} onClick={() => void apply()} data-testid="apply-button">
          {busy ? t('project.apply.applying') : t('project.apply.apply')}
        </button>
      }
    >
      <p className="hint">{t('project.apply.hint')}</p>
      {error ? <p className="notice tone-fault">{error}</p> : null}
      {plan ? <DiffView diff={plan} testId="apply-plan" /> : !error ? <p className="muted">{t('common.loading')}</p> : null}
    </Panel>
  );
}
