// Figures of a project for people (pure): installed power under each electrical group against
// its limit, counting the stations of the group and of every group it feeds.
import type { ProjectFileV2 } from '../../src-shared/project/index.ts';

export interface GroupLoad {
  /** Group id. */
  group: string;
  /** "site/park", to tell same-named groups apart. */
  where: string;
  limitKw: number;
  /** Sum of the stations' maximum power (per connector × connectors, capped by a shared supply), kW. */
  installedKw: number;
  stations: number;
}

export function groupLoads(project: ProjectFileV2): GroupLoad[] {
  const templates = new Map(project.templates.map((t) => [t.id, t]));
  return project.sites.flatMap((site) =>
    site.parks.flatMap((park) =>
      park.groups.map((g): GroupLoad => {
        const under = new Set([g.id]);
        for (let grew = true; grew; ) {
          grew = false;
          for (const c of park.groups) {
            if (c.parent !== undefined && under.has(c.parent) && !under.has(c.id)) {
              under.add(c.id);
              grew = true;
            }
          }
        }
        const members = park.stations.filter((s) => under.has(s.group));
        const installedW = members.reduce((n, s) => {
          const t = templates.get(s.template);
          const perConnector = s.overrides?.maxPowerW ?? t?.maxPowerW ?? 0;
          const connectors = (s.overrides?.connectors ?? t?.connectors ?? []).length;
          const supply = s.overrides?.supplyMaxPowerW ?? t?.supplyMaxPowerW;
          return n + Math.min(perConnector * connectors, supply ?? Number.POSITIVE_INFINITY);
        }, 0);
        return { group: g.id, where: `${site.id}/${park.id}`, limitKw: g.maxPowerW / 1000, installedKw: Math.round(installedW / 100) / 10, stations: members.length };
      }),
    ),
  );
}
