// The running project's sites as the overview and the energy dashboard see them: stations,
// parks and electrical groups per site, and the site's power limit.
import type { SiteInfo } from '../../src-shared/api/energy.ts';
import type { ProjectFile } from '../../src-shared/project/index.ts';

export function sitesOfProject(project: ProjectFile | null): SiteInfo[] {
  if (!project) return [];
  return project.sites.map((site) => {
    const parks = new Map<string, string[]>();
    for (const station of site.stations) {
      if (station.park === undefined) continue;
      const ids = parks.get(station.park) ?? [];
      ids.push(station.id);
      parks.set(station.park, ids);
    }
    const roots = site.groups.filter((g) => g.parent === undefined);
    return {
      id: site.id,
      name: site.name,
      maxPowerW: roots.length === 0 ? null : roots.reduce((sum, g) => sum + g.maxPowerW, 0),
      stationIds: site.stations.map((s) => s.id),
      parks: [...parks].map(([id, stationIds]) => ({ id, stationIds })),
      groups: site.groups.map((g) => ({
        id: g.id,
        name: g.name,
        parentId: g.parent ?? null,
        maxPowerW: g.maxPowerW,
        stationIds: site.stations.filter((s) => s.group === g.id).map((s) => s.id),
      })),
    };
  });
}
