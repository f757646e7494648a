// Installed power against each electrical group's limit (a glance tells where smart charging
// will have to share), for the wizard's preview and the project overview.
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import { Bar, BarChart, CartesianGrid, Legend, ResponsiveContainer, Tooltip, XAxis, YAxis } from 'recharts';
import type { ProjectFileV2 } from '../../../src-shared/project/index.ts';
import { groupLoads } from '../../lib/project.ts';

export function LoadChart(props: { project: ProjectFileV2; testId: string }) {
  const { t } = useTranslation();
  const load = useMemo(() => groupLoads(props.project), [props.project]);
  if (load.length === 0) return null;
  return (
    <div className="project-chart" data-testid={props.testId}>
      <h3 className="project-subtitle">{t('project.wizard.loadTitle')}</h3>
      <ResponsiveContainer width="100%" height={200}>
        <BarChart data={load} margin={{ top: 8, right: 16, bottom: 4, left: 8 }}>
          <CartesianGrid strokeDasharray="3 3" stroke="var(--border)" />
          <XAxis dataKey="group" stroke="var(--muted)" fontSize={12} />
          <YAxis stroke="var(--muted)" fontSize={12} unit=" kW" width={80} />
          <Tooltip contentStyle={{ background: 'var(--bg-panel)', border: '1px solid var(--border-strong)' }} />
          <Legend />
          <Bar dataKey="installedKw" name={t('project.wizard.installed')} fill="var(--accent)" />
          <Bar dataKey="limitKw" name={t('project.wizard.limit')} fill="var(--warn)" />
        </BarChart>
      </ResponsiveContainer>
      <p className="hint">{t('project.wizard.loadHint')}</p>
    </div>
  );
}
