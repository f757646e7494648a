// "Add EV charging to an existing project", pure: merges the EV-charging library
// (templates, symbols when the library has them, views, alarm rules) into a project without
// overwriting what the project already has, and lays out ground-plan views sized to the stations.
//
// Merge rule, for every kind of item (matched by id): a new id is added; an id the project has
// with the same content is left alone (unchanged); an id the project has with other content is the
// project's customisation and is kept (reported). Merging twice changes nothing the second time.
import type { GroundPlanView, PlanSymbol, ProjectAlarmRule, ProjectFileV2, StationInstance, StationTemplate } from '../../src-shared/project/index.ts';
import type { AddChargingReport, AddChargingRequest, MergeOutcome } from '../../src-shared/api/templates.ts';
import { ProjectError } from './errors.ts';
import type { ProjectProblem } from './schema.ts';
import { derivePassword, expandPattern, gridPositions } from './generator.ts';

/** Stations one ground-plan view shows before a selector is needed (the plan screen's limit). */
export const VIEW_STATION_LIMIT = 150;

/** What the EV-charging library brings. `symbols` is merged only when present. */
export interface ChargingLibrary {
  templates: StationTemplate[];
  alarmRules: ProjectAlarmRule[];
  /** Fixed views of the library, besides the ones laid out per park. */
  views?: GroundPlanView[];
  symbols?: PlanSymbol[];
}

/** Same JSON value, whatever the key order. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (Array.isArray(a) || Array.isArray(b)) return Array.isArray(a) && Array.isArray(b) && a.length === b.length && a.every((v, i) => sameJson(v, b[i]));
  if (typeof a !== 'object' || typeof b !== 'object' || a === null || b === null) return false;
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const ka = Object.keys(ra).filter((k) => ra[k] !== undefined);
  const kb = Object.keys(rb).filter((k) => rb[k] !== undefined);
  return ka.length === kb.length && ka.every((k) => Object.hasOwn(rb, k) && sameJson(ra[k], rb[k]));
}

/** The project's items with the library's new ones appended; the project's own items are never replaced. */
function mergeById<T extends { id: string }>(own: readonly T[], incoming: readonly T[]): { items: T[]; outcome: MergeOutcome } {
  const items = own.map((item) => structuredClone(item));
  const byId = new Map(items.map((item) => [item.id, item]));
  const outcome: MergeOutcome = { added: [], kept: [], unchanged: [] };
  for (const item of incoming) {
    const existing = byId.get(item.id);
    if (!existing) {
      const copy = structuredClone(item);
      items.push(copy);
      byId.set(item.id, copy);
      outcome.added.push(item.id);
    } else if (sameJson(existing, item)) outcome.unchanged.push(item.id);
    else outcome.kept.push(item.id);
  }
  return { items, outcome };
}

function shortId(base: string, suffix: string): string {
  return `${base.slice(0, 48 - suffix.length)}${suffix}`;
}

/**
 * Ground-plan views for the project's parks: one plan per park (`<park>-plan`, the park's stations at
 * their positions). A park with more stations than VIEW_STATION_LIMIT also gets pages of at most that
 * many stations (`<park>-plan-p1`, ...), laid out in a grid, which its plan links to as a selector.
 * Parks the project already draws in a view of its own (another id naming the park) get none.
 */
export function chargingViews(project: ProjectFileV2): GroundPlanView[] {
  const views: GroundPlanView[] = [];
  for (const site of project.sites) {
    for (const park of site.parks) {
      const id = shortId(park.id, '-plan');
      if ((project.views ?? []).some((v) => v.park === park.id && v.id !== id)) continue;
      const name = park.name || park.id;
      const stations = park.stations.map((s) => s.id);
      if (stations.length <= VIEW_STATION_LIMIT) {
        views.push({ id, name, park: park.id });
        continue;
      }
      const pageCount = Math.ceil(stations.length / VIEW_STATION_LIMIT);
      const pages: GroundPlanView[] = [];
      for (let p = 0; p < pageCount; p++) {
        const slice = stations.slice(p * VIEW_STATION_LIMIT, (p + 1) * VIEW_STATION_LIMIT);
        const positions = gridPositions(slice.length);
        pages.push({
          id: shortId(park.id, `-plan-p${p + 1}`),
          name: `${name} (${p + 1}/${pageCount}: ${slice[0]} … ${slice.at(-1)})`,
          placements: slice.map((station, i) => ({ station, x: positions[i]?.x ?? 50, y: positions[i]?.y ?? 50 })),
        });
      }
      views.push({ id, name, park: park.id, links: pages.map((v) => v.id) }, ...pages);
    }
  }
  return views;
}

/**
 * Instantiates the chargers asked for into their parks of `next` (templates from `templates`, the
 * project's merged with the library's). New stations get no position: on a park already laid out
 * they wait in the plan's unplaced list; a park with no position at all is laid out automatically.
 * Returns the new station ids; throws ProjectError naming every faulty field of the request.
 */
