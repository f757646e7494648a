// The project screen: the project the supervisor runs (overview), the quick-start wizard, the
// version history (diff, restore, live apply), station-list import and the commissioning
// self-test. Everyone reads; engineers change (the main process checks the role anyway).
import { useEffect, useMemo, useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { ProjectFileV2 } from '../../src-shared/project/index.ts';
import { Panel } from '../components/Field.tsx';
import { Pill } from '../components/StatusBadge.tsx';
import { Tile } from '../components/Tile.tsx';
import { describeError } from '../lib/errors.ts';
import { DASH, formatDateTime, formatNumber } from '../lib/format.ts';
import { useLinkOpen, useLocale } from '../lib/hooks.ts';
import type { Column } from '../lib/table.ts';
import { useProject } from '../store/project.ts';
import { useMayUse } from '../store/session.ts';
import { ApplyPanel } from './project/ApplyPanel.tsx';
import { BadgeCategoriesPanel } from './project/BadgeCategoriesPanel.tsx';
import { LoadChart } from './project/LoadChart.tsx';
import { ImportPanel } from './project/ImportPanel.tsx';
import { ProjectSettingsPanel } from './project/ProjectSettingsPanel.tsx';
import { ProjectTable } from './project/ProjectTable.tsx';
import { SelfTestPanel } from './project/SelfTestPanel.tsx';
import { SymbolsPanel } from './project/SymbolsPanel.tsx';
import { TemplatesPanel } from './project/TemplatesPanel.tsx';
import { VersionsPanel } from './project/VersionsPanel.tsx';
import { WizardPanel } from './project/WizardPanel.tsx';

const TABS = ['overview', 'settings', 'templates', 'symbols', 'categories', 'wizard', 'versions', 'import', 'selftest'] as const;
type ProjectTab = (typeof TABS)[number];
/** Tabs that change the project: engineers only. */
const EDIT_TABS: ReadonlySet<ProjectTab> = new Set(['wizard', 'import', 'selftest']);

interface GroupRow {
  key: string;
  site: string;
  park: string;
  id: string;
  name: string;
  maxKw: number;
  maxA: number | null;
  parent: string;
  stations: number;
}

function groupRows(project: ProjectFileV2): GroupRow[] {
  return project.sites.flatMap((site) =>
    site.parks.flatMap((park) =>
      park.groups.map((g) => ({
        key: `${site.id}/${park.id}/${g.id}`,
        site: site.id,
        park: park.id,
        id: g.id,
        name: g.name,
        maxKw: g.maxPowerW / 1000,
        maxA: g.maxCurrentA ? Math.min(...g.maxCurrentA) : null,
        parent: g.parent ?? '',
        stations: park.stations.filter((s) => s.group === g.id).length,
      })),
    ),
  );
}

function Overview() {
  const { t } = useTranslation();
  const locale = useLocale();
  const { project, latest, running } = useProject();
  const rows = useMemo(() => (project ? groupRows(project) : []), [project]);
  const columns = useMemo<Column<GroupRow>[]>(
    () => [
      { id: 'site', label: t('project.overview.site'), width: '7rem', sortValue: (r) => r.site, render: (r) => r.site },
      { id: 'park', label: t('project.overview.park'), width: '7rem', sortValue: (r) => r.park, render: (r) => r.park },
      { id: 'id', label: t('project.overview.group'), width: '10rem', sortValue: (r) => r.id, render: (r) => <span className="mono">{r.id}</span> },
      { id: 'name', label: t('project.overview.name'), sortValue: (r) => r.name, render: (r) => r.name },
      { id: 'parent', label: t('project.wizard.parent'), width: '9rem', sortValue: (r) => r.parent, render: (r) => <span className="mono">{r.parent || DASH}</span> },
      { id: 'maxKw', label: t('project.overview.maxKw'), width: '8rem', align: 'end', sortValue: (r) => r.maxKw, render: (r) => <span className="num">{formatNumber(r.maxKw, locale, 1)}</span> },
      { id: 'maxA', label: t('project.overview.maxA'), width: '8rem', align: 'end', sortValue: (r) => r.maxA, render: (r) => <span className="num">{r.maxA === null ? DASH : formatNumber(r.maxA, locale)}</span> },
      { id: 'stations', label: t('project.overview.stations'), width: '7rem', align: 'end', sortValue: (r) => r.stations, render: (r) => <span className="num">{r.stations}</span> },
    ],
    [t, locale],
  );
  if (!project) return <p className="notice">{t('project.overview.none')}</p>;
  const parks = project.sites.reduce((n, s) => n + s.parks.length, 0);
  const stations = project.sites.reduce((n, s) => n + s.parks.reduce((m, p) => m + p.stations.length, 0), 0);
  return (
    <div className="project-stack">
      <div className="tiles" data-testid="project-tiles">
        <Tile label={t('project.overview.project')} value={<span className="project-name" data-testid="project-name">{project.name}</span>} sub={project.description ?? ''} />
        <Tile
          label={t('project.overview.version')}
          value={<span data-testid="project-version">{latest?.id ?? DASH}</span>}
          sub={latest ? t('project.overview.versionSub', { author: latest.author, time: formatDateTime(latest.time, locale) }) : ''}
          tone={latest && running === latest.id ? 'ok' : 'warn'}
        />
        <Tile label={t('project.overview.sites')} value={<span data-testid="project-sites">{project.sites.length}</span>} />
        <Tile label={t('project.overview.parks')} value={<span data-testid="project-parks">{parks}</span>} />
        <Tile label={t('project.overview.groups')} value={<span data-testid="project-groups">{rows.length}</span>} />
        <Tile label={t('project.overview.stations')} value={<span data-testid="project-stations">{stations}</span>} tone="info" />
      </div>
      <Panel title={t('project.overview.groupsTitle')} testId="project-groups-panel">
        <LoadChart project={project} testId="project-load-chart" />
        <ProjectTable columns={columns} rows={rows} rowKey={(r) => r.key} label={t('project.overview.groupsTitle')} csvBase={t('project.overview.csvFile')} testId="project-groups-table" empty={t('project.overview.noGroups')} />
      </Panel>
    </div>
  );
}

export function ProjectView() {
  const { t } = useTranslation();
  const open = useLinkOpen();
  const { latest, running, loaded, error, reload } = useProject();
  const mayEdit = useMayUse('generateProject');
  const [tab, setTab] = useState<ProjectTab>('overview');
  const tabs = TABS.filter((x) => mayEdit || !EDIT_TABS.has(x));
  const shown: ProjectTab = tabs.includes(tab) ? tab : 'overview';
  useEffect(() => {
    if (open) void reload();
  }, [open, reload]);
  const pendingApply = latest !== null && latest.id !== running;
  return (
    <div className="view" data-testid="view-project">
      <div className="view-header">
        <h1>{t('nav.project')}</h1>
        {latest ? (
          <Pill tone={pendingApply ? 'warn' : 'ok'} testId="project-running" status={pendingApply ? 'pending' : 'running'}>
            {pendingApply ? t('project.notRunning', { id: latest.id, running: running ?? DASH }) : t('project.running', { id: latest.id })}
          </Pill>
        ) : null}
        {!mayEdit ? <Pill tone="info">{t('project.readOnly')}</Pill> : null}
      </div>
      <div className="tabs" role="tablist" aria-label={t('nav.project')}>
        {tabs.map((x) => (
          <button key={x} type="button" role="tab" aria-selected={shown === x} className={`tab ${shown === x ? 'active' : ''}`} onClick={() => setTab(x)} data-testid={`project-tab-${x}`}>
            {x === 'settings' ? t('projectSettings.tab') : x === 'templates' ? t('templateLibrary.tab') : x === 'symbols' ? t('symbols.tab') : x === 'categories' ? t('badgeCategories.tab') : t(`project.tabs.${x}`)}
          </button>
        ))}
      </div>
      {error ? <p className="notice tone-fault">{describeError(error, t)}</p> : null}
      {!loaded ? <p className="muted">{t('common.loading')}</p> : null}
      {pendingApply && latest && (shown === 'overview' || shown === 'versions' || shown === 'import') ? <ApplyPanel versionId={latest.id} /> : null}
      {shown === 'overview' ? <Overview /> : null}
      {shown === 'templates' ? <TemplatesPanel /> : null}
      {shown === 'wizard' ? <WizardPanel onGenerated={() => setTab('selftest')} /> : null}
      {shown === 'versions' ? <VersionsPanel /> : null}
      {shown === 'import' ? <ImportPanel /> : null}
      {shown === 'selftest' ? <SelfTestPanel /> : null}
      {shown === 'symbols' ? <SymbolsPanel /> : null}
      {shown === 'categories' ? <BadgeCategoriesPanel /> : null}
      {shown === 'settings' ? <ProjectSettingsPanel /> : null}
    </div>
  );
}
