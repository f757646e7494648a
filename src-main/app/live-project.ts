// Live apply, I/O shell: makes the running supervisor run another project version without a
// restart. The registry takes in the new stations (accepted when they connect) and drops the
// removed ones, with the project's registration settings (auto-accept, heartbeat interval); new
// badges are added; the smart-charging controller gets the new groups, limits and stations (or
// starts when the project now has groups). Applies run one at a time.
import type { Logger } from 'pino';
import type { ProjectApplyPlan, ProjectFile, ResolvedProject } from '../../src-shared/project/index.ts';
import type { AllocationController } from '../allocation/index.ts';
import { ProjectError, checkProject, declarationChanges, planProjectApply, toRuntimeProject, type ProjectWorkspace } from '../project/index.ts';
import type { StationRegistry } from '../stations/index.ts';

export interface RunningProject {
  /** Version of the history it is; null when it is not in the history. */
  version: number | null;
  resolved: ResolvedProject | null;
  runtime: ProjectFile | null;
}

export interface LiveProjectDeps {
  workspace: ProjectWorkspace;
  registry: StationRegistry;
  smartCharging(): AllocationController | null;
  /** Starts the controller for a project that now has electrical groups (null when smart charging is off). */
  startSmartCharging(project: ProjectFile): AllocationController | null;
  /** The rest of the project the services take live: registration settings, badges. */
  configure(project: ProjectFile): Promise<void>;
  /** Told once a version runs (the supervisor publishes it to the UI clients). */
  onApplied?(version: number): void;
  log: Logger;
}

/**
 * The archive a project asks for, when this build cannot give it: the SQL Server archive is not
 * implemented yet, so such a project runs on the SQLite archive of the data folder (said, not hidden).
 */
export function unavailableArchive(resolved: ResolvedProject | null): string | null {
  const archive = resolved?.project.archive;
  if (archive?.kind !== 'sqlserver') return null;
  return `the project asks for the SQL Server archive (${archive.server}/${archive.database}), which this version does not have yet: it archives to SQLite in the data folder`;
}

export class LiveProject {
  private readonly deps: LiveProjectDeps;
  private running: RunningProject;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(deps: LiveProjectDeps, running: RunningProject) {
    this.deps = deps;
    this.running = running;
  }

  /** The runtime view of the project being run. */
  get runtime(): ProjectFile | null {
    return this.running.runtime;
  }

  get version(): number | null {
    return this.running.version;
  }

  /** Ids of the stations the running project declares. */
  stationIds(): string[] {
    return (this.running.runtime?.sites ?? []).flatMap((s) => s.stations.map((st) => st.id));
  }

  private async target(versionId: number | undefined): Promise<{ id: number; resolved: ResolvedProject }> {
    let id = versionId;
    if (id === undefined) {
      const latest = (await this.deps.workspace.versions()).at(-1);
      if (!latest) throw new ProjectError('project history', [{ pointer: '', message: 'has no version to apply: generate or import a project first' }], 'is empty');
      id = latest.id;
    }
    const record = await this.deps.workspace.read(id);
    return { id, resolved: checkProject(record.project, `project version ${id}`) };
  }

  /** What applying a version (default: the latest) would change; changes nothing. */
  async preview(versionId?: number): Promise<ProjectApplyPlan> {
    const { id, resolved } = await this.target(versionId);
    return planProjectApply(this.running.resolved, resolved, this.running.version, id);
  }

  /** Applies a version (default: the latest) to the running services; the plan of what changed. */
  apply(versionId?: number): Promise<ProjectApplyPlan> {
    const run = this.queue.then(() => this.applyNow(versionId));
    this.queue = run.catch(() => undefined);
    return run;
  }

  private async applyNow(versionId: number | undefined): Promise<ProjectApplyPlan> {
    const { id, resolved } = await this.target(versionId);
    const plan = planProjectApply(this.running.resolved, resolved, this.running.version, id);
    const runtime = toRuntimeProject(resolved);
    const changes = declarationChanges(this.running.runtime, runtime);
    await this.deps.configure(runtime);
    await this.deps.registry.declare(changes.declare, { publish: true });
    await this.deps.registry.undeclare(changes.undeclare);
    const controller = this.deps.smartCharging();
    if (controller) await controller.reconfigure(runtime);
    else if (runtime.sites.some((s) => s.groups.length > 0)) this.deps.startSmartCharging(runtime);
    this.running = { version: id, resolved, runtime };
    this.deps.onApplied?.(id);
    const archiveProblem = unavailableArchive(resolved);
    if (archiveProblem) this.deps.log.warn({ version: id }, archiveProblem);
    this.deps.log.info(
      { version: id, declared: changes.declare.length, undeclared: changes.undeclare.length },
      `project version ${id} applied: ${plan.stations.added.length} station(s) added, ${plan.stations.removed.length} removed, ${plan.groups.changed.length} group(s) changed`,
    );
    return plan;
  }
}
