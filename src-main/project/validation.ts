// Every check of a project document, per format: the JSON Schema first, then what a schema cannot say
// (unique ids, references between parts). Pure: data in, problems (JSON pointer + words) out.
import type { ProjectFileV2 } from '../../src-shared/project/index.ts';
import { type ProjectProblem, projectSchemaV1, projectSchemaV2, schemaProblems } from './schema.ts';

interface V1Site {
  id: string;
  groups: { id: string }[];
  stations: { id: string; group: string }[];
}

/** Format 1: the schema and the checks the first loader made, with the same messages. */
export function validateV1(data: unknown): ProjectProblem[] {
  const problems = schemaProblems(projectSchemaV1, data);
  if (problems.length > 0) return problems;
  const sites = (data as { sites: V1Site[] }).sites;
  const stationIds = new Set<string>();
  for (const [si, site] of sites.entries()) {
    const groups = new Set(site.groups.map((g) => g.id));
    for (const [i, station] of site.stations.entries()) {
      if (stationIds.has(station.id)) problems.push({ pointer: `/sites/${si}/stations/${i}/id`, message: `"${station.id}" is declared twice` });
      stationIds.add(station.id);
      if (!groups.has(station.group)) {
        problems.push({ pointer: `/sites/${si}/stations/${i}/group`, message: `"${station.group}" is not a group of site ${site.id}` });
      }
    }
  }
  return problems;
}

/** Remembers the first place of each id and reports later ones. */
class UniqueIds {
  private readonly first = new Map<string, string>();
  private readonly problems: ProjectProblem[];
  private readonly what: string;

  constructor(problems: ProjectProblem[], what: string) {
    this.problems = problems;
    this.what = what;
  }

  add(value: string, pointer: string): void {
    const first = this.first.get(value);
    if (first === undefined) this.first.set(value, pointer);
    else this.problems.push({ pointer, message: `"${value}" is declared twice (first ${this.what} at ${first})` });
  }

  has(value: string): boolean {
    return this.first.has(value);
  }
}

