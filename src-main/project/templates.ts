// Template instantiation: a station's effective declaration is its template's values, overridden by
// the instance's own. Pure, apart from loadTemplateLibrary (reads assets/templates).
import { loadJsonLibrary } from './json-library.ts';
import { resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type {
  GroundPlanView,
  ProjectAlarmRule,
  ProjectFileV2,
  ResolvedConnector,
  ResolvedProject,
  ResolvedStation,
  ResolvedView,
  StationInstance,
  StationOverrides,
  StationTemplate,
  StationTemplateValues,
  ViewPlacement,
} from '../../src-shared/project/index.ts';
import { ProjectError } from './errors.ts';
import { type ProjectProblem, schemaProblems, stationTemplateSchema } from './schema.ts';

/** Template fields an instance may override, in the order they are reported. */
export const OVERRIDABLE_FIELDS = [
  'vendor',
  'model',
  'kind',
  'maxPowerW',
  'supplyMaxPowerW',
  'phases',
  'maxCurrentA',
  'efficiency',
  'connectors',
  'securityProfile',
  'configuration',
  'symbol',
  'alarmRules',
] as const satisfies readonly (keyof StationOverrides)[];

/** Instance rules replace template rules of the same id; others are added after. */
function mergeRules(base: readonly ProjectAlarmRule[], own: readonly ProjectAlarmRule[]): ProjectAlarmRule[] {
  const ownById = new Map(own.map((r) => [r.id, r]));
  const merged = base.map((r) => structuredClone(ownById.get(r.id) ?? r));
  const baseIds = new Set(base.map((r) => r.id));
  for (const rule of own) if (!baseIds.has(rule.id)) merged.push(structuredClone(rule));
  return merged;
}

/** The values a station gets: the template's, then each override given by the instance. */
export function effectiveValues(template: StationTemplateValues, overrides: StationOverrides = {}): StationTemplateValues {
  const values: StationTemplateValues = structuredClone(template);
  const target = values as unknown as Record<string, unknown>;
  for (const field of OVERRIDABLE_FIELDS) {
    const own = overrides[field];
    if (own === undefined) continue;
    if (field === 'configuration') values.configuration = { ...(template.configuration ?? {}), ...(overrides.configuration ?? {}) };
    else if (field === 'alarmRules') values.alarmRules = mergeRules(template.alarmRules ?? [], overrides.alarmRules ?? []);
    else target[field] = structuredClone(own);
  }
  return values;
}

function connectorsOf(values: StationTemplateValues): ResolvedConnector[] {
  return values.connectors.map((c, i) => ({
    id: i + 1,
    ...(c.type !== undefined ? { type: c.type } : {}),
    maxPowerW: c.maxPowerW ?? values.maxPowerW,
    ...(c.label !== undefined ? { label: c.label } : {}),
  }));
}

/** One station's effective declaration. */
export function resolveStation(
  instance: StationInstance,
  template: StationTemplate,
  place: { site: string; park: string },
): ResolvedStation {
  const values = effectiveValues(template, instance.overrides);
  const overridden: string[] = OVERRIDABLE_FIELDS.filter((f) => instance.overrides?.[f] !== undefined);
  if (instance.protocol !== undefined) overridden.unshift('protocol');
  const optional = <K extends keyof ResolvedStation>(key: K, value: ResolvedStation[K] | undefined): Partial<ResolvedStation> =>
    value === undefined ? {} : ({ [key]: value } as Partial<ResolvedStation>);
  return {
    id: instance.id,
    ...optional('name', instance.name),
    site: place.site,
    park: place.park,
    group: instance.group,
    template: template.id,
    protocol: instance.protocol ?? values.protocol,
    ...optional('password', instance.password),
    ...optional('position', instance.position ? { ...instance.position } : undefined),
    ...optional('vendor', values.vendor),
    ...optional('model', values.model),
    kind: values.kind,
    maxPowerW: values.maxPowerW,
    ...optional('supplyMaxPowerW', values.supplyMaxPowerW),
    ...optional('phases', values.phases),
    ...optional('maxCurrentA', values.maxCurrentA),
    ...optional('efficiency', values.efficiency),
    connectors: connectorsOf(values),
    ...optional('securityProfile', values.securityProfile),
    configuration: values.configuration ?? {},
    ...optional('symbol', values.symbol),
    alarmRules: values.alarmRules ?? [],
    overridden,
  };
}

function resolveView(view: GroundPlanView, stations: readonly ResolvedStation[]): ResolvedView {
  const placements = new Map<string, ViewPlacement>();
  if (view.park !== undefined) {
    for (const s of stations) if (s.park === view.park && s.position) placements.set(s.id, { station: s.id, x: s.position.x, y: s.position.y });
  }
  for (const p of view.placements ?? []) placements.set(p.station, { ...p });
  return { ...structuredClone(view), effectivePlacements: [...placements.values()] };
}

/**
 * Every station's effective declaration and every view's effective placements. The project must be
 * valid (validateV2); a station naming an unknown template is reported as a ProjectError anyway.
 */
export function resolveProject(project: ProjectFileV2, sourceFormatVersion: number = project.formatVersion): ResolvedProject {
  const templates = new Map(project.templates.map((t) => [t.id, t]));
  const stations: ResolvedStation[] = [];
  const problems: ProjectProblem[] = [];
  for (const [si, site] of project.sites.entries()) {
    for (const [pi, park] of site.parks.entries()) {
      for (const [i, instance] of park.stations.entries()) {
        const template = templates.get(instance.template);
        if (!template) {
          problems.push({ pointer: `/sites/${si}/parks/${pi}/stations/${i}/template`, message: `"${instance.template}" is not a template of the project` });
          continue;
        }
        stations.push(resolveStation(instance, template, { site: site.id, park: park.id }));
      }
    }
  }
  if (problems.length > 0) throw new ProjectError('project', problems);
  return {
    project,
    sourceFormatVersion,
    stations,
    views: (project.views ?? []).map((v) => resolveView(v, stations)),
  };
}

/**
 * The alarm rules the alarms service should run: the project's own, then each template rule scoped to
 * the stations that use it. Stations whose effective rule is identical share one rule (id = the
 * template rule's id); variants get "<id>~2", "<id>~3"... in order of first station.
 */
export function effectiveAlarmRules(resolved: ResolvedProject): ProjectAlarmRule[] {
  const rules: ProjectAlarmRule[] = (resolved.project.alarmRules ?? []).map((r) => structuredClone(r));
  const taken = new Set(rules.map((r) => r.id));
  const variants = new Map<string, { rule: ProjectAlarmRule; stationIds: string[] }>();
  const perId = new Map<string, number>();
  for (const station of resolved.stations) {
    for (const rule of station.alarmRules) {
      const key = JSON.stringify([rule.id, rule]);
      let variant = variants.get(key);
      if (!variant) {
        const n = (perId.get(rule.id) ?? 0) + 1;
        perId.set(rule.id, n);
        let ruleId = n === 1 ? rule.id : `${rule.id}~${n}`;
        while (taken.has(ruleId)) ruleId = `${ruleId}~`;
        taken.add(ruleId);
        variant = { rule: { ...structuredClone(rule), id: ruleId }, stationIds: [] };
        variants.set(key, variant);
      }
      variant.stationIds.push(station.id);
    }
  }
  for (const { rule, stationIds } of variants.values()) rules.push({ ...rule, scope: { stationIds } });
  return rules;
}

// ---------------------------------------------------------------------------------------------
// Template library (assets/templates/*.json)

export const DEFAULT_TEMPLATE_DIR = resolve(fileURLToPath(import.meta.url), '../../../assets/templates');

/** Problems of one template document (schema + unique alarm rule ids). */
export function templateProblems(data: unknown): ProjectProblem[] {
  const problems = schemaProblems(stationTemplateSchema, data);
  if (problems.length > 0) return problems;
  const seen = new Set<string>();
  for (const [i, rule] of ((data as StationTemplate).alarmRules ?? []).entries()) {
    if (seen.has(rule.id)) problems.push({ pointer: `/alarmRules/${i}/id`, message: `"${rule.id}" is declared twice` });
    seen.add(rule.id);
  }
  return problems;
}

/** Reads and validates every *.json of a template folder, sorted by file name; ids must be unique. */
export function loadTemplateLibrary(dir: string = DEFAULT_TEMPLATE_DIR): StationTemplate[] {
  return loadJsonLibrary<StationTemplate>(dir, 'station template', templateProblems);
}