function addChargers(next: ProjectFileV2, templates: readonly StationTemplate[], sizing: AddChargingRequest): string[] {
  const problems: ProjectProblem[] = [];
  const byId = new Map(templates.map((t) => [t.id, t]));
  const taken = new Set(next.sites.flatMap((site) => site.parks.flatMap((park) => park.stations.map((st) => st.id))));
  const made: string[] = [];
  let needSeed = 0;
  for (const [i, batch] of (sizing.chargers ?? []).entries()) {
    const at = `/chargers/${i}`;
    const park = next.sites.flatMap((site) => site.parks).find((p) => p.id === batch.parkId);
    if (!park) {
      const parks = next.sites.flatMap((site) => site.parks.map((p) => p.id));
      problems.push({ pointer: `${at}/parkId`, message: `"${batch.parkId}" is not a park of the project (parks: ${parks.join(', ') || 'none'})` });
      continue;
    }
    const template = byId.get(batch.template);
    if (!template) problems.push({ pointer: `${at}/template`, message: `"${batch.template}" is not a template of the project or of the library` });
    if (!park.groups.some((g) => g.id === batch.group)) {
      problems.push({ pointer: `${at}/group`, message: `"${batch.group}" is not a group of park ${park.id} (groups: ${park.groups.map((g) => g.id).join(', ') || 'none'})` });
    }
    const expanded = expandPattern(batch.pattern, batch.count);
    if (!expanded.ok) {
      problems.push({ pointer: `${at}/pattern`, message: `"${batch.pattern}" ${expanded.problem}` });
      continue;
    }
    const clashes = expanded.ids.filter((id) => taken.has(id));
    if (clashes.length > 0) {
      const shown = clashes.slice(0, 5).map((id) => `"${id}"`).join(', ') + (clashes.length > 5 ? ` and ${clashes.length - 5} more` : '');
      problems.push({ pointer: `${at}/pattern`, message: `"${batch.pattern}" makes station id${clashes.length === 1 ? '' : 's'} ${shown} that the project already has: station ids must be unique` });
      continue;
    }
    if (!template || problems.length > 0) {
      for (const id of expanded.ids) taken.add(id);
      continue;
    }
    const withPassword = template.securityProfile === 1 || template.securityProfile === 2;
    if (withPassword && sizing.passwordSeed === undefined) needSeed += expanded.ids.length;
    for (const id of expanded.ids) {
      taken.add(id);
      const station: StationInstance = { id, template: template.id, group: batch.group };
      if (withPassword && sizing.passwordSeed !== undefined) station.password = derivePassword(sizing.passwordSeed, id);
      park.stations.push(station);
      made.push(id);
    }
  }
  if (needSeed > 0) {
    problems.push({ pointer: '/passwordSeed', message: `is required: ${needSeed} charger${needSeed === 1 ? '' : 's'} use security profile 1 or 2, which needs a password per station` });
  }
  if (problems.length > 0) throw new ProjectError('the chargers to add', problems, 'cannot be instantiated');
  return made;
}

function homeId(project: ProjectFileV2): string {
  const taken = new Set((project.views ?? []).map((v) => v.id));
  let id = 'home';
  for (let n = 2; taken.has(id); n++) id = `home-${n}`;
  return id;
}

/**
 * The project with the library merged in (see the merge rule above) and the report of what was
 * added, kept and already there. The home view links the views added now (a home view is made when
 * the project has none). Pure; the result still has to be validated before it is saved.
 */
export function mergeLibrary(project: ProjectFileV2, library: ChargingLibrary, sizing: AddChargingRequest = {}): { project: ProjectFileV2; report: AddChargingReport } {
  const next = structuredClone(project);
  const templates = mergeById(project.templates, library.templates);
  next.templates = templates.items;
  // The engineer's chargers, instantiated before the views are laid out for the new station counts.
  const stations = sizing.chargers && sizing.chargers.length > 0 ? addChargers(next, templates.items, sizing) : null;
  const rules = mergeById(project.alarmRules ?? [], library.alarmRules);
  if (rules.items.length > 0) next.alarmRules = rules.items;

  // Views: the library's own, then one per park laid out for its station count.
  const incomingViews = [...(library.views ?? []), ...chargingViews(next)];
  const views = mergeById(project.views ?? [], incomingViews);
  const homeLinks: string[] = [];
  const topLevel = new Set(incomingViews.filter((v) => v.park !== undefined || (library.views ?? []).includes(v)).map((v) => v.id));
  const toLink = views.outcome.added.filter((id) => topLevel.has(id));
  let home = views.items.find((v) => v.home === true);
  if (!home && toLink.length > 0) {
    home = { id: homeId(next), name: project.name, home: true, links: [] };
    views.items.unshift(home);
    views.outcome.added.unshift(home.id);
  }
  if (home) {
    const links = home.links ?? [];
    for (const id of toLink) {
      if (id === home.id || links.includes(id)) continue;
      links.push(id);
      homeLinks.push(id);
    }
    if (links.length > 0) home.links = links;
  }
  if (views.items.length > 0) next.views = views.items;

  const report: AddChargingReport = { ...(stations ? { stations } : {}), templates: templates.outcome, views: views.outcome, alarmRules: rules.outcome, homeLinks, changed: false };
  if (library.symbols !== undefined) {
    const symbols = mergeById(next.symbols ?? [], library.symbols);
    if (symbols.items.length > 0) next.symbols = symbols.items;
    report.symbols = symbols.outcome;
  }
  report.changed = !sameJson(project, next);
  return { project: next, report };
}