/** Format 2: schema, unique ids, and every reference (template, group, parent, park, station, role, category). */
export function validateV2(data: unknown): ProjectProblem[] {
  const problems = schemaProblems(projectSchemaV2, data);
  if (problems.length > 0) return problems;
  const project = data as ProjectFileV2;
  const timeZone = project.settings?.timeZone;
  if (timeZone !== undefined && !knownTimeZone(timeZone)) {
    problems.push({ pointer: '/settings/timeZone', message: `"${timeZone}" is not a time zone this computer knows: give an IANA name, e.g. Europe/Paris` });
  }

  const templates = new UniqueIds(problems, 'template');
  for (const [ti, template] of project.templates.entries()) {
    templates.add(template.id, `/templates/${ti}/id`);
    const rules = new UniqueIds(problems, 'rule');
    for (const [ri, rule] of (template.alarmRules ?? []).entries()) rules.add(rule.id, `/templates/${ti}/alarmRules/${ri}/id`);
  }

  const sites = new UniqueIds(problems, 'site');
  const parks = new UniqueIds(problems, 'park');
  const stations = new UniqueIds(problems, 'station');
  for (const [si, site] of project.sites.entries()) {
    sites.add(site.id, `/sites/${si}/id`);
    const siteGroups = new UniqueIds(problems, 'group of this site');
    for (const [pi, park] of site.parks.entries()) {
      const at = `/sites/${si}/parks/${pi}`;
      parks.add(park.id, `${at}/id`);
      const parkGroups = new Map(park.groups.map((g) => [g.id, g]));
      for (const [gi, group] of park.groups.entries()) {
        siteGroups.add(group.id, `${at}/groups/${gi}/id`);
        if (group.parent === undefined) continue;
        if (group.parent === group.id) {
          problems.push({ pointer: `${at}/groups/${gi}/parent`, message: `"${group.parent}" is the group itself` });
        } else if (!parkGroups.has(group.parent)) {
          problems.push({ pointer: `${at}/groups/${gi}/parent`, message: `"${group.parent}" is not a group of park ${park.id}` });
        } else {
          // Walk up: a loop never reaches a root.
          const seen = new Set<string>([group.id]);
          let parent: string | undefined = group.parent;
          while (parent !== undefined && !seen.has(parent)) {
            seen.add(parent);
            parent = parkGroups.get(parent)?.parent;
          }
          if (parent !== undefined && parent === group.id) {
            problems.push({ pointer: `${at}/groups/${gi}/parent`, message: `"${group.parent}" makes a loop in the electrical tree of park ${park.id}` });
          }
        }
      }
      for (const [i, station] of park.stations.entries()) {
        const sp = `${at}/stations/${i}`;
        stations.add(station.id, `${sp}/id`);
        if (!templates.has(station.template)) problems.push({ pointer: `${sp}/template`, message: `"${station.template}" is not a template of the project` });
        if (!parkGroups.has(station.group)) {
          problems.push({ pointer: `${sp}/group`, message: `"${station.group}" is not a group of park ${park.id} (site ${site.id})` });
        }
      }
    }
  }

  const views = new UniqueIds(problems, 'view');
  for (const [vi, view] of (project.views ?? []).entries()) views.add(view.id, `/views/${vi}/id`);
  let home: string | null = null;
  for (const [vi, view] of (project.views ?? []).entries()) {
    const at = `/views/${vi}`;
    if (view.park !== undefined && !parks.has(view.park)) problems.push({ pointer: `${at}/park`, message: `"${view.park}" is not a park of the project` });
    const placed = new UniqueIds(problems, 'placement');
    for (const [i, placement] of (view.placements ?? []).entries()) {
      placed.add(placement.station, `${at}/placements/${i}/station`);
      if (!stations.has(placement.station)) {
        problems.push({ pointer: `${at}/placements/${i}/station`, message: `"${placement.station}" is not a station of the project` });
      }
    }
    for (const [i, link] of (view.links ?? []).entries()) {
      if (!views.has(link)) problems.push({ pointer: `${at}/links/${i}`, message: `"${link}" is not a view of the project` });
    }
    if (view.home === true) {
      if (home !== null) problems.push({ pointer: `${at}/home`, message: `only one view can be the home view (${home} already is)` });
      else home = view.id;
    }
  }

  const rules = new UniqueIds(problems, 'rule');
  for (const [ri, rule] of (project.alarmRules ?? []).entries()) rules.add(rule.id, `/alarmRules/${ri}/id`);

  const roles = new UniqueIds(problems, 'role');
  for (const [ri, role] of (project.roles ?? []).entries()) roles.add(role.id, `/roles/${ri}/id`);
  const logins = new UniqueIds(problems, 'user');
  for (const [ui, user] of (project.users ?? []).entries()) {
    logins.add(user.login.toLowerCase(), `/users/${ui}/login`);
    if (!roles.has(user.role)) problems.push({ pointer: `/users/${ui}/role`, message: `"${user.role}" is not a role of the project` });
  }

  const symbols = new UniqueIds(problems, 'symbol');
  for (const [si, symbol] of (project.symbols ?? []).entries()) symbols.add(symbol.id, `/symbols/${si}/id`);

  const categories = new UniqueIds(problems, 'category');
  for (const [ci, category] of (project.badgeCategories ?? []).entries()) {
    categories.add(category.id, `/badgeCategories/${ci}/id`);
    // A target state of charge means nothing without the battery it is a share of, and back.
    const c = category.charging;
    if (c && (c.targetSocPercent === undefined) !== (c.batteryWh === undefined)) {
      problems.push({ pointer: `/badgeCategories/${ci}/charging/${c.targetSocPercent === undefined ? 'targetSocPercent' : 'batteryWh'}`, message: 'give the target state of charge and the battery capacity together' });
    }
  }
  for (const [bi, badge] of (project.badges ?? []).entries()) {
    if (badge.category !== undefined && !categories.has(badge.category)) {
      problems.push({ pointer: `/badges/${bi}/category`, message: `"${badge.category}" is not a badge category of the project` });
    }
  }
  return problems;
}

/** Validators of every format this program reads, by format version. */
export const FORMAT_VALIDATORS: Readonly<Record<number, (data: unknown) => ProjectProblem[]>> = {
  1: validateV1,
  2: validateV2,
};

function knownTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}
