// Ground plans of a project, pure: one plan per park (its stations at their `position`, or at the
// place the park's view gives them), and the project with a park's stations moved. Bad requests
// (unknown park or station, a place outside the plan, a station twice) name the problem and change
// nothing. The I/O shell (versions, background files) is ground-plan-store.ts.
import type { GroundPlanInfo, GroundPlanPlacement } from '../../src-shared/api/index.ts';
import type { ProjectFile, ProjectFileV2 } from '../../src-shared/project/index.ts';
import { ApiError, type RefusalCode } from '../../src-shared/api/index.ts';

/** Width ÷ height of every plan (projects do not carry a plan size yet). */
export const GROUND_PLAN_ASPECT = 16 / 9;

/** REST address of a park's background image. */
export function groundPlanBackgroundPath(parkId: string): string {
  return `/api/v1/ground-plans/${encodeURIComponent(parkId)}/background`;
}

export class GroundPlanError extends ApiError {
  declare readonly code: RefusalCode;
  constructor(code: RefusalCode, message: string) {
    super(code, message);
    this.name = 'GroundPlanError';
  }
}

/** Positions are kept to 0.01 % (a hundredth of a percent of the plan is far below a pixel). */
function round(value: number): number {
  return Math.round(value * 100) / 100;
}

/** The park's own view (the first view that names the park), if any. */
function parkView(project: ProjectFileV2, parkId: string) {
  return project.views?.find((v) => v.park === parkId);
}

export interface PlanSource {
  /** Project version the project is (null: not saved yet). */
  version: number | null;
  /** Parks that have their own background image. */
  customBackgrounds: ReadonlySet<string>;
}

/** One plan per park, in site and park order. */
export function groundPlansOf(project: ProjectFileV2, source: PlanSource): GroundPlanInfo[] {
  return project.sites.flatMap((site) =>
    site.parks.map((park): GroundPlanInfo => {
      const moved = new Map((parkView(project, park.id)?.placements ?? []).map((p) => [p.station, p] as const));
      const placements: GroundPlanPlacement[] = [];
      const unplaced: string[] = [];
      for (const station of park.stations) {
        const at = moved.get(station.id) ?? station.position;
        if (at) placements.push({ stationId: station.id, x: at.x, y: at.y });
        else unplaced.push(station.id);
      }
      return {
        siteId: site.id,
        siteName: site.name,
        parkId: park.id,
        name: park.name || park.id,
        background: groundPlanBackgroundPath(park.id),
        customBackground: source.customBackgrounds.has(park.id),
        aspect: GROUND_PLAN_ASPECT,
        placements,
        unplaced,
        version: source.version,
      };
    }),
  );
}

/**
 * Plans of a format-1 runtime project (one per site, positions from `position`), for a supervisor
 * whose project has no version yet and cannot be migrated.
 */
export function groundPlansOfRuntime(project: ProjectFile, source: PlanSource): GroundPlanInfo[] {
  return project.sites.map((site) => ({
    siteId: site.id,
    siteName: site.name,
    parkId: site.id,
    name: site.name || site.id,
    background: groundPlanBackgroundPath(site.id),
    customBackground: source.customBackgrounds.has(site.id),
    aspect: GROUND_PLAN_ASPECT,
    placements: site.stations.flatMap((s) => (s.position ? [{ stationId: s.id, x: s.position.x, y: s.position.y }] : [])),
    unplaced: site.stations.filter((s) => !s.position).map((s) => s.id),
    version: source.version,
  }));
}

/** Every problem of a placement list for a park, in words a person can act on (empty: fine). */
export function placementProblems(project: ProjectFileV2, parkId: string, placements: readonly GroundPlanPlacement[], unplace: readonly string[] = []): string[] {
  const park = project.sites.flatMap((s) => s.parks).find((p) => p.id === parkId);
  if (!park) return [];
  const ids = new Set(park.stations.map((s) => s.id));
  const problems: string[] = [];
  const seen = new Set<string>();
  placements.forEach((p, i) => {
    if (!ids.has(p.stationId)) problems.push(`placements[${i}]: station ${p.stationId} is not in park ${parkId}`);
    if (seen.has(p.stationId)) problems.push(`placements[${i}]: station ${p.stationId} is placed twice`);
    seen.add(p.stationId);
    for (const axis of ['x', 'y'] as const) {
      const v = p[axis];
      if (!Number.isFinite(v) || v < 0 || v > 100) problems.push(`placements[${i}]: ${axis} = ${String(v)} of ${p.stationId} is outside the plan (0 to 100 %)`);
    }
  });
  unplace.forEach((id, i) => {
    if (!ids.has(id)) problems.push(`unplace[${i}]: station ${id} is not in park ${parkId}`);
    else if (seen.has(id)) problems.push(`unplace[${i}]: station ${id} is both placed and taken off the plan`);
  });
  return problems;
}

/**
 * The project with the given stations of `parkId` at their new places (their `position`; a place
 * the park's view gave them is dropped, so the saved position is the one drawn); `unplace` takes
 * stations off the plan. Stations not listed keep theirs. Throws GroundPlanError and leaves `project` untouched when anything is wrong.
 */
export function moveStations(project: ProjectFileV2, parkId: string, placements: readonly GroundPlanPlacement[], unplace: readonly string[] = []): { project: ProjectFileV2; moved: string[] } {
  const parks = project.sites.flatMap((s) => s.parks);
  if (!parks.some((p) => p.id === parkId)) {
    throw new GroundPlanError('NotFound', `No park ${parkId} in the project (parks: ${parks.map((p) => p.id).join(', ') || 'none'})`);
  }
  const problems = placementProblems(project, parkId, placements, unplace);
  if (problems.length > 0) {
    const more = problems.length > 5 ? ` (and ${problems.length - 5} more)` : '';
    throw new GroundPlanError('BadRequest', `Ground plan of ${parkId} not saved: ${problems.slice(0, 5).join('; ')}${more}`);
  }
  const next = structuredClone(project);
  const at = new Map(placements.map((p) => [p.stationId, { x: round(p.x), y: round(p.y) }] as const));
  const moved: string[] = [];
  const off = new Set(unplace);
  for (const park of next.sites.flatMap((s) => s.parks)) {
    if (park.id !== parkId) continue;
    for (const station of park.stations) {
      if (off.has(station.id) && station.position) {
        delete station.position;
        moved.push(station.id);
      }
      const place = at.get(station.id);
      if (!place) continue;
      if (station.position?.x !== place.x || station.position?.y !== place.y) moved.push(station.id);
      station.position = place;
    }
  }
  const view = parkView(next, parkId);
  if (view?.placements) {
    const kept = view.placements.filter((p) => !at.has(p.station) && !off.has(p.station));
    if (kept.length !== view.placements.length) {
      for (const p of view.placements) if ((at.has(p.station) || off.has(p.station)) && !moved.includes(p.station)) moved.push(p.station);
      view.placements = kept;
    }
  }
  return { project: next, moved };
}
