// The format-1 view the running supervisor consumes (ProjectFile): flat sites → groups + fully
// specified stations, whatever format the project was written in.
import {
  PROJECT_FORMAT_VERSION,
  type ElectricalGroup,
  type ProjectFile,
  type ResolvedProject,
  type ResolvedStation,
  type Site,
  type StationDeclaration,
} from '../../src-shared/project/index.ts';

/** A resolved station as the format-1 declaration (plus template, park and security profile). */
export function toStationDeclaration(station: ResolvedStation): StationDeclaration {
  const declaration: StationDeclaration = {
    id: station.id,
    group: station.group,
    protocol: station.protocol,
    kind: station.kind,
    maxPowerW: station.maxPowerW,
    connectors: station.connectors.length,
  };
  if (station.password !== undefined) declaration.password = station.password;
  if (station.vendor !== undefined) declaration.vendor = station.vendor;
  if (station.model !== undefined) declaration.model = station.model;
  if (station.phases !== undefined) declaration.phases = station.phases;
  if (station.position !== undefined) declaration.position = { ...station.position };
  declaration.template = station.template;
  declaration.park = station.park;
  if (station.securityProfile !== undefined) declaration.securityProfile = station.securityProfile;
  return declaration;
}

/**
 * `{ formatVersion: 1, name, settings, sites: [{ id, name, groups, stations }], badges }`: each site's
 * groups and stations are those of all its parks, in park order.
 */
export function toRuntimeProject(resolved: ResolvedProject): ProjectFile {
  const project = resolved.project;
  const sites: Site[] = project.sites.map((site) => ({
    id: site.id,
    name: site.name,
    groups: site.parks.flatMap((park) => park.groups.map((g): ElectricalGroup => structuredClone(g))),
    stations: resolved.stations.filter((s) => s.site === site.id).map(toStationDeclaration),
  }));
  const runtime: ProjectFile = { formatVersion: PROJECT_FORMAT_VERSION, name: project.name, sites };
  if (project.settings !== undefined) runtime.settings = structuredClone(project.settings);
  if (project.badges !== undefined) {
    // The category comes along: the archive badge takes it when seeded.
    runtime.badges = structuredClone(project.badges);
  }
  if (project.badgeCategories !== undefined) runtime.badgeCategories = structuredClone(project.badgeCategories);
  return runtime;
}
