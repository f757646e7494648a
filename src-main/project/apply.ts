// Live apply, pure core: what applying a project version to the running supervisor changes. The
// plan people read (stations, groups and limits, views, the rest) and the station declarations the
// registry must take in or drop. No I/O: src-main/app/live-project.ts does the applying.
import type { ProjectApplyPlan, ProjectFile, ProjectFileV2, ResolvedProject, StationDeclaration } from '../../src-shared/project/index.ts';
import { diffProjects } from './diff.ts';
import { resolveProject } from './templates.ts';

const EMPTY: ProjectFileV2 = { formatVersion: 2, name: '', sites: [], templates: [] };

/** What applying `next` (version `to`) changes in a supervisor running `running` (version `from`). */
export function planProjectApply(running: ResolvedProject | null, next: ResolvedProject, from: number | null, to: number): ProjectApplyPlan {
  const diff = diffProjects(running ?? resolveProject(EMPTY), next);
  const plan: ProjectApplyPlan = { from, to, stations: diff.stations, groups: diff.groups, views: diff.views, other: diff.other, same: false };
  plan.same = plan.other.length === 0 && [plan.stations, plan.groups, plan.views].every((c) => c.added.length + c.removed.length + c.changed.length === 0);
  return plan;
}

export interface DeclarationChanges {
  /** New stations and stations whose declaration changed (group, power, password...). */
  declare: StationDeclaration[];
  /** Stations no longer in the project. */
  undeclare: string[];
}

function stationsOf(project: ProjectFile | null): Map<string, StationDeclaration> {
  return new Map((project?.sites ?? []).flatMap((s) => s.stations.map((st) => [st.id, st] as const)));
}

/** The registry's side of an apply, on the runtime views (format 1) of both projects. */
export function declarationChanges(running: ProjectFile | null, next: ProjectFile): DeclarationChanges {
  const before = stationsOf(running);
  const after = stationsOf(next);
  const declare = [...after.values()].filter((d) => JSON.stringify(before.get(d.id)) !== JSON.stringify(d));
  const undeclare = [...before.keys()].filter((id) => !after.has(id));
  return { declare, undeclare };
}
